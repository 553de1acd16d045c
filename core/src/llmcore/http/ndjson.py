"""Newline-delimited JSON decoding (Ollama and friends), incremental."""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from ..errors import ProviderResponseError

__all__ = ["NDJSONDecoder", "aiter_ndjson"]


class NDJSONDecoder:
    """Feed bytes, get parsed JSON values, one per non-blank line. A line
    that is not JSON raises :class:`ProviderResponseError` with an excerpt."""

    __slots__ = ("_buf", "provider")

    def __init__(self, provider: str | None = None) -> None:
        self._buf = b""
        self.provider = provider

    def feed(self, chunk: bytes) -> list[Any]:
        buf = self._buf + chunk
        lines = buf.split(b"\n")
        self._buf = lines.pop()
        return [self._parse(line) for line in lines if line.strip()]

    def flush(self) -> list[Any]:
        rest, self._buf = self._buf, b""
        return [self._parse(rest)] if rest.strip() else []

    def _parse(self, line: bytes) -> Any:
        try:
            return json.loads(line)
        except ValueError:
            raise ProviderResponseError(
                "stream line is not JSON", provider=self.provider, raw=line[:500]
            ) from None


async def aiter_ndjson(chunks: AsyncIterable[bytes], provider: str | None = None) -> AsyncIterator[Any]:
    """Decode an async byte stream of NDJSON."""
    dec = NDJSONDecoder(provider)
    async for chunk in chunks:
        for value in dec.feed(chunk):
            yield value
    for value in dec.flush():
        yield value
