"""One facade call, end to end: response cache → provider (with its
middleware) → structured-output parsing → usage accounting.

:class:`Call` is what ``Model.achat``/``Model.astream`` run. Order:

1. with a cache, look the request up (:func:`llmcore.cache.cache_key`); a
   hit replays the stored events (streams) or their collected response
   (``chat``), marked ``cached=True``;
2. otherwise call the provider; a stream's events are captured as they pass;
3. record usage (:mod:`llmcore.usage`) — the call happened and was paid for,
   whatever follows;
4. parse structured output (:mod:`llmcore.structured`), which may raise;
5. store the answer in the cache — only when it completed, did not finish
   with ``error`` and its structured output (if any) validated.

A cache backend that fails (Redis down, disk full) is logged on
``llmcore.cache`` and skipped: the cache never fails a call.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import suppress
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from . import observe as _observe
from .reliability.base import closing
from .usage import make_record, record  # light: errors and the usage modules only

if TYPE_CHECKING:
    from .cache import Cache
    from .events import StreamEvent
    from .facade import Model
    from .structured import StructuredOutput
    from .types import ChatRequest, ChatResponse

__all__ = ["Call", "install_key_hooks"]

log = logging.getLogger("llmcore.cache")

#: per call, the id of the key that served it (set by response hooks of a key pool's providers)
_KEY_HOLDER: ContextVar[dict[str, str] | None] = ContextVar("llmcore_key_holder", default=None)


def install_key_hooks(base_provider: Any) -> str | None:
    """The key id of a single-key provider; for a key pool, install response
    hooks that report which key answered each call, and return ``None``."""
    from .reliability.base import leaves
    from .reliability.security import key_id

    found = leaves(base_provider)
    ids = [key_id(k) if (k := getattr(p, "_api_key", None)) else None for p in found]
    if len(found) == 1:
        return ids[0]
    for p, kid in zip(found, ids, strict=True):
        hooks = getattr(p, "response_hooks", None)
        if isinstance(hooks, list) and kid is not None:
            hooks.append(_key_hook(kid))
    return None


def _key_hook(kid: str) -> Any:
    def hook(_response: Any) -> None:
        holder = _KEY_HOLDER.get()
        if holder is not None:
            holder["key_id"] = kid

    return hook


class Call:
    """One call through a :class:`~llmcore.facade.Model` (see the module docstring)."""

    def __init__(
        self,
        model: Model,
        request: ChatRequest,
        output: StructuredOutput | None,
        cache: Cache | None,
        *,
        stream: bool,
    ) -> None:
        self.model = model
        self.request = request
        self.output = output
        self.cache = cache
        self.stream = stream
        self.started = time.perf_counter()
        self.hit = False
        self.key: str | None = None
        self._holder: dict[str, str] = {}
        self._captured: list[StreamEvent] | None = None
        #: the observation of this call (``None``: nothing listens, see :mod:`llmcore.observe`)
        self._obs: _observe.CallObservation | None = None

    def _start_observation(self, obs: _observe.Observer) -> _observe.CallObservation:
        """Start observing this call (only when an observer is installed)."""
        from .reliability.base import innermost

        m = self.model
        self._obs = h = obs.start_call(
            _observe.CallInfo(
                "stream" if self.stream else "chat",
                m.spec.name,
                m.model_id,
                self.request,
                getattr(innermost(m.base_provider), "base_url", None),
                m.key_id,
            )
        )
        return h

    # -- cache ---------------------------------------------------------------------

    def _cache_key(self) -> str:
        from .cache import cache_key
        from .reliability.base import innermost

        inner = innermost(self.model.base_provider)
        return cache_key(
            self.model.spec.name,
            self.request,
            base_url=getattr(inner, "base_url", None),
            settings=self.model.settings,
            headers=getattr(getattr(inner, "config", None), "headers", None),  # a tenant header: its own answers
        )

    async def _lookup(self) -> list[StreamEvent] | None:
        assert self.cache is not None
        from .cache import decode_entry

        try:
            self.key = self._cache_key()
            data = await self.cache.get(self.key)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            log.warning(
                "cache %s lookup failed (%s: %s); calling the provider", self.cache.describe(), type(e).__name__, e
            )
            self.key = None
            return None
        return decode_entry(data) if data is not None else None

    async def _store(self, events: list[StreamEvent]) -> None:
        if self.cache is None or self.key is None:
            return
        from .cache import encode_entry

        try:
            await self.cache.set(self.key, encode_entry(events))
        except asyncio.CancelledError:
            raise
        except Exception as e:
            log.warning("cache %s store failed (%s: %s)", self.cache.describe(), type(e).__name__, e)

    # -- the two call shapes ---------------------------------------------------------------

    async def chat(self) -> ChatResponse:
        """The answer of a ``chat`` call (cached or from the provider)."""
        obs = _observe.observer
        if obs is None:
            return await self._chat()
        h = self._start_observation(obs)
        token = _observe._CURRENT.set(h)
        try:
            return await self._chat()
        except BaseException as e:
            h.end(error=e)
            raise
        finally:
            _observe._CURRENT.reset(token)

    async def _chat(self) -> ChatResponse:
        h = self._obs
        if self.cache is not None:
            events = await self._lookup()
            if events is not None:
                from .events import StreamAccumulator

                self.hit = True
                if h is not None:
                    h.cache_hit()
                acc = StreamAccumulator()
                for ev in events:
                    acc.add(ev)
                resp = acc.response(self.model.spec.name)
                resp.cached = True
                return await self.finish(resp)
        token = _KEY_HOLDER.set(self._holder)
        # without a retry layer (retry=False) the one attempt is reported here
        a = h.attempt(1) if h is not None and not getattr(self.model.provider, "reports_attempts", False) else None
        try:
            resp = await self.model.provider.chat(self.request)
        except BaseException as e:
            if a is not None:
                a.end(e)
            raise
        finally:
            _KEY_HOLDER.reset(token)
        if a is not None:
            a.end()
        return await self.finish(resp)

    async def events(self) -> AsyncIterator[StreamEvent]:
        """The events of a stream (cached or from the provider); after the
        last one, the facade's stream calls :meth:`finish`."""
        # observed from the first step on (a stream never iterated is no call)
        obs = _observe.observer
        h = self._start_observation(obs) if obs is not None else None
        obs_token = _observe._CURRENT.set(h) if h is not None else None
        a = None
        try:
            if self.cache is not None:
                cached = await self._lookup()
                if cached is not None:
                    self.hit = True
                    if h is not None:
                        h.cache_hit()
                    for ev in cached:
                        if h is not None:
                            h.chunk(ev)
                        yield ev
                    return
                self._captured = []
            captured = self._captured
            token = _KEY_HOLDER.set(self._holder)
            if h is not None and not getattr(self.model.provider, "reports_attempts", False):
                a = h.attempt(1)
            try:
                # closing: a caller that stops early releases the HTTP stream and any
                # concurrency slot now, not when the garbage collector finds the generator
                async with closing(self.model.provider.stream_chat(self.request)) as stream:
                    async for ev in stream:
                        if captured is not None:
                            captured.append(ev)
                        if h is not None:
                            h.chunk(ev)
                        yield ev
            finally:
                with suppress(ValueError):  # closed from another context: nothing to restore
                    _KEY_HOLDER.reset(token)
            if a is not None:
                a.end()
        except BaseException as e:  # an error, or the caller closed the stream (GeneratorExit)
            if a is not None:
                a.end(e)
            if h is not None:
                h.end(error=e)
            raise
        finally:
            if obs_token is not None:
                with suppress(ValueError):
                    _observe._CURRENT.reset(obs_token)

    async def finish(self, resp: ChatResponse) -> ChatResponse:
        """Account for, parse and (maybe) store a completed answer."""
        if self.hit:
            resp.cached = True
        m = self.model
        rec = make_record(
            m.spec,
            m.model_id,
            resp,
            started=self.started,
            stream=self.stream,
            cached=self.hit,
            key_id=self._holder.get("key_id", m.key_id),
            price=m.price,
        )
        record(rec, m.usage)
        if self.output is not None:
            try:
                self.output.parse_into(resp)
            except BaseException as e:
                if self._obs is not None:
                    self._obs.end(error=e)
                raise
        if self.cache is not None and not self.hit and resp.finish_reason != "error":
            from .cache import response_events

            events = self._captured if self.stream else None
            await self._store(events if events is not None else response_events(resp))
        if self._obs is not None:
            self._obs.end(response=resp, record=rec)
        return resp
