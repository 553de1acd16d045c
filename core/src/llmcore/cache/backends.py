"""Response cache backends: memory (LRU), SQLite (the on-disk default), Redis.

Every backend stores opaque bytes under a key with an optional TTL
(seconds; ``None`` keeps entries until evicted or cleared) and exposes the
same async methods: ``get``, ``set``, ``delete``, ``clear``. ``hits`` and
``misses`` count lookups in this process.

None of them blocks the event loop: the memory backend does dict work
only, SQLite runs in one worker thread per cache (a file locked by another
process delays that call, never the loop), Redis is async.
"""

from __future__ import annotations

import asyncio
import functools
import os
import sqlite3
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ..errors import ConfigurationError

T = TypeVar("T")

__all__ = ["Cache", "MemoryCache", "SQLiteCache", "RedisCache"]


class Cache:
    """Base class of the backends. Subclasses implement ``_get``/``_set``/
    ``delete``/``clear``; ``ttl`` is the default time to live (seconds)."""

    def __init__(self, ttl: float | None = None) -> None:
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0):
            raise ConfigurationError(f"cache ttl must be positive seconds or None, not {ttl!r}")
        self.ttl = ttl
        self.hits = 0
        self.misses = 0

    async def get(self, key: str) -> bytes | None:
        """The stored value, or ``None`` (missing or expired)."""
        value = await self._get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        """Store ``value``; ``ttl`` overrides the cache's default."""
        await self._set(key, value, self.ttl if ttl is None else ttl)

    async def _get(self, key: str) -> bytes | None:
        raise NotImplementedError

    async def _set(self, key: str, value: bytes, ttl: float | None) -> None:
        raise NotImplementedError

    async def delete(self, key: str) -> None:
        raise NotImplementedError

    async def clear(self) -> None:
        """Remove every entry of this cache."""
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__


class MemoryCache(Cache):
    """In-process LRU: at most ``max_entries`` entries, least recently used evicted first."""

    def __init__(self, max_entries: int = 1024, ttl: float | None = None) -> None:
        super().__init__(ttl)
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ConfigurationError(f"MemoryCache max_entries must be an integer >= 1, not {max_entries!r}")
        self.max_entries = max_entries
        self._data: OrderedDict[str, tuple[float | None, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    async def _get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            expires, value = item
            if expires is not None and expires <= time.time():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    async def _set(self, key: str, value: bytes, ttl: float | None) -> None:
        with self._lock:
            self._data[key] = (time.time() + ttl if ttl is not None else None, value)
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    async def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    async def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def describe(self) -> str:
        return f"memory (max {self.max_entries})"


def _sqlite_after_fork() -> None:
    for c in list(_sqlite_caches):
        c._after_fork()


_sqlite_caches: weakref.WeakSet[SQLiteCache] = weakref.WeakSet()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_sqlite_after_fork)


class SQLiteCache(Cache):
    """A SQLite file (``path``; default ``<cache dir>/responses.sqlite``, see
    :mod:`llmcore.paths`). Safe for several threads and processes (WAL
    journal); expired rows are skipped on read and removed by :meth:`prune`
    (also run now and then on write).

    The async methods run SQLite in this cache's own worker thread, never on
    the event loop. A file that another process keeps locked for more than
    ``busy_timeout`` seconds (5) fails that lookup or store, which the
    facade logs and skips (the call goes to the provider). A file llmcore
    creates is ``0600``, in folders it creates ``0700``."""

    def __init__(self, path: str | Path | None = None, ttl: float | None = None, *, busy_timeout: float = 5.0) -> None:
        super().__init__(ttl)
        if path is None:
            from ..paths import cache_dir

            path = cache_dir() / "responses.sqlite"
        if not isinstance(path, (str, Path)):
            raise ConfigurationError(f"SQLiteCache path must be a file path, not {type(path).__name__}")
        self.path = Path(path).expanduser()
        self.busy_timeout = busy_timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._writes = 0
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()  # not self._lock: a worker may hold that while SQLite waits
        _sqlite_caches.add(self)

    def _after_fork(self) -> None:
        # in a forked child the worker thread and the connection stayed with the parent
        self._lock = threading.Lock()
        self._pool_lock = threading.Lock()
        self._pool = None
        self._conn = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            from ..paths import private_file

            private_file(self.path)
            conn = sqlite3.connect(
                str(self.path), timeout=self.busy_timeout, check_same_thread=False, isolation_level=None
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS llmcore_cache (key TEXT PRIMARY KEY, value BLOB NOT NULL, "
                "created REAL NOT NULL, expires REAL)"
            )
            self._conn = conn
        return self._conn

    async def _off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` in this cache's worker thread (one: SQLite
        serialises writers anyway, and a locked file then holds one thread,
        not the loop's default executor)."""
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(1, thread_name_prefix="llmcore-sqlite-cache")
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(fn, *args))

    def _get_sync(self, key: str) -> bytes | None:
        with self._lock:
            row = (
                self._db()
                .execute(
                    "SELECT value FROM llmcore_cache WHERE key = ? AND (expires IS NULL OR expires > ?)",
                    (key, time.time()),
                )
                .fetchone()
            )
        return bytes(row[0]) if row else None

    def _set_sync(self, key: str, value: bytes, ttl: float | None) -> None:
        now = time.time()
        with self._lock:
            db = self._db()
            db.execute(
                "INSERT OR REPLACE INTO llmcore_cache (key, value, created, expires) VALUES (?, ?, ?, ?)",
                (key, value, now, now + ttl if ttl is not None else None),
            )
            self._writes += 1
            if self._writes % 256 == 0:
                db.execute("DELETE FROM llmcore_cache WHERE expires IS NOT NULL AND expires <= ?", (now,))

    def _delete_sync(self, key: str) -> None:
        with self._lock:
            self._db().execute("DELETE FROM llmcore_cache WHERE key = ?", (key,))

    def _clear_sync(self) -> None:
        with self._lock:
            self._db().execute("DELETE FROM llmcore_cache")

    async def _get(self, key: str) -> bytes | None:
        return await self._off_loop(self._get_sync, key)

    async def _set(self, key: str, value: bytes, ttl: float | None) -> None:
        await self._off_loop(self._set_sync, key, value, ttl)

    async def delete(self, key: str) -> None:
        await self._off_loop(self._delete_sync, key)

    async def clear(self) -> None:
        await self._off_loop(self._clear_sync)

    def prune(self) -> int:
        """Remove expired entries; returns how many."""
        with self._lock:
            cur = self._db().execute(
                "DELETE FROM llmcore_cache WHERE expires IS NOT NULL AND expires <= ?", (time.time(),)
            )
            return cur.rowcount

    def count(self) -> int:
        """Entries stored (expired ones included until pruned)."""
        with self._lock:
            return int(self._db().execute("SELECT COUNT(*) FROM llmcore_cache").fetchone()[0])

    def close(self) -> None:
        """Close the file and stop the worker thread."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def describe(self) -> str:
        return f"sqlite ({self.path})"


class RedisCache(Cache):
    """Redis (``pip install 'llmcore-core[redis]'``): entries under
    ``<prefix><key>`` with the TTL as Redis expiry, shared by every process
    using that server. One client per event loop.

    Fails open: a server that is down or frozen makes ``get``/``set`` raise
    :class:`~llmcore.errors.BackendUnavailableError` within 2 s (and at once
    for a second after a failure), which the facade logs before calling the
    provider (see :mod:`llmcore.reliability.redis_backend` for the bounds)."""

    def __init__(
        self, url: str = "redis://localhost:6379/0", ttl: float | None = None, prefix: str = "llmcore:cache:"
    ) -> None:
        super().__init__(ttl)
        self.url = url
        self.prefix = prefix
        try:
            import redis.asyncio  # noqa: F401
        except ImportError:
            raise ConfigurationError(
                "the Redis cache needs the redis client: pip install 'llmcore-core[redis]'"
            ) from None
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, Any]] = {}

    def _client(self) -> Any:
        import redis
        import redis.asyncio as aioredis

        from ..reliability.redis_backend import _client_options

        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            entry = (loop, aioredis.Redis.from_url(self.url, **_client_options(redis)))
            self._clients[id(loop)] = entry
        return entry[1]

    async def _op(self, aw: Any) -> Any:
        from ..reliability.redis_backend import redis_op

        return await redis_op(self.url, aw, "cache")

    async def _get(self, key: str) -> bytes | None:
        value = await self._op(self._client().get(self.prefix + key))
        return bytes(value) if value is not None else None

    async def _set(self, key: str, value: bytes, ttl: float | None) -> None:
        if ttl is None:
            await self._op(self._client().set(self.prefix + key, value))
        else:
            await self._op(self._client().set(self.prefix + key, value, px=max(1, int(ttl * 1000))))

    async def delete(self, key: str) -> None:
        await self._op(self._client().delete(self.prefix + key))

    async def clear(self) -> None:
        client = self._client()
        batch: list[Any] = []
        pattern = "".join("\\" + ch if ch in "*?[]\\^" else ch for ch in self.prefix) + "*"
        async for k in client.scan_iter(match=pattern, count=500):
            batch.append(k)
            if len(batch) >= 500:
                await client.delete(*batch)
                batch = []
        if batch:
            await client.delete(*batch)

    async def aclose(self) -> None:
        """Close the client of the running loop."""
        loop = asyncio.get_running_loop()
        entry = self._clients.pop(id(loop), None)
        if entry is not None:
            await entry[1].aclose()

    def describe(self) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return f"redis ({parts.scheme}://{host}{parts.path})"
