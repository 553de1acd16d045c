"""Response cache: the same request answered once.

Opt in per model or per call::

    m = llmcore.model("openai/gpt-4.1-mini", cache=True)        # SQLite on disk
    m = llmcore.model("openai/gpt-4.1-mini", cache="memory")    # this process, LRU
    m = llmcore.model("openai/gpt-4.1-mini", cache="redis://localhost:6379/0")
    m = llmcore.model("openai/gpt-4.1-mini", cache=SQLiteCache("eval.sqlite", ttl=86400))
    m.chat("hi", cache=False)    # skip the cache for one call
    m2.chat("hi", cache=True)    # use the default cache for one call

Keys are SHA-256 of the canonical request (:mod:`.key`; never the API
key). Entries are the answer's stream events (:mod:`.codec`), so a cached
stream replays as the same events and a cached ``chat`` is their collected
response. A hit is marked ``response.cached = True`` and counted in
``m.usage.cache_hits``. Answers that failed, or whose structured output did
not validate, are not stored.

``cache=`` accepts ``True`` (the default backend: ``$LLMCORE_CACHE`` if
set — ``memory``, ``sqlite``, a ``.sqlite`` path or a ``redis://`` URL —
else SQLite in :func:`llmcore.paths.cache_dir`), ``"memory"``,
``"sqlite"``, a file path, a ``redis://``/``rediss://``/``unix://`` URL, a
dict ``{"backend": ..., "ttl": seconds, ...}`` or a :class:`Cache`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigurationError
from .backends import Cache, MemoryCache, RedisCache, SQLiteCache
from .codec import decode_entry, encode_entry, response_events
from .key import cache_key, canonical_request

__all__ = [
    "Cache",
    "MemoryCache",
    "SQLiteCache",
    "RedisCache",
    "resolve_cache",
    "default_cache",
    "reset",
    "cache_key",
    "canonical_request",
    "encode_entry",
    "decode_entry",
    "response_events",
]

_lock = threading.Lock()
_shared: dict[str, Cache] = {}


def _shared_cache(name: str, make: Any) -> Cache:
    with _lock:
        c = _shared.get(name)
        if c is None:
            c = make()
            _shared[name] = c
        return c


def reset() -> None:
    """Forget the process-wide cache objects (``"memory"``, the default SQLite
    file, Redis URLs); the next use makes new ones. Stored files and Redis
    data stay."""
    with _lock:
        _shared.clear()


def default_cache() -> Cache:
    """The cache ``cache=True`` means: ``$LLMCORE_CACHE`` or SQLite in the cache dir
    (one instance per process and setting)."""
    env = os.environ.get("LLMCORE_CACHE", "").strip()
    if env and env.lower() not in ("1", "true", "yes", "on", "sqlite"):
        cache = resolve_cache(env)
        assert cache is not None
        return cache
    return _default_sqlite()


def _default_sqlite() -> Cache:
    from ..paths import cache_dir

    path = cache_dir() / "responses.sqlite"
    return _shared_cache(f"sqlite:{path}", lambda: SQLiteCache(path))


#: the options each backend of a ``cache={...}`` dict takes (besides ``backend``)
_DICT_OPTIONS = {
    "memory": ("ttl", "max_entries"),
    "sqlite": ("ttl", "path"),
    "redis": ("ttl", "url", "prefix"),
}
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
_VALID_FORMS = (
    "True/False, 'memory', 'sqlite', a file path (e.g. 'answers.sqlite'), a redis://, rediss:// or unix:// URL, "
    "a dict {'backend': 'memory'|'sqlite'|'redis', ...} or a Cache"
)


def _from_dict(value: Mapping[Any, Any]) -> Cache:
    opts = dict(value)
    backend = opts.pop("backend", "sqlite")
    if isinstance(backend, str) and backend.startswith(_REDIS_SCHEMES):
        opts.setdefault("url", backend)
        backend = "redis"
    if backend not in _DICT_OPTIONS:
        raise ConfigurationError(
            f"unknown cache backend {backend!r}; use 'memory', 'sqlite' or 'redis' (or a redis:// URL)"
        )
    allowed = _DICT_OPTIONS[backend]
    unknown = sorted(map(str, set(opts) - set(allowed)))
    if unknown:
        raise ConfigurationError(
            f"unknown option(s) {', '.join(map(repr, unknown))} for the {backend} cache; it takes: "
            f"{', '.join(('backend', *allowed))}"
        )
    ttl = opts.pop("ttl", None)
    if backend == "memory":
        return MemoryCache(ttl=ttl, **opts)
    if backend == "sqlite":
        return SQLiteCache(opts.pop("path", None), ttl=ttl)
    url = opts.pop("url", "redis://localhost:6379/0")
    if not isinstance(url, str) or not url.startswith(_REDIS_SCHEMES):
        raise ConfigurationError(f"the redis cache url must be a redis://, rediss:// or unix:// URL, not {url!r}")
    return RedisCache(url, ttl=ttl, **opts)


def resolve_cache(value: Any) -> Cache | None:
    """A :class:`Cache` from a ``cache=`` option, or ``None`` for no cache.
    Anything else raises :class:`~llmcore.errors.ConfigurationError` naming the
    valid forms (before any file, connection or network call)."""
    if value is None or value is False:
        return None
    if value is True:
        return default_cache()
    if isinstance(value, Cache):
        return value
    if isinstance(value, Mapping):
        return _from_dict(value)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, str):
        v = value.strip()
        if v == "memory":
            return _shared_cache("memory", MemoryCache)
        if v == "sqlite":
            return _default_sqlite()
        if v.startswith(_REDIS_SCHEMES):
            return _shared_cache(f"redis:{v}", lambda: RedisCache(v))
        if "://" in v:  # a URL of a scheme no backend serves: never a folder named "nonsense:"
            scheme = v.split("://", 1)[0]
            raise ConfigurationError(
                f"cache URL scheme {scheme + '://'!r} is not supported; cache must be {_VALID_FORMS}"
            )
        if v.endswith((".sqlite", ".sqlite3", ".db")) or os.sep in v or "/" in v:
            from pathlib import Path

            path = Path(v).expanduser().resolve()
            return _shared_cache(f"sqlite:{path}", lambda: SQLiteCache(path))
    raise ConfigurationError(f"cache must be {_VALID_FORMS}, not {value!r}")
