"""Budgets per period and shared across processes and machines: in this process,
a SQLite file (real processes), and a real ``redis-server`` (real processes, the
server's clock, an outage: fails closed, typed, bounded; ``fail_open``; a cost
Redis could not take is added when it is back). Through ``llmcore.model`` too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp import web
from llmcore import catalogue
from llmcore.errors import BackendUnavailableError, BudgetExceededError, ConfigurationError
from llmcore.usage import Budget, set_budget
from llmcore.usage import budget_store as bs
from scripted_server import ScriptedServer
from shaped_provider import answer

if TYPE_CHECKING:
    from redis_process import RedisProcess

pytest_plugins = ["shaped_fixtures", "redis_process"]  # redis_process: the redis_server fixture
pytestmark = pytest.mark.timeout(60)

USAGE = {"in": 1000, "out": 200, "cached": 400}
COST = (600 * 2.0 + 400 * 0.5 + 200 * 8.0) / 1e6  # shaped-1's price (the plugin's price file)
CORE_SRC = str(Path(__file__).resolve().parents[1] / "src")


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from llmcore.reliability import redis_backend

    monkeypatch.setenv("LLMCORE_CONTEXT_CHECK", "0")
    catalogue.clear_overrides()
    set_budget(None)
    redis_backend._down_until.clear()
    yield
    set_budget(None)
    redis_backend._down_until.clear()


# -- periods, in this process ------------------------------------------------------------


def test_period_index_boundaries() -> None:
    monday = 1764547200  # 2025-12-01 00:00 UTC, a Monday
    assert bs.period_index("day", monday) == bs.period_index("day", monday + 86399) == monday // 86400
    assert bs.period_index("day", monday + 86400) == monday // 86400 + 1
    assert bs.period_index("week", monday - 1) + 1 == bs.period_index("week", monday)
    assert bs.period_index("week", monday) == bs.period_index("week", monday + 7 * 86400 - 1)
    assert bs.period_index("hour", 7200) == 2 and bs.period_index(None, 123.0) == 0


def test_per_day_budget_starts_again_each_day(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1764547200.0 + 3600]
    monkeypatch.setattr(bs.time, "time", lambda: now[0])
    b = Budget(usd=1.0, per="day", name="daily")
    b.add(0.75)
    with pytest.raises(BudgetExceededError, match=r"daily of \$1 per day would be exceeded"):
        b.check(0.5)
    now[0] += 86400  # the next day (UTC)
    assert b.spent == 0.0
    b.check(0.5)
    assert repr(b) == "Budget(daily: $0 of $1 per day)"


def test_bad_budgets_are_clear_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="period"):
        Budget(usd=1, per="fortnight")
    with pytest.raises(ConfigurationError, match="once"):
        Budget(1, usd=2)
    with pytest.raises(ConfigurationError, match="unknown budget backend 'memcached'"):
        Budget(usd=1, backend="memcached://x")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ConfigurationError, match="cannot be used"):
        Budget(usd=1, backend=f"sqlite:///{tmp_path}/a-file/budgets.db")


# -- SQLite: the processes of one machine ---------------------------------------------------

_ADD = """
import sys
sys.path.insert(0, {src!r})
from llmcore.usage import Budget
b = Budget(usd=100, per="day", name="team", backend={backend!r})
for _ in range({n}):
    b.add({cost!r})
"""


def _processes(backend: str, n_procs: int, n_adds: int, cost: float) -> None:
    code = _ADD.format(src=CORE_SRC, backend=backend, n=n_adds, cost=cost)
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n_procs)]
    assert [p.wait(60) for p in procs] == [0] * n_procs


def test_sqlite_budget_is_shared_by_real_processes(tmp_path: Path) -> None:
    backend = f"sqlite:///{tmp_path}/budgets.db"
    _processes(backend, 4, 25, 0.01)
    b = Budget(usd=1.5, per="day", name="team", backend=backend)
    assert b.spent == pytest.approx(1.0)  # 4 x 25 x $0.01: no lost update
    with pytest.raises(BudgetExceededError):
        b.check(0.6)
    b.check(0.4)
    other = Budget(usd=1.5, per="day", name="another", backend=backend)
    assert other.spent == 0.0  # budgets are kept apart by name
    b.reset()
    assert Budget(usd=1.5, per="day", name="team", backend=backend).spent == 0.0


def test_a_locked_sqlite_file_never_fails_a_settled_cost(tmp_path: Path) -> None:
    """Settling a cost while another process holds the file locked is not an error: the
    cost is kept and written with the next one; the check counts it meanwhile."""
    import sqlite3

    backend = f"sqlite:///{tmp_path}/budgets.db"
    b = Budget(usd=1.0, name="locked", backend=backend)
    b.store._db.execute("PRAGMA busy_timeout=50")  # type: ignore[attr-defined]  # the default waits 5 s
    other = sqlite3.connect(str(tmp_path / "budgets.db"), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    b.add(0.5)  # no exception
    with pytest.raises(BackendUnavailableError, match=r"budgets\.db"):
        b.check(0.1)  # the check cannot read the file: fails closed, typed
    other.execute("COMMIT")
    other.close()
    assert b.spent == pytest.approx(0.5)  # counted though not yet written
    b.add(0.25)
    assert Budget(usd=1.0, name="locked", backend=backend).spent == pytest.approx(0.75)  # written now


# -- Redis: processes and machines ----------------------------------------------------------


def _keys(url: str) -> list[str]:
    import redis

    c = redis.Redis.from_url(url)
    try:
        return sorted(k.decode() for k in c.keys("llmcore:budget:*"))
    finally:
        c.close()


def test_redis_budget_is_shared_by_real_processes(redis_server: RedisProcess) -> None:
    _processes(redis_server.url, 4, 25, 0.01)
    b = Budget(usd=1.5, per="day", name="team", backend=redis_server.url)
    assert b.spent == pytest.approx(1.0)  # atomic on the server: no lost update
    with pytest.raises(BudgetExceededError, match=r"team of \$1.5 per day"):
        b.check(0.6)
    # the period is the server's day (its clock), in the key; it expires two days after its last change
    import redis

    (key,) = _keys(redis_server.url)
    server_day = int(redis.Redis.from_url(redis_server.url).time()[0]) // 86400
    assert key == f"llmcore:budget:team:{server_day}"
    assert 2 * 86400 < redis.Redis.from_url(redis_server.url).ttl(key) <= 2 * 86400 + 60
    b.reset()
    assert Budget(usd=1.5, per="day", name="team", backend=redis_server.url).spent == 0.0
    assert "127.0.0.1" in repr(b) and "per day" in repr(b)


def test_redis_budget_through_models_in_two_processes(
    redis_server: RedisProcess, server: ScriptedServer, make_model: Any
) -> None:
    """Two "processes" (two Budget objects with the same name and backend, as two
    processes would build them) and two models: one spending, shared."""

    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return answer("ok", usage=USAGE)

    server.handler = handler
    a = make_model(budget=Budget(usd=1.5 * COST, name="shared-team", backend=redis_server.url))
    b = make_model(budget=Budget(usd=1.5 * COST, name="shared-team", backend=redis_server.url))
    a.chat("x")
    with pytest.raises(BudgetExceededError, match="shared-team"):
        b.chat("y", max_tokens=1000)  # a's spending counts for b: nothing sent
    assert server.hits == 1
    assert b.budget.spent == pytest.approx(COST)


def test_redis_outage_fails_closed_typed_and_bounded(redis_server: RedisProcess) -> None:
    b = Budget(usd=1.0, per="hour", name="outage", backend=redis_server.url)
    b.add(0.25)
    redis_server.stop()
    t0 = time.monotonic()
    with pytest.raises(BackendUnavailableError) as e:
        b.check(0.1)
    assert time.monotonic() - t0 < 2.5 and e.value.retryable and e.value.retry_after
    assert "budget backend redis://127.0.0.1" in str(e.value)
    t0 = time.monotonic()
    with pytest.raises(BackendUnavailableError, match="failed less than"):
        b.check(0.1)  # in the cool-down: at once, without touching the network
    assert time.monotonic() - t0 < 0.05
    b.add(0.5)  # a settled cost is never an error: kept until Redis answers
    assert "unknown" in repr(b)
    opened = Budget(usd=1.0, per="hour", name="outage", backend=redis_server.url, fail_open=True)
    opened.check(0.1)  # fail_open: let through (logged)
    redis_server.start()  # an empty server (no persistence): only what is settled from now on
    time.sleep(1.05)  # past the cool-down
    assert b.spent == pytest.approx(0.5)  # the kept cost went in with the first operation


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_a_frozen_redis_fails_within_the_bound(redis_server: RedisProcess) -> None:
    b = Budget(usd=1.0, name="frozen", backend=redis_server.url)
    b.check(0.1)
    assert redis_server.proc is not None
    redis_server.proc.send_signal(signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        with pytest.raises(BackendUnavailableError):
            b.check(0.1)
        assert time.monotonic() - t0 < 3.0  # OP_TIMEOUT (2 s) and no hidden retries
    finally:
        redis_server.proc.send_signal(signal.SIGCONT)


def test_a_fallbacks_budget_is_one_limit_for_all_its_models(server: ScriptedServer, shaped: Any) -> None:
    """``llmcore.fallback([...], budget=X)``: X for the chain, not X for each model it builds
    (what one model spent counts when the next is tried)."""
    import llmcore
    from llmcore.errors import LLMCoreError
    from scripted_server import toy_error
    from shaped_provider import KEY

    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        if s.hits == 2:  # the first model's second call fails: the chain moves on
            return toy_error(500, "boom")
        return answer("ok", usage=USAGE)

    server.handler = handler
    chain = llmcore.fallback(
        ["shaped-schema/shaped-1", "shaped-schema/shaped-1"],
        budget=1.5 * COST, api_key=KEY, base_url=server.url + "/v1", retry=False,
    )  # fmt: skip
    assert chain.budget is not None and all(m.budget is chain.budget for _, m in chain.models)
    chain.chat("a")  # the first model: COST
    chain.chat("b")  # the first model fails (500, nothing spent); the second answers: 2 x COST in all
    assert server.hits == 3 and chain.budget.spent == pytest.approx(2 * COST)
    with pytest.raises(LLMCoreError) as e:
        chain.chat("c")  # over the chain's 1.5 x COST: refused (each model alone spent only COST)
    assert "budget" in str(e.value)
    assert server.hits == 3  # nothing sent
