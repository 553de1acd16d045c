"""Timeouts against a real local server that hangs in each possible way:
never answering, stalling mid-stream, trickling keep-alives, trickling
events forever, answering slowly. Both transports; every case must end in
a typed ProviderTimeoutError well within its bound — never a hang."""

from __future__ import annotations

import asyncio
import socket
import time

import llmcore
import pytest
from llmcore import errors as E
from llmcore.reliability import RetryPolicy, TimeoutPolicy
from scripted_server import TOY_KEY, client_for, close_client, toy_json, toy_stream

pytest_plugins = ["reliability_fixtures"]  # fixtures: server, toy, transport
pytestmark = pytest.mark.usefixtures("toy")
NO_RETRY = False


def _model(server, transport, **kw):  # type: ignore[no-untyped-def]
    client = client_for(transport)
    kw.setdefault("retry", NO_RETRY)
    return llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", http_client=client, **kw), client


def test_server_that_never_answers_times_out_on_read(server, transport) -> None:  # type: ignore[no-untyped-def]
    async def never(request, s):  # type: ignore[no-untyped-def]
        await asyncio.sleep(30)
        return toy_json("late")

    server.handler = never
    m, client = _model(server, transport, timeouts={"read": 0.4})
    try:
        t = time.monotonic()
        with pytest.raises(E.ProviderTimeoutError):
            m.chat("hello")
        with pytest.raises(E.ProviderTimeoutError):
            list(m.stream("hello"))
        assert time.monotonic() - t < 3
    finally:
        close_client(client)
    assert server.wait_idle(5), "the server still holds the hung requests: the client did not close them"


def test_stream_that_stalls_mid_way_times_out_and_keeps_the_partial(server, transport) -> None:  # type: ignore[no-untyped-def]
    async def stall(request, s):  # type: ignore[no-untyped-def]
        return await toy_stream(request, ["part", "ial"], then_sleep=30)

    server.handler = stall
    m, client = _model(server, transport, timeouts=TimeoutPolicy(stream_idle=0.4))
    try:
        t = time.monotonic()
        seen = []
        with pytest.raises(E.ProviderTimeoutError) as ei:
            for ev in m.stream("x"):
                seen.append(ev)
        assert time.monotonic() - t < 3
        assert "stream idle" in str(ei.value) and "2 events" in str(ei.value)
        assert ei.value.partial.text == "partial"  # type: ignore[attr-defined]
        assert ei.value.is_retryable
    finally:
        close_client(client)
    assert server.wait_idle(5)
    assert server.disconnects == 1  # the client hung up on the stalled stream


def test_keep_alive_comments_are_not_progress(server, transport) -> None:  # type: ignore[no-untyped-def]
    async def pings(request, s):  # type: ignore[no-untyped-def]
        from aiohttp import web

        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        for _ in range(300):
            await resp.write(b": ping\n\n")
            await asyncio.sleep(0.05)
        return resp

    server.handler = pings
    # the read timeout alone never fires (bytes keep coming); the idle timeout counts events
    m, client = _model(server, transport, timeouts={"read": 5, "stream_idle": 0.5})
    try:
        t = time.monotonic()
        with pytest.raises(E.ProviderTimeoutError, match="0 events"):
            list(m.stream("x"))
        assert time.monotonic() - t < 3
    finally:
        close_client(client)


def test_total_timeout_bounds_a_stream_that_never_ends(server, transport) -> None:  # type: ignore[no-untyped-def]
    async def forever(request, s):  # type: ignore[no-untyped-def]
        return await toy_stream(request, ["a"] * 1000, delay=0.05)

    server.handler = forever
    m, client = _model(server, transport, timeouts={"total": 0.6, "stream_idle": 0.5})
    try:
        t = time.monotonic()
        with pytest.raises(E.ProviderTimeoutError, match="total timeout") as ei:
            list(m.stream("x"))
        assert 0.55 < time.monotonic() - t < 3
        assert ei.value.partial.text.startswith("aaa")  # type: ignore[attr-defined]
    finally:
        close_client(client)


def test_total_timeout_bounds_a_slow_chat(server, transport) -> None:  # type: ignore[no-untyped-def]
    async def slow(request, s):  # type: ignore[no-untyped-def]
        await asyncio.sleep(5)
        return toy_json("slow")

    server.handler = slow
    m, client = _model(server, transport, timeouts={"total": 0.3})
    try:
        t = time.monotonic()
        with pytest.raises(E.ProviderTimeoutError, match="total timeout"):
            m.chat("x")
        assert time.monotonic() - t < 2
    finally:
        close_client(client)


def test_slow_first_byte_within_the_bounds_succeeds(server, transport) -> None:  # type: ignore[no-untyped-def]
    async def slowish(request, s):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.3)
        return await toy_stream(request, ["ok"])

    server.handler = slowish
    m, client = _model(server, transport, timeouts={"read": 2, "stream_idle": 2, "total": 5})
    try:
        assert "".join(m.stream("x").texts()) == "ok"
    finally:
        close_client(client)


def test_a_stall_before_the_first_event_is_retried(server, transport) -> None:  # type: ignore[no-untyped-def]
    async def first_stalls(request, s):  # type: ignore[no-untyped-def]
        if s.hits == 1:
            return await toy_stream(request, [], then_sleep=30)
        return await toy_stream(request, ["second", " try"])

    server.handler = first_stalls
    fast = RetryPolicy(max_attempts=3, initial_backoff=0.01, max_backoff=0.02)
    m, client = _model(server, transport, timeouts={"stream_idle": 0.3}, retry=fast)
    try:
        assert "".join(m.stream("x").texts()) == "second try"
        assert server.hits == 2
    finally:
        close_client(client)


def test_connect_timeout_on_a_server_that_never_accepts(transport) -> None:  # type: ignore[no-untyped-def]
    # A listening socket with a full accept queue: the kernel drops further SYNs,
    # so connecting hangs until the connect timeout.
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(0)
    port = lsock.getsockname()[1]
    fillers = []
    for _ in range(8):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(s)
    time.sleep(0.1)
    client = client_for(transport)
    m = llmcore.model(
        "toy/toy-1",
        api_key=TOY_KEY,
        base_url=f"http://127.0.0.1:{port}/v1",
        http_client=client,
        retry=False,
        timeouts={"connect": 0.4, "total": 5},
    )
    try:
        t = time.monotonic()
        with pytest.raises(E.ProviderTimeoutError):
            m.chat("x")
        assert time.monotonic() - t < 3
    finally:
        close_client(client)
        for s in fillers:
            s.close()
        lsock.close()


def test_policy_validation() -> None:
    with pytest.raises(E.ConfigurationError, match="positive"):
        TimeoutPolicy(read=0)
    with pytest.raises(E.ConfigurationError, match="conect"):
        TimeoutPolicy.coerce({"conect": 1})
    assert TimeoutPolicy.coerce(None) is None and not TimeoutPolicy().active
