"""Helpers for in-process providers: models that run inside this Python process
(llama-cpp-python, gpt4all, …) through blocking C bindings.

:func:`stream_from_thread` runs a blocking producer in a worker thread and
hands what it produces to the event loop as an async iterator, so generation
never blocks the loop. Cancellation is real: when the consumer stops early
(``aclose()``, ``break``, task cancellation), the producer's next ``emit``
returns ``False`` and the producer must stop generating; the iterator then
waits (asynchronously) for the worker thread to end, so the model is free
for the next call when ``aclose()`` returns.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

__all__ = ["Emit", "stream_from_thread", "run_in_thread"]

T = TypeVar("T")

#: ``emit(item) -> bool``: hand ``item`` to the consumer; ``False`` means the
#: consumer is gone and the producer must stop.
Emit = Callable[[Any], bool]

_ITEM, _END, _ERROR = 0, 1, 2


async def stream_from_thread(produce: Callable[[Emit], None], *, name: str = "llmcore-inprocess") -> AsyncIterator[Any]:
    """Iterate what ``produce(emit)`` emits from a daemon worker thread.

    An exception raised by ``produce`` is re-raised to the consumer after the
    items emitted before it. Items are queued without bound (a token stream is
    small), so the producer never waits for the consumer.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[int, Any]] = asyncio.Queue()
    stop = threading.Event()
    finished: asyncio.Future[None] = loop.create_future()

    def post(msg: tuple[int, Any]) -> bool:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, msg)
            return True
        except RuntimeError:  # the loop is closed: nobody is listening
            stop.set()
            return False

    def emit(item: Any) -> bool:
        if stop.is_set():
            return False
        return post((_ITEM, item)) and not stop.is_set()

    def mark_finished() -> None:
        if not finished.done():
            finished.set_result(None)

    def run() -> None:
        try:
            produce(emit)
            post((_END, None))
        except BaseException as e:  # handed to the consumer
            post((_ERROR, e))
        finally:
            try:
                loop.call_soon_threadsafe(mark_finished)
            except RuntimeError:
                pass

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        while True:
            kind, value = await queue.get()
            if kind == _ITEM:
                yield value
            elif kind == _END:
                return
            else:
                raise value
    finally:
        stop.set()
        if not finished.done():
            await finished  # the producer stops at its next emit
        thread.join(1.0)  # it has signalled its end: only its return is left


async def run_in_thread(fn: Callable[[], T], *, name: str = "llmcore-inprocess") -> T:
    """``fn()`` in a daemon worker thread, awaited without blocking the loop.
    (A cancelled caller stops waiting; ``fn`` itself runs to its end.)"""

    def produce(emit: Emit) -> None:
        emit(fn())

    gen = stream_from_thread(produce, name=name)
    try:
        async for result in gen:
            return result  # type: ignore[no-any-return]
    finally:
        await gen.aclose()  # type: ignore[attr-defined]
    raise RuntimeError("the worker thread produced no result")  # pragma: no cover
