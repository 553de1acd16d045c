"""The fault suite: a real local server injects every failure a provider
produces, through the real OpenAI-compatible and Anthropic codecs, on both
transports. Each test asserts the typed error (or the retried success), how
many requests reached the server, and — in the ``client`` fixture — that no
connection leaked. Every test is bounded (pytest-timeout, and the asserted
elapsed times)."""

from __future__ import annotations

import asyncio
import time

import pytest
from llmcore import errors as E
from llmcore.reliability import Retry, RetryPolicy, find_layer

from faults.wire import is_stream, reset_connection

pytestmark = pytest.mark.timeout(30)

FAST = RetryPolicy(max_attempts=3, initial_backoff=0.01, max_backoff=0.05)


def _answer(codec, request, text="all good"):  # type: ignore[no-untyped-def]
    if is_stream(request):
        return codec.stream(request, [text[:4], text[4:]])
    return _ready(codec.ok(text))


async def _ready(resp):  # type: ignore[no-untyped-def]
    return resp


def _fail_first(n, failure):  # type: ignore[no-untyped-def]
    """A handler that fails the first ``n`` requests with ``failure(codec, request)``, then answers."""

    def make(codec):  # type: ignore[no-untyped-def]
        async def handler(request, s):  # type: ignore[no-untyped-def]
            if s.hits <= n:
                return await failure(codec, request)
            return await _answer(codec, request)

        return handler

    return make


def _both(m):  # type: ignore[no-untyped-def]
    """chat and stream of the same model: both must give the answer."""
    assert m.chat("hi").text == "all good"
    assert "".join(m.stream("hi").texts()) == "all good"


# -- retried: 429 with Retry-After, 5xx, resets ---------------------------------------------


@pytest.mark.parametrize("header", [{"retry-after": "0.3"}, {"retry-after-ms": "300"}])
def test_429_with_retry_after_is_waited_for_and_retried(server, codec, client, header) -> None:  # type: ignore[no-untyped-def]
    async def limited(c, request):  # type: ignore[no-untyped-def]
        return c.error(429, "Rate limit reached for requests", headers=header)

    server.handler = _fail_first(1, limited)(codec)
    m = codec.model(server.url, client, retry=FAST)
    t = time.monotonic()
    assert m.chat("hi").text == "all good"
    assert time.monotonic() - t >= 0.29  # the server's wait, not the 10 ms backoff
    assert server.hits == 2 and find_layer(m.provider, Retry).retries == 1


@pytest.mark.parametrize("status", [500, 503, 529])
def test_server_errors_are_retried(server, codec, client, status) -> None:  # type: ignore[no-untyped-def]
    async def broken(c, request):  # type: ignore[no-untyped-def]
        return c.error(status, f"upstream failure {status}")

    server.handler = _fail_first(2, broken)(codec)
    m = codec.model(server.url, client, retry=FAST)
    assert m.chat("hi").text == "all good"
    assert server.hits == 3
    server.reset()
    server.handler = _fail_first(1, broken)(codec)
    assert "".join(m.stream("hi").texts()) == "all good"  # a stream fails before its first event: retried


def test_persistent_server_errors_end_typed_with_the_providers_message(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def down(request, s):  # type: ignore[no-untyped-def]
        return codec.error(503, "The engine is currently overloaded, please try again later")

    server.handler = down
    m = codec.model(server.url, client, retry=FAST)
    with pytest.raises(E.ProviderServerError, match="currently overloaded") as ei:
        m.chat("hi")
    assert ei.value.status_code == 503 and ei.value.provider == codec.name
    assert server.hits == 3  # bounded attempts


def test_a_non_json_error_page_is_typed_with_an_excerpt(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    from aiohttp import web

    async def gateway(request, s):  # type: ignore[no-untyped-def]
        return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")

    server.handler = gateway
    m = codec.model(server.url, client, retry=False)
    with pytest.raises(E.ProviderServerError) as ei:
        m.chat("hi")
    assert ei.value.status_code == 502 and "Bad Gateway" in str(ei.value.raw)


def test_connection_reset_before_headers_is_retried(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def rst(c, request):  # type: ignore[no-untyped-def]
        reset_connection(request)
        await asyncio.sleep(0.05)
        raise asyncio.CancelledError

    server.handler = _fail_first(1, rst)(codec)
    m = codec.model(server.url, client, retry=FAST)
    assert m.chat("hi").text == "all good" and server.hits == 2
    server.reset()
    server.handler = _fail_first(1, rst)(codec)
    assert "".join(m.stream("hi").texts()) == "all good" and server.hits == 2


def test_persistent_resets_end_in_a_connection_error(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def always(request, s):  # type: ignore[no-untyped-def]
        reset_connection(request)
        await asyncio.sleep(0.05)
        raise asyncio.CancelledError

    server.handler = always
    m = codec.model(server.url, client, retry=FAST)
    with pytest.raises(E.ProviderConnectionError):
        m.chat("hi")
    assert server.hits == 3


# -- streams that go wrong after they started: never replayed, partial kept -----------------


def test_mid_stream_cut_keeps_the_partial_and_is_not_retried(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def cut(request, s):  # type: ignore[no-untyped-def]
        return await codec.stream(request, ["Hello", ", wor"], tail="cut")

    server.handler = cut
    m = codec.model(server.url, client, retry=FAST)
    with pytest.raises((E.ProviderConnectionError, E.ProviderResponseError)) as ei:
        list(m.stream("hi"))
    assert ei.value.partial.text == "Hello, wor"  # type: ignore[attr-defined]
    assert server.hits == 1  # the caller saw events: a retry would duplicate them


def test_stream_ending_without_a_finish_is_an_error_not_a_short_answer(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def short(request, s):  # type: ignore[no-untyped-def]
        return await codec.stream(request, ["Hello"], tail="none")

    server.handler = short
    m = codec.model(server.url, client, retry=FAST)
    with pytest.raises(E.ProviderResponseError) as ei:
        list(m.stream("hi"))
    assert ei.value.partial.text == "Hello"  # type: ignore[attr-defined]


def test_stalled_stream_times_out_with_the_partial(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def stall(request, s):  # type: ignore[no-untyped-def]
        return await codec.stream(request, ["Hello", " there"], tail="stall", stall=30)

    server.handler = stall
    m = codec.model(server.url, client, retry=FAST, timeouts={"stream_idle": 0.5})
    t = time.monotonic()
    with pytest.raises(E.ProviderTimeoutError) as ei:
        list(m.stream("hi"))
    assert time.monotonic() - t < 3
    assert ei.value.partial.text == "Hello there"  # type: ignore[attr-defined]
    assert server.hits == 1
    assert server.wait_idle(5) and server.disconnects == 1  # the client hung up


def test_malformed_sse_json_is_a_response_error(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def bad(request, s):  # type: ignore[no-untyped-def]
        return await codec.stream(request, ["Hello"], tail="malformed")

    server.handler = bad
    m = codec.model(server.url, client, retry=FAST)
    with pytest.raises(E.ProviderResponseError) as ei:
        list(m.stream("hi"))
    assert ei.value.partial.text == "Hello"  # type: ignore[attr-defined]
    assert server.hits == 1


def test_error_event_inside_a_200_stream_is_typed(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def fails(request, s):  # type: ignore[no-untyped-def]
        return await codec.stream(request, ["Hel"], tail="error")

    server.handler = fails
    m = codec.model(server.url, client, retry=FAST)
    with pytest.raises(E.ProviderServerError) as ei:
        list(m.stream("hi"))
    assert ei.value.partial.text == "Hel"  # type: ignore[attr-defined]
    assert server.hits == 1


def test_malformed_json_body_is_a_response_error(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    from aiohttp import web

    async def garbage(request, s):  # type: ignore[no-untyped-def]
        return web.Response(status=200, text='{"id": "x", "choices": [', content_type="application/json")

    server.handler = garbage
    m = codec.model(server.url, client, retry=FAST)
    with pytest.raises(E.ProviderResponseError):
        m.chat("hi")
    assert server.hits == 1  # not retryable: the same request would get the same garbage


def test_a_caller_that_stops_reading_early_releases_the_connection(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    from llmcore._sync import run

    from faults.pools import busy_in

    async def endless(request, s):  # type: ignore[no-untyped-def]
        return await codec.stream(request, ["a", "b", "c"], tail="stall", stall=30)

    server.handler = endless
    m = codec.model(server.url, client, retry=FAST, concurrency=4, rate_limit={"requests_per_minute": 6000})
    for ev in m.stream("hi"):  # sync: break out of the loop
        if ev.type == "text":
            break

    async def early() -> None:  # async: stop, then close the stream
        stream = m.astream("hi")
        async for ev in stream:
            if ev.type == "text":
                break
        await stream.aclose()

    run(early())
    assert server.wait_idle(5) and server.disconnects == 2
    assert busy_in(client) == 0
    from llmcore.reliability import AdaptiveConcurrency

    limiter = find_layer(m.provider, AdaptiveConcurrency).limiter
    end = time.monotonic() + 2
    while limiter.held and time.monotonic() < end:  # released on the background loop
        time.sleep(0.01)
    assert limiter.held == 0  # slots given back


# -- slow and silent servers ----------------------------------------------------------------


def test_slow_first_byte_within_the_timeouts_succeeds(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def slow(request, s):  # type: ignore[no-untyped-def]
        if is_stream(request):
            return await codec.stream(request, ["all ", "good"], first_byte=0.4)
        await asyncio.sleep(0.4)
        return codec.ok("all good")

    server.handler = slow
    m = codec.model(server.url, client, retry=False, timeouts={"read": 3, "stream_idle": 3})
    _both(m)


def test_slow_first_byte_beyond_the_read_timeout_is_a_timeout(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def slow(request, s):  # type: ignore[no-untyped-def]
        if is_stream(request):
            return await codec.stream(request, ["late"], first_byte=5)
        await asyncio.sleep(5)
        return codec.ok("late")

    server.handler = slow
    m = codec.model(server.url, client, retry=FAST, timeouts={"read": 0.3})
    t = time.monotonic()
    with pytest.raises(E.ProviderTimeoutError):
        m.chat("hi")
    with pytest.raises(E.ProviderTimeoutError):
        list(m.stream("hi"))
    assert time.monotonic() - t < 6  # 2 x 3 attempts x 0.3 s, plus backoff
    assert server.hits == 6  # timeouts before any event are retried


def test_a_server_that_never_answers_is_bounded_by_the_total_timeout(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    async def never(request, s):  # type: ignore[no-untyped-def]
        await asyncio.sleep(60)
        return codec.ok("never")

    server.handler = never
    m = codec.model(server.url, client, retry=False, timeouts={"total": 0.5})
    t = time.monotonic()
    with pytest.raises(E.ProviderTimeoutError, match="total timeout"):
        m.chat("hi")
    assert time.monotonic() - t < 2


# -- many at once: nothing lost, nothing duplicated, nothing leaked -------------------------


def test_a_mixed_storm_of_faults_loses_and_duplicates_nothing(server, codec, client) -> None:  # type: ignore[no-untyped-def]
    """200 concurrent calls; the server fails a deterministic third of first attempts
    (429, 503, reset) and answers each prompt with itself."""
    from scripted_server import BODY

    def prompt(request):  # type: ignore[no-untyped-def]
        body = request[BODY]
        msgs = body["messages"]
        content = msgs[-1]["content"]
        return content if isinstance(content, str) else content[0]["text"]

    async def storm(request, s):  # type: ignore[no-untyped-def]
        p = prompt(request)
        seen = s.state.setdefault("seen", {})
        seen[p] = seen.get(p, 0) + 1
        n = int(p.split("-")[1])
        if seen[p] == 1 and n % 3 == 0:
            kind = n % 9
            if kind == 0:
                return codec.error(429, "slow down", headers={"retry-after-ms": "20"})
            if kind == 3:
                return codec.error(503, "overloaded")
            reset_connection(request)
            raise asyncio.CancelledError
        s.state.setdefault("answered", []).append(p)
        if is_stream(request):
            return await codec.stream(request, [p])
        return codec.ok(p)

    server.handler = storm
    m = codec.model(server.url, client, retry=RetryPolicy(max_attempts=5, initial_backoff=0.01, max_backoff=0.05))

    async def one(i: int) -> str:
        if i % 2:
            return (await m.achat(f"req-{i}")).text
        return "".join([t async for t in m.astream(f"req-{i}").texts()])

    async def go() -> list[str]:
        return await asyncio.gather(*(one(i) for i in range(200)))

    from llmcore._sync import run

    out = run(go())
    assert out == [f"req-{i}" for i in range(200)]  # every request answered, with its own answer
    answered = server.state["answered"]
    assert sorted(answered) == sorted(f"req-{i}" for i in range(200))  # each served successfully exactly once
    assert find_layer(m.provider, Retry).retries == sum(1 for i in range(200) if i % 3 == 0)
