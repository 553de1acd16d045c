"""Aleph Alpha semantic embeddings: ``POST /batch_semantic_embed``
(https://docs.aleph-alpha.com/api/batch-semantic-embed).

Request: ``{"model", "prompts": [texts], "representation", "compress_to_size"?}``.
``representation`` from ``input_type``: ``query`` → ``"query"``, ``document`` → ``"document"``
(the asymmetric pair for search), ``similarity``/``clustering``/``classification`` or none →
``"symmetric"`` (the general-purpose one); ``code_query`` is refused. ``dimensions``: only
``128`` (``compress_to_size``; every model supports it), anything else is refused — the full
size is the model's own (5,120 for ``luminous-base``). No truncation setting and float vectors
only: refused. ``provider_options={"aleph_alpha": {...}}`` is merged (``normalize``, ``hosting``,
...). At most 100 prompts a request (the batch size of Aleph Alpha's Python client).

Answer: ``{"model_version", "embeddings": [[floats]], "num_tokens_prompt_total"}``.
"""

from __future__ import annotations

from typing import Any

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, answer_items, floats, refuse, vector_length
from llmcore.types import Usage

__all__ = ["MAX_PROMPTS", "PATH", "REPRESENTATIONS", "build_body", "parse_response"]

PROVIDER = "aleph_alpha"
PATH = "batch_semantic_embed"
MAX_PROMPTS = 100
#: neutral ``input_type`` → Aleph Alpha's ``representation``
REPRESENTATIONS = {
    "query": "query",
    "document": "document",
    "similarity": "symmetric",
    "clustering": "symmetric",
    "classification": "symmetric",
}


def build_body(request: EmbeddingRequest) -> dict[str, Any]:
    """The body; :class:`~llmcore.errors.UnsupportedFeatureError` for what the API cannot do."""
    representation = REPRESENTATIONS.get(request.input_type) if request.input_type else "symmetric"
    if representation is None:
        raise refuse(
            PROVIDER, "input_type", request.input_type, "Aleph Alpha's representations are query, document, symmetric"
        )
    if request.truncate is not None:
        raise refuse(PROVIDER, "truncate", request.truncate, "semantic embeddings have no truncation setting")
    if request.embedding_type != "float":
        raise refuse(PROVIDER, "embedding_type", request.embedding_type, "Aleph Alpha returns float vectors only")
    body: dict[str, Any] = {"model": request.model, "prompts": request.texts, "representation": representation}
    if request.dimensions is not None:
        if request.dimensions != 128:
            raise refuse(
                PROVIDER,
                "dimensions",
                request.dimensions,
                "semantic embeddings come at the model's full size or compressed to 128",
            )
        body["compress_to_size"] = 128
    body.update(request.options_for(PROVIDER))
    return body


def parse_response(data: Any, request: EmbeddingRequest) -> EmbeddingResponse:
    """One vector per text, in order; a :class:`ProviderResponseError` for any other shape."""
    items = answer_items(data, "embeddings", request, PROVIDER)
    vectors = [floats(v, PROVIDER) for v in items]
    dims = vector_length(vectors, PROVIDER)
    assert isinstance(data, dict)
    n = data.get("num_tokens_prompt_total")
    version = data.get("model_version")
    return EmbeddingResponse(
        vectors=vectors,
        model=request.model,
        dimensions=dims,
        usage=Usage(input_tokens=n if isinstance(n, int) and not isinstance(n, bool) else None),
        provider=PROVIDER,
        provider_metadata={"model_version": version} if isinstance(version, str) else {},
    )
