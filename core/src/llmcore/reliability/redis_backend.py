"""Redis backend: token buckets and concurrency caps shared by processes and machines.

Install with ``pip install 'llmcore[redis]'``; select with
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
"""

from __future__ import annotations

import asyncio
import random
import uuid
import weakref
from typing import Any

from ..errors import ConfigurationError
from .buckets import BucketStatus, check_rate

__all__ = ["RedisTokenBucket", "RedisLimiter", "redis_client"]

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
            "the Redis backend needs the redis client: pip install 'llmcore[redis]'"
        ) from None
    return redis


def redis_client(url: str) -> Any:
    """The async Redis client for ``url`` on the running loop."""
    redis = _import_redis()
    loop = asyncio.get_running_loop()
    per_loop = _clients.setdefault(loop, {})
    client = per_loop.get(url)
    if client is None:
        client = redis.asyncio.Redis.from_url(url)
        per_loop[url] = client
    return client


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
    return _import_redis().Redis.from_url(url)


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
        from redis.exceptions import RedisError

        client = redis_client(self.url)
        try:
            wait, tokens = await _uncancelled(
                client.eval(_BUCKET_RESERVE, 1, self.key, self.capacity, self.refill_per_second, n),
                # a caller cancelled after taking tokens gives them back
                on_abandon=lambda _r: asyncio.ensure_future(
                    _uncancelled(client.eval(_BUCKET_RESERVE, 1, self.key, self.capacity,
                                             self.refill_per_second, -n))) if n > 0 else None,
            )
        except RedisError as e:
            raise ConfigurationError(f"rate-limit backend {_safe_url(self.url)} failed: {e}") from None
        return float(wait), float(tokens)

    async def reserve(self, n: float) -> float:
        wait, _ = await self._run(n)
        return wait

    async def adjust(self, delta: float) -> None:
        await self._run(-delta)

    def status(self) -> BucketStatus:
        """Reads the bucket with a short synchronous call."""
        c = _sync_client(self.url)
        try:
            _, tokens = c.eval(_BUCKET_RESERVE, 1, self.key, self.capacity, self.refill_per_second, 0)
        finally:
            c.close()
        return BucketStatus(float(tokens), self.capacity, self.refill_per_second)

    def reset(self) -> None:
        c = _sync_client(self.url)
        try:
            c.delete(self.key)
        finally:
            c.close()

    def __repr__(self) -> str:
        return (f"RedisTokenBucket({_safe_url(self.url)!r}, name={self.name!r}, capacity={self.capacity:g}, "
                f"refill={self.refill_per_second:g}/s)")


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
        from redis.exceptions import RedisError

        client = redis_client(self.url)
        lease = uuid.uuid4().hex
        delay = self.poll_initial
        while True:
            try:
                got = await _uncancelled(
                    client.eval(_LEASE_ACQUIRE, 1, self.key, self.limit, lease, self.lease_ttl),
                    # cancelled while the lease was being granted: hand it back
                    on_abandon=lambda r, lease=lease: asyncio.ensure_future(
                        _uncancelled(client.zrem(self.key, lease))) if r == 1 else None,
                )
            except RedisError as e:
                raise ConfigurationError(f"concurrency backend {_safe_url(self.url)} failed: {e}") from None
            if got == 1:
                self.acquired += 1
                return lease, asyncio.get_running_loop().create_task(self._renew(lease))
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(self.poll_max, delay * 2)

    async def _renew(self, lease: str) -> None:
        client = redis_client(self.url)
        while True:
            await asyncio.sleep(self.lease_ttl / 3)
            try:
                await _uncancelled(client.eval(_LEASE_RENEW, 1, self.key, lease, self.lease_ttl))
            except Exception:
                pass

    async def release(self, lease: Any) -> None:
        lease_id, task = lease
        task.cancel()
        try:
            await _uncancelled(redis_client(self.url).zrem(self.key, lease_id))
        except Exception:
            pass

    def held(self) -> int:
        """Leases held now, by everyone (a synchronous read)."""
        c = _sync_client(self.url)
        try:
            now = c.time()
            c.zremrangebyscore(self.key, "-inf", now[0] + now[1] / 1e6)
            return int(c.zcard(self.key))
        finally:
            c.close()

    def status(self) -> dict[str, Any]:
        return {"backend": "redis", "url": _safe_url(self.url), "name": self.name, "limit": self.limit,
                "in_flight": self.held()}

    def reset(self) -> None:
        c = _sync_client(self.url)
        try:
            c.delete(self.key)
        finally:
            c.close()

    def __repr__(self) -> str:
        return f"RedisLimiter({_safe_url(self.url)!r}, name={self.name!r}, limit={self.limit})"
