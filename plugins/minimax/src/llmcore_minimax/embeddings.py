"""MiniMax embeddings: ``POST {base}/embeddings[?GroupId=...]`` in MiniMax's own shape
(https://www.minimaxi.com/document/guides/Embeddings; not OpenAI's).

Request: ``{"model": "embo-01", "texts": [texts], "type": "db" | "query"}``. MiniMax embeds
documents and queries differently and requires ``type``: ``input_type="query"`` → ``"query"``,
``"document"`` or none → ``"db"`` (the side that is stored); the other input types are refused.
``embo-01`` has a fixed size (1,536): ``dimensions`` is refused, as are ``truncate`` (no such
setting) and non-float types. The ``GroupId`` query parameter (older accounts need it) is sent
when the option ``group_id`` or ``$MINIMAX_GROUP_ID`` gives one.

Answer: ``{"vectors": [[floats]], "total_tokens": n, "base_resp": {"status_code": 0, ...}}``;
a non-zero ``base_resp`` is the typed error of :mod:`.errors` (checked before this module).
"""

from __future__ import annotations

from typing import Any

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, answer_items, floats, refuse, vector_length
from llmcore.types import Usage

__all__ = ["MAX_TEXTS", "TYPES", "build_body", "parse_response"]

PROVIDER = "minimax"
#: texts a request (the limit MiniMax's SDK integrations document)
MAX_TEXTS = 4096
#: neutral ``input_type`` → MiniMax's ``type``
TYPES = {"query": "query", "document": "db"}


def build_body(request: EmbeddingRequest) -> dict[str, Any]:
    """The body; :class:`~llmcore.errors.UnsupportedFeatureError` for what the API cannot do."""
    kind = TYPES.get(request.input_type or "document")
    if kind is None:
        raise refuse(PROVIDER, "input_type", request.input_type, "MiniMax embeds queries or stored documents (db) only")
    if request.dimensions is not None:
        raise refuse(PROVIDER, "dimensions", request.dimensions, "MiniMax's embedding model has a fixed size")
    if request.truncate is not None:
        raise refuse(PROVIDER, "truncate", request.truncate, "the embeddings API has no truncation setting")
    if request.embedding_type != "float":
        raise refuse(PROVIDER, "embedding_type", request.embedding_type, "MiniMax returns float vectors only")
    body: dict[str, Any] = {"model": request.model, "texts": request.texts, "type": kind}
    body.update(request.options_for(PROVIDER))
    return body


def parse_response(data: Any, request: EmbeddingRequest) -> EmbeddingResponse:
    """One vector per text, in order; a :class:`ProviderResponseError` for any other shape."""
    vectors_raw = answer_items(data, "vectors", request, PROVIDER)
    vectors = [floats(v, PROVIDER) for v in vectors_raw]
    dims = vector_length(vectors, PROVIDER)
    assert isinstance(data, dict)
    n = data.get("total_tokens")
    return EmbeddingResponse(
        vectors=vectors,
        model=request.model,
        dimensions=dims,
        usage=Usage(input_tokens=n if isinstance(n, int) and not isinstance(n, bool) else None),
        provider=PROVIDER,
    )
