"""Defaults bound every call; ``timeout=`` bounds a trickling stream (issue 18 #16).

Real loopback servers that stay silent, trickle a byte at a time (never
completing an event, or a body), or stream events forever; the model is
built the user's way with no ``timeouts=``, on both transports. Limits are
made small through the process-wide HTTP settings (the defaults' home) or
``timeout=``; every case must end in a ``ProviderTimeoutError``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import fields

import llmcore
import pytest
from llmcore._sync import run
from llmcore.errors import ProviderTimeoutError
from llmcore.http.client import HTTPSettings, aclose_shared_clients, configure, settings
from raw_server import raw_server

pytestmark = pytest.mark.timeout(60)  # the old defaults hang these for 600 s or forever

STREAM_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
EVENT = b'data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n'


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def silent(head: bytes, w: asyncio.StreamWriter) -> None:
    await asyncio.sleep(30)


async def trickle_stream(head: bytes, w: asyncio.StreamWriter) -> None:
    """A byte every 50 ms: the read gap never passes, no event ever completes."""
    w.write(STREAM_HEAD)
    for b in (b"data: " + b"y" * 1000)[:600]:
        w.write(_chunk(bytes([b])))
        await w.drain()
        await asyncio.sleep(0.05)


async def trickle_body(head: bytes, w: asyncio.StreamWriter) -> None:
    """A non-streamed answer whose body comes a byte every 50 ms."""
    w.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(600):
        w.write(b" ")
        await w.drain()
        await asyncio.sleep(0.05)


async def endless_stream(head: bytes, w: asyncio.StreamWriter) -> None:
    """Valid events every 50 ms, forever (well, 30 s)."""
    w.write(STREAM_HEAD)
    for _ in range(600):
        w.write(_chunk(EVENT))
        await w.drain()
        await asyncio.sleep(0.05)


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> Iterator[str]:
    saved = {f.name: getattr(settings(), f.name) for f in fields(HTTPSettings)}
    configure(transport=request.param)
    run(aclose_shared_clients())
    yield request.param
    configure(**saved)
    run(aclose_shared_clients())


def small_defaults(**changes: float) -> None:
    configure(**changes)
    run(aclose_shared_clients())  # the shared client takes connect/read when made


def model(url: str, **options: object) -> llmcore.Model:
    return llmcore.model("openai/gpt-4o-mini", base_url=url + "/v1", api_key="not-a-real-key", retry=False, **options)


def test_the_default_numbers() -> None:
    s = HTTPSettings()
    assert (s.connect_timeout, s.read_timeout) == (10.0, 600.0)
    assert (s.total_timeout, s.stream_total_timeout, s.stream_idle_timeout) == (600.0, 3600.0, 600.0)


def elapsed(call: object) -> BaseException:
    """The ProviderTimeoutError ``call`` ends in (the module's pytest timeout guards a hang)."""
    with pytest.raises(ProviderTimeoutError) as info:
        call()  # type: ignore[operator]
    return info.value


def test_timeout_alone_bounds_a_trickling_stream(transport: str) -> None:
    with raw_server(trickle_stream) as srv:
        err = elapsed(lambda: list(model(srv.url, timeout=0.6).stream("hi").texts()))
    assert "no event for 0.6s" in str(err)


def test_timeout_alone_bounds_a_trickling_body(transport: str) -> None:
    with raw_server(trickle_body) as srv:
        err = elapsed(lambda: model(srv.url, timeout=0.6).chat("hi"))
    assert "0.6s" in str(err)


def test_default_stream_idle_bounds_a_trickling_stream(transport: str) -> None:
    small_defaults(stream_idle_timeout=0.6)
    with raw_server(trickle_stream) as srv:
        err = elapsed(lambda: list(model(srv.url).stream("hi").texts()))
    assert "stream idle" in str(err)


def test_default_total_bounds_a_trickling_body(transport: str) -> None:
    small_defaults(total_timeout=0.6)
    with raw_server(trickle_body) as srv:
        err = elapsed(lambda: model(srv.url).chat("hi"))
    assert "total timeout" in str(err)


def test_default_stream_total_bounds_an_endless_stream(transport: str) -> None:
    small_defaults(stream_total_timeout=1.0)
    with raw_server(endless_stream) as srv:
        err = elapsed(lambda: list(model(srv.url).stream("hi").texts()))
    assert "total timeout" in str(err)


def test_default_read_bounds_a_silent_server(transport: str) -> None:
    small_defaults(read_timeout=0.6)
    with raw_server(silent) as srv:
        elapsed(lambda: model(srv.url).chat("hi"))
        elapsed(lambda: list(model(srv.url).stream("hi").texts()))


def test_timeouts_false_removes_the_layer() -> None:
    from llmcore.reliability import Timeout, find_layer

    assert find_layer(model("http://127.0.0.1:9").provider, Timeout) is not None
    assert find_layer(model("http://127.0.0.1:9", timeouts=False).provider, Timeout) is None
