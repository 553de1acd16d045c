"""Vertex AI text embeddings: ``POST …/publishers/google/models/{model}:predict``.

Request (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api)::

    {"instances": [{"content": t, "task_type"?}, ...],
     "parameters"?: {"outputDimensionality"?, "autoTruncate"?}}

* ``input_type`` → each instance's ``task_type``: ``query`` → ``RETRIEVAL_QUERY``,
  ``document`` → ``RETRIEVAL_DOCUMENT``, ``classification`` → ``CLASSIFICATION``,
  ``clustering`` → ``CLUSTERING``, ``similarity`` → ``SEMANTIC_SIMILARITY``,
  ``code_query`` → ``CODE_RETRIEVAL_QUERY``; none: no ``task_type`` (the model's default).
* ``dimensions`` → ``parameters.outputDimensionality``.
* ``truncate``: ``None`` is Vertex's default (each text cut to the model's input limit,
  2,048 tokens); ``end`` → ``autoTruncate: true`` (that same cut, asked for); ``error`` →
  ``autoTruncate: false`` (a too-long text is a 400 ``INVALID_ARGUMENT``); ``start`` has no
  counterpart and is refused before the network.
* ``embedding_type``: ``float`` only.
* Limits (the API reference): at most 250 texts and 20,000 input tokens a request, a 400
  beyond; ``gemini-embedding-001`` takes one text a request. The facade splits to these.
* ``provider_options={"vertexai": {...}}`` is merged into ``parameters``.

Answer: ``predictions[i].embeddings.values`` in input order, each with
``statistics.token_count`` (summed for ``usage.input_tokens``) and ``statistics.truncated``
(``provider_metadata["truncated"]`` lists the indices of texts the server cut);
``metadata.billableCharacterCount`` goes to ``provider_metadata``.
"""

from __future__ import annotations

import math
from typing import Any

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, answer_items, floats, refuse, vector_length
from llmcore.errors import ProviderResponseError
from llmcore.types import Usage

__all__ = [
    "MAX_EMBED_TEXTS",
    "MAX_EMBED_TOKENS",
    "TASK_TYPES",
    "build_predict_body",
    "embedding_limits",
    "parse_predict_response",
]

#: texts per ``:predict`` call
MAX_EMBED_TEXTS = 250
#: input tokens per ``:predict`` call, all texts together
MAX_EMBED_TOKENS = 20_000
#: models that take one text a request
_ONE_TEXT_MODELS = ("gemini-embedding-001",)
PROVIDER = "vertexai"
#: neutral ``input_type`` → Vertex ``task_type``
TASK_TYPES = {
    "query": "RETRIEVAL_QUERY",
    "document": "RETRIEVAL_DOCUMENT",
    "classification": "CLASSIFICATION",
    "clustering": "CLUSTERING",
    "similarity": "SEMANTIC_SIMILARITY",
    "code_query": "CODE_RETRIEVAL_QUERY",
}
_AUTO_TRUNCATE = {"end": True, "error": False}


def embedding_limits(model: str) -> tuple[int, int]:
    """``(texts, tokens)`` per ``:predict`` call for ``model``."""
    name = model.rsplit("/", 1)[-1]
    return (1 if name.startswith(_ONE_TEXT_MODELS) else MAX_EMBED_TEXTS), MAX_EMBED_TOKENS


def build_predict_body(request: EmbeddingRequest) -> dict[str, Any]:
    """The ``:predict`` body; :class:`~llmcore.errors.UnsupportedFeatureError` (before the
    network) for a parameter Vertex cannot honour."""
    if request.truncate is not None and request.truncate not in _AUTO_TRUNCATE:
        raise refuse(
            PROVIDER,
            "truncate",
            request.truncate,
            "Vertex AI truncates a too-long text at the end (truncate='end') or refuses it "
            "(truncate='error'); it cannot cut the start",
        )
    if request.embedding_type != "float":
        raise refuse(PROVIDER, "embedding_type", request.embedding_type, "Vertex AI returns float vectors only")
    task = TASK_TYPES[request.input_type] if request.input_type is not None else None
    instances = [{"content": t} if task is None else {"content": t, "task_type": task} for t in request.texts]
    params: dict[str, Any] = {}
    if request.dimensions is not None:
        params["outputDimensionality"] = request.dimensions
    if request.truncate is not None:
        params["autoTruncate"] = _AUTO_TRUNCATE[request.truncate]
    params.update(request.options_for(PROVIDER))
    body: dict[str, Any] = {"instances": instances}
    if params:
        body["parameters"] = params
    return body


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def parse_predict_response(data: Any, request: EmbeddingRequest) -> EmbeddingResponse:
    """The vectors in input order; usage is the sum of the per-text ``token_count`` (``None``
    when any is missing); a :class:`ProviderResponseError` for any other shape."""
    items = answer_items(data, "predictions", request, PROVIDER)
    vectors: list[list[float]] = []
    counts: list[int | None] = []
    truncated: list[int] = []
    for i, item in enumerate(items):
        emb = item.get("embeddings") if isinstance(item, dict) else None
        if not isinstance(emb, dict):
            raise ProviderResponseError("a prediction has no embeddings object", provider=PROVIDER, raw=str(item)[:200])
        vectors.append(floats(emb.get("values"), PROVIDER))
        stats = emb.get("statistics")
        stats = stats if isinstance(stats, dict) else {}
        counts.append(_count(stats.get("token_count")))
        if stats.get("truncated") is True:
            truncated.append(i)
    dims = vector_length(vectors, PROVIDER)
    assert isinstance(data, dict)
    meta: dict[str, Any] = {}
    if isinstance(data.get("metadata"), dict):
        meta.update(data["metadata"])
    if truncated:
        meta["truncated"] = truncated
    tokens = None if None in counts else sum(c for c in counts if c is not None)
    return EmbeddingResponse(
        vectors=vectors,
        model=request.model,
        dimensions=dims,
        usage=Usage(input_tokens=tokens),
        provider=PROVIDER,
        provider_metadata=meta,
    )
