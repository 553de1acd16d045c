"""Token buckets: the state behind request and token rate limits.

A bucket holds up to ``capacity`` tokens and refills continuously at
``refill_per_second``. :meth:`TokenBucket.reserve` takes ``n`` *now* and
says how long the caller must wait before going ahead: the balance may go
below zero, and the caller waits until the refill has paid the debt. That
makes waiting FIFO-fair and O(1), needs no lock held across an ``await``,
and works from any event loop or thread (the sync API and ``asyncio.run``
users share one bucket).

:meth:`adjust` corrects a reservation once the real cost is known (token
usage reported by the provider), :meth:`status` reports
``available``/``capacity``/``refill_per_second`` and :meth:`reset` refills.

This module is the per-process (memory) backend;
:mod:`llmcore.reliability.redis_backend` has the same interface over Redis,
shared by processes and machines.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..errors import ConfigurationError

__all__ = ["Bucket", "BucketStatus", "TokenBucket"]


@dataclass(frozen=True)
class BucketStatus:
    """A bucket's state: ``available`` tokens now (negative while reserved
    ahead: callers are waiting), ``capacity``, and ``refill_per_second``."""

    available: float
    capacity: float
    refill_per_second: float

    @property
    def refill_per_minute(self) -> float:
        return self.refill_per_second * 60.0


class Bucket(Protocol):
    """What the rate-limit middleware needs from a bucket backend."""

    capacity: float
    refill_per_second: float

    async def reserve(self, n: float) -> float:
        """Take ``n`` now; return the seconds to wait before using them."""
        ...

    async def adjust(self, delta: float) -> None:
        """Give back (``delta`` > 0) or take more (``delta`` < 0) tokens."""
        ...

    def status(self) -> BucketStatus: ...

    def reset(self) -> None: ...


def check_rate(capacity: float, refill_per_second: float) -> None:
    """Raise :class:`ConfigurationError` for a bucket that could never serve."""
    if not capacity > 0 or not refill_per_second > 0:
        raise ConfigurationError(
            f"a rate limit needs a positive capacity and rate (got capacity={capacity!r}, rate={refill_per_second!r}/s)"
        )


class TokenBucket:
    """An in-process token bucket (thread- and loop-safe), starting full."""

    def __init__(
        self, capacity: float, refill_per_second: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        check_rate(capacity, refill_per_second)
        self.capacity = float(capacity)
        self.refill_per_second = float(refill_per_second)
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = self.capacity
        self._stamp = clock()

    def configure(self, capacity: float, refill_per_second: float) -> None:
        """Change the limits in place (a model re-declared with other numbers)."""
        check_rate(capacity, refill_per_second)
        with self._lock:
            self._refill()
            self.capacity = float(capacity)
            self.refill_per_second = float(refill_per_second)
            self._tokens = min(self._tokens, self.capacity)

    def _refill(self) -> None:
        now = self._clock()
        if now > self._stamp:
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.refill_per_second)
        self._stamp = now

    def reserve_now(self, n: float) -> float:
        """Synchronous :meth:`reserve`."""
        with self._lock:
            self._refill()
            self._tokens -= n
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.refill_per_second

    async def reserve(self, n: float) -> float:
        return self.reserve_now(n)

    def adjust_now(self, delta: float) -> None:
        """Synchronous :meth:`adjust` (the balance never exceeds capacity)."""
        with self._lock:
            self._refill()
            self._tokens = min(self.capacity, self._tokens + delta)

    async def adjust(self, delta: float) -> None:
        self.adjust_now(delta)

    def status(self) -> BucketStatus:
        with self._lock:
            self._refill()
            return BucketStatus(self._tokens, self.capacity, self.refill_per_second)

    def reset(self) -> None:
        """Refill to capacity (forgets waiting callers' reservations)."""
        with self._lock:
            self._tokens = self.capacity
            self._stamp = self._clock()

    def __repr__(self) -> str:
        s = self.status()
        return f"TokenBucket(available={s.available:.1f}, capacity={s.capacity:g}, refill={s.refill_per_second:g}/s)"


async def take(bucket: Bucket, n: float) -> float:
    """Reserve ``n`` and sleep until they are ours; returns the wait. A
    cancelled wait gives the tokens back."""
    wait = await bucket.reserve(n)
    if wait > 0:
        try:
            await asyncio.sleep(wait)
        except asyncio.CancelledError:
            await asyncio.shield(bucket.adjust(n))
            raise
    return wait
