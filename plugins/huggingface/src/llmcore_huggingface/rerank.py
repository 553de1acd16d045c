"""Rerank on a Text Embeddings Inference server: TEI's ``POST /rerank`` (tgi mode only).

TEI (https://github.com/huggingface/text-embeddings-inference, ``docs/openapi.json``:
``RerankRequest``/``Rank``) serves one cross-encoder ("reranker") model per server; the
request names no model. Request::

    {"query", "texts": [documents], "raw_scores": false, "return_text": false}

``raw_scores: false`` asks for TEI's normalised (sigmoid) scores; ``provider_options=
{"huggingface": {...}}`` is merged into the body (``raw_scores``, ``truncate``,
``truncation_direction``: ``"Left"``/``"Right"``). ``return_text`` is always ``false``: the
result names ``documents[index]`` itself.

Answer: a JSON list of ``{"index", "score", "text"?}``. TEI has no ``top_n``: it scores every
text, and ``top_n`` keeps the best n here. At most 32 texts a request (TEI's default
``--max-client-batch-size``): more documents are sent in consecutive requests of 32 and the
results merged (a cross-encoder scores each query-document pair on its own, so the split does
not change a score). No usage is reported.

The router (``router.huggingface.co``) has no rerank endpoint: rerank there is refused before
the network (point ``base_url`` at a TEI server or Inference Endpoint).
"""

from __future__ import annotations

import math
from typing import Any

from llmcore.embeddings import RerankRequest, RerankResponse, RerankResult, refuse
from llmcore.errors import ProviderResponseError
from llmcore.types import Usage

__all__ = ["MAX_RERANK_TEXTS", "rerank_url", "build_rerank_bodies", "parse_rerank_answer", "response"]

PROVIDER = "huggingface"
#: texts per request (TEI's default ``--max-client-batch-size``)
MAX_RERANK_TEXTS = 32


def rerank_url(base_url: str, api: str) -> str:
    """TEI's ``/rerank`` URL (``base_url`` without a trailing ``/v1``); refused for the router."""
    if api != "tgi":
        raise refuse(
            PROVIDER,
            "rerank",
            "router",
            "the Inference Providers router has no rerank endpoint; give base_url=<a Text Embeddings "
            "Inference server or Inference Endpoint serving a reranker>",
        )
    root = base_url.rstrip("/")
    return f"{root[: -len('/v1')] if root.endswith('/v1') else root}/rerank"


def build_rerank_bodies(request: RerankRequest) -> list[tuple[int, dict[str, Any]]]:
    """``(offset, body)`` per request: the documents in consecutive slices of at most 32."""
    opts = request.options_for(PROVIDER)
    if opts.get("return_text"):
        raise refuse(PROVIDER, "provider_options.return_text", True, "each result names its document already")
    out = []
    for start in range(0, len(request.documents), MAX_RERANK_TEXTS):
        body: dict[str, Any] = {
            "query": request.query,
            "texts": request.documents[start : start + MAX_RERANK_TEXTS],
            "raw_scores": False,
            "return_text": False,
        }
        body.update(opts)
        out.append((start, body))
    return out


def parse_rerank_answer(data: Any, request: RerankRequest, offset: int, count: int) -> list[RerankResult]:
    """The results of one request for ``count`` documents from ``offset``: every text scored once.
    A :class:`ProviderResponseError` for any other shape."""
    if not isinstance(data, list) or len(data) != count:
        got = len(data) if isinstance(data, list) else "no"
        raise ProviderResponseError(
            f"expected {count} rerank scores, got {got}", provider=PROVIDER, raw=str(data)[:500]
        )
    seen: set[int] = set()
    out: list[RerankResult] = []
    for item in data:
        i = item.get("index") if isinstance(item, dict) else None
        score = item.get("score") if isinstance(item, dict) else None
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < count or i in seen:
            raise ProviderResponseError(f"bad or repeated rerank index {i!r}", provider=PROVIDER, raw=str(item)[:200])
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise ProviderResponseError(f"rerank score {score!r} is not a number", provider=PROVIDER)
        seen.add(i)
        out.append(RerankResult(index=offset + i, score=float(score), document=request.documents[offset + i]))
    return out


def response(request: RerankRequest, results: list[RerankResult]) -> RerankResponse:
    """Best first, at most ``top_n``; no usage (TEI reports none in the body)."""
    results.sort(key=lambda r: r.score, reverse=True)
    if request.top_n is not None:
        del results[request.top_n :]
    return RerankResponse(results=results, model=request.model, usage=Usage(), provider=PROVIDER)
