"""Redis backend: token buckets and concurrency caps shared by processes and machines.

Install with ``pip install 'llmcore-core[redis]'``; select with
``rate_limit=RateLimitPolicy(..., backend="redis://host:6379/0")`` or
``concurrency=ConcurrencyPolicy(..., backend="redis://...")``.

Every operation is one Lua script, atomic on the server and timed by the
server's clock (``TIME``), so clients on machines with skewed clocks agree:

* :class:`RedisTokenBucket` — a hash ``{tokens, ts}``; ``reserve`` refills by
  elapsed time, takes ``n`` (the balance may go negative: FIFO debt, as in
  :class:`~llmcore.reliability.buckets.TokenBucket`) and returns the wait.
* :class:`RedisLimiter` — a sorted set of leases scored by expiry; ``acquire``
  drops expired leases and adds one if fewer than ``limit`` are held, else
  the caller polls (short, growing, jittered sleeps). A held lease is
  renewed every ``lease_ttl / 3`` seconds, so a crashed process's slots come
  back after ``lease_ttl``.

Keys are prefixed ``llmcore:`` and expire when idle. One async client per
event loop and URL (redis-py clients are bound to the loop that made them).

**When Redis is down or frozen, shared limits fail closed.** A limit
exists to keep every process under the provider's quota; ignoring it
because its state is unreachable would let all of them exceed it at once.
So a call whose limit cannot be consulted fails with
:class:`~llmcore.errors.BackendUnavailableError` — typed, retryable, with
``retry_after`` — and the model's retry policy backs off and tries again
(the call fails for good only when its retries are spent). Bounds:

* every Redis operation waits at most :data:`OP_TIMEOUT` (2 s), or less
  when the model's ``TimeoutPolicy`` has a smaller ``connect`` or ``total``
  (a ``socket_timeout=``/``socket_connect_timeout=`` in the URL sets the
  client's own); a stopped, unreachable or frozen (``SIGSTOP``) server
  therefore fails a call within that bound, never holds it;
* after a failure the URL is considered down for :data:`COOLDOWN` (1 s):
  calls in that window fail at once without touching the network, with
  ``retry_after`` set to the time left; then one operation probes the
  server while the others keep failing fast, so a burst of calls (or
  their retries) never hammers a server that is down or coming back;
* releasing a lease, refunding or correcting tokens are best-effort: when
  Redis is down they are skipped (a lease expires after ``lease_ttl``, a
  bucket refills), so a call that got its answer is never failed by them.

The response cache's Redis backend (:class:`llmcore.cache.RedisCache`)
fails open instead: a cache is an optimisation, so a lookup or store that
fails is logged and the call goes to the provider (same bounds).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable
from contextlib import suppress
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from ..errors import BackendUnavailableError, ConfigurationError
from .base import ProviderWrapper, closing
from .buckets import BucketStatus, check_rate

if TYPE_CHECKING:
    from ..events import StreamEvent
    from ..provider import Provider
    from ..types import ChatRequest, ChatResponse, TokenCount

__all__ = ["RedisTokenBucket", "RedisLimiter", "redis_client", "redis_op", "RedisBound", "OP_TIMEOUT", "COOLDOWN"]

log = logging.getLogger("llmcore.reliability")

#: seconds one Redis operation may take (connect included) unless the call's timeouts are smaller
OP_TIMEOUT = 2.0
#: seconds a URL is skipped after it failed
COOLDOWN = 1.0
_down_until: dict[str, float] = {}  # URL -> time.monotonic() until which it is considered down
_probing: set[str] = set()  # URLs past their cool-down whose one probing operation is under way
#: this call's bound on one Redis operation (set by :class:`RedisBound` from the model's TimeoutPolicy)
_call_bound: ContextVar[float | None] = ContextVar("llmcore_redis_bound", default=None)

_BUCKET_RESERVE = """
local cap = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local n = tonumber(ARGV[3])
local t = redis.call('TIME'); local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(v[1]); local ts = tonumber(v[2])
if tokens == nil then tokens = cap; ts = now end
if now > ts then tokens = math.min(cap, tokens + (now - ts) * rate) end
tokens = tokens - n
if tokens > cap then tokens = cap end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(cap / rate) * 2 + 60)
local wait = 0
if tokens < 0 and n > 0 then wait = -tokens / rate end
return {tostring(wait), tostring(tokens)}
"""

_LEASE_ACQUIRE = """
local limit = tonumber(ARGV[1]); local ttl = tonumber(ARGV[3])
local t = redis.call('TIME'); local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
  redis.call('EXPIRE', KEYS[1], math.ceil(ttl) + 60)
  return 1
end
return 0
"""

_LEASE_RENEW = """
local t = redis.call('TIME'); local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 60)
return 1
"""

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Any]] = weakref.WeakKeyDictionary()


def _import_redis() -> Any:
    try:
        import redis
    except ImportError:
        raise ConfigurationError(
            "the Redis backend needs the redis client: pip install 'llmcore-core[redis]'"
        ) from None
    return redis


def redis_client(url: str) -> Any:
    """The async Redis client for ``url`` on the running loop."""
    redis = _import_redis()
    loop = asyncio.get_running_loop()
    per_loop = _clients.setdefault(loop, {})
    client = per_loop.get(url)
    if client is None:
        client = redis.asyncio.Redis.from_url(url, **_client_options(redis))
        per_loop[url] = client
    return client


def _client_options(redis: Any, *, sync: bool = False) -> dict[str, Any]:
    """Socket bounds (a URL's own ``socket_timeout=`` wins: redis-py lets URL
    options override these) and no hidden retries inside redis-py: llmcore's
    retry policy decides, with backoff."""
    from redis.backoff import NoBackoff

    if sync:
        from redis.retry import Retry
    else:
        from redis.asyncio.retry import Retry  # type: ignore[assignment]
    return {"socket_timeout": OP_TIMEOUT, "socket_connect_timeout": OP_TIMEOUT, "retry": Retry(NoBackoff(), 0)}


def _op_bound() -> float:
    bound = _call_bound.get()
    return OP_TIMEOUT if bound is None else min(OP_TIMEOUT, bound)


async def redis_op(url: str, aw: Awaitable[Any], what: str, on_abandon: Any = None) -> Any:
    """Await one Redis command for ``what`` (e.g. ``"rate-limit"``), bounded
    (see the module docstring): its result, or
    :class:`~llmcore.errors.BackendUnavailableError` if the server is down,
    in its cool-down, or does not answer in time. A command that times out
    or whose caller is cancelled finishes in the background
    (``on_abandon(result)`` undoes it)."""
    from redis.exceptions import AuthenticationError, AuthorizationError, RedisError

    from .timeout import deadline

    down = _down_until.get(url)
    probe = False
    if down is not None:  # it failed recently: wait out the cool-down, then one call probes it
        left = down - time.monotonic()
        if left > 0 or url in _probing:
            if asyncio.iscoroutine(aw):
                aw.close()  # never started: nothing to undo
            wait = left if left > 0 else COOLDOWN / 4
            raise BackendUnavailableError(
                f"{what} backend {_safe_url(url)} is unavailable (it failed less than {COOLDOWN:g}s ago); "
                f"retry after {wait:.2f}s",
                retry_after=wait,
            )
        probe = True
        _probing.add(url)
    bound = _op_bound()
    try:
        async with deadline(asyncio.get_running_loop().time() + bound):
            result = await _uncancelled(aw, on_abandon)
    except (AuthenticationError, AuthorizationError) as e:  # not an outage: retrying cannot help
        raise ConfigurationError(f"{what} backend {_safe_url(url)} refused llmcore: {e}") from None
    except (RedisError, OSError, TimeoutError) as e:
        _down_until[url] = time.monotonic() + COOLDOWN
        reason = f"no answer within {bound:g}s" if isinstance(e, TimeoutError) else f"{type(e).__name__}: {e}"
        raise BackendUnavailableError(
            f"{what} backend {_safe_url(url)} is unavailable ({reason}); retry after {COOLDOWN:g}s",
            retry_after=COOLDOWN,
        ) from None
    finally:
        if probe:
            _probing.discard(url)
    _down_until.pop(url, None)
    return result


async def _uncancelled(aw: Any, on_abandon: Any = None) -> Any:
    """Await a Redis command so that cancelling the caller never interrupts
    the command itself (redis-py may hang or lose its connection's state when
    a command is cancelled mid-reply). When the caller is cancelled, the
    command finishes in the background and ``on_abandon(result)`` undoes it."""
    task = asyncio.ensure_future(aw)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if on_abandon is not None:

            def done(t: asyncio.Future[Any]) -> None:
                if not t.cancelled() and t.exception() is None:
                    on_abandon(t.result())

            task.add_done_callback(done)
        else:
            task.add_done_callback(lambda t: t.cancelled() or t.exception())  # retrieve, never log
        raise


def _sync_client(url: str) -> Any:
    redis = _import_redis()
    return redis.Redis.from_url(url, **_client_options(redis, sync=True))


def _sync_call(url: str, what: str, fn: Any) -> Any:
    """``fn(client)`` on a short-lived synchronous client (status and reset
    calls), bounded like every operation; a Redis failure is a
    :class:`~llmcore.errors.BackendUnavailableError`, never redis-py's own."""
    from redis.exceptions import RedisError

    c = _sync_client(url)
    try:
        return fn(c)
    except (RedisError, OSError) as e:
        raise BackendUnavailableError(
            f"{what} backend {_safe_url(url)} is unavailable ({type(e).__name__}: {e})", retry_after=COOLDOWN
        ) from None
    finally:
        c.close()


def _safe_url(url: str) -> str:
    """The URL without a password (for reprs and errors)."""
    from urllib.parse import urlsplit

    p = urlsplit(url)
    host = p.hostname or ""
    port = f":{p.port}" if p.port else ""
    return f"{p.scheme}://{host}{port}{p.path}"


class RedisTokenBucket:
    """A token bucket stored in Redis under ``llmcore:bucket:<name>``."""

    def __init__(self, url: str, name: str, capacity: float, refill_per_second: float) -> None:
        check_rate(capacity, refill_per_second)
        _import_redis()
        self.url = url
        self.name = name
        self.key = f"llmcore:bucket:{name}"
        self.capacity = float(capacity)
        self.refill_per_second = float(refill_per_second)

    def configure(self, capacity: float, refill_per_second: float) -> None:
        check_rate(capacity, refill_per_second)
        self.capacity = float(capacity)
        self.refill_per_second = float(refill_per_second)

    async def _run(self, n: float) -> tuple[float, float]:
        client = redis_client(self.url)
        wait, tokens = await redis_op(
            self.url,
            client.eval(_BUCKET_RESERVE, 1, self.key, self.capacity, self.refill_per_second, n),
            "rate-limit",
            # a caller cancelled (or timed out) after taking tokens gives them back
            on_abandon=lambda _r: (
                asyncio.ensure_future(
                    _uncancelled(client.eval(_BUCKET_RESERVE, 1, self.key, self.capacity, self.refill_per_second, -n))
                )
                if n > 0
                else None
            ),
        )
        return float(wait), float(tokens)

    async def reserve(self, n: float) -> float:
        """Take ``n`` tokens; the seconds to wait. Fails closed:
        :class:`~llmcore.errors.BackendUnavailableError` when Redis is down."""
        wait, _ = await self._run(n)
        return wait

    async def adjust(self, delta: float) -> None:
        """Give back (``delta > 0``) or take tokens; best-effort (skipped while Redis is down)."""
        try:
            await self._run(-delta)
        except BackendUnavailableError as e:
            log.debug("token bucket %s not adjusted: %s", self.name, e)

    def status(self) -> BucketStatus:
        """Reads the bucket with a short synchronous call."""
        _, tokens = _sync_call(
            self.url,
            "rate-limit",
            lambda c: c.eval(_BUCKET_RESERVE, 1, self.key, self.capacity, self.refill_per_second, 0),
        )
        return BucketStatus(float(tokens), self.capacity, self.refill_per_second)

    def reset(self) -> None:
        _sync_call(self.url, "rate-limit", lambda c: c.delete(self.key))

    def __repr__(self) -> str:
        return (
            f"RedisTokenBucket({_safe_url(self.url)!r}, name={self.name!r}, capacity={self.capacity:g}, "
            f"refill={self.refill_per_second:g}/s)"
        )


class RedisLimiter:
    """At most ``limit`` leases held at once under ``llmcore:conc:<name>``,
    by every process and machine using the same Redis and name."""

    def __init__(
        self,
        url: str,
        name: str,
        limit: int,
        *,
        lease_ttl: float = 60.0,
        poll_initial: float = 0.002,
        poll_max: float = 0.05,
    ) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ConfigurationError(f"a shared concurrency limit must be a positive integer, not {limit!r}")
        _import_redis()
        self.url = url
        self.name = name
        self.key = f"llmcore:conc:{name}"
        self.limit = limit
        self.lease_ttl = lease_ttl
        self.poll_initial = poll_initial
        self.poll_max = poll_max
        self.acquired = 0

    async def acquire(self) -> tuple[str, asyncio.Task[None]]:
        """Wait for a lease; returns ``(lease id, renewal task)``."""
        client = redis_client(self.url)
        lease = uuid.uuid4().hex
        delay = self.poll_initial
        while True:
            got = await redis_op(  # fails closed: BackendUnavailableError while Redis is down
                self.url,
                client.eval(_LEASE_ACQUIRE, 1, self.key, self.limit, lease, self.lease_ttl),
                "concurrency",
                # cancelled (or timed out) while the lease was being granted: hand it back
                on_abandon=lambda r, lease=lease: (
                    asyncio.ensure_future(_uncancelled(client.zrem(self.key, lease))) if r == 1 else None
                ),
            )
            if got == 1:
                self.acquired += 1
                return lease, asyncio.get_running_loop().create_task(self._renew(lease))
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(self.poll_max, delay * 2)

    async def _renew(self, lease: str) -> None:
        client = redis_client(self.url)
        while True:
            await asyncio.sleep(self.lease_ttl / 3)
            with suppress(BackendUnavailableError):  # missed: the next renewal (or expiry) catches up
                await redis_op(self.url, client.eval(_LEASE_RENEW, 1, self.key, lease, self.lease_ttl), "concurrency")

    async def release(self, lease: Any) -> None:
        lease_id, task = lease
        task.cancel()
        # best-effort and bounded: a lease that cannot be removed expires after lease_ttl
        with suppress(BackendUnavailableError):
            await redis_op(self.url, redis_client(self.url).zrem(self.key, lease_id), "concurrency")

    def held(self) -> int:
        """Leases held now, by everyone (a synchronous read)."""

        def read(c: Any) -> int:
            now = c.time()
            c.zremrangebyscore(self.key, "-inf", now[0] + now[1] / 1e6)
            return int(c.zcard(self.key))

        return int(_sync_call(self.url, "concurrency", read))

    def status(self) -> dict[str, Any]:
        return {
            "backend": "redis",
            "url": _safe_url(self.url),
            "name": self.name,
            "limit": self.limit,
            "in_flight": self.held(),
        }

    def reset(self) -> None:
        _sync_call(self.url, "concurrency", lambda c: c.delete(self.key))

    def __repr__(self) -> str:
        return f"RedisLimiter({_safe_url(self.url)!r}, name={self.name!r}, limit={self.limit})"


class RedisBound(ProviderWrapper):
    """Bounds each Redis operation of the layers inside it (shared rate limits
    and concurrency caps) by this model's timeouts for the duration of a call:
    ``min(OP_TIMEOUT, connect, total)``. Placed by
    :func:`~llmcore.reliability.stack.build_stack` just inside ``Retry``."""

    def __init__(self, inner: Provider, bound: float) -> None:
        super().__init__(inner)
        self.bound = bound

    async def chat(self, request: ChatRequest) -> ChatResponse:
        token = _call_bound.set(self.bound)
        try:
            return await self.inner.chat(request)
        finally:
            _call_bound.reset(token)

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        return await self.inner.count_tokens(request)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        token = _call_bound.set(self.bound)
        try:
            async with closing(self.inner.stream_chat(request)) as events:
                async for ev in events:
                    yield ev
        finally:
            with suppress(ValueError):  # closed from another context: nothing to restore
                _call_bound.reset(token)


def bounded(provider: Provider, timeouts: Any, *backends: str | None) -> Provider:
    """``provider`` wrapped in :class:`RedisBound` when one of ``backends`` is
    a Redis URL and ``timeouts`` (a TimeoutPolicy or ``None``) sets ``connect``
    or ``total``; else ``provider`` as is."""
    if not any(isinstance(b, str) and b.startswith(("redis://", "rediss://", "unix://")) for b in backends):
        return provider
    limits = [v for v in (getattr(timeouts, "connect", None), getattr(timeouts, "total", None)) if v is not None]
    return RedisBound(provider, min(limits)) if limits else provider
