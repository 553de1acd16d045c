"""Adaptive concurrency: AIMD, plus pre-emptive slow-down from rate-limit headers.

:class:`AdaptiveLimiter` is a :class:`~llmcore.reliability.limiter.LocalLimiter`
whose limit moves:

* **AIMD** (always): each success adds ``increase / limit`` (about +1 per
  round of ``limit`` requests); an overload signal — 429, 503, 529 — halves
  it (``decrease``), at most once per window: only a failure of a request
  started after the last decrease counts, so a burst of 429s from one round
  halves once, not forty times. A 429 that says how long to wait
  (``retry_after``) also pauses new requests for that long (at most
  ``max_pause``): every caller of this model, not only the one that got it,
  waits.
* **Headers** (when the provider sends them, :mod:`.headers`): each response's
  ``x-ratelimit-remaining-*`` / ``anthropic-ratelimit-*-remaining`` starts a
  budget for the current window; requests started since are counted against
  it (tokens by the running average of usage per request), and when the
  budget is spent no new request starts before the announced reset —
  the limit is respected *before* the server has to say 429. Once a reset
  has passed, the next window is assumed to hold the announced ``limit``
  until a response says otherwise. When less than
  ``low_watermark`` of a window remains, the limit is also capped at the
  number of requests left.

Without headers only AIMD acts. ``status()`` says which mode is in force.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigurationError, LLMCoreError, ProviderServerError, RateLimitError
from .headers import RateLimitSnapshot, parse_rate_limit_headers
from .limiter import LocalLimiter

__all__ = ["AdaptiveLimiter", "is_overload"]


def is_overload(err: BaseException) -> bool:
    """429, 503 and 529 (Anthropic "overloaded") are signals to slow down."""
    if isinstance(err, RateLimitError):
        return True
    return isinstance(err, ProviderServerError) and err.status_code in (503, 529)


class _Budget:
    """What is left of one dimension's window, and how much we started since."""

    __slots__ = ("limit", "remaining", "reset_at", "started", "window")

    def __init__(self, remaining: float, reset_at: float, limit: float | None, window: float) -> None:
        self.remaining = remaining
        self.reset_at = reset_at
        self.limit = limit
        self.window = window
        self.started = 0


class AdaptiveLimiter(LocalLimiter):
    """A concurrency limit between ``min_concurrency`` and ``max_concurrency``
    that adapts (see the module docstring). ``initial`` defaults to the max."""

    def __init__(
        self,
        max_concurrency: int = 64,
        *,
        min_concurrency: int = 1,
        initial: int | None = None,
        increase: float = 1.0,
        decrease: float = 0.5,
        low_watermark: float = 0.1,
        max_pause: float = 60.0,
        default_reset: float = 1.0,
        recheck: float = 0.1,
    ) -> None:
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ConfigurationError(f"max_concurrency must be a positive integer, not {max_concurrency!r}")
        if not 1 <= min_concurrency <= max_concurrency:
            raise ConfigurationError("min_concurrency must be between 1 and max_concurrency")
        if not 0 < decrease < 1:
            raise ConfigurationError("decrease must be between 0 and 1 (the factor applied on overload)")
        start = max_concurrency if initial is None else min(max(initial, min_concurrency), max_concurrency)
        super().__init__(start)
        self.max_concurrency = max_concurrency
        self.min_concurrency = min_concurrency
        self.increase = increase
        self.decrease = decrease
        self.low_watermark = low_watermark
        self.max_pause = max_pause
        self.default_reset = default_reset
        self.recheck = recheck
        self._cwnd = float(start)
        self._epoch = 0
        self._state = threading.Lock()
        self._budgets: dict[str, _Budget] = {}
        self._avg_tokens: float | None = None
        self._header_cap: tuple[int, float] | None = None  # (cap, until monotonic)
        self.headers_seen = 0
        self.decreases = 0
        self.header_waits = 0

    # -- gate -------------------------------------------------------------------

    def _budget_wait(self, now: float) -> float:
        """Seconds until a spent header budget resets (0: go ahead)."""
        wait = 0.0
        for name, b in self._budgets.items():
            if b.reset_at <= now:
                if b.limit is None:
                    continue
                # a new window began: assume its full limit until a response says otherwise
                b.remaining, b.started, b.reset_at = b.limit, 0, now + b.window
            cost = 1.0 if name == "requests" else self._avg_tokens
            if cost is None:
                continue
            if b.remaining - b.started * cost <= 0:
                wait = max(wait, b.reset_at - now)
        return min(wait, self.max_pause)

    async def acquire(self) -> int:  # type: ignore[override]
        """Wait for a slot and for the header budget; returns the lease (the
        AIMD epoch the request started in)."""
        while True:
            await super().acquire()
            now = time.monotonic()
            with self._state:
                wait = self._budget_wait(now)
                if wait <= 0:
                    for b in self._budgets.values():
                        b.started += 1
                    return self._epoch
                self.header_waits += 1
            self.release_now()
            # re-check soon: a response arriving meanwhile may bring a fresher budget
            self.pause_until(now + min(wait, self.recheck))

    # -- feedback ---------------------------------------------------------------

    def _apply(self) -> None:
        limit = int(self._cwnd)
        if self._header_cap is not None:
            cap, until = self._header_cap
            if until > time.monotonic():
                limit = min(limit, cap)
            else:
                self._header_cap = None
        self.set_limit(max(self.min_concurrency, limit))

    def on_success(self, lease: Any = None) -> None:
        """Additive increase."""
        with self._state:
            if self._cwnd < self.max_concurrency:
                self._cwnd = min(float(self.max_concurrency), self._cwnd + self.increase / max(self._cwnd, 1.0))
            self._apply()

    def on_error(self, lease: Any, err: BaseException) -> None:
        """Multiplicative decrease on an overload signal, once per window; a
        ``retry_after`` pauses new requests."""
        if not is_overload(err):
            return
        with self._state:
            if lease == self._epoch:
                self._cwnd = max(float(self.min_concurrency), self._cwnd * self.decrease)
                self._epoch += 1
                self.decreases += 1
            self._apply()
        retry_after = getattr(err, "retry_after", None) if isinstance(err, LLMCoreError) else None
        if retry_after:
            self.pause_until(time.monotonic() + min(retry_after, self.max_pause))

    def on_usage(self, tokens: int | None) -> None:
        """Tokens one request used (input + output): the cost estimate for
        token budgets."""
        if tokens is None or tokens < 0:
            return
        with self._state:
            self._avg_tokens = tokens if self._avg_tokens is None else 0.9 * self._avg_tokens + 0.1 * tokens

    def observe(self, snapshot: RateLimitSnapshot) -> None:
        """Take in one response's rate-limit headers."""
        if not snapshot:
            return
        now = time.monotonic()
        with self._state:
            self.headers_seen += 1
            cap: int | None = None
            cap_until = now
            for name, d in snapshot.dimensions.items():
                if d.remaining is None:
                    continue
                reset = d.reset if d.reset is not None else self.default_reset
                prev = self._budgets.get(name)
                window = max(reset, prev.window if prev is not None else 0.0) or self.default_reset
                self._budgets[name] = _Budget(d.remaining, now + reset, d.limit, window)
                frac = d.fraction
                if name == "requests" and frac is not None and frac < self.low_watermark:
                    cap = max(self.min_concurrency, int(d.remaining))
                    cap_until = max(cap_until, now + reset)
            if cap is not None:
                self._header_cap = (cap, cap_until)
            self._apply()

    def observe_headers(self, headers: Mapping[str, str]) -> None:
        """:meth:`observe` from raw response headers (a ``response_hooks`` entry)."""
        snap = parse_rate_limit_headers(headers)
        if snap:
            self.observe(snap)

    # -- introspection ----------------------------------------------------------

    @property
    def mode(self) -> str:
        """``"headers"`` once the provider has sent rate-limit headers, else ``"aimd"``."""
        return "headers" if self.headers_seen else "aimd"

    def status(self) -> dict[str, Any]:
        now = time.monotonic()
        out = super().status()
        out.update(
            mode=self.mode,
            window=round(self._cwnd, 2),
            max=self.max_concurrency,
            min=self.min_concurrency,
            decreases=self.decreases,
            budgets={
                n: {"remaining": b.remaining, "started": b.started, "reset_in": round(max(0.0, b.reset_at - now), 3)}
                for n, b in self._budgets.items()
            },
        )
        return out

    def __repr__(self) -> str:
        return f"AdaptiveLimiter(limit={self.limit}, max={self.max_concurrency}, mode={self.mode})"
