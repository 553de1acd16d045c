"""Ollama's native embeddings: ``POST /api/embed``.

Request (https://docs.ollama.com/api/embed, ``EmbedRequest`` in Ollama's OpenAPI)::

    {"model", "input": [texts], "truncate"?, "dimensions"?, "keep_alive"?, "options"?}

* ``input`` is always a list (the API also takes one string; a list keeps one shape).
* ``input_type``: refused. ``/api/embed`` has no task type; models trained with
  prefixes (``nomic-embed-text``: ``search_query: ``/``search_document: ``) expect
  them *in the text*, which is the caller's to write.
* ``truncate``: ``None`` is Ollama's default (``true``: a too-long text is cut to the
  context length, keeping its start — the server keeps ``tokens[:ctxLen]``); ``end``
  → ``truncate: true``; ``error`` → ``truncate: false`` (the server then answers 400);
  ``start`` has no counterpart and is refused.
* ``dimensions`` → ``dimensions`` (the server cuts the vector and normalizes it again).
* ``embedding_type``: ``float`` only.
* The provider's ``keep_alive`` and ``options`` settings are sent as for chat;
  ``provider_options={"ollama": {...}}`` is merged into the body last.
* Texts per request: Ollama documents no limit (the server embeds a request's texts
  in parallel); we send at most :data:`MAX_EMBED_TEXTS` a request — our choice, so
  that one call of many thousands of texts is many requests of bounded time (each
  within the default timeouts) rather than one.

Answer: ``embeddings`` (one list of numbers per text, in order); usage from
``prompt_eval_count`` (the tokens of all texts); ``total_duration`` and
``load_duration`` (nanoseconds) go to ``provider_metadata``.
"""

from __future__ import annotations

import math
from typing import Any

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, answer_items, floats, refuse, vector_length
from llmcore.types import Usage

__all__ = ["EMBED_PATH", "MAX_EMBED_TEXTS", "build_embed_body", "parse_embed_response"]

EMBED_PATH = "/api/embed"
#: texts per ``/api/embed`` request (ours: Ollama documents no limit)
MAX_EMBED_TEXTS = 512
PROVIDER = "ollama"
_TRUNCATE = {"end": True, "error": False}


def build_embed_body(
    request: EmbeddingRequest, *, keep_alive: Any = None, default_options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``/api/embed`` body; :class:`~llmcore.errors.UnsupportedFeatureError` (before the
    network) for a parameter Ollama cannot honour."""
    if request.input_type is not None:
        raise refuse(
            PROVIDER,
            "input_type",
            request.input_type,
            "/api/embed has no task type; write the prefix your model expects into the text "
            "(e.g. 'search_query: ' for nomic-embed-text)",
        )
    if request.truncate is not None and request.truncate not in _TRUNCATE:
        raise refuse(
            PROVIDER,
            "truncate",
            request.truncate,
            "Ollama keeps the start of a too-long text (truncate='end') or refuses it (truncate='error')",
        )
    if request.embedding_type != "float":
        raise refuse(PROVIDER, "embedding_type", request.embedding_type, "Ollama returns float vectors only")
    body: dict[str, Any] = {"model": request.model, "input": request.texts}
    if request.truncate is not None:
        body["truncate"] = _TRUNCATE[request.truncate]
    if request.dimensions is not None:
        body["dimensions"] = request.dimensions
    if keep_alive is not None:
        body["keep_alive"] = keep_alive
    if default_options:
        body["options"] = dict(default_options)
    body.update(request.options_for(PROVIDER))
    return body


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def parse_embed_response(data: Any, request: EmbeddingRequest) -> EmbeddingResponse:
    """The vectors in input order and usage; a :class:`ProviderResponseError` for any other shape."""
    items = answer_items(data, "embeddings", request, PROVIDER)
    vectors = [floats(v, PROVIDER) for v in items]
    dims = vector_length(vectors, PROVIDER)
    assert isinstance(data, dict)
    meta = {k: data[k] for k in ("total_duration", "load_duration") if k in data}
    model = data.get("model")
    return EmbeddingResponse(
        vectors=vectors,
        model=model if isinstance(model, str) and model else request.model,
        dimensions=dims,
        usage=Usage(input_tokens=_count(data.get("prompt_eval_count"))),
        provider=PROVIDER,
        provider_metadata=meta,
    )
