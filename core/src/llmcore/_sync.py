"""Run llmcore's async code from sync callers.

One daemon thread runs a private event loop for the whole process, so the
sync API works anywhere — also inside a running loop (Jupyter) — and the
shared HTTP client of that loop is reused across sync calls.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["run", "iterate"]

_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_lock = threading.Lock()
#: how long interpreter exit waits for the loop to close its connections
_SHUTDOWN_WAIT = 5.0


def _get_loop() -> asyncio.AbstractEventLoop:
    global _loop, _thread
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            t = threading.Thread(target=loop.run_forever, name="llmcore-sync-loop", daemon=True)
            t.start()
            _loop, _thread = loop, t
        return _loop


@atexit.register
def _shutdown() -> None:
    """At interpreter exit: shut the background loop down as ``asyncio.run``
    would — close its async generators (among them the closers of the shared
    HTTP clients, :mod:`llmcore.http.client`), then stop and close it — so
    aiohttp prints no "Unclosed client session". Bounded: a loop still busy
    (a call running in another thread) is left to the daemon thread's end."""
    with _lock:
        loop, thread = _loop, _thread
    if loop is None or loop.is_closed() or not loop.is_running():
        return
    try:
        asyncio.run_coroutine_threadsafe(loop.shutdown_asyncgens(), loop).result(_SHUTDOWN_WAIT)
    except Exception:
        pass
    loop.call_soon_threadsafe(loop.stop)
    if thread is not None:
        thread.join(_SHUTDOWN_WAIT)
    if not loop.is_running():
        loop.close()


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
