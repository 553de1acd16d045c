"""Run llmcore's async code from sync callers.

One daemon thread runs a private event loop for the whole process, so the
sync API works anywhere — also inside a running loop (Jupyter) — and the
shared HTTP client of that loop is reused across sync calls.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["run", "iterate"]

_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def _get_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            t = threading.Thread(target=loop.run_forever, name="llmcore-sync-loop", daemon=True)
            t.start()
            _loop = loop
        return _loop


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on the background loop and return its result."""
    fut = asyncio.run_coroutine_threadsafe(coro, _get_loop())
    try:
        return fut.result()
    except BaseException:
        fut.cancel()
        raise


def iterate(agen: AsyncIterator[T]) -> Iterator[T]:
    """Iterate an async iterator from sync code; closes it if abandoned."""
    done = False
    try:
        while True:
            try:
                item: T = run(agen.__anext__())  # type: ignore[arg-type]
            except StopAsyncIteration:
                done = True
                return
            yield item
    finally:
        if not done:
            aclose = getattr(agen, "aclose", None)
            if aclose is not None:
                run(aclose())
