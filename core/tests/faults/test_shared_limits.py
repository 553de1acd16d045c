"""Limits shared by processes: 4 real worker processes against one real local
server, sharing a concurrency cap (file locks; Redis) or a token bucket
(Redis) — the server measures that the aggregate stays under the limit.

Redis tests run a real ``redis-server`` started here on a free loopback port
(and stopped after); they are skipped only when that binary is missing
(``apt-get install -y redis-server``).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scripted_server import free_port, prompt_of, toy_json

pytestmark = pytest.mark.timeout(60)

WORKER = str(Path(__file__).with_name("shared_worker.py"))


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server binary not found: install it (Debian: apt-get install -y redis-server)")
    import redis

    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        end = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > end or proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _workers(
    server: Any, n_workers: int, per_worker: int, env: dict[str, str] | None = None, **options: Any
) -> list[list[str]]:
    """Start the workers, wait until each has warmed up, release them together;
    returns each one's answers."""
    procs = []
    for w in range(n_workers):
        cfg = {"base_url": server.url + "/v1", "n": per_worker, "name": f"w{w}", **options}
        procs.append(
            subprocess.Popen(
                [sys.executable, WORKER, json.dumps(cfg)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, **(env or {})},
            )
        )
    for p in procs:
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line.strip() == "ready", (line, p.stderr.read() if p.stderr else "")
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=50)
        assert p.returncode == 0, stderr[-2000:]
        out.append(json.loads(stdout.strip().splitlines()[-1])["texts"])
    return out


def _check_answers(results: list[list[str]], per_worker: int) -> None:
    for w, texts in enumerate(results):
        assert texts == [f"w{w}-{i}" for i in range(per_worker)]  # every request answered, exactly its own


class Measured:
    """Requests in flight on the server, not counting warm-ups."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.times: list[float] = []

    def handler(self, delay: float):  # type: ignore[no-untyped-def]
        async def handle(request, s):  # type: ignore[no-untyped-def]
            prompt = prompt_of(request)
            if prompt.startswith("warm-"):
                return toy_json(prompt)
            self.now += 1  # the server runs on one loop: no lock needed
            self.peak = max(self.peak, self.now)
            self.times.append(time.monotonic())
            try:
                await asyncio.sleep(delay)
                return toy_json(prompt)
            finally:
                self.now -= 1

        return handle


# -- one machine: file locks -------------------------------------------------------------


def test_global_concurrency_env_caps_four_processes(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    m = Measured()
    server.handler = m.handler(0.05)
    env = {"LLMCORE_GLOBAL_CONCURRENCY": "3", "LLMCORE_LOCK_DIR": str(tmp_path)}
    results = _workers(server, 4, 12, env=env)
    _check_answers(results, 12)
    assert len(m.times) == 48
    assert m.peak == 3, m.peak  # never above, and the cap was used


def test_without_the_cap_the_same_load_goes_above_it(server) -> None:  # type: ignore[no-untyped-def]
    m = Measured()
    server.handler = m.handler(0.05)
    _check_answers(_workers(server, 4, 12), 12)
    assert m.peak > 3  # the control: the cap above is what held it


def test_a_killed_process_gives_its_slot_back(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    async def hang_or_ok(request, s):  # type: ignore[no-untyped-def]
        if prompt_of(request).startswith("hang"):
            await asyncio.sleep(30)
        return toy_json(prompt_of(request))

    server.handler = hang_or_ok
    env = {**os.environ, "LLMCORE_GLOBAL_CONCURRENCY": "1", "LLMCORE_LOCK_DIR": str(tmp_path)}
    cfg = {"base_url": server.url + "/v1", "n": 1, "name": "hang", "warm_up": False, "barrier": False}
    victim = subprocess.Popen(
        [sys.executable, WORKER, json.dumps(cfg)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        end = time.monotonic() + 20
        while server.in_flight == 0 and time.monotonic() < end:
            time.sleep(0.02)
        assert server.in_flight == 1  # it holds the only slot
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    finally:
        if victim.poll() is None:
            victim.kill()
    t = time.monotonic()
    results = _workers(server, 1, 2, env={"LLMCORE_GLOBAL_CONCURRENCY": "1", "LLMCORE_LOCK_DIR": str(tmp_path)})
    assert results == [["w0-0", "w0-1"]]
    assert time.monotonic() - t < 15


# -- many machines: Redis ----------------------------------------------------------------------


def test_redis_concurrency_cap_holds_across_four_processes(server, redis_url) -> None:  # type: ignore[no-untyped-def]
    m = Measured()
    server.handler = m.handler(0.05)
    conc = {"max": 3, "adaptive": False, "backend": redis_url, "name": "shared-conc"}
    results = _workers(server, 4, 12, concurrency=conc)
    _check_answers(results, 12)
    assert m.peak == 3, m.peak
    from llmcore.reliability.redis_backend import RedisLimiter

    assert RedisLimiter(redis_url, "shared-conc", 3).held() == 0  # every lease was given back


def test_redis_token_bucket_holds_the_aggregate_rate(server, redis_url) -> None:  # type: ignore[no-untyped-def]
    m = Measured()
    server.handler = m.handler(0.0)
    rate, burst = 20.0, 4  # per second, shared by everyone
    limit = {"requests_per_minute": rate * 60, "request_burst": burst, "backend": redis_url, "name": "shared-rate"}
    results = _workers(server, 4, 10, rate_limit=limit)
    _check_answers(results, 10)
    arrivals = sorted(m.times)
    assert len(arrivals) == 40
    t0 = arrivals[0]
    for i, t in enumerate(arrivals):
        # by time t after the first arrival, at most burst + rate * t requests may have arrived
        assert i + 1 <= burst + rate * (t - t0) + 1.5, (i, round(t - t0, 3))
    assert arrivals[-1] - t0 >= (40 - burst) / rate - 0.1  # 40 requests cannot go faster


def test_redis_bucket_arithmetic_status_and_reset(redis_url) -> None:  # type: ignore[no-untyped-def]
    from llmcore.reliability.redis_backend import RedisTokenBucket

    b = RedisTokenBucket(redis_url, "unit", capacity=10, refill_per_second=1)
    b.reset()

    async def go() -> list[float]:
        waits = [await b.reserve(4), await b.reserve(4), await b.reserve(4)]
        await b.adjust(2)  # usage came in lower: give 2 back
        return waits

    waits = asyncio.run(go())
    assert waits[:2] == [0.0, 0.0] and waits[2] == pytest.approx(2.0, abs=0.1)  # FIFO debt, server clock
    s = b.status()
    assert s.capacity == 10 and s.refill_per_second == 1 and s.available == pytest.approx(0.0, abs=0.2)
    b.reset()
    assert b.status().available == 10


def test_redis_lease_of_a_crashed_holder_expires(redis_url) -> None:  # type: ignore[no-untyped-def]
    from llmcore.reliability.redis_backend import RedisLimiter

    lim = RedisLimiter(redis_url, "crash", 1, lease_ttl=0.6)
    lim.reset()

    async def go() -> float:
        _lease_id, renew = await lim.acquire()
        renew.cancel()  # the holder dies: no renewal, no release
        t = time.monotonic()
        second = await asyncio.wait_for(lim.acquire(), 5)
        waited = time.monotonic() - t
        await lim.release(second)
        return waited

    waited = asyncio.run(go())
    assert 0.4 < waited < 2.0


def test_a_held_redis_lease_is_renewed(redis_url) -> None:  # type: ignore[no-untyped-def]
    from llmcore.reliability.redis_backend import RedisLimiter

    lim = RedisLimiter(redis_url, "renew", 1, lease_ttl=0.6)
    lim.reset()

    async def go() -> None:
        lease = await lim.acquire()
        await asyncio.sleep(1.5)  # well past the ttl: still ours, because it is renewed
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(lim.acquire(), 0.3)
        await lim.release(lease)
        await lim.release(await asyncio.wait_for(lim.acquire(), 1))

    asyncio.run(go())
