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

from ..errors import ProviderResponseError

__all__ = ["ServerSentEvent", "SSEDecoder", "aiter_sse", "iter_sse", "DEFAULT_MAX_EVENT_BYTES"]

#: the largest line or event a decoder accepts by default (bytes); see
#: ``HTTPSettings.max_event_bytes``
DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024


def default_max_event_bytes() -> int:
    """The process-wide cap (:func:`llmcore.http.client.configure` ``max_event_bytes``)."""
    from .client import settings

    return settings().max_event_bytes


def too_large(what: str, limit: int, provider: str | None) -> ProviderResponseError:
    """The typed error for a line or event over the cap."""
    return ProviderResponseError(
        f"the stream sent {what} larger than {limit:,} bytes; a provider's events are far smaller, so the "
        "stream is broken (raise llmcore.http.configure(max_event_bytes=...) if yours are really this large)",
        provider=provider,
    )


@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched event. ``event`` defaults to ``"message"``."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Feed bytes, get complete events. Keeps state across chunks.

    Linear time whatever the cut: bytes of an unfinished line are kept as
    pieces and joined once, when the line ends. A line, or an event (its
    lines until the blank line), longer than ``max_event_bytes`` (default
    :data:`DEFAULT_MAX_EVENT_BYTES`, 16 MiB, process-wide
    ``llmcore.http.configure(max_event_bytes=...)``) raises
    :class:`~llmcore.errors.ProviderResponseError` instead of growing memory.
    """

    __slots__ = (
        "_buf",
        "_data",
        "_event",
        "_event_bytes",
        "_held",
        "_id",
        "_parts",
        "_pending_cr",
        "_retry",
        "max_bytes",
        "provider",
    )

    def __init__(self, *, provider: str | None = None, max_event_bytes: int | None = None) -> None:
        self._buf = b""  # the unfinished line (no line break, no \r)
        self._parts: list[bytes] = []  # ... or, while chunks bring no line break, its pieces
        self._held = 0  # bytes in _parts
        self._data: list[str] = []
        self._event_bytes = 0  # bytes of chunks that ended inside an event (see _check_event)
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._pending_cr = False
        self.provider = provider
        self.max_bytes = max_event_bytes if max_event_bytes is not None else default_max_event_bytes()

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode ``chunk`` and return the events it completes."""
        if self._pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the \n of a \r\n split across chunks
        self._pending_cr = chunk.endswith(b"\r")
        if b"\r" in chunk:  # per chunk equals per buffer: a split \r\n is handled above
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        end = chunk.rfind(b"\n")
        if end < 0:
            if chunk:
                self._hold(chunk)
            return []
        if self._parts:  # the end of a long line: joined once
            self._parts.append(chunk)
            buf = b"".join(self._parts)
            self._parts, self._held = [], 0
            end += len(buf) - len(chunk)
        elif self._buf:
            end += len(self._buf)
            buf = self._buf + chunk
        else:
            buf = chunk
        self._buf = buf[end + 1 :]  # (longer than the cap only if this one chunk is: already in memory)
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
        if data and not out:  # an event spans chunks: bound it too (see _check_event)
            self._event_bytes += len(buf)
            if self._event_bytes > self.max_bytes:
                self._check_event()
        return out

    def _hold(self, piece: bytes) -> None:
        """Keep a piece of a line that has not ended (linear: no re-concatenation)."""
        if not self._parts and self._buf:
            self._parts.append(self._buf)
            self._held = len(self._buf)
            self._buf = b""
        self._parts.append(piece)
        self._held += len(piece)
        if self._held > self.max_bytes:
            self._overflow("a line")
        if self._data and self._held + self._event_bytes > self.max_bytes:
            self._check_event()

    def _check_event(self) -> None:
        """The count passed the cap: measure the pending event and overflow or reset the count.

        ``_event_bytes`` adds the bytes of every chunk that ends inside an
        event without completing one, and is reset only here: it is an upper
        bound of the pending event's size (but for the part of it in the
        chunk where it began: the cap is checked to within one chunk), and
        costs the hot path one test. Stale counts of earlier events only
        bring this exact measure forward: about once per cap's worth of stream.
        """
        exact = sum(map(len, self._data)) + len(self._buf) + self._held
        if exact > self.max_bytes:
            self._overflow("an event")
        self._event_bytes = exact

    def _overflow(self, what: str) -> None:
        self._buf, self._parts, self._held, self._data, self._event_bytes = b"", [], 0, [], 0
        raise too_large(what, self.max_bytes, self.provider)

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: a final event without a trailing blank line is
        still dispatched (servers that close right after the last data)."""
        out = []
        rest = b"".join(self._parts) if self._parts else self._buf
        self._buf, self._parts, self._held = b"", [], 0
        if rest:
            ev = self._line(rest)
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
            self._event_bytes = 0
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


async def aiter_sse(
    chunks: AsyncIterable[bytes], *, provider: str | None = None, max_event_bytes: int | None = None
) -> AsyncIterator[ServerSentEvent]:
    """Decode an async byte stream (e.g. ``response.aiter_bytes()``); see :class:`SSEDecoder`."""
    dec = SSEDecoder(provider=provider, max_event_bytes=max_event_bytes)
    async for chunk in chunks:
        for ev in dec.feed(chunk):
            yield ev
    for ev in dec.flush():
        yield ev


def iter_sse(
    chunks: Iterable[bytes], *, provider: str | None = None, max_event_bytes: int | None = None
) -> Iterator[ServerSentEvent]:
    """Decode a sync byte stream; see :class:`SSEDecoder`."""
    dec = SSEDecoder(provider=provider, max_event_bytes=max_event_bytes)
    for chunk in chunks:
        yield from dec.feed(chunk)
    yield from dec.flush()
