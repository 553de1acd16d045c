"""Transport failures leave llmcore typed and without the key (issue 18 #2).

A real loopback server answers malformed HTTP (a bad status line, an invalid
header token, a bad chunk size, a bad chunk after the stream started, a
status line echoing the request's Authorization header); the call goes the
user's way, ``llmcore.model("openai/...", base_url=..., api_key=...)``, on
both transports (aiohttp's direct path and httpx), for ``chat`` and
``stream``. The outcome is a retryable ``ProviderConnectionError`` saying the
response was malformed, and neither it nor anything chained under it
(``__cause__``/``__context__``, their ``args``, an httpx ``request`` or an
aiohttp ``request_info``) holds the key.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
from llmcore._sync import run
from llmcore.errors import ProviderConnectionError
from llmcore.http.client import aclose_shared_clients, configure, settings
from raw_server import header, raw_server

KEY = "sk-" + "tr4nsp0rt" + "Fr4g" * 4 + "-end"  # built from pieces: no key-shaped literal
FRAGMENT = "Fr4gFr4g"

EVENT = b'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n'


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def bad_status(head: bytes, w: asyncio.StreamWriter) -> None:
    w.write(b"HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\n{}")


async def bad_header(head: bytes, w: asyncio.StreamWriter) -> None:
    w.write(b"HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 2\r\n\r\n{}")


async def bad_chunk(head: bytes, w: asyncio.StreamWriter) -> None:
    w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n")


async def bad_chunk_midstream(head: bytes, w: asyncio.StreamWriter) -> None:
    w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    w.write(_chunk(EVENT))
    await w.drain()
    await asyncio.sleep(0.2)  # the client has the first event before the bad chunk arrives
    w.write(b"zz\r\nab\r\n")


async def echo_key_in_status(head: bytes, w: asyncio.StreamWriter) -> None:
    w.write(b"HTTP/1.1 2x0 " + header(head, "authorization") + b"\r\nContent-Length: 0\r\n\r\n")


SCRIPTS = {
    "bad status line": bad_status,
    "invalid header token": bad_header,
    "bad chunk size": bad_chunk,
    "bad chunk mid-stream": bad_chunk_midstream,
    "key echoed in the status line": echo_key_in_status,
}


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> Iterator[str]:
    """The process-wide transport, with a fresh shared client for the sync API's loop."""
    before = settings().transport
    configure(transport=request.param)
    run(aclose_shared_clients())
    yield request.param
    configure(transport=before)
    run(aclose_shared_clients())


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out:
        out.append(cur)
        out.extend(c for c in (cur.__cause__,) if c is not None and c is not cur.__context__)
        cur = cur.__context__ if cur.__context__ is not None else cur.__cause__
    return out


def _texts(exc: BaseException) -> list[str]:
    """Every place a key could hide in an exception someone logs or inspects."""
    out = [repr(exc), str(exc), repr(exc.args), repr(vars(exc))]
    for attr in ("request_info", "history", "headers", "raw"):
        out.append(repr(getattr(exc, attr, None)))
    try:
        req = getattr(exc, "request", None)  # httpx: raises when the request was dropped
    except RuntimeError:
        req = None
    if req is not None:
        out.append(repr(dict(req.headers)))
    return out


def assert_no_key(exc: BaseException) -> None:
    for e in _chain(exc):
        for text in _texts(e):
            assert FRAGMENT not in text, f"the key leaks through {type(e).__name__}: {text[:300]}"


@pytest.mark.parametrize("script", list(SCRIPTS))
@pytest.mark.parametrize("mode", ["chat", "stream"])
def test_malformed_http_is_typed_retryable_and_keyless(transport: str, script: str, mode: str) -> None:
    with raw_server(SCRIPTS[script]) as srv:
        m = llmcore.model("openai/gpt-4o-mini", base_url=srv.url + "/v1", api_key=KEY, retry=False)
        with pytest.raises(Exception) as info:
            if mode == "chat":
                m.chat("hi")
            else:
                list(m.stream("hi").texts())
    err = info.value
    assert isinstance(err, ProviderConnectionError), f"{type(err).__name__}: {err!r}"
    assert err.is_retryable
    assert "malformed" in str(err), str(err)
    assert_no_key(err)


async def drop_mid_body(head: bytes, w: asyncio.StreamWriter) -> None:
    w.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
    w.close()  # the connection ends 99 bytes short


async def drop_at_once(head: bytes, w: asyncio.StreamWriter) -> None:
    w.close()  # no answer at all: aiohttp's ServerDisconnectedError


@pytest.mark.parametrize("script", [*SCRIPTS, "dropped mid-body", "dropped at once"])
def test_batch_transport_failures_are_typed_and_keyless(transport: str, script: str) -> None:
    """``llmcore.batch_submit``'s upload goes through ``llmcore.batching.http.send``
    (multipart, not the chat path): the same typed, keyless mapping."""
    scripts = {**SCRIPTS, "dropped mid-body": drop_mid_body, "dropped at once": drop_at_once}
    with raw_server(scripts[script]) as srv:
        m = llmcore.model("openai/gpt-4o-mini", base_url=srv.url + "/v1", api_key=KEY, retry=False)
        with pytest.raises(Exception) as info:
            llmcore.batch_submit(m, ["hi"])
    err = info.value
    assert isinstance(err, ProviderConnectionError), f"{type(err).__name__}: {err!r}"
    assert err.is_retryable and err.provider == "openai"
    assert_no_key(err)


def test_malformed_http_is_retried(transport: str) -> None:
    with raw_server(bad_status) as srv:
        m = llmcore.model(
            "openai/gpt-4o-mini",
            base_url=srv.url + "/v1",
            api_key=KEY,
            retry=llmcore.reliability.RetryPolicy(max_attempts=2, initial_backoff=0.01),
        )
        with pytest.raises(ProviderConnectionError):
            m.chat("hi")
        assert srv.connections == 2


def test_refused_connection_is_typed_and_keyless(transport: str) -> None:
    with raw_server(bad_status) as srv:
        url = srv.url
    m = llmcore.model("openai/gpt-4o-mini", base_url=url + "/v1", api_key=KEY, retry=False)
    with pytest.raises(ProviderConnectionError) as info:
        m.chat("hi")
    assert "could not reach" in str(info.value)
    assert_no_key(info.value)


def test_http_debug_logs_of_echoed_headers_hold_no_key(transport: str, caplog: pytest.LogCaptureFixture) -> None:
    """httpcore logs response headers at DEBUG: a server echoing the key gets it masked."""

    async def echo(head: bytes, w: asyncio.StreamWriter) -> None:
        body = b'{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}'
        w.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Echo: "
            + header(head, "authorization")
            + b"\r\nContent-Length: %d\r\n\r\n" % len(body)
            + body
        )

    caplog.set_level(logging.DEBUG)
    with raw_server(echo) as srv:
        m = llmcore.model("openai/gpt-4o-mini", base_url=srv.url + "/v1", api_key=KEY, retry=False)
        assert m.chat("hi").text == "ok"
    if transport == "httpx":
        assert "receive_response_headers" in caplog.text  # httpcore did log the headers
    assert FRAGMENT not in caplog.text


def test_scrub_keeps_a_usable_exception() -> None:
    """A scrubbed aiohttp error still prints (its repr reads request_info)."""
    import aiohttp
    from llmcore.http.errors import map_transport_error
    from multidict import CIMultiDict, CIMultiDictProxy
    from yarl import URL

    info: Any = aiohttp.RequestInfo(
        URL("http://h/x"), "POST", CIMultiDictProxy(CIMultiDict(authorization=KEY)), URL("http://h/x")
    )
    exc = aiohttp.ClientResponseError(info, (), status=400, message="Bad status line")
    err = map_transport_error(exc, "openai")
    assert isinstance(err, ProviderConnectionError)
    assert FRAGMENT not in repr(exc) + str(exc)


@pytest.mark.parametrize("script", list(SCRIPTS))
@pytest.mark.parametrize("mode", ["chat", "stream"])
def test_malformed_http_through_an_injected_aiohttp_backed_client(script: str, mode: str) -> None:
    """httpx over httpx-aiohttp's transport (``make_client``; also the shared
    client when proxy variables are set): typed, keyless, and no hang on a
    bad chunk mid-body (aiohttp's C parser leaves such a body waiting forever)."""
    from llmcore.http.client import HTTPSettings, make_client

    client = make_client(HTTPSettings(transport="aiohttp"))
    try:
        with raw_server(SCRIPTS[script]) as srv:
            m = llmcore.model(
                "openai/gpt-4o-mini",
                base_url=srv.url + "/v1",
                api_key=KEY,
                retry=False,
                http_client=client,
                timeouts=False,  # no default bound to hide a hang
            )
            with pytest.raises(ProviderConnectionError) as info:
                if mode == "chat":
                    m.chat("hi")
                else:
                    list(m.stream("hi").texts())
    finally:
        run(client.aclose())
    assert "malformed" in str(info.value)
    assert_no_key(info.value)
