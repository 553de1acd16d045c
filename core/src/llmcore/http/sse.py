"""Server-sent events (``text/event-stream``) decoding, incremental and cheap.

Follows the WHATWG algorithm: lines end in ``\\n``, ``\\r\\n`` or ``\\r``;
``data:`` lines of one event are joined with ``\\n``; an empty line
dispatches; lines starting with ``:`` are comments (keep-alives) and are
skipped; a single space after the colon is removed. An event with no
``data`` is not dispatched. Bytes may arrive split anywhere, even inside a
multi-byte UTF-8 character.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from dataclasses import dataclass

__all__ = ["ServerSentEvent", "SSEDecoder", "aiter_sse", "iter_sse"]


@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched event. ``event`` defaults to ``"message"``."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Feed bytes, get complete events. Keeps state across chunks."""

    __slots__ = ("_buf", "_data", "_event", "_id", "_pending_cr", "_retry")

    def __init__(self) -> None:
        self._buf = b""
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._pending_cr = False

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode ``chunk`` and return the events it completes."""
        if self._pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the \n of a \r\n split across chunks
        self._pending_cr = chunk.endswith(b"\r")
        buf = self._buf + chunk if self._buf else chunk
        if b"\r" in buf:
            buf = buf.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        end = buf.rfind(b"\n")
        if end < 0:
            self._buf = buf
            return []
        self._buf = buf[end + 1 :]
        # Complete lines only, decoded at once (a line break never splits a
        # UTF-8 sequence, so this equals decoding line by line).
        out: list[ServerSentEvent] = []
        data = self._data
        for line in buf[:end].decode("utf-8", "replace").split("\n"):
            if line.startswith("data:"):  # the common line, inline
                data.append(line[6:] if line.startswith(" ", 5) else line[5:])
            elif line:
                self._field(line)
            elif data:  # a blank line dispatches
                out.append(ServerSentEvent("\n".join(data), self._event or "message", self._id, self._retry))
                data = self._data = []
                self._event = None
            else:
                self._event = None
        return out

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: a final event without a trailing blank line is
        still dispatched (servers that close right after the last data)."""
        out = []
        if self._buf:
            ev = self._line(self._buf)
            self._buf = b""
            if ev is not None:
                out.append(ev)
        ev = self._line(b"")
        if ev is not None:
            out.append(ev)
        return out

    def _line(self, raw: bytes) -> ServerSentEvent | None:
        if not raw:
            if not self._data:
                self._event = None
                return None
            ev = ServerSentEvent("\n".join(self._data), self._event or "message", self._id, self._retry)
            self._data = []
            self._event = None
            return ev
        self._field(raw.decode("utf-8", "replace"))
        return None

    def _field(self, line: str) -> None:
        """One non-blank line: a comment or a field."""
        if line[0] == ":":  # comment / keep-alive
            return
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)


async def aiter_sse(chunks: AsyncIterable[bytes]) -> AsyncIterator[ServerSentEvent]:
    """Decode an async byte stream (e.g. ``response.aiter_bytes()``)."""
    dec = SSEDecoder()
    async for chunk in chunks:
        for ev in dec.feed(chunk):
            yield ev
    for ev in dec.flush():
        yield ev


def iter_sse(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Decode a sync byte stream."""
    dec = SSEDecoder()
    for chunk in chunks:
        yield from dec.feed(chunk)
    yield from dec.flush()
