"""Retries with exponential backoff and full jitter.

* Only errors whose ``is_retryable`` is true (or the classes in
  ``RetryPolicy.retry_on``) are retried.
* ``retry_after`` from the error (``Retry-After`` seconds or HTTP date,
  ``retry-after-ms``; for a 429 without them, the rate-limit reset headers
  ``x-ratelimit-reset-*`` / ``anthropic-ratelimit-*-reset``, see
  :mod:`llmcore.http.errors`) is honoured: the wait is at least that long;
  when it exceeds the remaining time budget the error is raised at once.
* Attempts and total time are bounded.
* A stream is retried only if it failed before its first event; after that
  the error propagates (the facade attaches the partial response to it).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import observe
from ..errors import ConfigurationError, LLMCoreError
from .base import ProviderWrapper, closing

if TYPE_CHECKING:
    from ..events import StreamEvent
    from ..provider import Provider
    from ..types import ChatRequest, ChatResponse, TokenCount

__all__ = ["RetryPolicy", "Retry", "coerce_retry"]

log = logging.getLogger("llmcore.retry")


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` counts the first try. Backoff before retry *n*
    (n = 1, 2, …) is uniform in ``[0, min(max_backoff, initial_backoff * 2**(n-1))]``."""

    max_attempts: int = 3
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    max_total: float = 300.0
    retry_on: tuple[type[LLMCoreError], ...] | None = None

    def should_retry(self, err: BaseException) -> bool:
        if not isinstance(err, LLMCoreError):
            return False
        if self.retry_on is not None:
            return isinstance(err, self.retry_on)
        return err.is_retryable

    def backoff(self, retry_number: int, err: LLMCoreError, rnd: random.Random | None = None) -> float:
        cap = min(self.max_backoff, self.initial_backoff * (2 ** (retry_number - 1)))
        wait = (rnd or random).uniform(0, cap)
        if err.retry_after is not None:
            wait = max(wait, err.retry_after)
        return wait


class Retry(ProviderWrapper):
    """Retry middleware. ``sleep`` is injectable for tests of timing.

    Each attempt is reported to an installed observer (:mod:`llmcore.observe`);
    with none, that costs a ``None`` check per attempt."""

    #: the facade leaves attempt reporting to this layer
    reports_attempts = True

    def __init__(self, inner: Provider, policy: RetryPolicy | None = None) -> None:
        super().__init__(inner)
        self.policy = policy or RetryPolicy()
        self.retries = 0  # total retries made (observability)

    async def _wait_or_raise(self, attempt: int, err: LLMCoreError, started: float) -> None:
        p = self.policy
        if attempt >= p.max_attempts or not p.should_retry(err):
            raise err
        wait = p.backoff(attempt, err)
        if time.monotonic() - started + wait > p.max_total:
            raise err
        self.retries += 1
        log.info(
            "retrying %s after %s (attempt %d, waiting %.2fs)", self.spec.name, type(err).__name__, attempt + 1, wait
        )
        await asyncio.sleep(wait)

    async def chat(self, request: ChatRequest) -> ChatResponse:
        started = time.monotonic()
        attempt = 1
        while True:
            a = observe.attempt(attempt) if observe.observer is not None else None
            try:
                resp = await self.inner.chat(request)
            except BaseException as err:
                if a is not None:
                    a.end(err)
                if not isinstance(err, LLMCoreError):
                    raise
                await self._wait_or_raise(attempt, err, started)
                attempt += 1
                continue
            if a is not None:
                a.end()
            return resp

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        return await self._unary(self.inner.count_tokens, request)

    async def embed(self, request: Any) -> Any:
        return await self._unary(self.inner.embed, request)  # type: ignore[attr-defined]

    async def rerank(self, request: Any) -> Any:
        return await self._unary(self.inner.rerank, request)  # type: ignore[attr-defined]

    async def _unary(self, call: Any, request: Any) -> Any:
        started = time.monotonic()
        attempt = 1
        while True:
            a = observe.attempt(attempt) if observe.observer is not None else None
            try:
                resp = await call(request)
            except BaseException as err:
                if a is not None:
                    a.end(err)
                if not isinstance(err, LLMCoreError):
                    raise
                await self._wait_or_raise(attempt, err, started)
                attempt += 1
                continue
            if a is not None:
                a.end()
            return resp

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        started = time.monotonic()
        attempt = 1
        while True:
            emitted = False
            a = observe.attempt(attempt) if observe.observer is not None else None
            try:
                async with closing(self.inner.stream_chat(request)) as events:
                    async for ev in events:
                        emitted = True
                        yield ev
            except BaseException as err:  # GeneratorExit too: the caller closed the stream
                if a is not None:
                    a.end(err)
                if emitted or not isinstance(err, LLMCoreError):  # never replay a stream the caller has partly seen
                    raise
                await self._wait_or_raise(attempt, err, started)
                attempt += 1
                continue
            if a is not None:
                a.end()
            return


def coerce_retry(retry: Any) -> RetryPolicy | None:
    """``True`` → the default policy; ``False``/``0``/``None`` → no retries;
    an int → that many attempts; a :class:`RetryPolicy` as given (checked).
    Raises :class:`~llmcore.errors.ConfigurationError` for anything else."""
    if retry is True:
        return RetryPolicy()
    if retry is False or retry is None or retry == 0:
        return None
    if isinstance(retry, bool):
        return None
    if isinstance(retry, int):
        if retry < 0:
            raise ConfigurationError(
                f"retry must be True/False or a number of attempts (1 or more; 0 for none), not {retry}"
            )
        return RetryPolicy(max_attempts=retry)
    if isinstance(retry, RetryPolicy):
        m = retry.max_attempts
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise ConfigurationError(f"RetryPolicy.max_attempts must be an integer of 1 or more, not {m!r}")
        return retry
    raise ConfigurationError(f"retry must be True/False, an int or a RetryPolicy, not {type(retry).__name__}")
