"""Concurrency: the in-process gate, AIMD against a server with a hard
concurrency cap, and header-aware pre-emptive slow-down against a server
with a fixed request window — each compared with a fixed limit on the same
server, counting the 429s the server had to send."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from llmcore.reliability import (
    AdaptiveConcurrency,
    AdaptiveLimiter,
    ConcurrencyPolicy,
    LocalLimiter,
    RetryPolicy,
    find_layer,
)
from scripted_server import TOY_KEY, toy_error, toy_json

pytest_plugins = ["reliability_fixtures"]

PATIENT = RetryPolicy(max_attempts=30, initial_backoff=0.01, max_backoff=0.1, max_total=60)


# -- the gate ------------------------------------------------------------------------


def test_local_limiter_caps_and_serves_fifo() -> None:
    lim = LocalLimiter(2)
    order: list[int] = []
    peak = 0
    inside = 0

    async def worker(i: int) -> None:
        nonlocal peak, inside
        await lim.acquire()
        order.append(i)
        inside += 1
        peak = max(peak, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        await lim.release()

    async def go() -> None:
        tasks = []
        for i in range(10):
            tasks.append(asyncio.create_task(worker(i)))
            await asyncio.sleep(0)  # queue in order
        await asyncio.gather(*tasks)

    asyncio.run(go())
    assert peak == 2 and order == list(range(10)) and lim.held == 0


def test_cancelled_waiters_leave_the_queue_and_grants_are_not_lost() -> None:
    lim = LocalLimiter(1)

    async def go() -> None:
        await lim.acquire()
        waiter = asyncio.create_task(lim.acquire())
        await asyncio.sleep(0.01)
        assert lim.waiting == 1
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert lim.waiting == 0
        await lim.release()
        # granted-then-cancelled: the slot comes back
        await lim.acquire()
        w2 = asyncio.create_task(lim.acquire())
        await asyncio.sleep(0.01)
        lim.release_now()  # grants w2 ...
        w2.cancel()  # ... which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await w2
        assert lim.held == 0
        await asyncio.wait_for(lim.acquire(), 1)

    asyncio.run(go())


def test_a_pause_holds_and_then_wakes_queued_waiters() -> None:
    lim = LocalLimiter(1)

    async def go() -> float:
        await lim.acquire()
        waiter = asyncio.create_task(lim.acquire())
        await asyncio.sleep(0.01)
        t = time.monotonic()
        lim.pause_until(time.monotonic() + 0.3)
        lim.release_now()  # free slot, but paused: nobody else may release to wake the waiter
        await asyncio.wait_for(waiter, 2)
        return time.monotonic() - t

    assert 0.25 < asyncio.run(go()) < 1.0


def test_raising_the_limit_wakes_waiters() -> None:
    lim = LocalLimiter(1)

    async def go() -> None:
        await lim.acquire()
        waiters = [asyncio.create_task(lim.acquire()) for _ in range(3)]
        await asyncio.sleep(0.01)
        lim.set_limit(4)
        await asyncio.wait_for(asyncio.gather(*waiters), 1)
        assert lim.held == 4

    asyncio.run(go())


def test_one_limiter_serves_several_event_loops_at_once() -> None:
    lim = LocalLimiter(3)
    inside = 0
    peak = 0
    guard = threading.Lock()

    async def work() -> None:
        nonlocal inside, peak
        await lim.acquire()
        with guard:
            inside += 1
            peak = max(peak, inside)
        await asyncio.sleep(0.005)
        with guard:
            inside -= 1
        lim.release_now()

    def thread() -> None:
        async def many() -> None:
            await asyncio.gather(*(work() for _ in range(30)))

        asyncio.run(many())

    threads = [threading.Thread(target=thread) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert peak == 3 and lim.held == 0


def test_policy_forms() -> None:
    assert ConcurrencyPolicy.coerce(8) == ConcurrencyPolicy(max=8)
    assert ConcurrencyPolicy.coerce(None) is None
    with pytest.raises(E.ConfigurationError, match="maximum"):
        ConcurrencyPolicy.coerce({"maximum": 3})
    with pytest.raises(E.ConfigurationError):
        ConcurrencyPolicy(max=0)
    with pytest.raises(E.ConfigurationError, match="backend"):
        ConcurrencyPolicy(backend="zookeeper://x")


# -- AIMD ------------------------------------------------------------------------------


def _run_batch(server, n: int, **kw: Any) -> tuple[int, Any]:  # type: ignore[no-untyped-def]
    m = llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", **kw)

    async def go() -> list[str]:
        out = await asyncio.gather(*(m.achat(f"n{i}") for i in range(n)))
        return [r.text for r in out]

    texts = asyncio.run(go())
    assert texts == [f"n{i}" for i in range(n)]  # every request answered, in place
    return server.hits - n, m  # the 429s the server had to send


@pytest.mark.usefixtures("toy")
def test_aimd_finds_a_servers_concurrency_cap(server) -> None:  # type: ignore[no-untyped-def]
    cap = 4

    async def capped(request, s):  # type: ignore[no-untyped-def]
        from scripted_server import prompt_of

        if s.in_flight > cap:
            return toy_error(429, "too many concurrent requests")
        await asyncio.sleep(0.03)
        return toy_json(prompt_of(request))

    server.handler = capped
    fixed_429, _ = _run_batch(server, 150, retry=PATIENT, concurrency=ConcurrencyPolicy(max=32, adaptive=False))
    server.reset()
    server.handler = capped
    aimd_429, m = _run_batch(server, 150, retry=PATIENT, concurrency=ConcurrencyPolicy(max=32))
    st = find_layer(m.provider, AdaptiveConcurrency).status()
    assert st["mode"] == "aimd" and st["decreases"] >= 2
    assert st["limit"] <= 2 * cap, st
    print("429s: fixed", fixed_429, "aimd", aimd_429, st)
    assert aimd_429 * 3 < fixed_429, (aimd_429, fixed_429)


# -- headers ---------------------------------------------------------------------------


def _windowed(limit: int, window: float):  # type: ignore[no-untyped-def]
    """A server allowing ``limit`` requests per fixed ``window``, announcing it
    the way OpenAI does (and 429 without Retry-After beyond it)."""
    state = {"start": time.monotonic(), "count": 0}
    lock = threading.Lock()

    async def handler(request, s):  # type: ignore[no-untyped-def]
        from scripted_server import prompt_of

        with lock:
            now = time.monotonic()
            if now - state["start"] >= window:
                state["start"], state["count"] = now, 0
            state["count"] += 1
            over = state["count"] > limit
            remaining = max(0, limit - state["count"])
            reset_ms = int((state["start"] + window - now) * 1000)
        headers = {
            "x-ratelimit-limit-requests": str(limit),
            "x-ratelimit-remaining-requests": str(remaining),
            "x-ratelimit-reset-requests": f"{reset_ms}ms",
        }
        if over:
            return toy_error(429, "requests per window exceeded", headers=headers)
        await asyncio.sleep(0.01)
        return toy_json(prompt_of(request), headers=headers)

    return handler


@pytest.mark.usefixtures("toy")
def test_rate_limit_headers_slow_down_before_the_server_says_429(server) -> None:  # type: ignore[no-untyped-def]
    # the fixed limit on the same server, for comparison
    server.handler = _windowed(10, 0.5)
    fixed_429, _ = _run_batch(server, 40, retry=PATIENT, concurrency=ConcurrencyPolicy(max=16, adaptive=False))
    assert fixed_429 >= 10

    server.reset()
    server.handler = _windowed(10, 0.5)
    m = llmcore.model(
        "toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", retry=PATIENT, concurrency=ConcurrencyPolicy(max=16)
    )
    m.chat("first")  # one response tells the limiter the window
    layer = find_layer(m.provider, AdaptiveConcurrency)
    assert layer.status()["mode"] == "headers"

    async def go() -> None:
        await asyncio.gather(*(m.achat(f"n{i}") for i in range(40)))

    t = time.monotonic()
    asyncio.run(go())
    elapsed = time.monotonic() - t
    header_429 = server.hits - 41
    print("429s: fixed", fixed_429, "headers", header_429, layer.status())
    assert header_429 <= 2, (header_429, layer.status())
    assert layer.limiter.header_waits > 0
    assert elapsed > 1.0  # 41 requests at 10 per 0.5 s need at least 4 windows


@pytest.mark.usefixtures("toy")
def test_a_429_with_retry_after_pauses_every_caller(server) -> None:  # type: ignore[no-untyped-def]
    async def once(request, s):  # type: ignore[no-untyped-def]
        from scripted_server import prompt_of

        if s.hits == 1:
            return toy_error(429, "slow down", headers={"retry-after": "0.5"})
        return toy_json(prompt_of(request))

    server.handler = once
    lim = AdaptiveLimiter(8)
    m = llmcore.model(
        "toy/toy-1",
        api_key=TOY_KEY,
        base_url=server.url + "/v1",
        retry=False,
        middleware=[lambda p: AdaptiveConcurrency(p, lim)],
    )
    with pytest.raises(E.RateLimitError):
        m.chat("first")
    t = time.monotonic()
    assert m.chat("second").text == "second"  # another caller waits for the pause too
    assert 0.4 < time.monotonic() - t < 1.5
    assert lim.decreases == 1 and lim.status()["window"] == 4.25  # halved once, then +1/4 on the success


@pytest.mark.usefixtures("toy")
def test_a_fixed_cap_is_never_exceeded_and_streams_hold_their_slot(server) -> None:  # type: ignore[no-untyped-def]
    async def slow(request, s):  # type: ignore[no-untyped-def]
        from scripted_server import toy_stream

        return await toy_stream(request, ["a", "b", "c"], delay=0.02)

    server.handler = slow
    m = llmcore.model(
        "toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", concurrency=ConcurrencyPolicy(max=3, adaptive=False)
    )

    async def one() -> str:
        return "".join([t async for t in m.astream("x").texts()])

    async def go() -> list[str]:
        return await asyncio.gather(*(one() for _ in range(12)))

    assert asyncio.run(go()) == ["abc"] * 12
    assert server.max_in_flight == 3
