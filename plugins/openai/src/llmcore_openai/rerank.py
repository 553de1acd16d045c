"""``POST /rerank`` in the Jina/Cohere shape that OpenAI-compatible servers share (OpenRouter,
vLLM, Together, Jina, llama.cpp server...).

Public API: a compatible plugin mixes :class:`RerankAPI` into its provider (an
:class:`~llmcore.provider.HTTPProvider`) and sets ``rerank_path`` if it differs.

Request: ``{"model", "query", "documents": [texts], "top_n"?}`` plus
``provider_options[<provider>]``. Answer: ``results[{index, relevance_score, document?}]``
(best first; ``document`` ignored: the result names ``documents[index]`` of the request),
``usage`` (``prompt_tokens``, or ``total_tokens``: a rerank's tokens are all input) and
anything else under ``usage`` (OpenRouter's ``cost``) in ``provider_metadata["usage"]``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.embeddings import RerankResponse, RerankResult
from llmcore.errors import ProviderResponseError
from llmcore.types import Usage

if TYPE_CHECKING:
    from llmcore.embeddings import RerankRequest

__all__ = ["RerankAPI", "build_rerank_body", "parse_rerank"]


def build_rerank_body(request: RerankRequest, provider: str) -> dict[str, Any]:
    """The request body."""
    body: dict[str, Any] = {"model": request.model, "query": request.query, "documents": request.documents}
    if request.top_n is not None:
        body["top_n"] = request.top_n
    body.update(request.options_for(provider))
    return body


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_rerank(data: Any, request: RerankRequest, provider: str) -> RerankResponse:
    """Results best first, each naming its document; a :class:`ProviderResponseError` for any
    other shape (an index out of range or repeated, a score that is not a finite number)."""
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or not results:
        raise ProviderResponseError("the rerank answer has no results", provider=provider, raw=str(data)[:500])
    out: list[RerankResult] = []
    seen: set[int] = set()
    for item in results:
        i = item.get("index") if isinstance(item, dict) else None
        score = item.get("relevance_score") if isinstance(item, dict) else None
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(request.documents) or i in seen:
            raise ProviderResponseError(f"bad or repeated rerank index {i!r}", provider=provider, raw=str(item)[:200])
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise ProviderResponseError(f"rerank score {score!r} is not a number", provider=provider)
        seen.add(i)
        out.append(RerankResult(index=i, score=float(score), document=request.documents[i]))
    out.sort(key=lambda r: r.score, reverse=True)
    assert isinstance(data, dict)
    usage_raw = data.get("usage")
    tokens = None
    meta: dict[str, Any] = {}
    if isinstance(usage_raw, dict):
        tokens = _int(usage_raw.get("prompt_tokens"))
        if tokens is None:
            tokens = _int(usage_raw.get("total_tokens"))
        extra = {k: v for k, v in usage_raw.items() if k not in ("prompt_tokens", "total_tokens")}
        if extra:
            meta["usage"] = extra
    for k in ("id", "provider"):
        if k in data:
            meta[k] = data[k]
    model = data.get("model")
    return RerankResponse(
        results=out,
        model=model if isinstance(model, str) else request.model,
        usage=Usage(input_tokens=tokens),
        provider=provider,
        provider_metadata=meta,
    )


class RerankAPI:
    """Mixin: ``rerank`` over ``POST {base_url}/rerank`` for an :class:`~llmcore.provider.HTTPProvider`."""

    rerank_path: ClassVar[str] = "rerank"

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        name = self.spec.name  # type: ignore[attr-defined]
        headers = self.extra_headers() if hasattr(self, "extra_headers") else None
        data, _ = await self.request_json(  # type: ignore[attr-defined]
            "POST", self.rerank_path, build_rerank_body(request, name), headers=headers
        )
        return parse_rerank(data, request, name)
