"""Rate limiting: token buckets for requests per minute and tokens per minute.

Before each call (each attempt, when :class:`~llmcore.reliability.Retry` is
outside), :class:`RateLimit` takes one request from the request bucket and
the call's estimated tokens from the token bucket, and waits until both are
available. The estimate is the input tokens plus ``max_tokens`` (when set):

* input tokens come from the provider's own ``count_tokens`` only when that
  is cheap — its spec says ``tokenizer`` or ``estimate``, never ``api`` (a
  network call) — and otherwise from :func:`llmcore.tokens.estimate_tokens`;
* after the call the reservation is corrected from the reported usage
  (input + output tokens), giving back or taking more;
* a call the server refused (429) or never reached (connection error) gives
  its tokens back.

Buckets live in memory (per process) or in Redis (shared by processes and
machines). Each bucket holds up to ``burst`` (default: one minute's worth)
and refills continuously. Who shares a bucket:

* without ``name``: models of the same ``"<provider>/<model>"`` **and the same
  numbers** (a model built again per request still honours its limit); a
  model with other numbers has buckets of its own — never does a second
  model's ``rate_limit`` change the first one's;
* with ``name="..."`` (explicit sharing): every model that gives that name,
  whatever its provider or model — an account-wide limit, say. They must ask
  the same numbers: a different limit under a name already in use is a
  :class:`~llmcore.errors.ConfigurationError`.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, LLMCoreError, ProviderConnectionError, RateLimitError
from .base import ProviderWrapper, closing, leaves
from .buckets import Bucket, BucketStatus, TokenBucket

if TYPE_CHECKING:
    from ..events import StreamEvent
    from ..provider import Provider
    from ..types import ChatRequest, ChatResponse, TokenCount, Usage

__all__ = ["RateLimitPolicy", "RateLimit", "get_bucket"]


@dataclass(frozen=True)
class RateLimitPolicy:
    """Limits per minute (``None``: unlimited). ``request_burst``/``token_burst``
    cap the bucket (default: one minute's worth). ``backend`` is ``None``
    (this process) or a ``redis://`` URL. ``name`` shares the buckets
    explicitly with every model that gives the same name (and numbers);
    without it, only models of the same ``"<provider>/<model>"`` with the
    same numbers share (see the module docstring)."""

    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    request_burst: float | None = None
    token_burst: float | None = None
    backend: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        for f in ("requests_per_minute", "tokens_per_minute", "request_burst", "token_burst"):
            v = getattr(self, f)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0):
                raise ConfigurationError(f"rate_limit {f} must be a positive number, not {v!r}")
        if (
            self.backend is not None
            and self.backend != "memory"
            and not self.backend.startswith(("redis://", "rediss://", "unix://"))
        ):
            raise ConfigurationError(
                f"rate_limit backend must be None/'memory' or a redis:// URL, not {self.backend!r}"
            )

    @property
    def active(self) -> bool:
        return self.requests_per_minute is not None or self.tokens_per_minute is not None

    @classmethod
    def coerce(cls, value: Any) -> RateLimitPolicy | None:
        """``None``/``False`` → none; a policy; a dict of its fields."""
        if value is None or value is False:
            return None
        if isinstance(value, RateLimitPolicy):
            return value
        if isinstance(value, dict):
            known = set(cls.__dataclass_fields__)
            unknown = set(value) - known
            if unknown:
                raise ConfigurationError(
                    f"unknown rate_limit field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
                )
            return cls(**value)
        raise ConfigurationError(f"rate_limit must be a RateLimitPolicy or a dict, not {type(value).__name__}")


_registry: dict[tuple[str, str, str], Any] = {}
_registry_lock = threading.Lock()


def _numbers(capacity: float, rate: float) -> str:
    return f"{rate * 60:g}/min, burst {capacity:g}"


def get_bucket(
    backend: str | None, name: str, kind: str, per_minute: float, burst: float | None, *, explicit: bool = True
) -> Bucket:
    """The process's bucket for ``(backend, name, kind)``, made on first use.

    ``explicit`` (a ``name`` the user gave): every caller of that name shares
    the bucket, and asking other numbers than it has is a
    :class:`ConfigurationError`. Otherwise (``"<provider>/<model>"``) the
    numbers are part of the key: callers with the same numbers share, a
    caller with other numbers gets a bucket of its own."""
    capacity = burst if burst is not None else per_minute
    rate = per_minute / 60.0
    shared_name = name if explicit else f"{name}[{_numbers(capacity, rate)}]"
    key = (backend or "memory", shared_name, kind)
    with _registry_lock:
        bucket = _registry.get(key)
        if bucket is None:
            if backend in (None, "memory"):
                bucket = TokenBucket(capacity, rate)
            else:
                from .redis_backend import RedisTokenBucket

                bucket = RedisTokenBucket(backend, f"{shared_name}:{kind}", capacity, rate)
            _registry[key] = bucket
        elif (bucket.capacity, bucket.refill_per_second) != (capacity, rate):
            have = _numbers(bucket.capacity, bucket.refill_per_second)
            raise ConfigurationError(
                f"rate limit name {name!r} is already used for {kind} at {have}; "
                f"this model asks {_numbers(capacity, rate)}: give the same numbers to share it, or another name "
                "(or none) for a limit of its own"
            )
        return bucket  # type: ignore[no-any-return]


def _cheap_count(provider: Any) -> bool:
    """Whether ``provider.count_tokens`` is local (tokenizer or estimate)."""
    if provider.spec.capabilities.count_tokens == "api":
        return False
    return all(getattr(leaf, "count_method", None) != "api" for leaf in leaves(provider))


class RateLimit(ProviderWrapper):
    """Token-bucket middleware. ``waited`` sums the seconds callers waited;
    ``estimated``/``corrected`` count tokens reserved and adjustments made."""

    def __init__(self, inner: Provider, policy: RateLimitPolicy, name: str) -> None:
        super().__init__(inner)
        self.policy = policy
        self.name = policy.name or name
        self.requests: Bucket | None = None
        self.tokens: Bucket | None = None
        explicit = policy.name is not None  # sharing across different numbers is asked for by name only
        if policy.requests_per_minute is not None:
            self.requests = get_bucket(
                policy.backend,
                self.name,
                "requests",
                policy.requests_per_minute,
                policy.request_burst,
                explicit=explicit,
            )
        if policy.tokens_per_minute is not None:
            self.tokens = get_bucket(
                policy.backend, self.name, "tokens", policy.tokens_per_minute, policy.token_burst, explicit=explicit
            )
        self._cheap = _cheap_count(inner)
        self.waited = 0.0
        self.corrected = 0

    # -- status -------------------------------------------------------------------

    def status(self) -> dict[str, BucketStatus | None]:
        """``{"requests": BucketStatus | None, "tokens": BucketStatus | None}``."""
        return {
            "requests": self.requests.status() if self.requests is not None else None,
            "tokens": self.tokens.status() if self.tokens is not None else None,
        }

    def reset(self) -> None:
        """Refill both buckets."""
        for b in (self.requests, self.tokens):
            if b is not None:
                b.reset()

    # -- estimation ---------------------------------------------------------------

    async def estimate(self, request: ChatRequest) -> int:
        """Tokens to reserve for ``request``: input (counted cheaply) + max_tokens."""
        from ..tokens import estimate_tokens

        count: TokenCount | None = None
        if self._cheap:
            try:
                count = await self.inner.count_tokens(request)
            except LLMCoreError:
                count = None
        if count is None:
            count = estimate_tokens(request)
        return count.input_tokens + (request.max_tokens or 0)

    async def _admit(self, request: ChatRequest | None, tokens: int = 0) -> int:
        """Wait for a request (and the tokens of ``request``, or ``tokens``) in the buckets."""
        reserved = 0
        waits = []
        if self.tokens is not None:
            reserved = await self.estimate(request) if request is not None else tokens
        if self.requests is not None:
            waits.append(await self.requests.reserve(1))
        if self.tokens is not None:
            waits.append(await self.tokens.reserve(reserved))
        wait = max(waits, default=0.0)
        if wait > 0:
            import asyncio

            try:
                await asyncio.sleep(wait)
            except asyncio.CancelledError:
                await self._refund(reserved, request_too=True)
                raise
            self.waited += wait
        return reserved

    async def _refund(self, reserved: int, request_too: bool = False) -> None:
        if self.tokens is not None and reserved:
            await self.tokens.adjust(reserved)
        if request_too and self.requests is not None:
            await self.requests.adjust(1)

    async def _settle(self, reserved: int, usage: Usage | None) -> None:
        if self.tokens is None or usage is None or usage.input_tokens is None:
            return
        actual = usage.input_tokens + (usage.output_tokens or 0)
        if actual != reserved:
            self.corrected += 1
            await self.tokens.adjust(reserved - actual)

    async def _failed(self, reserved: int, err: LLMCoreError) -> None:
        # refused or never delivered: those tokens were not spent
        if isinstance(err, (RateLimitError, ProviderConnectionError)):
            await self._refund(reserved)

    # -- the protocol -------------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        reserved = await self._admit(request)
        try:
            resp = await self.inner.chat(request)
        except LLMCoreError as err:
            await self._failed(reserved, err)
            raise
        await self._settle(reserved, resp.usage)
        return resp

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        return await self.inner.count_tokens(request)

    async def embed(self, request: Any) -> Any:
        # input tokens only, estimated from the texts (~4 characters a token)
        return await self._unary(self.inner.embed, request, sum(len(t) // 4 + 1 for t in request.texts))  # type: ignore[attr-defined]

    async def rerank(self, request: Any) -> Any:
        est = (len(request.query) // 4 + 1) * len(request.documents) + sum(len(d) // 4 + 1 for d in request.documents)
        return await self._unary(self.inner.rerank, request, est)  # type: ignore[attr-defined]

    async def _unary(self, call: Any, request: Any, tokens: int) -> Any:
        reserved = await self._admit(None, tokens)
        try:
            resp = await call(request)
        except LLMCoreError as err:
            await self._failed(reserved, err)
            raise
        await self._settle(reserved, resp.usage)
        return resp

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        reserved = await self._admit(request)
        usage: Usage | None = None
        emitted = False
        try:
            async with closing(self.inner.stream_chat(request)) as events:
                async for ev in events:
                    emitted = True
                    if ev.type == "usage":
                        usage = ev.usage  # type: ignore[union-attr]
                    yield ev
        except LLMCoreError as err:
            if not emitted:
                await self._failed(reserved, err)
            raise
        await self._settle(reserved, usage)

    def __repr__(self) -> str:
        return f"RateLimit({self.inner!r}, name={self.name!r})"
