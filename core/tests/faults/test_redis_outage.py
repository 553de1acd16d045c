"""A real ``redis-server`` stopped or frozen (``SIGSTOP``) mid-run.

Shared limits fail closed with a typed, retryable error (the retry policy
backs off and the call recovers when Redis is back), bounded by the call's
timeouts; the Redis response cache fails open (the call goes to the
provider). See docs/reliability.md and docs/caching.md.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from typing import TYPE_CHECKING, Any

import llmcore
import pytest
from aiohttp import web
from llmcore.errors import BackendUnavailableError, ConfigurationError
from llmcore.reliability import RateLimitPolicy, RetryPolicy, TimeoutPolicy
from llmcore.reliability.redis_backend import COOLDOWN
from llmcore.reliability.stack import ConcurrencyPolicy
from scripted_server import TOY_KEY, ScriptedServer, prompt_of, toy_json

if TYPE_CHECKING:
    from redis_process import RedisProcess

pytest_plugins = ["reliability_fixtures", "redis_process"]  # redis_process: the redis_server fixture
pytestmark = [pytest.mark.timeout(60), pytest.mark.skipif(os.name != "posix", reason="POSIX signals")]


@pytest.fixture
def answering(server: ScriptedServer, toy: None) -> ScriptedServer:
    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return toy_json(f"re: {prompt_of(request)}")

    server.handler = handler
    return server


def _model(server: ScriptedServer, **options: Any) -> llmcore.Model:
    return llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", **options)


def _limits(url: str, kind: str) -> dict[str, Any]:
    if kind == "rate_limit":
        return {"rate_limit": RateLimitPolicy(requests_per_minute=60_000, backend=url)}
    return {"concurrency": ConcurrencyPolicy(max=4, adaptive=False, backend=url)}


@pytest.mark.parametrize("kind", ["rate_limit", "concurrency"])
def test_redis_stopped_fails_typed_and_retryable_and_the_call_recovers(
    kind: str, answering: ScriptedServer, redis_server: RedisProcess
) -> None:
    m = _model(answering, retry=False, **_limits(redis_server.url, kind))
    assert m.chat("before").text == "re: before"
    redis_server.stop()
    with pytest.raises(BackendUnavailableError) as e:
        m.chat("while down")
    assert not isinstance(e.value, ConfigurationError)
    assert e.value.is_retryable and e.value.retry_after is not None and e.value.retry_after > 0
    assert "127.0.0.1" in str(e.value)

    # with retries on: the call backs off (not a hot loop) and succeeds once Redis is back
    patient = _model(
        answering,
        retry=RetryPolicy(max_attempts=6, initial_backoff=0.2, max_backoff=1.0),
        **_limits(redis_server.url, kind),
    )

    async def later_restart() -> tuple[str, float]:
        started = time.monotonic()
        call = asyncio.create_task(patient.achat("after"))
        await asyncio.sleep(0.7)
        assert not call.done(), "the call must wait (back off) while Redis is down, not fail at once"
        await asyncio.to_thread(redis_server.start)
        return (await call).text, time.monotonic() - started

    text, took = asyncio.run(later_restart())
    assert text == "re: after"
    assert took >= 0.7


@pytest.mark.parametrize("kind", ["rate_limit", "concurrency"])
def test_a_burst_against_a_dead_redis_does_not_hammer_it(
    kind: str, answering: ScriptedServer, redis_server: RedisProcess
) -> None:
    """Once Redis has failed, a burst of 200 calls fails typed at once without
    a connection; after the cool-down, one call probes it, not 200."""
    m = _model(answering, retry=False, timeouts=TimeoutPolicy(total=0.5), **_limits(redis_server.url, kind))
    m.chat("warm")
    redis_server.stop()
    # in Redis's place: a listener that accepts connections and never answers (counts them)
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", redis_server.port))
    lsock.listen(512)
    lsock.settimeout(0.05)
    accepted: list[socket.socket] = []

    def drain() -> int:
        while True:
            try:
                accepted.append(lsock.accept()[0])
            except OSError:
                return len(accepted)

    async def burst(n: int) -> tuple[list[Any], float]:
        started = time.monotonic()
        out = await asyncio.gather(*(m.achat(f"q{i}") for i in range(n)), return_exceptions=True)
        return out, time.monotonic() - started

    try:
        first, _ = asyncio.run(burst(1))
        assert isinstance(first[0], BackendUnavailableError)
        before = drain()
        results, took = asyncio.run(burst(200))
        during_cooldown = drain() - before
        time.sleep(1.1)  # the cool-down is over: the next burst sends one probe
        after, _ = asyncio.run(burst(50))
        probes = drain() - before - during_cooldown
    finally:
        for c in accepted:
            c.close()
        lsock.close()
    assert all(isinstance(r, BackendUnavailableError) for r in results), {type(r).__name__ for r in results}
    # a call that waited on Redis would take OP_TIMEOUT (2 s; the burst is concurrent, so the whole
    # burst too); 200 calls failing at once take ~0.2 s of CPU, more on a loaded 2-core CI machine
    # running two test lanes: the bound is the cool-down itself, past which a probe is allowed
    assert took < COOLDOWN, f"{took:.2f}s: calls in the cool-down fail at once"
    assert during_cooldown == 0, f"{during_cooldown} connections to a Redis known to be down"
    assert all(isinstance(r, BackendUnavailableError) for r in after)
    assert probes <= 1, f"{probes} connections after the cool-down: one call should probe"


@pytest.mark.parametrize("kind", ["rate_limit", "concurrency"])
def test_a_frozen_redis_fails_the_call_within_its_timeouts(
    kind: str, answering: ScriptedServer, redis_server: RedisProcess
) -> None:
    m = _model(answering, retry=False, timeouts=TimeoutPolicy(total=0.8), **_limits(redis_server.url, kind))
    assert m.chat("before").text == "re: before"
    redis_server.freeze()

    async def call() -> tuple[BaseException | None, float]:
        started = time.monotonic()
        try:
            await asyncio.wait_for(m.achat("frozen"), 10)  # the test's own bound, far above the call's
        except BaseException as e:  # the outcome is inspected below
            return e, time.monotonic() - started
        return None, time.monotonic() - started

    err, took = asyncio.run(call())
    assert isinstance(err, BackendUnavailableError), repr(err)
    assert err.is_retryable
    assert took < 0.8 + 0.5, f"held {took:.2f}s: past the call's total timeout of 0.8 s"
    redis_server.thaw()


def test_a_frozen_redis_cache_fails_open(
    answering: ScriptedServer, redis_server: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    m = _model(answering, retry=False, cache=redis_server.url)
    assert m.chat("cached?").text == "re: cached?"
    assert m.chat("cached?").cached
    redis_server.freeze()
    started = time.monotonic()
    r = m.chat("not cached")
    took = time.monotonic() - started
    assert r.text == "re: not cached" and not r.cached
    assert took < 2 * 2.0 + 1, "lookup and store are each bounded (2 s)"
    assert "unavailable" in caplog.text
    redis_server.thaw()


def test_status_and_reset_with_redis_stopped_raise_the_typed_error(redis_server: RedisProcess) -> None:
    from llmcore.reliability.redis_backend import RedisLimiter, RedisTokenBucket

    bucket = RedisTokenBucket(redis_server.url, "status-test", 10, 1)
    limiter = RedisLimiter(redis_server.url, "status-test", 2)
    assert bucket.status().capacity == 10 and limiter.held() == 0
    redis_server.stop()
    for call in (bucket.status, bucket.reset, limiter.held, limiter.reset):
        with pytest.raises(BackendUnavailableError, match=r"127\.0\.0\.1"):
            call()
