"""Timeouts: connect, read, total, and stream idle.

* ``connect`` and ``read`` are transport timeouts (seconds to open a
  connection; longest gap between bytes, which also bounds the wait for the
  response headers). They are sent with every request of the wrapped
  provider(s), on either transport (httpx's pool or aiohttp).
* ``total`` bounds one attempt end to end: a whole ``chat`` call, or a whole
  stream from the call to its last event (wall clock, the consumer's time
  included).
* ``stream_idle`` bounds the gap between two stream *events*; keep-alive
  comments and pings do not count as progress, so a server that trickles
  ``: ping`` forever is still cut off. The first event is covered too (a
  server that never starts streaming).

Defaults bound every call to an HTTP provider, with no option set
(``HTTPSettings``, :func:`llmcore.http.client.configure`): connect 10 s, read
(gap between bytes, and the wait for the headers) 600 s, ``total`` 600 s for
a non-streamed call and 3600 s for a stream, ``stream_idle`` 600 s. A model's
``timeout=T`` makes ``total`` (non-streamed) and ``stream_idle`` T: so a
server that trickles a byte a second is cut off after T without an event.
A field of the policy overrides its default; ``timeouts=False`` removes the
layer (only the transport's connect/read remain). In-process providers (no
HTTP) get no default bound: a local model on a slow CPU is not a hung server.

A timeout raises :class:`~llmcore.errors.ProviderTimeoutError` (retryable:
:class:`~llmcore.reliability.Retry` outside retries a call or a stream that
had emitted nothing). The stream's connection is closed before the error
propagates, and the facade attaches what had arrived (``err.partial``).
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, ProviderTimeoutError
from .base import ProviderWrapper, closing, leaves
from .watchdog import AVAILABLE as _COARSE
from .watchdog import COARSE_MIN as _COARSE_MIN
from .watchdog import watch as _watch

if TYPE_CHECKING:
    from ..events import StreamEvent
    from ..provider import Provider
    from ..types import ChatRequest, ChatResponse, TokenCount

__all__ = ["TimeoutPolicy", "Timeout", "deadline"]


@dataclass(frozen=True)
class TimeoutPolicy:
    """Seconds; ``None`` leaves that bound to its default: the model's
    ``timeout=`` for ``total`` (non-streamed) and ``stream_idle``, else
    :class:`~llmcore.http.client.HTTPSettings` (connect 10 s, read 600 s,
    total 600 s non-streamed / 3600 s streamed, stream_idle 600 s)."""

    connect: float | None = None
    read: float | None = None
    total: float | None = None
    stream_idle: float | None = None

    def __post_init__(self) -> None:
        for name in ("connect", "read", "total", "stream_idle"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0):
                raise ConfigurationError(f"timeout {name} must be a positive number of seconds, not {v!r}")

    @property
    def active(self) -> bool:
        """True when any bound is set."""
        return any(v is not None for v in (self.connect, self.read, self.total, self.stream_idle))

    @classmethod
    def coerce(cls, value: Any) -> TimeoutPolicy | None:
        """``None``/``False`` → none; a policy as is; a dict → its fields."""
        if value is None or value is False:
            return None
        if isinstance(value, TimeoutPolicy):
            return value
        if isinstance(value, dict):
            unknown = set(value) - {"connect", "read", "total", "stream_idle"}
            if unknown:
                raise ConfigurationError(
                    f"unknown timeout field(s) {', '.join(sorted(unknown))}; known: connect, read, total, stream_idle"
                )
            return cls(**value)
        raise ConfigurationError(
            f"timeouts must be a TimeoutPolicy or a dict of connect/read/total/stream_idle, not {type(value).__name__}"
        )


if sys.version_info >= (3, 11):

    def deadline(when: float | None) -> Any:
        """``async with deadline(loop_time):`` raises :class:`TimeoutError`
        when the loop's clock passes ``when`` (``None``: no bound). Cancels
        the current task's await, in the same task (so context managers of
        the awaited code, e.g. an HTTP response, unwind normally)."""
        return asyncio.timeout_at(when)

else:  # pragma: no cover - Python 3.10

    @asynccontextmanager
    async def deadline(when: float | None) -> AsyncIterator[None]:
        if when is None:
            yield
            return
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        fired = False

        def fire() -> None:
            nonlocal fired
            fired = True
            task.cancel()

        handle = loop.call_at(when, fire)
        try:
            yield
        except asyncio.CancelledError:
            if fired:
                raise TimeoutError from None
            raise
        finally:
            handle.cancel()


class Timeout(ProviderWrapper):
    """Timeout middleware (see the module docstring). Applies ``connect``/``read``
    to every HTTP provider under it (``HTTPProvider.http_timeout``)."""

    def __init__(self, inner: Provider, policy: TimeoutPolicy) -> None:
        super().__init__(inner)
        self.policy = policy
        self.chat_total, self.stream_total, self.stream_idle = self._bounds(inner, policy)
        if policy.connect is not None or policy.read is not None:
            import httpx

            from ..http.client import settings

            s = settings()
            t = httpx.Timeout(
                connect=policy.connect if policy.connect is not None else s.connect_timeout,
                read=policy.read if policy.read is not None else s.read_timeout,
                write=s.write_timeout,
                pool=s.pool_timeout,
            )
            for leaf in leaves(inner):
                if hasattr(leaf, "http_timeout"):
                    leaf.http_timeout = t

    @staticmethod
    def _bounds(inner: Provider, policy: TimeoutPolicy) -> tuple[float | None, float | None, float | None]:
        """``(total of a non-streamed call, total of a stream, stream idle)``:
        the policy's, else the model's ``timeout=``, else the HTTP defaults —
        those only when a provider under this layer speaks HTTP."""
        http = [leaf for leaf in leaves(inner) if hasattr(leaf, "http_timeout")]
        if not http:
            return policy.total, policy.total, policy.stream_idle
        from ..http.client import settings

        s = settings()
        configured = [t for t in (getattr(getattr(leaf, "config", None), "timeout", None) for leaf in http) if t]
        model_timeout = min(configured) if configured else None
        pick = lambda *vals: next((v for v in vals if v is not None), None)
        return (
            pick(policy.total, model_timeout, s.total_timeout),
            pick(policy.total, s.stream_total_timeout),
            pick(policy.stream_idle, model_timeout, s.stream_idle_timeout),
        )

    @property
    def active(self) -> bool:
        """True when this layer bounds anything (else the facade leaves it out)."""
        return any(v is not None for v in (self.chat_total, self.stream_total, self.stream_idle)) or (
            self.policy.connect is not None or self.policy.read is not None
        )

    def _error(self, what: str) -> ProviderTimeoutError:
        return ProviderTimeoutError(
            what + "; set timeouts=TimeoutPolicy(...) or timeout= on the model to change it", provider=self.spec.name
        )

    async def chat(self, request: ChatRequest) -> ChatResponse:
        total = self.chat_total
        if total is None:
            return await self.inner.chat(request)
        if total >= _COARSE_MIN and _COARSE:  # the default 600 s: one timer per loop, not per call
            entry = _watch(total)  # (inline, not through _watched: one coroutine less per call)
            try:
                return await self.inner.chat(request)
            except asyncio.CancelledError:
                if entry.expired():
                    raise self._error(f"no complete answer within {total:g}s (total timeout)") from None
                raise
            except TimeoutError:
                raise self._error(f"no complete answer within {total:g}s (total timeout)") from None
            finally:
                entry.done()
        try:
            async with deadline(asyncio.get_running_loop().time() + total):
                return await self.inner.chat(request)
        except TimeoutError:
            raise self._error(f"no complete answer within {total:g}s (total timeout)") from None

    async def _watched(self, call: Any, request: Any, total: float, what: str) -> Any:
        """``call(request)`` bounded by ``total`` (a long bound) through :mod:`.watchdog`;
        the same outcomes as the ``deadline`` path."""
        entry = _watch(total)
        try:
            return await call(request)
        except asyncio.CancelledError:
            if entry.expired():
                raise self._error(f"{what} within {total:g}s (total timeout)") from None
            raise
        except TimeoutError:
            raise self._error(f"{what} within {total:g}s (total timeout)") from None
        finally:
            entry.done()

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        return await self._bounded(self.inner.count_tokens, request, "no token count")  # type: ignore[no-any-return]

    async def embed(self, request: Any) -> Any:
        return await self._bounded(self.inner.embed, request, "no embeddings")  # type: ignore[attr-defined]

    async def rerank(self, request: Any) -> Any:
        return await self._bounded(self.inner.rerank, request, "no ranking")  # type: ignore[attr-defined]

    async def _bounded(self, call: Any, request: Any, what: str) -> Any:
        total = self.chat_total
        if total is None:
            return await call(request)
        if total >= _COARSE_MIN and _COARSE:
            return await self._watched(call, request, total, what)
        try:
            async with deadline(asyncio.get_running_loop().time() + total):
                return await call(request)
        except TimeoutError:
            raise self._error(f"{what} within {total:g}s (total timeout)") from None

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        total, idle = self.stream_total, self.stream_idle
        if total is None and idle is None:
            async with closing(self.inner.stream_chat(request)) as plain:
                async for item in plain:
                    yield item
            return
        # One watchdog timer per stream instead of a timeout context per event
        # (events are the hot path): it fires only while we await the next event,
        # and re-arms itself when that wait began later than it was set for.
        loop = asyncio.get_running_loop()
        end = math.inf if total is None else loop.time() + total
        idle_s = math.inf if idle is None else idle
        agen = self.inner.stream_chat(request)
        started = loop.time()
        events = 0
        waiting = False
        wait_began = started
        fired = False
        task: asyncio.Task[Any] | None = None
        handle: asyncio.TimerHandle | None = None

        def due() -> float:
            return min(end, wait_began + idle_s)

        def check() -> None:
            nonlocal handle, fired
            handle = None
            if not waiting or task is None:
                return  # armed again when the next wait begins
            if loop.time() >= due() - 1e-4:
                fired = True
                task.cancel()
            else:
                handle = loop.call_at(due(), check)

        try:
            while True:
                wait_began = loop.time()
                waiting = True
                task = asyncio.current_task()
                if handle is None:
                    handle = loop.call_at(due(), check)
                try:
                    ev = await agen.__anext__()
                except StopAsyncIteration:
                    return
                except asyncio.CancelledError:
                    if not fired:
                        raise
                    if task is not None and hasattr(task, "uncancel"):
                        task.uncancel()
                    if loop.time() >= end - 1e-3:
                        raise self._error(
                            f"stream not complete within {total:g}s (total timeout; {events} events received)"
                        ) from None
                    raise self._error(
                        f"stream stalled: no event for {idle:g}s (stream idle timeout; "
                        f"{events} events received in {loop.time() - started:.1f}s)"
                    ) from None
                finally:
                    waiting = False
                events += 1
                yield ev
        finally:
            if handle is not None:
                handle.cancel()
            aclose = getattr(agen, "aclose", None)
            if aclose is not None:
                await aclose()
