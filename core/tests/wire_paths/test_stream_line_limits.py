"""Stream decoders take linear time and cap a line or event (issue 18 #15).

The old decoders re-concatenated their buffer on every chunk: a 100 MiB line
took 18.6 s and 451 MB. Now the pieces of an unfinished line are joined once,
when it ends, and a line or event over ``max_event_bytes`` (16 MiB by
default) is a ``ProviderResponseError``. Linearity is asserted on the work
done, not on a clock: chunks count the bytes copied when concatenated, and
stop a quadratic decoder early.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import llmcore
import pytest
from llmcore._sync import run
from llmcore.errors import ProviderResponseError
from llmcore.http.client import aclose_shared_clients, configure, settings
from llmcore.http.ndjson import NDJSONDecoder
from llmcore.http.sse import DEFAULT_MAX_EVENT_BYTES, SSEDecoder
from raw_server import raw_server

MiB = 1024 * 1024


class Copies:
    """Bytes copied by concatenating :class:`Piece` s; fails past ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.copied = 0

    def add(self, n: int) -> None:
        self.copied += n
        assert self.copied <= self.limit, f"over {self.limit:,} bytes copied: the decoder re-concatenates"


class Piece(bytes):
    """A chunk that reports what concatenating it copies (``buf + piece``
    calls ``Piece.__radd__`` first, as ``Piece`` subclasses ``bytes``)."""

    counter: Copies

    def __add__(self, other: bytes) -> bytes:  # type: ignore[override]
        self.counter.add(len(self) + len(other))
        return bytes(self) + bytes(other)

    def __radd__(self, other: bytes) -> bytes:
        self.counter.add(len(self) + len(other))
        return bytes(other) + bytes(self)


def pieces(data: bytes, size: int, counter: Copies) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        p = Piece(data[i : i + size])
        p.counter = counter
        yield p


def test_default_cap_is_16_mib() -> None:
    assert DEFAULT_MAX_EVENT_BYTES == settings().max_event_bytes == 16 * MiB
    assert SSEDecoder().max_bytes == NDJSONDecoder().max_bytes == 16 * MiB


def test_sse_20_mib_line_in_1_kib_chunks_is_linear() -> None:
    line = 20 * MiB
    stream = b"data: " + b"x" * line + b"\n\n" + b"data: after\n\n"
    counter = Copies(limit=4 * len(stream))  # a quadratic decoder copies ~10,000x the line
    dec = SSEDecoder(max_event_bytes=32 * MiB)
    events = [ev for p in pieces(stream, 1024, counter) for ev in dec.feed(p)] + dec.flush()
    assert [len(e.data) for e in events] == [line, 5]


def test_ndjson_20_mib_line_in_1_kib_chunks_is_linear() -> None:
    value = "x" * (20 * MiB)
    stream = b'{"v":"' + value.encode() + b'"}\n{"v":1}\n'
    counter = Copies(limit=4 * len(stream))
    dec = NDJSONDecoder("ollama", max_line_bytes=32 * MiB)
    values = [v for p in pieces(stream, 1024, counter) for v in dec.feed(p)] + dec.flush()
    assert values == [{"v": value}, {"v": 1}]


def test_sse_line_over_the_cap_is_a_typed_error() -> None:
    dec = SSEDecoder(provider="openai", max_event_bytes=1 * MiB)
    with pytest.raises(ProviderResponseError) as info:
        for p in pieces(b"data: " + b"x" * (2 * MiB), 1024, Copies(limit=8 * MiB)):
            dec.feed(p)
    assert info.value.provider == "openai"
    assert "larger than 1,048,576 bytes" in str(info.value)
    assert "max_event_bytes" in str(info.value)


def test_sse_event_of_many_lines_over_the_cap_is_a_typed_error() -> None:
    dec = SSEDecoder(max_event_bytes=1 * MiB)
    line = b"data: " + b"y" * 1000 + b"\n"
    with pytest.raises(ProviderResponseError, match="an event larger"):
        for _ in range(2000):  # 2 MB of data lines, never a blank line
            dec.feed(line)


def test_sse_many_events_under_the_cap_pass() -> None:
    """The event bound counts chunks that end inside an event: long streams
    of ordinary events, cut anywhere, never trip it."""
    dec = SSEDecoder(max_event_bytes=4096)
    stream = b"data: " + b"z" * 1000 + b"\n\n"
    n = 0
    for _ in range(20000):  # 20 MB of 1 kB events, each cut in two
        n += len(dec.feed(stream[:700])) + len(dec.feed(stream[700:]))
    assert n == 20000


def test_ndjson_line_over_the_cap_is_a_typed_error() -> None:
    dec = NDJSONDecoder("ollama", max_line_bytes=1 * MiB)
    with pytest.raises(ProviderResponseError, match="a line larger") as info:
        for p in pieces(b'{"v":"' + b"x" * (2 * MiB), 1024, Copies(limit=8 * MiB)):
            dec.feed(p)
    assert info.value.provider == "ollama"


def test_configure_sets_the_cap() -> None:
    before = settings().max_event_bytes
    configure(max_event_bytes=123456)
    try:
        assert SSEDecoder().max_bytes == NDJSONDecoder().max_bytes == 123456
    finally:
        configure(max_event_bytes=before)


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> Iterator[str]:
    before = settings().transport, settings().max_event_bytes
    configure(transport=request.param, max_event_bytes=256 * 1024)
    run(aclose_shared_clients())
    yield request.param
    configure(transport=before[0], max_event_bytes=before[1])
    run(aclose_shared_clients())


def test_an_endless_line_from_a_server_ends_in_a_typed_error(transport: str) -> None:
    """Through ``llmcore.model``: a server streaming one line that never ends."""

    async def endless(head: bytes, w: asyncio.StreamWriter) -> None:
        w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        w.write(b"6\r\ndata: \r\n")
        block = b"x" * 8192
        for _ in range(1000):  # 8 MB unless the client gives up
            w.write(b"%x\r\n%s\r\n" % (len(block), block))
            await w.drain()

    with raw_server(endless) as srv:
        m = llmcore.model("openai/gpt-4o-mini", base_url=srv.url + "/v1", api_key="not-a-real-key", retry=False)
        with pytest.raises(ProviderResponseError, match="larger than 262,144 bytes") as info:
            list(m.stream("hi").texts())
    assert info.value.provider == "openai"  # the plugin's decoder names its provider
