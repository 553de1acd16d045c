"""Reliability middleware: each layer wraps a provider and is a provider.

The facade composes them from options (``llmcore.model(..., retry=...,
timeouts=..., rate_limit=..., concurrency=..., api_keys=...)``, see
:mod:`.stack`); ``Model(middleware=[...])`` adds your own. Layers:

* :class:`Retry` (:mod:`.retry`) — backoff with jitter, Retry-After, bounded;
* :class:`Timeout` (:mod:`.timeout`) — connect, read, total, stream idle;
* :class:`RateLimit` (:mod:`.ratelimit`) — request and token buckets (:mod:`.buckets`);
* :class:`AdaptiveConcurrency` / :class:`ConcurrencyCap` (:mod:`.concurrency`) —
  AIMD and rate-limit headers (:mod:`.adaptive`, :mod:`.headers`), fixed caps
  per process (:mod:`.limiter`), per machine (:mod:`.filelimit`) or shared
  through Redis (:mod:`.redis_backend`);
* :class:`KeyPool` (:mod:`.keypool`) — several keys, rotated.

Names are imported lazily, so ``import llmcore.reliability`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from .base import ProviderWrapper, find_layer, innermost, leaves
from .retry import Retry, RetryPolicy

__all__ = [
    "ProviderWrapper",
    "innermost",
    "leaves",
    "find_layer",
    "Retry",
    "RetryPolicy",
    "Timeout",
    "TimeoutPolicy",
    "RateLimit",
    "RateLimitPolicy",
    "TokenBucket",
    "BucketStatus",
    "AdaptiveConcurrency",
    "ConcurrencyCap",
    "AdaptiveLimiter",
    "LocalLimiter",
    "FileLockLimiter",
    "RedisLimiter",
    "RedisTokenBucket",
    "KeyPool",
    "ConcurrencyPolicy",
    "configure",
    "UNSET",
    "InsecureTransportWarning",
    "key_id",
]

_LAZY = {
    "Timeout": "timeout",
    "TimeoutPolicy": "timeout",
    "RateLimit": "ratelimit",
    "RateLimitPolicy": "ratelimit",
    "TokenBucket": "buckets",
    "BucketStatus": "buckets",
    "AdaptiveConcurrency": "concurrency",
    "ConcurrencyCap": "concurrency",
    "AdaptiveLimiter": "adaptive",
    "LocalLimiter": "limiter",
    "FileLockLimiter": "filelimit",
    "RedisLimiter": "redis_backend",
    "RedisTokenBucket": "redis_backend",
    "KeyPool": "keypool",
    "ConcurrencyPolicy": "stack",
    "configure": "stack",
    "UNSET": "stack",
    "InsecureTransportWarning": "security",
    "key_id": "security",
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'llmcore.reliability' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{mod}", __name__), name)
