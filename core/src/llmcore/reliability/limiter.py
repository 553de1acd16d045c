"""In-process concurrency gate: at most ``limit`` holders at a time.

:class:`LocalLimiter` is loop-agnostic and thread-safe (a ``threading.Lock``
guards its counters; a waiter is woken with ``call_soon_threadsafe`` on its
own loop), because one limiter may serve the sync API's background loop and
any number of ``asyncio.run`` loops at once. Waiters are served FIFO. The
limit can change at run time (:class:`~llmcore.reliability.adaptive.AdaptiveLimiter`
moves it), and :meth:`pause_until` holds new acquisitions until a moment.

Cross-process gates with the same ``acquire``/``release`` shape live in
:mod:`.filelimit` (one machine) and :mod:`.redis_backend` (many machines).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from typing import Any, Protocol

from ..errors import ConfigurationError

__all__ = ["Limiter", "LocalLimiter"]


class Limiter(Protocol):
    """A concurrency gate: ``lease = await acquire()`` … ``await release(lease)``."""

    async def acquire(self) -> Any: ...

    async def release(self, lease: Any) -> None: ...

    def status(self) -> dict[str, Any]: ...


class _Waiter:
    __slots__ = ("fut", "granted", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop, fut: asyncio.Future[None]) -> None:
        self.loop = loop
        self.fut = fut
        self.granted = False


def _wake(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class LocalLimiter:
    """At most ``limit`` concurrent holders in this process."""

    def __init__(self, limit: int) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ConfigurationError(f"a concurrency limit must be a positive integer, not {limit!r}")
        self._lock = threading.Lock()
        self._limit = limit
        self._held = 0
        self._waiters: deque[_Waiter] = deque()
        self._pause_until = 0.0  # time.monotonic()
        self._wake_scheduled = False

    # -- the limit ------------------------------------------------------------

    @property
    def limit(self) -> int:
        return self._limit

    def set_limit(self, limit: int) -> None:
        """Change the limit; raising it wakes waiters at once."""
        with self._lock:
            self._limit = max(1, int(limit))
            self._grant_locked()

    @property
    def held(self) -> int:
        return self._held

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def pause_until(self, when: float) -> None:
        """Grant nothing new before ``time.monotonic()`` reaches ``when``."""
        with self._lock:
            if when > self._pause_until:
                self._pause_until = when
            self._schedule_wake_locked()

    def paused_for(self) -> float:
        """Seconds left of a pause (0 when not paused)."""
        return max(0.0, self._pause_until - time.monotonic())

    # -- acquire / release ----------------------------------------------------

    def _schedule_wake_locked(self) -> None:
        """While paused, queued waiters need someone to wake them when the
        pause ends: a timer on the first waiter's loop."""
        if self._wake_scheduled or not self._waiters:
            return
        delay = self._pause_until - time.monotonic()
        if delay <= 0:
            return
        loop = self._waiters[0].loop
        self._wake_scheduled = True

        def arm() -> None:
            loop.call_later(delay, self._timer_wake)

        try:
            loop.call_soon_threadsafe(arm)
        except RuntimeError:
            self._wake_scheduled = False

    def _timer_wake(self) -> None:
        with self._lock:
            self._wake_scheduled = False
            self._grant_locked()

    def _grant_locked(self) -> None:
        if self._pause_until > time.monotonic():
            self._schedule_wake_locked()
            return
        while self._waiters and self._held < self._limit:
            w = self._waiters.popleft()
            w.granted = True
            self._held += 1
            try:
                w.loop.call_soon_threadsafe(_wake, w.fut)
            except RuntimeError:  # its loop is closed: the waiter is gone
                w.granted = False
                self._held -= 1

    async def acquire(self) -> None:
        """Wait for a slot (FIFO; a cancelled waiter leaves the queue)."""
        while True:
            pause = self.paused_for()
            if pause > 0:
                await asyncio.sleep(pause)
                continue
            loop = asyncio.get_running_loop()
            with self._lock:
                if self._pause_until > time.monotonic():
                    continue
                if self._held < self._limit and not self._waiters:
                    self._held += 1
                    return None
                w = _Waiter(loop, loop.create_future())
                self._waiters.append(w)
            try:
                await w.fut
            except asyncio.CancelledError:
                with self._lock:
                    if w.granted:
                        self._held -= 1
                        self._grant_locked()
                    else:
                        try:
                            self._waiters.remove(w)
                        except ValueError:
                            pass
                raise
            if self._pause_until > time.monotonic():  # a pause began while we were queued
                self.release_now()
                continue
            return None

    def release_now(self) -> None:
        with self._lock:
            self._held -= 1
            self._grant_locked()

    async def release(self, lease: Any = None) -> None:
        self.release_now()

    def wake(self) -> None:
        """Grant queued waiters what the current limit allows (after a pause)."""
        with self._lock:
            self._grant_locked()

    def status(self) -> dict[str, Any]:
        return {
            "limit": self._limit,
            "in_flight": self._held,
            "waiting": len(self._waiters),
            "paused_for": round(self.paused_for(), 3),
        }

    def __repr__(self) -> str:
        return f"LocalLimiter(limit={self._limit}, in_flight={self._held}, waiting={len(self._waiters)})"
