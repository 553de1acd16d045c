"""Newline-delimited JSON decoding (Ollama and friends), incremental."""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from ..errors import ProviderResponseError
from .sse import default_max_event_bytes, too_large

__all__ = ["NDJSONDecoder", "aiter_ndjson"]


class NDJSONDecoder:
    """Feed bytes, get parsed JSON values, one per non-blank line. A line
    that is not JSON raises :class:`ProviderResponseError` with an excerpt.

    Linear time whatever the cut: bytes of an unfinished line are kept as
    pieces and joined once, when the line ends. A line longer than
    ``max_line_bytes`` (default 16 MiB, process-wide
    ``llmcore.http.configure(max_event_bytes=...)``) raises
    :class:`ProviderResponseError` instead of growing memory.
    """

    __slots__ = ("_buf", "_held", "_parts", "max_bytes", "provider")

    def __init__(self, provider: str | None = None, *, max_line_bytes: int | None = None) -> None:
        self._buf = b""  # the unfinished line
        self._parts: list[bytes] = []  # ... or, while chunks bring no line break, its pieces
        self._held = 0  # bytes in _parts
        self.provider = provider
        self.max_bytes = max_line_bytes if max_line_bytes is not None else default_max_event_bytes()

    def feed(self, chunk: bytes) -> list[Any]:
        if self._parts:  # a long line: join only once it ends
            if b"\n" not in chunk:
                self._hold(chunk)
                return []
            self._parts.append(chunk)
            buf = b"".join(self._parts)
            self._parts, self._held = [], 0
        else:
            buf = self._buf + chunk if self._buf else chunk
        lines = buf.split(b"\n")
        self._buf = lines.pop()
        if not lines:  # no line break: from now on, keep pieces
            self._buf, buf = b"", self._buf
            self._hold(buf)
            return []
        return [self._parse(line) for line in lines if line.strip()]

    def flush(self) -> list[Any]:
        rest = b"".join(self._parts) if self._parts else self._buf
        self._buf, self._parts, self._held = b"", [], 0
        return [self._parse(rest)] if rest.strip() else []

    def _hold(self, piece: bytes) -> None:
        if piece:
            self._parts.append(piece)
            self._held += len(piece)
            if self._held > self.max_bytes:
                self._overflow()

    def _overflow(self) -> None:
        self._buf, self._parts, self._held = b"", [], 0
        raise too_large("a line", self.max_bytes, self.provider)

    def _parse(self, line: bytes) -> Any:
        try:
            return json.loads(line)
        except ValueError:
            raise ProviderResponseError("stream line is not JSON", provider=self.provider, raw=line[:500]) from None


async def aiter_ndjson(
    chunks: AsyncIterable[bytes], provider: str | None = None, *, max_line_bytes: int | None = None
) -> AsyncIterator[Any]:
    """Decode an async byte stream of NDJSON (see :class:`NDJSONDecoder`)."""
    dec = NDJSONDecoder(provider, max_line_bytes=max_line_bytes)
    async for chunk in chunks:
        for value in dec.feed(chunk):
            yield value
    for value in dec.flush():
        yield value
