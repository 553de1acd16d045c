"""Cohere ``POST /v2/embed`` and ``POST /v2/rerank``: request bodies and answers.

Embed request: ``{"model", "texts", "input_type", "embedding_types": [type],
"output_dimension"?, "truncate"?}`` (https://docs.cohere.com/v2/reference/embed).

* ``input_type``: ``query`` → ``search_query``, ``document`` → ``search_document``,
  ``classification``, ``clustering``; ``similarity`` and ``code_query`` have no
  Cohere counterpart and are refused. Cohere *requires* an input type for v3 and
  later models; when none is given we send ``search_document`` (what LangChain's
  and ruby_llm's Cohere embedders send for documents), the usual case of embedding
  a corpus.
* ``embedding_type`` → ``embedding_types: [type]`` (``float`` by default; ``int8``,
  ``uint8``, ``binary``, ``ubinary`` as Cohere's JSON integers). We do not ask for
  Cohere's ``base64`` type: its reference says only "the float embedding bytes
  appended and base64-encoded", without the width or byte order, and no recording
  shows one, so decoding it exactly cannot be promised.
* ``dimensions`` → ``output_dimension`` (``embed-v4.0`` and later: 256, 512, 1024,
  1536); refused for the v2/v3 models, which cannot shorten.
* ``truncate``: ``None`` is Cohere's default (``END``); ``error`` → ``NONE``,
  ``end`` → ``END``, ``start`` → ``START``.
* At most 96 texts a call (the facade splits larger calls).

Answer: ``embeddings.<type>`` (one vector per text, in order), usage from
``meta.billed_units.input_tokens``; the rest of ``billed_units`` and the ``id``
go to ``provider_metadata``, ``meta.warnings`` to the response's warnings.

Rerank request: ``{"model", "query", "documents", "top_n"?}``; answer
``results[{index, relevance_score}]`` (best first), billed ``search_units`` in
``provider_metadata``. ``provider_options={"cohere": {...}}`` is merged into
either body (``max_tokens``, ``max_tokens_per_doc``, ``priority``).
"""

from __future__ import annotations

import math
from typing import Any

from llmcore.embeddings import (
    EmbeddingRequest,
    EmbeddingResponse,
    RerankRequest,
    RerankResponse,
    RerankResult,
    floats,
    refuse,
    vector_length,
)
from llmcore.errors import ProviderResponseError
from llmcore.types import CallWarning, Usage

__all__ = [
    "EMBED_PATH",
    "RERANK_PATH",
    "MAX_EMBED_TEXTS",
    "build_embed_body",
    "parse_embed_response",
    "build_rerank_body",
    "parse_rerank_response",
]

EMBED_PATH = "/v2/embed"
RERANK_PATH = "/v2/rerank"
#: texts per ``/v2/embed`` call (the API reference's ``maxItems``)
MAX_EMBED_TEXTS = 96
PROVIDER = "cohere"

_INPUT_TYPES = {
    "query": "search_query",
    "document": "search_document",
    "classification": "classification",
    "clustering": "clustering",
}
_TRUNCATE = {"error": "NONE", "end": "END", "start": "START"}
#: models that cannot shorten their vectors (``output_dimension`` is embed-v4.0 and later)
_FIXED_DIMENSION_MARKERS = ("-v2.0", "-v3.0")


def build_embed_body(request: EmbeddingRequest) -> dict[str, Any]:
    """The ``/v2/embed`` body; :class:`~llmcore.errors.UnsupportedFeatureError` (before the
    network) for a parameter Cohere cannot honour."""
    input_type = "search_document" if request.input_type is None else _INPUT_TYPES.get(request.input_type)
    if input_type is None:
        raise refuse(
            PROVIDER, "input_type", request.input_type, f"Cohere's input types map from {', '.join(_INPUT_TYPES)}"
        )
    body: dict[str, Any] = {
        "model": request.model,
        "texts": request.texts,
        "input_type": input_type,
        "embedding_types": [request.embedding_type],
    }
    if request.dimensions is not None:
        if any(m in request.model for m in _FIXED_DIMENSION_MARKERS):
            raise refuse(
                PROVIDER,
                "dimensions",
                request.dimensions,
                f"{request.model} has a fixed size; output_dimension needs embed-v4.0 or later",
            )
        body["output_dimension"] = request.dimensions
    if request.truncate is not None:
        body["truncate"] = _TRUNCATE[request.truncate]
    body.update(request.options_for(PROVIDER))
    return body


def _ints(value: Any, embedding_type: str) -> list[int]:
    lo, hi = (-128, 127) if embedding_type in ("int8", "binary") else (0, 255)
    if type(value) is list and set(map(type, value)) <= {int} and all(lo <= x <= hi for x in value):
        return value
    raise ProviderResponseError(
        f"a {embedding_type} embedding is not a list of integers in [{lo}, {hi}]: {str(value)[:80]}",
        provider=PROVIDER,
    )


def _count(value: Any) -> int | None:
    """A billed count (a JSON number) as an int, or ``None``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def _meta(data: dict[str, Any]) -> tuple[dict[str, Any], list[CallWarning], dict[str, Any]]:
    """``(billed_units, warnings, provider_metadata)`` of an answer's ``meta``."""
    meta = data.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    billed = meta.get("billed_units")
    billed = billed if isinstance(billed, dict) else {}
    warnings = [CallWarning(feature="cohere", detail=w) for w in meta.get("warnings") or () if isinstance(w, str)]
    out: dict[str, Any] = {}
    if isinstance(data.get("id"), str):
        out["id"] = data["id"]
    if billed:
        out["billed_units"] = billed
    return billed, warnings, out


def parse_embed_response(data: Any, request: EmbeddingRequest) -> EmbeddingResponse:
    """The vectors of the asked type in input order; a :class:`ProviderResponseError` for any other shape."""
    etype = request.embedding_type
    embeddings = data.get("embeddings") if isinstance(data, dict) else None
    items = embeddings.get(etype) if isinstance(embeddings, dict) else None
    if not isinstance(items, list) or len(items) != len(request.texts):
        got = len(items) if isinstance(items, list) else "no"
        raise ProviderResponseError(
            f"expected {len(request.texts)} {etype} embeddings, got {got}", provider=PROVIDER, raw=str(data)[:500]
        )
    vectors: list[Any] = [floats(v, PROVIDER) if etype == "float" else _ints(v, etype) for v in items]
    dims = vector_length(vectors, PROVIDER)
    assert isinstance(data, dict)
    billed, warnings, meta = _meta(data)
    return EmbeddingResponse(
        vectors=vectors,
        model=request.model,
        dimensions=dims,
        usage=Usage(input_tokens=_count(billed.get("input_tokens"))),
        provider=PROVIDER,
        warnings=warnings,
        provider_metadata=meta,
    )


def build_rerank_body(request: RerankRequest) -> dict[str, Any]:
    """The ``/v2/rerank`` body."""
    body: dict[str, Any] = {"model": request.model, "query": request.query, "documents": request.documents}
    if request.top_n is not None:
        body["top_n"] = request.top_n
    body.update(request.options_for(PROVIDER))
    return body


def parse_rerank_response(data: Any, request: RerankRequest) -> RerankResponse:
    """Results best first, each naming its document; a :class:`ProviderResponseError` for any other shape
    (an index out of range or repeated, a score that is not a number)."""
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or not results:
        raise ProviderResponseError("the rerank answer has no results", provider=PROVIDER, raw=str(data)[:500])
    out: list[RerankResult] = []
    seen: set[int] = set()
    for item in results:
        i = item.get("index") if isinstance(item, dict) else None
        score = item.get("relevance_score") if isinstance(item, dict) else None
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(request.documents) or i in seen:
            raise ProviderResponseError(f"bad or repeated rerank index {i!r}", provider=PROVIDER, raw=str(item)[:200])
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise ProviderResponseError(f"rerank score {score!r} is not a number", provider=PROVIDER)
        seen.add(i)
        out.append(RerankResult(index=i, score=float(score), document=request.documents[i]))
    out.sort(key=lambda r: r.score, reverse=True)
    assert isinstance(data, dict)
    _, warnings, meta = _meta(data)
    return RerankResponse(
        results=out, model=request.model, usage=Usage(), provider=PROVIDER, warnings=warnings, provider_metadata=meta
    )
