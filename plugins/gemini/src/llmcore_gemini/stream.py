"""Decoding ``streamGenerateContent`` responses.

We ask for ``?alt=sse`` (one ``GenerateContentResponse`` per ``data:`` event,
parsed once with ``json.loads``). Without ``alt=sse`` Gemini streams one JSON
array instead (``[{...}\\n,\\r\\n{...}]``); a gateway may drop the query
parameter, so a response whose content type is not ``text/event-stream`` is
decoded incrementally as that array (:class:`JSONArrayDecoder`). Either way
each chunk goes through the same :class:`~llmcore_gemini.response.ResponseMapper`.

A stream that ends before a finish reason (or a prompt block) was seen is a
:class:`ProviderResponseError`: the answer was cut off, and we do not pass a
truncated answer off as complete.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from llmcore.errors import ProviderResponseError
from llmcore.events import StreamEvent
from llmcore.http.sse import SSEDecoder

from .response import ResponseMapper

if TYPE_CHECKING:
    import httpx

__all__ = ["JSONArrayDecoder", "decode_stream"]

_WS = " \t\r\n"


class JSONArrayDecoder:
    """Feed bytes of a streamed JSON array, get its elements as they complete."""

    __slots__ = ("_buf", "_dec", "_json", "_pos", "_started", "provider")

    def __init__(self, provider: str | None = None) -> None:
        self._dec = codecs.getincrementaldecoder("utf-8")("replace")
        self._json = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        self._started = False
        self.provider = provider

    def _skip(self, chars: str) -> None:
        buf, pos = self._buf, self._pos
        while pos < len(buf) and buf[pos] in chars:
            pos += 1
        self._pos = pos

    def feed(self, chunk: bytes) -> list[Any]:
        self._buf = self._buf[self._pos :] + self._dec.decode(chunk)
        self._pos = 0
        out: list[Any] = []
        while True:
            self._skip(_WS)
            if self._pos >= len(self._buf):
                break
            c = self._buf[self._pos]
            if not self._started:
                if c != "[":
                    if c == "{":  # a bare object (e.g. an error body): treat as a one-element array
                        self._started = True
                        continue
                    raise ProviderResponseError(
                        "stream is neither SSE nor a JSON array", provider=self.provider, raw=self._buf[:500]
                    )
                self._started = True
                self._pos += 1
                continue
            if c in ",]":
                self._pos += 1
                continue
            try:
                value, end = self._json.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError:
                break  # incomplete element: wait for more bytes
            out.append(value)
            self._pos = end
        return out

    def flush(self) -> list[Any]:
        rest = self._buf[self._pos :] + self._dec.decode(b"", final=True)
        if rest.strip(_WS + ",]"):
            raise ProviderResponseError("stream ended inside a JSON element", provider=self.provider, raw=rest[:500])
        return []


def _parse(data: str, provider: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        raise ProviderResponseError("stream event is not JSON", provider=provider, raw=data[:500]) from None


async def decode_stream(response: httpx.Response, mapper: ResponseMapper, provider: str) -> AsyncIterator[StreamEvent]:
    """Events of one streamed response, ending with usage and :class:`Finish`."""
    if "text/event-stream" in response.headers.get("content-type", ""):
        sse = SSEDecoder(provider=provider)
        async for chunk in response.aiter_bytes():
            for ev in sse.feed(chunk):
                if ev.data and ev.data != "[DONE]":
                    for out in mapper.feed(_parse(ev.data, provider)):
                        yield out
        for ev in sse.flush():
            if ev.data and ev.data != "[DONE]":
                for out in mapper.feed(_parse(ev.data, provider)):
                    yield out
    else:
        arr = JSONArrayDecoder(provider)
        async for chunk in response.aiter_bytes():
            for obj in arr.feed(chunk):
                for out in mapper.feed(obj):
                    yield out
        arr.flush()
    if not mapper.finished:
        raise ProviderResponseError(
            "the stream ended before a finish reason: the answer is incomplete", provider=provider
        )
    for out in mapper.end():
        yield out
