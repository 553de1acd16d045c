"""Gemini API embeddings: ``POST models/{model}:batchEmbedContents``.

Request (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents)::

    {"requests": [{"model": "models/{model}", "content": {"parts": [{"text": t}]},
                   "taskType"?, "outputDimensionality"?}, ...]}

one item per text, each naming the same model as the URL. We always use the batch
method, also for one text: one code path, and it is what every recorded client sends
(no recording of the single ``:embedContent`` exists). The per-item ``taskType`` and
``outputDimensionality`` fields are the ones every client and recording uses; Google's
Discovery document marks them deprecated in favour of ``embedContentConfig`` but
still declares them.

* ``input_type`` → ``taskType``: ``query`` → ``RETRIEVAL_QUERY``, ``document`` →
  ``RETRIEVAL_DOCUMENT``, ``classification`` → ``CLASSIFICATION``, ``clustering`` →
  ``CLUSTERING``, ``similarity`` → ``SEMANTIC_SIMILARITY``, ``code_query`` →
  ``CODE_RETRIEVAL_QUERY``; none: no ``taskType`` (the model's default).
* ``dimensions`` → ``outputDimensionality`` (the API cuts the vector from the end).
* ``truncate``: refused for every explicit value. The Gemini API has no truncation
  setting: ``autoTruncate`` exists on Vertex AI only (Google's own SDK, google-genai,
  raises "auto_truncate parameter is not supported in Gemini API"), and the API's
  behaviour on a too-long text is not documented, so no value can be promised.
* ``embedding_type``: ``float`` only (``ContentEmbedding.values``).
* At most 100 texts a call: the server's limit, not in the reference but observed
  (a larger call is a 400 "BatchEmbedContentsRequest.requests: at most 100 requests
  can be in one batch", langchain-ai/langchainjs#4491; vercel/ai#16575 and
  weaviate/weaviate#11277 lowered their Gemini batch sizes to 100 for it).
* ``provider_options={"gemini": {...}}`` is merged into every request item (e.g.
  ``{"title": "..."}`` for ``RETRIEVAL_DOCUMENT``).

Answer: ``embeddings[i].values`` in input order; ``usageMetadata.promptTokenCount``
when the API reports it (gemini-embedding-2 does; gemini-embedding-001's recorded
answers carry no usage, so ``usage.input_tokens`` is then ``None``).
"""

from __future__ import annotations

import math
from typing import Any

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, answer_items, floats, refuse, vector_length
from llmcore.types import Usage

__all__ = ["MAX_EMBED_TEXTS", "TASK_TYPES", "build_batch_embed_body", "model_name", "parse_batch_embed_response"]

#: texts per ``batchEmbedContents`` call
MAX_EMBED_TEXTS = 100
#: neutral ``input_type`` → Gemini ``TaskType``
TASK_TYPES = {
    "query": "RETRIEVAL_QUERY",
    "document": "RETRIEVAL_DOCUMENT",
    "classification": "CLASSIFICATION",
    "clustering": "CLUSTERING",
    "similarity": "SEMANTIC_SIMILARITY",
    "code_query": "CODE_RETRIEVAL_QUERY",
}


def model_name(model: str) -> str:
    """The resource name (``models/{model}``; ``models/…`` and ``tunedModels/…`` as given)."""
    return model if model.startswith(("models/", "tunedModels/")) else f"models/{model}"


def build_batch_embed_body(request: EmbeddingRequest, provider: str) -> dict[str, Any]:
    """The ``batchEmbedContents`` body; :class:`~llmcore.errors.UnsupportedFeatureError`
    (before the network) for a parameter the Gemini API cannot honour."""
    if request.truncate is not None:
        raise refuse(
            provider,
            "truncate",
            request.truncate,
            "the Gemini API has no truncation setting (autoTruncate is Vertex AI only); leave truncate unset",
        )
    if request.embedding_type != "float":
        raise refuse(provider, "embedding_type", request.embedding_type, "the Gemini API returns float vectors only")
    common: dict[str, Any] = {"model": model_name(request.model)}
    if request.input_type is not None:
        common["taskType"] = TASK_TYPES[request.input_type]  # every neutral input type has a task type
    if request.dimensions is not None:
        common["outputDimensionality"] = request.dimensions
    extra = request.options_for(provider)
    return {"requests": [{**common, "content": {"parts": [{"text": t}]}, **extra} for t in request.texts]}


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def parse_batch_embed_response(data: Any, request: EmbeddingRequest, provider: str) -> EmbeddingResponse:
    """The vectors in input order and usage; a :class:`ProviderResponseError` for any other shape."""
    items = answer_items(data, "embeddings", request, provider)
    vectors: list[list[float]] = []
    for item in items:
        values = item.get("values") if isinstance(item, dict) else None
        vectors.append(floats(values, provider))
    dims = vector_length(vectors, provider)
    assert isinstance(data, dict)
    usage = data.get("usageMetadata")
    meta: dict[str, Any] = {"usageMetadata": usage} if isinstance(usage, dict) else {}
    tokens = _count(usage.get("promptTokenCount")) if isinstance(usage, dict) else None
    return EmbeddingResponse(
        vectors=vectors,
        model=request.model,
        dimensions=dims,
        usage=Usage(input_tokens=tokens),
        provider=provider,
        provider_metadata=meta,
    )
