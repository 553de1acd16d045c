"""Workers AI text embeddings and rerank over ``POST /accounts/{account_id}/ai/run/{model}``.

**Embeddings** (the text-embeddings models: ``@cf/baai/bge-small-en-v1.5`` (384 dimensions),
``bge-base-en-v1.5`` (768), ``bge-large-en-v1.5`` (1024); https://developers.cloudflare.com/workers-ai/models/bge-base-en-v1.5/):
``{"text": [texts], "pooling"?}`` → the envelope's ``result`` ``{"shape": [n, d], "data":
[[floats]], "pooling"?}``. At most 100 texts a request (the schema's ``maxItems``); each text at
most 512 tokens. The bge models take no input type (their query instruction is the caller's to
prepend), no output size, no truncation setting, floats only: those parameters are refused
before the network. ``provider_options={"cloudflare": {"pooling": "cls"}}`` picks CLS pooling
(``mean`` is the default; the two are not comparable). No usage is reported.

**Rerank** (``@cf/baai/bge-reranker-base``, https://developers.cloudflare.com/workers-ai/models/bge-reranker-base/):
``{"query", "contexts": [{"text"}], "top_k"?}`` → ``result`` ``{"response": [{"id", "score"}]}``
(``id`` is the context's index). No usage is reported.
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
)
from llmcore.errors import ProviderResponseError
from llmcore.types import Usage

__all__ = ["MAX_INPUTS", "build_embed_body", "parse_embed_result", "build_rerank_body", "parse_rerank_result"]

PROVIDER = "cloudflare"
#: texts per request (the text-embeddings input schema's ``maxItems``)
MAX_INPUTS = 100


def build_embed_body(request: EmbeddingRequest) -> dict[str, Any]:
    """The ``ai/run`` input; :class:`~llmcore.errors.UnsupportedFeatureError` for what the model cannot do."""
    if request.input_type is not None:
        raise refuse(
            PROVIDER,
            "input_type",
            request.input_type,
            "Workers AI's embedding models take no input type (prepend the model's query instruction yourself)",
        )
    if request.dimensions is not None:
        raise refuse(PROVIDER, "dimensions", request.dimensions, "Workers AI's embedding models have a fixed size")
    if request.truncate is not None:
        raise refuse(PROVIDER, "truncate", request.truncate, "the embedding models have no truncation setting")
    if request.embedding_type != "float":
        raise refuse(PROVIDER, "embedding_type", request.embedding_type, "Workers AI returns float vectors only")
    body: dict[str, Any] = {"text": request.texts}
    body.update(request.options_for(PROVIDER))
    return body


def _bad(what: str, data: Any) -> ProviderResponseError:
    return ProviderResponseError(what, provider=PROVIDER, raw=str(data)[:500])


def parse_embed_result(result: Any, request: EmbeddingRequest) -> EmbeddingResponse:
    """The vectors of an envelope's ``result``, in input order; a typed error for any other shape
    (a count or ``shape`` that does not match the vectors)."""
    data = result.get("data") if isinstance(result, dict) else None
    if not isinstance(data, list) or len(data) != len(request.texts):
        got = len(data) if isinstance(data, list) else "no"
        raise _bad(f"expected {len(request.texts)} embeddings, got {got}", result)
    vectors = [floats(v, PROVIDER) for v in data]
    dims = len(vectors[0])
    if dims == 0 or any(len(v) != dims for v in vectors):
        raise _bad("the embeddings have different or zero lengths", result)
    assert isinstance(result, dict)
    shape = result.get("shape")
    if shape is not None and shape != [len(vectors), dims]:
        raise _bad(f"result.shape {shape!r} does not match {len(vectors)} vectors of {dims}", result)
    meta = {"pooling": result["pooling"]} if isinstance(result.get("pooling"), str) else {}
    return EmbeddingResponse(
        vectors=vectors,
        model=request.model,
        dimensions=dims,
        usage=Usage(),
        provider=PROVIDER,
        provider_metadata=meta,
    )


def build_rerank_body(request: RerankRequest) -> dict[str, Any]:
    """The reranker's ``ai/run`` input (``top_n`` → ``top_k``)."""
    body: dict[str, Any] = {"query": request.query, "contexts": [{"text": d} for d in request.documents]}
    if request.top_n is not None:
        body["top_k"] = request.top_n
    body.update(request.options_for(PROVIDER))
    return body


def parse_rerank_result(result: Any, request: RerankRequest) -> RerankResponse:
    """Results best first (at most ``top_n``), each naming its document; a typed error for any
    other shape (an id out of range or repeated, a score that is not a finite number)."""
    items = result.get("response") if isinstance(result, dict) else None
    if not isinstance(items, list) or not items:
        raise _bad("the rerank result has no response list", result)
    out: list[RerankResult] = []
    seen: set[int] = set()
    for item in items:
        i = item.get("id") if isinstance(item, dict) else None
        score = item.get("score") if isinstance(item, dict) else None
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(request.documents) or i in seen:
            raise _bad(f"bad or repeated rerank id {i!r}", item)
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise _bad(f"rerank score {score!r} is not a number", item)
        seen.add(i)
        out.append(RerankResult(index=i, score=float(score), document=request.documents[i]))
    out.sort(key=lambda r: r.score, reverse=True)
    if request.top_n is not None:
        del out[request.top_n :]
    return RerankResponse(results=out, model=request.model, usage=Usage(), provider=PROVIDER)
