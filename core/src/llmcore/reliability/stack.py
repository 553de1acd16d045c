"""Composing the reliability layers: per-model options, global defaults, sharing.

``llmcore.model(name, retry=..., timeouts=..., rate_limit=..., concurrency=...,
api_keys=...)`` builds, from the provider outwards::

    provider (or a KeyPool of one provider per key)
      → Timeout            connect/read/total/stream idle, per attempt
      → user middleware    Model(middleware=[...]), first listed innermost
      → ConcurrencyCap     LLMCORE_GLOBAL_CONCURRENCY (file locks, this machine)
      → ConcurrencyCap     concurrency=...(backend="file" | "redis://...")
      → AdaptiveConcurrency  AIMD + rate-limit headers (this process)
      → RateLimit          requests/min and tokens/min buckets
      → Retry              backoff with jitter, Retry-After, bounded

so each retry attempt waits for the buckets and a slot again, and a
timeout applies to one attempt. Options left out come from
:func:`configure` (per provider, then global), then the built-in defaults:
retries on, the rest off. Limit state is shared by the models of one
``"<provider>/<model>"`` that ask the same numbers, or explicitly by every
model that gives the same ``name=`` (see :mod:`.ratelimit`), in the process,
or across processes with a file/Redis backend. A model's own limit is never
changed by another model's options.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError

if TYPE_CHECKING:
    from ..provider import Provider
    from ..spec import ProviderSpec

__all__ = ["ConcurrencyPolicy", "configure", "defaults_for", "build_stack", "reset_shared_state", "UNSET"]

#: "not passed": fall back to the configured default
UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET"})()

_OPTIONS = ("retry", "timeouts", "rate_limit", "concurrency")
_defaults: dict[str | None, dict[str, Any]] = {}
_lock = threading.Lock()
_limiters: dict[tuple[str, ...], Any] = {}


@dataclass(frozen=True)
class ConcurrencyPolicy:
    """At most ``max`` requests in flight. ``adaptive`` moves the limit
    between ``min`` and ``max`` (AIMD, rate-limit headers; starting at
    ``initial``, default ``max``). ``backend``: ``None`` (this process),
    ``"file"`` (every process on this machine) or a ``redis://`` URL (every
    process using that Redis) — a shared backend caps at ``max`` for all of
    them, and the adaptive limit acts per process under it. ``name`` names the
    shared state (default ``"<provider>/<model>"``)."""

    max: int = 64
    min: int = 1
    initial: int | None = None
    adaptive: bool = True
    backend: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.max, bool) or not isinstance(self.max, int) or self.max < 1:
            raise ConfigurationError(f"concurrency max must be a positive integer, not {self.max!r}")
        if not 1 <= self.min <= self.max:
            raise ConfigurationError("concurrency min must be between 1 and max")
        b = self.backend
        if b is not None and b not in ("memory", "file") and not b.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigurationError(f"concurrency backend must be None, 'file' or a redis:// URL, not {b!r}")

    @classmethod
    def coerce(cls, value: Any) -> ConcurrencyPolicy | None:
        """``None``/``False`` → none; an int → that fixed-or-adaptive max; a dict; a policy."""
        if value is None or value is False:
            return None
        if isinstance(value, ConcurrencyPolicy):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(max=value)
        if isinstance(value, dict):
            known = set(cls.__dataclass_fields__)
            unknown = set(value) - known
            if unknown:
                raise ConfigurationError(
                    f"unknown concurrency field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
                )
            return cls(**value)
        raise ConfigurationError(
            f"concurrency must be an int, a ConcurrencyPolicy or a dict, not {type(value).__name__}"
        )


def configure(provider: str | None = None, **options: Any) -> dict[str, Any]:
    """Set defaults for every model (``provider=None``) or for one provider's
    models: any of ``retry``, ``timeouts``, ``rate_limit``, ``concurrency``.
    A value of ``UNSET`` removes a default. Returns the defaults now in force
    at that level. A model's own options always win."""
    unknown = set(options) - set(_OPTIONS)
    if unknown:
        raise ConfigurationError(
            f"unknown reliability option(s) {', '.join(sorted(unknown))}; known: {', '.join(_OPTIONS)}"
        )
    _validate(options)
    with _lock:
        level = _defaults.setdefault(provider, {})
        for k, v in options.items():
            if v is UNSET:
                level.pop(k, None)
            else:
                level[k] = v
        return dict(level)


def _validate(options: dict[str, Any]) -> None:
    from .ratelimit import RateLimitPolicy
    from .retry import coerce_retry as _retry_policy
    from .timeout import TimeoutPolicy

    checks = {
        "retry": _retry_policy,
        "timeouts": TimeoutPolicy.coerce,
        "rate_limit": RateLimitPolicy.coerce,
        "concurrency": ConcurrencyPolicy.coerce,
    }
    for k, v in options.items():
        if v is not UNSET:
            checks[k](v)


def defaults_for(provider: str) -> dict[str, Any]:
    """The configured defaults for ``provider``'s models (global, then per provider)."""
    with _lock:
        return {**_defaults.get(None, {}), **_defaults.get(provider, {})}


def reset_shared_state() -> None:
    """Forget configured defaults and every shared limiter/bucket of this
    process (tests; a Redis backend's data stays in Redis)."""
    from . import ratelimit

    with _lock:
        _defaults.clear()
        _limiters.clear()
    with ratelimit._registry_lock:
        ratelimit._registry.clear()


def _shared(key: tuple[str, ...], make: Any) -> Any:
    with _lock:
        lim = _limiters.get(key)
        if lim is None:
            lim = make()
            _limiters[key] = lim
        return lim


def build_stack(
    provider: Provider,
    spec: ProviderSpec,
    model_id: str,
    *,
    retry: Any = UNSET,
    timeouts: Any = UNSET,
    rate_limit: Any = UNSET,
    concurrency: Any = UNSET,
    middleware: Any = (),
) -> Provider:
    """Wrap ``provider`` in the layers the options ask for (see the module docstring)."""
    from .adaptive import AdaptiveLimiter
    from .concurrency import AdaptiveConcurrency, ConcurrencyCap
    from .filelimit import FileLockLimiter, global_concurrency_from_env
    from .limiter import LocalLimiter
    from .ratelimit import RateLimit, RateLimitPolicy
    from .retry import Retry
    from .retry import coerce_retry as _retry_policy
    from .timeout import Timeout, TimeoutPolicy

    d = defaults_for(spec.name)
    pick = lambda name, value: d.get(name, UNSET) if value is UNSET else value
    retry, timeouts = pick("retry", retry), pick("timeouts", timeouts)
    rate_limit, concurrency = pick("rate_limit", rate_limit), pick("concurrency", concurrency)
    default_name = f"{spec.name}/{model_id}"

    t = TimeoutPolicy.coerce(None if timeouts is UNSET else timeouts)
    if timeouts is not False:  # default bounds for every HTTP call (see timeout.py); timeouts=False: none
        layer = Timeout(provider, t or TimeoutPolicy())
        if layer.active:
            provider = layer
    for wrap in middleware:  # the first listed is the innermost
        provider = wrap(provider)

    n = global_concurrency_from_env()
    if n is not None:
        from .filelimit import default_lock_dir

        lock_dir = str(default_lock_dir())
        provider = ConcurrencyCap(
            provider,
            _shared(("file", "global", lock_dir, str(n)), lambda: FileLockLimiter(n, "global", directory=lock_dir)),
        )

    c = ConcurrencyPolicy.coerce(None if concurrency is UNSET else concurrency)
    if c is not None:
        name = c.name or default_name
        if c.backend == "file":
            limiter = _shared(("file", name, str(c.max)), lambda: FileLockLimiter(c.max, name))
            provider = ConcurrencyCap(provider, limiter)
        elif c.backend not in (None, "memory"):
            from .redis_backend import RedisLimiter

            url = c.backend
            provider = ConcurrencyCap(
                provider, _shared(("redis", url, name, str(c.max)), lambda: RedisLimiter(url, name, c.max))
            )
        if c.adaptive:
            lim = _shared(
                ("adaptive", name, str(c.max), str(c.min)),
                lambda: AdaptiveLimiter(c.max, min_concurrency=c.min, initial=c.initial),
            )
            provider = AdaptiveConcurrency(provider, lim)
        elif c.backend in (None, "memory"):
            provider = ConcurrencyCap(provider, _shared(("local", name, str(c.max)), lambda: LocalLimiter(c.max)))

    r = RateLimitPolicy.coerce(None if rate_limit is UNSET else rate_limit)
    if r is not None and r.active:
        provider = RateLimit(provider, r, default_name)

    shared = (c.backend if c is not None else None, r.backend if r is not None and r.active else None)
    if any(b is not None and b.startswith(("redis://", "rediss://", "unix://")) for b in shared):
        from .redis_backend import bounded  # Redis operations bounded by this model's timeouts

        provider = bounded(provider, t, *shared)

    policy = _retry_policy(True if retry is UNSET else retry)
    if policy is not None:
        provider = Retry(provider, policy)
    return provider
