"""Rate-limit response headers → one small snapshot.

Providers announce their limits on every response, in a few dialects:

* OpenAI, Groq and most OpenAI-compatible servers:
  ``x-ratelimit-{limit,remaining,reset}-{requests,tokens}``, resets as Go
  durations (``"1s"``, ``"6m0s"``, ``"20ms"``, ``"1h2m3.5s"``);
* Anthropic: ``anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}``,
  resets as RFC 3339 timestamps;
* a generic ``x-ratelimit-{limit,remaining,reset}`` (Together and others),
  resets in seconds (or a Unix time when the number is that large).

:func:`parse_rate_limit_headers` reads them all into a
:class:`RateLimitSnapshot`; :func:`reset_delay` answers "how long until a
429'd request may succeed" for errors that carry no ``Retry-After``.
Parsing is cheap (a few dict lookups) because it runs on every response.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Dimension", "RateLimitSnapshot", "parse_rate_limit_headers", "parse_reset", "reset_delay"]

# (dimension name, header prefix, header suffix) for "<prefix>{limit,remaining,reset}<suffix>"
_DIALECTS: tuple[tuple[str, str, str], ...] = (
    ("requests", "x-ratelimit-", "-requests"),
    ("tokens", "x-ratelimit-", "-tokens"),
    ("requests", "anthropic-ratelimit-requests-", ""),
    ("tokens", "anthropic-ratelimit-tokens-", ""),
    ("input_tokens", "anthropic-ratelimit-input-tokens-", ""),
    ("output_tokens", "anthropic-ratelimit-output-tokens-", ""),
    ("requests", "x-ratelimit-", ""),  # generic, counted as requests
)

_GO_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


@dataclass(slots=True)
class Dimension:
    """One limited quantity (requests, tokens, …): ``limit`` per window,
    ``remaining`` now, ``reset`` seconds until it is fully replenished (any
    may be ``None``)."""

    limit: float | None = None
    remaining: float | None = None
    reset: float | None = None

    @property
    def fraction(self) -> float | None:
        """``remaining / limit``, or ``None`` when either is unknown."""
        if self.limit is None or self.remaining is None or self.limit <= 0:
            return None
        return self.remaining / self.limit


@dataclass(slots=True)
class RateLimitSnapshot:
    """What one response said about the caller's limits; ``at`` is the
    ``time.monotonic()`` it was read."""

    dimensions: dict[str, Dimension] = field(default_factory=dict)
    at: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.dimensions)

    @property
    def exhausted(self) -> list[str]:
        """Names of dimensions with nothing remaining."""
        return [n for n, d in self.dimensions.items() if d.remaining is not None and d.remaining <= 0]


def parse_duration(value: str) -> float | None:
    """A Go-style duration (``"6m0s"``, ``"1.5s"``, ``"20ms"``) or a plain
    number of seconds → seconds; ``None`` if unparseable."""
    v = value.strip()
    if not v:
        return None
    try:
        return float(v)
    except ValueError:
        pass
    total = 0.0
    pos = 0
    for m in _GO_DURATION.finditer(v):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * _UNIT[m.group(2)]
        pos = m.end()
    return total if pos == len(v) and pos else None


def parse_reset(value: str, now: float | None = None) -> float | None:
    """Seconds until a reset: from a duration (``"1s"``, ``"6m0s"``), a
    number of seconds (a number above 10^9 is a Unix time), or an RFC 3339
    timestamp (``"2025-01-01T00:00:05Z"``). Never negative; ``None`` if
    unparseable."""
    v = value.strip()
    if not v:
        return None
    wall = time.time() if now is None else now
    if "T" in v and "-" in v:  # RFC 3339
        try:
            when = datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            return None
        return max(0.0, when.timestamp() - wall)
    seconds = parse_duration(v)
    if seconds is None:
        return None
    if seconds > 1e9:  # an epoch timestamp
        seconds -= wall
    return max(0.0, seconds)


def _num(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def parse_rate_limit_headers(headers: Mapping[str, str]) -> RateLimitSnapshot:
    """Every rate-limit header of a response in one snapshot (empty — falsy —
    when there are none). ``headers`` must look up case-insensitively (httpx
    headers do) or be lower-case."""
    dims: dict[str, Dimension] = {}
    for name, prefix, suffix in _DIALECTS:
        remaining = headers.get(f"{prefix}remaining{suffix}")
        limit = headers.get(f"{prefix}limit{suffix}")
        reset = headers.get(f"{prefix}reset{suffix}")
        if remaining is None and limit is None and reset is None:
            continue
        if name in dims:  # the generic form never overrides a specific one
            continue
        dims[name] = Dimension(
            limit=_num(limit), remaining=_num(remaining), reset=parse_reset(reset) if reset else None
        )
    return RateLimitSnapshot(dims, time.monotonic())


def reset_delay(headers: Mapping[str, str]) -> float | None:
    """How long to wait before a rate-limited request may succeed, from the
    reset headers alone (for a 429 without ``Retry-After``): the latest reset
    among exhausted dimensions, else the earliest reset announced; ``None``
    when no reset header is present."""
    snap = parse_rate_limit_headers(headers)
    exhausted = [snap.dimensions[n].reset for n in snap.exhausted]
    waits = [w for w in exhausted if w is not None]
    if waits:
        return max(waits)
    resets = [d.reset for d in snap.dimensions.values() if d.reset is not None]
    return min(resets) if resets else None
