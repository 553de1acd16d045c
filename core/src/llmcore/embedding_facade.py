"""The embedding and rerank models users touch.

``llmcore.embedding_model("openai/text-embedding-3-small")`` and
``llmcore.rerank_model("cohere/rerank-v3.5")`` resolve names like chat models,
build the provider with the same connection options (``api_key``, ``base_url``,
``timeout``, ``headers``, ``http_client``, key pools) and the same reliability
stack (retries, timeouts, rate limits, concurrency), and account usage and cost
like chat (``m.usage``, the ``llmcore_usage`` hook, the usage log).

``embed`` splits the texts into requests that respect the provider's limits
(inputs and tokens per request), sends them concurrently (``max_concurrency``,
within the model's rate limits) and returns one response with every vector in
input order.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .embeddings import EmbeddingResponse, embedding_request, plan_batches, rerank_request
from .errors import ConfigurationError, ProviderResponseError
from .reliability.stack import UNSET as _UNSET
from .types import Usage
from .usage import price_for, record, reported_cost
from .usage.record import UsageRecord

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .embeddings import EmbeddingRequest, RerankRequest, RerankResponse
    from .options import EmbedOptions, Texts

__all__ = ["EmbeddingModel", "RerankModel", "embedding_model", "rerank_model", "embed", "aembed", "rerank", "arerank"]

_EMBED_DEFAULTS = ("dimensions", "input_type", "truncate", "embedding_type", "provider_options")


def _providers_with(capability: str) -> list[str]:
    from .plugins import get_registry

    return sorted(n for n, s in get_registry().providers.items() if getattr(s.capabilities, capability))


class _Base:
    capability = ""
    kind = ""

    def __init__(
        self,
        name: str,
        *,
        retry: Any = _UNSET,
        timeouts: Any = _UNSET,
        rate_limit: Any = _UNSET,
        concurrency: Any = _UNSET,
        api_keys: Any = None,
        prices: Any = None,
        max_concurrency: int = 8,
        cache: Any = None,
        **options: Any,
    ) -> None:
        from .facade import _CONNECTION, _base_provider, _checked_connection
        from .pipeline import install_key_hooks
        from .reliability.stack import build_stack
        from .resolve import resolve_model
        from .usage import Price, UsageTotals

        self.name = name
        self.spec, self.model_id = resolve_model(name)
        if not getattr(self.spec.capabilities, self.capability):
            have = _providers_with(self.capability)
            raise ConfigurationError(
                f"{self.spec.name} has no {self.kind} endpoint in llmcore; installed providers with one: "
                f"{', '.join(have) or 'none'}",
                provider=self.spec.name,
            )
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ConfigurationError(
                f"max_concurrency must be a positive integer, not {max_concurrency!r}", provider=self.spec.name
            )
        self.max_concurrency = max_concurrency
        self.defaults: dict[str, Any] = self._take_defaults(options)
        connection = _checked_connection({k: options.pop(k) for k in list(options) if k in _CONNECTION}, self.spec.name)
        from .cache import resolve_cache

        #: the cache of this model (``None``: off); embeddings are cached per text
        self.cache = resolve_cache(cache)
        self._base_url = connection.get("base_url")
        self._headers = connection.get("headers")
        #: provider settings as given (part of the cache key)
        self.settings: dict[str, Any] = dict(options)
        #: the provider as the plugin built it (a KeyPool of them for several keys), without middleware
        self.base_provider = _base_provider(self.spec, api_keys, connection, options)
        self.provider: Any = build_stack(
            self.base_provider,
            self.spec,
            self.model_id,
            retry=retry,
            timeouts=timeouts,
            rate_limit=rate_limit,
            concurrency=concurrency,
        )
        self.price: Price | None = Price.from_dict(prices, f"prices of {name}") if prices is not None else None
        #: running usage totals (``m.usage.reset()`` starts again)
        self.usage = UsageTotals()
        self.key_id = install_key_hooks(self.base_provider)
        self._limits_cache: tuple[int | None, int | None] | None = None

    def _take_defaults(self, options: dict[str, Any]) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec.name}/{self.model_id})"

    async def _observed(self, operation: str, request: Any, call: Any) -> Any:
        """``await call()``, observed as one logical call when an observer is installed
        (:mod:`llmcore.observe`); otherwise just ``await call()``."""
        from . import observe

        obs = observe.observer
        if obs is None:
            return await call()
        from .reliability.base import innermost

        info = observe.CallInfo(
            operation,
            self.spec.name,
            self.model_id,
            request,
            getattr(innermost(self.base_provider), "base_url", None),
            self.key_id,
        )
        return await observe.observed(
            obs, info, call, attempts_reported=getattr(self.provider, "reports_attempts", False)
        )

    def _account(self, usage: Any, response_model: str, started: float, reported: float | None = None) -> float | None:
        """Record one logical call (usage totals, hook, log); the cost in USD or ``None``
        (``reported``: the cost the provider itself reported, which wins)."""
        price = (
            self.price if self.price is not None else price_for(self.spec, self.model_id, response_model=response_model)
        )
        n = usage.input_tokens
        cost = None if price is None or n is None else n * price.input / 1_000_000
        if reported is not None:
            cost = reported
        record(
            UsageRecord(
                timestamp=time.time(),
                provider=self.spec.name,
                model=self.model_id,
                response_model=response_model,
                key_id=self.key_id,
                input_tokens=n,
                cost=cost,
                latency=time.perf_counter() - started,
                finish_reason=self.kind,
            ),
            self.usage,
        )
        return cost


class EmbeddingModel(_Base):
    """An embedding model bound to its provider, with parameter defaults
    (``dimensions``, ``input_type``, ``truncate``, ``embedding_type``)."""

    capability = "embeddings"
    kind = "embeddings"

    def _take_defaults(self, options: dict[str, Any]) -> dict[str, Any]:
        return {k: options.pop(k) for k in list(options) if k in _EMBED_DEFAULTS}

    def request(self, texts: Texts, **params: Unpack[EmbedOptions]) -> EmbeddingRequest:
        """The checked request (typed errors before the network)."""
        return embedding_request(
            self.model_id, texts, provider=self.spec.name, **({**self.defaults, **params} if self.defaults else params)
        )

    def _limits(self) -> tuple[int | None, int | None]:
        """The provider's ``embedding_limits(model)`` (inputs, tokens per request), asked once."""
        if self._limits_cache is None:
            from .reliability.base import leaves

            leaf = leaves(self.base_provider)[0]
            limits = getattr(leaf, "embedding_limits", None)
            self._limits_cache = limits(self.model_id) if callable(limits) else (None, None)
        return self._limits_cache

    async def aembed(self, texts: Texts, **params: Unpack[EmbedOptions]) -> EmbeddingResponse:
        """One vector per text, in input order (see :class:`~llmcore.embeddings.EmbeddingResponse`).
        With a cache, texts embedded before (same model, parameters, settings) are not sent again;
        ``provider_metadata["cached_texts"]`` says how many came from the cache."""
        req = self.request(texts, **params)
        return await self._observed("embed", req, lambda: self._aembed(req))  # type: ignore[no-any-return]

    async def _aembed(self, req: EmbeddingRequest) -> EmbeddingResponse:
        started = time.perf_counter()
        keys: list[str] = []
        cached: list[Any] = []
        if self.cache is not None:
            keys = [self._cache_key(req, t) for t in req.texts]
            cached = list(await asyncio.gather(*(self._cached_vector(k) for k in keys)))
            todo = [i for i, v in enumerate(cached) if v is None]
            if not todo:
                self.usage.cache_hits += 1
                dims = len(cached[0])
                return EmbeddingResponse(
                    vectors=cached,
                    model=self.model_id,
                    dimensions=dims,
                    usage=Usage(input_tokens=0),
                    provider=self.spec.name,
                    cost=0.0,
                    provider_metadata={"cached_texts": len(cached)},
                )
            sent = replace(req, texts=[req.texts[i] for i in todo])
        else:
            todo, sent = [], req
        out = await self._embed_batched(sent)
        if self.cache is not None:
            fresh: list[Any] = list(out.vectors)
            await asyncio.gather(*(self._store_vector(keys[i], v) for i, v in zip(todo, fresh, strict=True)))
            for i, v in zip(todo, fresh, strict=True):
                cached[i] = v
            out.vectors = cached
            out.provider_metadata["cached_texts"] = len(req.texts) - len(todo)
        out.cost = self._account(out.usage, out.model, started, reported_cost(out))
        return out

    async def _embed_batched(self, req: EmbeddingRequest) -> EmbeddingResponse:
        """``req`` split to the provider's limits, sent concurrently, merged in order."""
        parts = plan_batches(req.texts, *self._limits())
        if len(parts) == 1:  # one request: its answer as is (the common case: no merging cost)
            resp: EmbeddingResponse = await self.provider.embed(req)
            if len(resp.vectors) != len(req.texts):
                raise ProviderResponseError(
                    f"{len(resp.vectors)} vectors for {len(req.texts)} texts", provider=self.spec.name
                )
            resp.provider = self.spec.name
            return resp
        sem = asyncio.Semaphore(self.max_concurrency)

        async def one(r: range) -> EmbeddingResponse:
            async with sem:
                return await self.provider.embed(replace(req, texts=req.texts[r.start : r.stop]))  # type: ignore[no-any-return]

        responses = list(await asyncio.gather(*(one(r) for r in parts)))
        vectors: list[Any] = []
        for r, resp in zip(parts, responses, strict=True):
            if len(resp.vectors) != len(r):
                raise ProviderResponseError(f"{len(resp.vectors)} vectors for {len(r)} texts", provider=self.spec.name)
            vectors.extend(resp.vectors)
        counts = [resp.usage.input_tokens for resp in responses]
        usage = Usage(input_tokens=None if None in counts else sum(c for c in counts if c is not None))
        first = responses[0]
        return EmbeddingResponse(
            vectors=vectors,
            model=first.model,
            dimensions=first.dimensions,
            usage=usage,
            provider=self.spec.name,
            warnings=[w for resp in responses for w in resp.warnings],
            provider_metadata=dict(first.provider_metadata)
            if len(responses) == 1
            else {"requests": [resp.provider_metadata for resp in responses]},
        )

    def _cache_key(self, req: EmbeddingRequest, text: str) -> str:
        import hashlib
        import json

        from .cache.key import _SECRET_WORDS, _jsonable, headers_digest

        doc = {
            "v": 1,
            "op": "embed",
            "provider": self.spec.name,
            "base_url": self._base_url,
            "model": req.model,
            "settings": {
                k: _jsonable(v)
                for k, v in sorted(self.settings.items())
                if not any(w in k.lower() for w in _SECRET_WORDS)
            },
            "dimensions": req.dimensions,
            "input_type": req.input_type,
            "truncate": req.truncate,
            "embedding_type": req.embedding_type,
            "provider_options": _jsonable(req.provider_options),
            "headers": headers_digest(self._headers),
            "text": text,
        }
        raw = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()

    async def _cached_vector(self, key: str) -> list[Any] | None:
        from array import array

        assert self.cache is not None
        data = await self.cache.get(key)
        if not data or data[:1] not in (b"d", b"q"):
            return None
        a = array("d" if data[:1] == b"d" else "q")
        a.frombytes(data[1:])
        return a.tolist()

    async def _store_vector(self, key: str, vector: list[Any]) -> None:
        from array import array

        assert self.cache is not None
        # floats as float64 (exact for whatever the provider sent), packed types as int64
        typ = "q" if vector and isinstance(vector[0], int) else "d"
        await self.cache.set(key, typ.encode() + array(typ, vector).tobytes())

    def embed(self, texts: Texts, **params: Unpack[EmbedOptions]) -> EmbeddingResponse:
        """Sync :meth:`aembed`."""
        from ._sync import run

        return run(self.aembed(texts, **params))


class RerankModel(_Base):
    """A rerank model bound to its provider."""

    capability = "rerank"
    kind = "rerank"

    async def arerank(self, query: str, documents: Texts, top_n: int | None = None, **params: Any) -> RerankResponse:
        """``documents`` ranked by relevance to ``query``, best first (at most ``top_n``)."""
        req = rerank_request(self.model_id, query, documents, top_n, provider=self.spec.name, **params)
        return await self._observed("rerank", req, lambda: self._arerank(req, top_n))  # type: ignore[no-any-return]

    async def _arerank(self, req: RerankRequest, top_n: int | None) -> RerankResponse:
        started = time.perf_counter()
        resp: RerankResponse = await self.provider.rerank(req)
        for r in resp.results:
            if not 0 <= r.index < len(req.documents):
                raise ProviderResponseError(f"rerank result index {r.index} is out of range", provider=self.spec.name)
        resp.results.sort(key=lambda r: r.score, reverse=True)
        if top_n is not None:
            del resp.results[top_n:]
        resp.cost = self._account(resp.usage, resp.model, started, reported_cost(resp))
        return resp

    def rerank(self, query: str, documents: Texts, top_n: int | None = None, **params: Any) -> RerankResponse:
        """Sync :meth:`arerank`."""
        from ._sync import run

        return run(self.arerank(query, documents, top_n, **params))


def embedding_model(name: str | None = None, **options: Any) -> EmbeddingModel:
    """An :class:`EmbeddingModel` (``"provider/model"`` or an auto-detected name). With no
    name, the default embedding model: ``$LLMCORE_DEFAULT_EMBEDDING_MODEL``, the config
    file's ``default_embedding_model``, else one installed locally (e.g. ``wordllama/l2_supercat``),
    else a :class:`~llmcore.errors.ConfigurationError` saying how to choose
    (:func:`llmcore.defaults.default_embedding_model`)."""
    if name is None:
        from .defaults import default_embedding_model

        name = default_embedding_model()
    return EmbeddingModel(name, **options)


def rerank_model(name: str, **options: Any) -> RerankModel:
    """A :class:`RerankModel`."""
    return RerankModel(name, **options)


def embed(name: str, texts: Texts, **params: Any) -> EmbeddingResponse:
    """One call: ``embedding_model(name).embed(texts, **params)`` (connection options such as
    ``api_key``/``base_url`` are taken too)."""
    return _split_embed(name, params).embed(texts, **params)


async def aembed(name: str, texts: Texts, **params: Any) -> EmbeddingResponse:
    """Async :func:`embed`."""
    return await _split_embed(name, params).aembed(texts, **params)


def _split_embed(name: str, params: dict[str, Any]) -> EmbeddingModel:
    per_call = {k: params.pop(k) for k in list(params) if k in _EMBED_DEFAULTS}
    m = EmbeddingModel(name, **params)
    params.clear()
    params.update(per_call)
    return m


def rerank(name: str, query: str, documents: Texts, top_n: int | None = None, **options: Any) -> RerankResponse:
    """One call: ``rerank_model(name, **options).rerank(query, documents, top_n)``."""
    return RerankModel(name, **options).rerank(query, documents, top_n)


async def arerank(name: str, query: str, documents: Texts, top_n: int | None = None, **options: Any) -> RerankResponse:
    """Async :func:`rerank`."""
    return await RerankModel(name, **options).arerank(query, documents, top_n)
