"""A loopback server that answers raw bytes (malformed HTTP included), for the
transport tests: ``with raw_server(script) as srv:`` where ``script`` is an
``async def (request_head: bytes, writer) -> None`` that writes whatever it
likes. ``srv.url`` is ``http://127.0.0.1:<port>``; ``srv.connections``
counts accepted connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

Script = Callable[[bytes, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class RawServer:
    url: str = ""
    connections: int = 0
    heads: list[bytes] = field(default_factory=list)


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    """The request head and its body (by Content-Length), so the client is done sending."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return head


@contextlib.contextmanager
def raw_server(script: Script) -> Iterator[RawServer]:
    """Run ``script`` for every connection (one request each), on its own thread and loop."""
    state = RawServer()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, asyncio.AbstractServer] = {}

    tasks: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state.connections += 1
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            head = await _read_request(reader)
            state.heads.append(head)
            await script(head, writer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
            tasks.discard(task)

    async def start() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        holder["server"] = server
        state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(5)
    try:
        yield state
    finally:

        async def stop() -> None:
            holder["server"].close()
            for t in list(tasks):  # handlers still writing (a trickle) end now
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def header(head: bytes, name: str) -> bytes:
    """The value of header ``name`` in a raw request head (b"" when absent)."""
    for line in head.split(b"\r\n")[1:]:
        n, _, v = line.partition(b":")
        if n.strip().lower() == name.lower().encode():
            return v.strip()
    return b""
