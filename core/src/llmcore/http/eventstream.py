"""AWS event-stream (``application/vnd.amazon.eventstream``) decoding, incremental.

The binary framing AWS uses for streamed responses (Bedrock ConverseStream,
InvokeModelWithResponseStream, Transcribe, ...). One message is::

    total length   uint32 BE  (the whole message, prelude and CRC included)
    headers length uint32 BE
    prelude CRC    uint32 BE  CRC32 of the 8 bytes above
    headers        ``headers length`` bytes
    payload        total - headers - 16 bytes
    message CRC    uint32 BE  CRC32 of everything before it

Each header is a 1-byte name length, the UTF-8 name, a 1-byte value type and
the value: ``0`` true, ``1`` false, ``2`` int8, ``3`` int16, ``4`` int32,
``5`` int64, ``6`` bytes (uint16 length), ``7`` string (uint16 length),
``8`` timestamp (int64 milliseconds), ``9`` UUID (16 bytes).

Contract of :class:`EventStreamDecoder`:

* bytes may arrive split anywhere; the same messages come out whatever the split;
* both CRCs are checked (CRC32 via :mod:`zlib`); the prelude is checked as soon
  as its 12 bytes are in, so a corrupt length never makes the decoder wait for
  bytes that will not come;
* every malformed input — bad CRC, impossible lengths, a header running past
  its block, an unknown header type, a stream that ends inside a message (on
  :meth:`~EventStreamDecoder.flush`) — raises
  :class:`~llmcore.errors.ProviderResponseError`, never anything untyped; after
  an error the decoder refuses further input.

What the messages mean (``:message-type`` ``event`` / ``exception`` /
``error``, ``:event-type``, ``:exception-type``) is for the provider to map;
:class:`EventStreamMessage` only exposes the headers conveniently.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Union

from ..errors import ProviderResponseError

__all__ = [
    "EventStreamDecoder",
    "EventStreamMessage",
    "HeaderValue",
    "aiter_eventstream",
    "encode_eventstream_message",
    "iter_eventstream",
]

HeaderValue = Union[bool, int, bytes, str, Any]
"""A decoded header value: ``bool``, ``int`` (int8..int64 and timestamps, in
milliseconds), ``bytes``, ``str`` or :class:`uuid.UUID`."""

_PRELUDE = struct.Struct(">III")
_U32 = struct.Struct(">I")
_U16 = struct.Struct(">H")
_FIXED = {
    2: struct.Struct(">b"),
    3: struct.Struct(">h"),
    4: struct.Struct(">i"),
    5: struct.Struct(">q"),
    8: struct.Struct(">q"),
}

#: Limits from the AWS specification (and botocore): headers <= 128 KiB, payload <= 24 MiB.
MAX_HEADERS_LENGTH = 128 * 1024
MAX_PAYLOAD_LENGTH = 24 * 1024 * 1024


@dataclass(slots=True)
class EventStreamMessage:
    """One decoded message: its headers (name → value) and raw payload bytes."""

    headers: dict[str, HeaderValue]
    payload: bytes

    @property
    def message_type(self) -> str:
        """``:message-type``: ``event`` (the default), ``exception`` or ``error``."""
        v = self.headers.get(":message-type")
        return v if isinstance(v, str) else "event"

    @property
    def event_type(self) -> str | None:
        """``:event-type`` (e.g. ``contentBlockDelta``), for event messages."""
        v = self.headers.get(":event-type")
        return v if isinstance(v, str) else None

    @property
    def exception_type(self) -> str | None:
        """``:exception-type`` (e.g. ``throttlingException``), for exception messages."""
        v = self.headers.get(":exception-type")
        return v if isinstance(v, str) else None

    @property
    def content_type(self) -> str | None:
        """``:content-type`` of the payload (usually ``application/json``)."""
        v = self.headers.get(":content-type")
        return v if isinstance(v, str) else None

    @property
    def error_code(self) -> str | None:
        """``:error-code``, for ``error`` messages."""
        v = self.headers.get(":error-code")
        return v if isinstance(v, str) else None

    @property
    def error_message(self) -> str | None:
        """``:error-message``, for ``error`` messages."""
        v = self.headers.get(":error-message")
        return v if isinstance(v, str) else None

    def json(self, provider: str | None = None) -> Any:
        """The payload parsed as JSON (``None`` for an empty payload).
        Raises :class:`ProviderResponseError` when it is not JSON."""
        if not self.payload:
            return None
        try:
            return json.loads(self.payload)
        except ValueError:
            raise ProviderResponseError(
                f"event-stream payload of {self.event_type or self.exception_type or 'a message'} is not JSON",
                provider=provider,
                raw=self.payload[:500],
            ) from None


class EventStreamDecoder:
    """Feed bytes, get complete :class:`EventStreamMessage` objects.

    ``provider`` is stamped on errors. Call :meth:`flush` at the end of the
    stream: it raises if the stream stopped inside a message.
    """

    __slots__ = ("_broken", "_buf", "_hcache", "_offset", "provider")

    def __init__(self, provider: str | None = None) -> None:
        self._buf = bytearray()
        # Header blocks repeat (same event type, same content type): parse each once.
        self._hcache: dict[bytes, dict[str, HeaderValue]] = {}
        self._offset = 0  # stream offset of _buf[0], for error messages
        self._broken = False
        self.provider = provider

    def _fail(self, what: str, at: int, excerpt: bytes = b"") -> ProviderResponseError:
        self._broken = True
        self._buf = bytearray()
        return ProviderResponseError(
            f"corrupt event stream: {what} (message at byte {self._offset + at})",
            provider=self.provider,
            raw=excerpt.hex() if excerpt else None,
        )

    def feed(self, chunk: bytes) -> list[EventStreamMessage]:
        """Decode ``chunk`` and return the messages it completes."""
        if self._broken:
            raise ProviderResponseError("event stream decoder used after an error", provider=self.provider)
        buf = self._buf
        buf += chunk
        out: list[EventStreamMessage] = []
        pos = 0
        end = len(buf)
        crc32 = zlib.crc32
        with memoryview(buf) as view:
            while end - pos >= 12:
                total, hlen, pcrc = _PRELUDE.unpack_from(buf, pos)
                if crc32(view[pos : pos + 8]) != pcrc:
                    raise self._fail("prelude CRC mismatch", pos, bytes(view[pos : pos + 12]))
                if hlen > MAX_HEADERS_LENGTH or total < 16 + hlen or total - 16 - hlen > MAX_PAYLOAD_LENGTH:
                    raise self._fail(
                        f"impossible lengths (total {total}, headers {hlen})", pos, bytes(view[pos : pos + 12])
                    )
                if end - pos < total:
                    break
                stop = pos + total - 4
                if crc32(view[pos:stop]) != _U32.unpack_from(buf, stop)[0]:
                    raise self._fail("message CRC mismatch", pos, bytes(view[pos : pos + min(total, 64)]))
                hstart = pos + 12
                block = bytes(view[hstart : hstart + hlen])
                cached = self._hcache.get(block)
                if cached is None:
                    cached = self._headers(view, hstart, hstart + hlen, pos)
                    if len(self._hcache) < 64:
                        self._hcache[block] = cached
                headers = dict(cached)
                out.append(EventStreamMessage(headers, bytes(view[hstart + hlen : stop])))
                pos += total
        if pos:
            del buf[:pos]
            self._offset += pos
        return out

    def flush(self) -> list[EventStreamMessage]:
        """End of stream: raise :class:`ProviderResponseError` if bytes of an
        incomplete message are left over; otherwise return ``[]``."""
        if self._buf and not self._broken:
            have = len(self._buf)
            need = _PRELUDE.unpack_from(self._buf, 0)[0] if have >= 12 else None
            raise self._fail(
                f"stream ended inside a message ({have} of {need if need is not None else 'at least 12'} bytes)",
                0,
            )
        return []

    def _headers(self, view: memoryview, p: int, end: int, msg_at: int) -> dict[str, HeaderValue]:
        headers: dict[str, HeaderValue] = {}
        while p < end:
            nlen = view[p]
            p += 1
            if p + nlen + 1 > end:
                raise self._fail("header name runs past the header block", msg_at)
            try:
                name = bytes(view[p : p + nlen]).decode("utf-8")
            except UnicodeDecodeError:
                raise self._fail("header name is not UTF-8", msg_at) from None
            p += nlen
            htype = view[p]
            p += 1
            value: HeaderValue
            if htype == 0:
                value = True
            elif htype == 1:
                value = False
            elif htype in _FIXED:
                st = _FIXED[htype]
                if p + st.size > end:
                    raise self._fail(f"header {name!r} runs past the header block", msg_at)
                value = st.unpack_from(view, p)[0]
                p += st.size
            elif htype == 6 or htype == 7:
                if p + 2 > end:
                    raise self._fail(f"header {name!r} runs past the header block", msg_at)
                vlen = _U16.unpack_from(view, p)[0]
                p += 2
                if p + vlen > end:
                    raise self._fail(f"header {name!r} runs past the header block", msg_at)
                raw = bytes(view[p : p + vlen])
                p += vlen
                if htype == 6:
                    value = raw
                else:
                    try:
                        value = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        raise self._fail(f"header {name!r} is not UTF-8", msg_at) from None
            elif htype == 9:
                if p + 16 > end:
                    raise self._fail(f"header {name!r} runs past the header block", msg_at)
                import uuid

                value = uuid.UUID(bytes=bytes(view[p : p + 16]))
                p += 16
            else:
                raise self._fail(f"unknown header value type {htype} for {name!r}", msg_at)
            headers[name] = value
        return headers


async def aiter_eventstream(
    chunks: AsyncIterable[bytes], provider: str | None = None
) -> AsyncIterator[EventStreamMessage]:
    """Decode an async byte stream (e.g. ``response.aiter_bytes()``); raises
    :class:`ProviderResponseError` on corruption or a truncated last message."""
    dec = EventStreamDecoder(provider)
    async for chunk in chunks:
        for msg in dec.feed(chunk):
            yield msg
    dec.flush()


def iter_eventstream(chunks: Iterable[bytes], provider: str | None = None) -> Iterator[EventStreamMessage]:
    """Decode a sync byte stream."""
    dec = EventStreamDecoder(provider)
    for chunk in chunks:
        yield from dec.feed(chunk)
    dec.flush()


def _encode_header(name: str, value: HeaderValue) -> bytes:
    bname = name.encode("utf-8")
    if not 0 < len(bname) < 256:
        raise ValueError(f"header name {name!r} must be 1-255 bytes")
    head = bytes([len(bname)]) + bname
    if isinstance(value, bool):
        return head + bytes([0 if value else 1])
    if isinstance(value, int):
        if -(2**31) <= value < 2**31:
            return head + b"\x04" + struct.pack(">i", value)
        return head + b"\x05" + struct.pack(">q", value)
    if isinstance(value, (bytes, bytearray)):
        return head + b"\x06" + _U16.pack(len(value)) + bytes(value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return head + b"\x07" + _U16.pack(len(data)) + data
    import uuid

    if isinstance(value, uuid.UUID):
        return head + b"\x09" + value.bytes
    raise TypeError(f"cannot encode header {name!r} of type {type(value).__name__}")


def encode_eventstream_message(headers: Mapping[str, HeaderValue], payload: bytes = b"") -> bytes:
    """Encode one message (the inverse of the decoder), with both CRCs.

    ``bool`` → type 0/1, ``int`` → int32 (int64 when it does not fit),
    ``bytes`` → 6, ``str`` → 7, :class:`uuid.UUID` → 9. For tests and for
    authoring recordings of event streams."""
    hdr = b"".join(_encode_header(k, v) for k, v in headers.items())
    total = 16 + len(hdr) + len(payload)
    prelude = struct.pack(">II", total, len(hdr))
    prelude += _U32.pack(zlib.crc32(prelude))
    body = prelude + hdr + payload
    return body + _U32.pack(zlib.crc32(body))
