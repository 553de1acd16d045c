"""Concurrency middleware: hold a slot of a limiter for each call or stream.

* :class:`AdaptiveConcurrency` gates on an
  :class:`~llmcore.reliability.adaptive.AdaptiveLimiter` and feeds it: every
  HTTP response's headers (through ``response_hooks`` of the providers
  underneath), success, overload errors and token usage.
* :class:`ConcurrencyCap` gates on a fixed cross-process limiter
  (:class:`~llmcore.reliability.filelimit.FileLockLimiter` on one machine,
  :class:`~llmcore.reliability.redis_backend.RedisLimiter` across machines).

A stream holds its slot until it ends, fails or the caller stops reading it
(the slot is released when the generator is closed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from ..errors import LLMCoreError
from .adaptive import AdaptiveLimiter
from .base import ProviderWrapper, closing, leaves

if TYPE_CHECKING:
    from ..events import StreamEvent
    from ..provider import Provider
    from ..types import ChatRequest, ChatResponse, TokenCount, Usage
    from .limiter import Limiter

__all__ = ["AdaptiveConcurrency", "ConcurrencyCap"]


def _tokens(usage: Usage | None) -> int | None:
    if usage is None or usage.input_tokens is None:
        return None
    return usage.input_tokens + (usage.output_tokens or 0)


class AdaptiveConcurrency(ProviderWrapper):
    """Adaptive concurrency middleware (AIMD + rate-limit headers)."""

    def __init__(self, inner: Provider, limiter: AdaptiveLimiter) -> None:
        super().__init__(inner)
        self.limiter = limiter
        for leaf in leaves(inner):
            hooks = getattr(leaf, "response_hooks", None)
            if hooks is not None:
                hooks.append(self._on_response)

    def _on_response(self, response: Any) -> None:
        self.limiter.observe_headers(response.headers)

    def status(self) -> dict[str, Any]:
        """The limiter's state: limit, in flight, waiting, mode, budgets."""
        return self.limiter.status()

    async def chat(self, request: ChatRequest) -> ChatResponse:
        lim = self.limiter
        lease = await lim.acquire()
        try:
            resp = await self.inner.chat(request)
        except LLMCoreError as err:
            lim.on_error(lease, err)
            raise
        finally:
            lim.release_now()
        lim.on_success(lease)
        lim.on_usage(_tokens(resp.usage))
        return resp

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        return await self.inner.count_tokens(request)

    async def embed(self, request: Any) -> Any:
        return await self._leased(self.inner.embed, request)  # type: ignore[attr-defined]

    async def rerank(self, request: Any) -> Any:
        return await self._leased(self.inner.rerank, request)  # type: ignore[attr-defined]

    async def _leased(self, call: Any, request: Any) -> Any:
        lim = self.limiter
        lease = await lim.acquire()
        try:
            resp = await call(request)
        except LLMCoreError as err:
            lim.on_error(lease, err)
            raise
        finally:
            lim.release_now()
        lim.on_success(lease)
        lim.on_usage(_tokens(resp.usage))
        return resp

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        lim = self.limiter
        lease = await lim.acquire()
        ok = False
        usage: Usage | None = None
        try:
            async with closing(self.inner.stream_chat(request)) as events:
                async for ev in events:
                    if ev.type == "usage":
                        usage = ev.usage  # type: ignore[union-attr]
                    yield ev
            ok = True
        except LLMCoreError as err:
            lim.on_error(lease, err)
            raise
        finally:
            lim.release_now()
            if ok:
                lim.on_success(lease)
                lim.on_usage(_tokens(usage))


class ConcurrencyCap(ProviderWrapper):
    """Hold a lease of a (possibly cross-process) limiter per call or stream."""

    def __init__(self, inner: Provider, limiter: Limiter) -> None:
        super().__init__(inner)
        self.limiter = limiter

    def status(self) -> dict[str, Any]:
        return self.limiter.status()

    async def chat(self, request: ChatRequest) -> ChatResponse:
        lease = await self.limiter.acquire()
        try:
            return await self.inner.chat(request)
        finally:
            await self.limiter.release(lease)

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        return await self.inner.count_tokens(request)

    async def embed(self, request: Any) -> Any:
        lease = await self.limiter.acquire()
        try:
            return await self.inner.embed(request)  # type: ignore[attr-defined]
        finally:
            await self.limiter.release(lease)

    async def rerank(self, request: Any) -> Any:
        lease = await self.limiter.acquire()
        try:
            return await self.inner.rerank(request)  # type: ignore[attr-defined]
        finally:
            await self.limiter.release(lease)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        lease = await self.limiter.acquire()
        try:
            async with closing(self.inner.stream_chat(request)) as events:
                async for ev in events:
                    yield ev
        finally:
            await self.limiter.release(lease)
