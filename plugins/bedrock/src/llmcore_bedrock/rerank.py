"""Rerank on Bedrock: the Agents for Amazon Bedrock Runtime ``Rerank`` operation
(``POST /rerank`` on ``bedrock-agent-runtime.{region}.amazonaws.com``, SigV4 service ``bedrock``).

Request: one text query and the documents as inline text sources::

    {"queries": [{"type": "TEXT", "textQuery": {"text": query}}],
     "sources": [{"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": doc}}}, ...],
     "rerankingConfiguration": {"type": "BEDROCK_RERANKING_MODEL", "bedrockRerankingConfiguration": {
         "modelConfiguration": {"modelArn": "arn:aws:bedrock:{region}::foundation-model/{model}"},
         "numberOfResults": top_n}}}

The model is a foundation-model id (``amazon.rerank-v1:0``, ``cohere.rerank-v3-5:0``), turned
into its ARN in the client's region, or a full ARN, sent as is. The API takes 1 to 1,000
sources and ``numberOfResults`` 1 to 1,000; more is refused before the network.
``provider_options={"bedrock": {"additionalModelRequestFields": {...}}}`` goes into
``modelConfiguration``; no other option is known.

Answer: ``{"results": [{"index", "relevanceScore", "document"?}], "nextToken"?}``; a
``nextToken`` is followed (the same body plus ``nextToken``) until the answer has none, and
the pages are merged. No usage is reported.
"""

from __future__ import annotations

import math
import re
from typing import Any

from llmcore.embeddings import RerankRequest, RerankResponse, RerankResult, refuse
from llmcore.errors import ProviderResponseError
from llmcore.types import Usage

__all__ = ["MAX_SOURCES", "agent_runtime_url", "model_arn", "build_rerank_body", "parse_rerank_page", "response"]

PROVIDER = "bedrock"
#: sources per Rerank call, and the largest ``numberOfResults`` (the API reference's limits)
MAX_SOURCES = 1000
_RUNTIME_HOST = re.compile(r"^(https://)bedrock-runtime(-fips)?(\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?)(/.*)?$")
_OPTIONS = ("additionalModelRequestFields",)


def agent_runtime_url(base_url: str) -> str:
    """The Rerank endpoint's base URL for a client whose Bedrock Runtime base URL is ``base_url``:
    the AWS endpoint ``https://bedrock-runtime[-fips].{region}.amazonaws.com`` becomes
    ``https://bedrock-agent-runtime[-fips].{region}.amazonaws.com``; any other base URL (a proxy,
    a VPC endpoint, a local server) is kept as it is (set ``agent_base_url`` to route elsewhere)."""
    m = _RUNTIME_HOST.match(base_url)
    if m is None:
        return base_url
    return f"{m[1]}bedrock-agent-runtime{m[2] or ''}{m[3]}"


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def model_arn(model: str, region: str | None) -> str:
    """``model`` as a foundation-model ARN in ``region`` (an ARN is kept as it is); an
    :class:`~llmcore.errors.UnsupportedFeatureError` when no region is known to build it."""
    if model.startswith("arn:"):
        return model
    if not region:
        raise refuse(
            PROVIDER,
            "model",
            model,
            "Rerank needs the model's ARN: give the region (option region=... or AWS_REGION) or a full "
            "arn:aws:bedrock:<region>::foundation-model/<id> as the model",
        )
    return f"arn:{_partition(region)}:bedrock:{region}::foundation-model/{model}"


def build_rerank_body(request: RerankRequest, region: str | None) -> dict[str, Any]:
    """The Rerank body for ``request``; a typed error (before the network) for what the API
    cannot take: more than 1,000 documents, ``top_n`` above 1,000, an unknown option."""
    if len(request.documents) > MAX_SOURCES:
        raise refuse(
            PROVIDER,
            "documents",
            f"<{len(request.documents)} documents>",
            f"Bedrock Rerank takes at most {MAX_SOURCES} documents a call",
        )
    if request.top_n is not None and request.top_n > MAX_SOURCES:
        raise refuse(PROVIDER, "top_n", request.top_n, f"Bedrock Rerank returns at most {MAX_SOURCES} results")
    opts = request.options_for(PROVIDER)
    unknown = sorted(set(opts) - set(_OPTIONS))
    if unknown:
        raise refuse(
            PROVIDER, "provider_options", unknown, f"Bedrock Rerank knows only {', '.join(_OPTIONS)} as an option"
        )
    model_config: dict[str, Any] = {"modelArn": model_arn(request.model, region)}
    if "additionalModelRequestFields" in opts:
        model_config["additionalModelRequestFields"] = opts["additionalModelRequestFields"]
    bedrock_config: dict[str, Any] = {"modelConfiguration": model_config}
    if request.top_n is not None:
        bedrock_config["numberOfResults"] = request.top_n
    return {
        "queries": [{"type": "TEXT", "textQuery": {"text": request.query}}],
        "sources": [
            {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": d}}}
            for d in request.documents
        ],
        "rerankingConfiguration": {"type": "BEDROCK_RERANKING_MODEL", "bedrockRerankingConfiguration": bedrock_config},
    }


def parse_rerank_page(data: Any, request: RerankRequest, seen: set[int]) -> tuple[list[RerankResult], str | None]:
    """``(results, nextToken)`` of one Rerank answer; ``seen`` (indices of earlier pages) is updated.
    A :class:`ProviderResponseError` for any other shape: no ``results`` list, an index out of
    range or repeated, a score that is not a finite number."""
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise ProviderResponseError("the rerank answer has no results", provider=PROVIDER, raw=str(data)[:500])
    out: list[RerankResult] = []
    for item in results:
        i = item.get("index") if isinstance(item, dict) else None
        score = item.get("relevanceScore") if isinstance(item, dict) else None
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(request.documents) or i in seen:
            raise ProviderResponseError(f"bad or repeated rerank index {i!r}", provider=PROVIDER, raw=str(item)[:200])
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise ProviderResponseError(f"rerank score {score!r} is not a number", provider=PROVIDER)
        seen.add(i)
        out.append(RerankResult(index=i, score=float(score), document=request.documents[i]))
    assert isinstance(data, dict)
    token = data.get("nextToken")
    return out, token if isinstance(token, str) and token else None


def response(request: RerankRequest, results: list[RerankResult]) -> RerankResponse:
    """All pages' results, best first (at most ``top_n``); no usage (Bedrock reports none)."""
    if not results:
        raise ProviderResponseError("the rerank answer has no results", provider=PROVIDER)
    results.sort(key=lambda r: r.score, reverse=True)
    if request.top_n is not None:
        del results[request.top_n :]
    return RerankResponse(results=results, model=request.model, usage=Usage(), provider=PROVIDER)
