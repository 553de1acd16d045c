"""Hugging Face embeddings: the router's ``feature-extraction`` pipeline and TEI's ``/embed``.

URLs:

* router (default): ``https://router.huggingface.co/hf-inference/models/{model}/pipeline/feature-extraction``
  (the host of the configured base URL; the path is the one huggingface_hub's
  ``InferenceClient.feature_extraction`` uses for the ``hf-inference`` provider);
* tgi mode (a Text Embeddings Inference server or Inference Endpoint at ``base_url``):
  ``{base_url without /v1}/embed``.

Both take the same body (https://huggingface.co/docs/inference-providers/tasks/feature-extraction,
whose schema is generated from TEI's)::

    {"inputs": [texts], "normalize"?, "truncate"?, "truncation_direction"?, "prompt_name"?}

* ``truncate``: ``None`` is the server's default (``false``: a too-long text is an error);
  ``error`` → ``truncate: false``; ``end`` → ``truncate: true, truncation_direction: "Right"``;
  ``start`` → ``truncate: true, truncation_direction: "Left"``.
* ``input_type``: ``query`` → ``prompt_name: "query"``, ``document`` → ``prompt_name:
  "document"`` — the names of the prompts a sentence-transformers model declares in its
  configuration (a model without that prompt answers 4xx, a typed error); the other
  input types have no conventional prompt name and are refused.
* ``dimensions`` and ``embedding_type`` other than ``float``: refused (no such parameter).
* ``provider_options={"huggingface": {...}}`` is merged into the body (e.g. ``{"normalize": false}``).
* At most 32 texts a request: TEI's default ``--max-client-batch-size`` (hf-inference serves
  sentence-transformers models with TEI); the facade splits larger calls.

Answer: a JSON list of vectors, one per text, in order. A list of *token* vectors per
text (what a plain transformers model such as ``facebook/bart-base`` returns: no
pooling) is not a sentence embedding and is a :class:`ProviderResponseError` that says
so. No usage is reported (``usage.input_tokens`` is ``None``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, floats, refuse, vector_length
from llmcore.errors import ProviderResponseError
from llmcore.types import Usage

__all__ = ["MAX_EMBED_TEXTS", "PROMPT_NAMES", "build_embed_body", "embed_url", "parse_embed_response"]

PROVIDER = "huggingface"
#: texts per request (TEI's default ``--max-client-batch-size``)
MAX_EMBED_TEXTS = 32
#: neutral ``input_type`` → sentence-transformers prompt name
PROMPT_NAMES = {"query": "query", "document": "document"}
_TRUNCATE: dict[str, dict[str, Any]] = {
    "error": {"truncate": False},
    "end": {"truncate": True, "truncation_direction": "Right"},
    "start": {"truncate": True, "truncation_direction": "Left"},
}


def embed_url(base_url: str, api: str, model: str) -> str:
    """The feature-extraction URL for ``model`` (router) or the TEI ``/embed`` URL (tgi)."""
    if api == "router":
        u = urlsplit(base_url)
        return f"{u.scheme}://{u.netloc}/hf-inference/models/{quote(model, safe='/')}/pipeline/feature-extraction"
    root = base_url.rstrip("/")
    root = root[: -len("/v1")] if root.endswith("/v1") else root
    return f"{root}/embed"


def build_embed_body(request: EmbeddingRequest) -> dict[str, Any]:
    """The body; :class:`~llmcore.errors.UnsupportedFeatureError` (before the network) for a
    parameter the API cannot honour."""
    if request.dimensions is not None:
        raise refuse(PROVIDER, "dimensions", request.dimensions, "feature-extraction has no output-size parameter")
    if request.embedding_type != "float":
        raise refuse(PROVIDER, "embedding_type", request.embedding_type, "feature-extraction returns floats only")
    body: dict[str, Any] = {"inputs": request.texts}
    if request.input_type is not None:
        prompt = PROMPT_NAMES.get(request.input_type)
        if prompt is None:
            raise refuse(
                PROVIDER,
                "input_type",
                request.input_type,
                "only 'query' and 'document' map to a model's prompt_name; pass another prompt with "
                "provider_options={'huggingface': {'prompt_name': ...}}",
            )
        body["prompt_name"] = prompt
    if request.truncate is not None:
        body.update(_TRUNCATE[request.truncate])
    body.update(request.options_for(PROVIDER))
    return body


def parse_embed_response(data: Any, request: EmbeddingRequest) -> EmbeddingResponse:
    """One vector per text, in order; a :class:`ProviderResponseError` for any other shape."""
    n = len(request.texts)
    if not isinstance(data, list) or len(data) != n:
        got = len(data) if isinstance(data, list) else "no"
        raise ProviderResponseError(f"expected {n} embeddings, got {got}", provider=PROVIDER, raw=str(data)[:500])
    if data and isinstance(data[0], list) and data[0] and isinstance(data[0][0], list):
        raise ProviderResponseError(
            f"{request.model} returned one vector per token, not one per text: it is not a sentence-embedding "
            "model (use a sentence-transformers model, e.g. sentence-transformers/all-MiniLM-L6-v2)",
            provider=PROVIDER,
            raw=str(data)[:200],
        )
    vectors = [floats(v, PROVIDER) for v in data]
    dims = vector_length(vectors, PROVIDER)
    return EmbeddingResponse(vectors=vectors, model=request.model, dimensions=dims, usage=Usage(), provider=PROVIDER)
