"""Usage and cost through the facade: totals, the llmcore_usage hook, the SQLite log."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore.hookspecs import hookimpl
from llmcore.plugins import register
from llmcore.usage import UsageLog, UsageRecord, default_log_path
from scripted_server import ScriptedServer
from shaped_provider import KEY, answer, stream

pytest_plugins = ["shaped_fixtures"]

USAGE = {"in": 1000, "out": 200, "cached": 400}
# shaped-1: input 2.0, cached_input 0.5, output 8.0 per 1M tokens
COST = (600 * 2.0 + 400 * 0.5 + 200 * 8.0) / 1e6


def reply(**kw: Any) -> Any:
    async def handler(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
        return answer(f"answer #{server.hits}", usage=USAGE, **kw)

    return handler


class Collector:
    """An in-process plugin implementing the usage hook."""

    def __init__(self) -> None:
        self.records: list[UsageRecord] = []

    @hookimpl
    def llmcore_usage(self, record: UsageRecord) -> None:
        self.records.append(record)


@pytest.fixture
def collector(shaped: Path) -> Collector:
    c = Collector()
    register(c, "collector")
    return c


def test_totals_count_tokens_requests_and_cost(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply()
    m = make_model()
    m.chat("a")
    m.chat("b")
    t = m.usage
    assert (t.requests, t.cache_hits) == (2, 0)
    assert (t.input_tokens, t.output_tokens, t.cached_tokens) == (2000, 400, 800)
    assert t.cost == pytest.approx(2 * COST) and t.unpriced_requests == 0
    assert "requests=2" in repr(t)
    t.reset()
    assert t.as_dict() == {
        "requests": 0,
        "cache_hits": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "cache_read_tokens": 0,
        "cache_write_tokens": 0,
        "reasoning_tokens": 0,
        "unpriced_requests": 0,
        "cost": None,
    }


def test_streams_count_once_consumed(server: ScriptedServer, make_model: Any) -> None:
    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return await stream(request, texts=["x", "y"], usage=USAGE)

    server.handler = handler
    m = make_model()
    st = m.stream("a")
    assert m.usage.requests == 0
    assert "".join(st.texts()) == "xy"
    assert m.usage.requests == 1 and m.usage.cost == pytest.approx(COST)


def test_unknown_price_gives_none_and_never_blocks(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply(model="mystery-9")
    m = make_model(model="mystery-9")
    r = m.chat("a")
    assert r.text == "answer #1"
    assert m.usage.cost is None and m.usage.unpriced_requests == 1 and m.usage.input_tokens == 1000
    priced = make_model(model="mystery-9", prices={"input": 1.0, "output": 1.0})
    priced.chat("b")
    assert priced.usage.cost == pytest.approx(1200 / 1e6)  # cached tokens at the input rate


def test_the_hook_receives_every_call(server: ScriptedServer, make_model: Any, collector: Collector) -> None:
    server.handler = reply()
    m = make_model(cache="memory")
    m.chat("a")
    m.chat("a")  # a cache hit

    async def streamed(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return await stream(request, texts=["x"], usage=USAGE)

    server.handler = streamed
    list(make_model().stream("s"))
    recs = collector.records
    assert len(recs) == 3 and recs[2].stream and recs[2].cost == pytest.approx(COST)
    assert [r.cached for r in recs[:2]] == [False, True]
    first, hit = recs[0], recs[1]
    assert first.provider == "shaped-schema" and first.model == "shaped-1"
    assert first.response_model == "shaped-1-2025-01-01"
    assert (first.input_tokens, first.output_tokens, first.cache_read_tokens) == (1000, 200, 400)
    assert first.cost == pytest.approx(COST) and hit.cost == 0.0
    assert first.key_id == "sha256:" + hashlib.sha256(KEY.encode()).hexdigest()[:8]
    assert first.latency is not None and first.latency > 0 and not first.stream
    assert first.usage.total_tokens == 1200 and first.to_dict()["provider"] == "shaped-schema"


def test_a_raising_hook_is_logged_not_raised(
    server: ScriptedServer, make_model: Any, shaped: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        @hookimpl
        def llmcore_usage(self, record: UsageRecord) -> None:
            raise RuntimeError("boom")

    register(Broken(), "broken")
    server.handler = reply()
    with caplog.at_level(logging.WARNING, logger="llmcore.usage"):
        assert make_model().chat("a").text == "answer #1"
    assert "RuntimeError: boom" in caplog.text


def test_the_usage_log_gets_a_row_per_call_and_never_the_key(
    server: ScriptedServer, make_model: Any, shaped: Path
) -> None:
    server.handler = reply()
    m = make_model(cache="memory")
    m.chat("a")
    m.chat("a")
    path = default_log_path()
    assert path == shaped / "data" / "usage.sqlite"
    log = llmcore.usage.usage_log()
    assert log is not None and log.path == path
    rows = log.rows()
    assert [(r["provider"], r["model"], r["cached"]) for r in rows] == [
        ("shaped-schema", "shaped-1", 0),
        ("shaped-schema", "shaped-1", 1),
    ]
    assert rows[0]["cost"] == pytest.approx(COST) and rows[0]["key_id"].startswith("sha256:")
    assert KEY.encode() not in path.read_bytes()
    (summary,) = log.summary(by=("provider", "model"))
    assert (summary["requests"], summary["cache_hits"], summary["input_tokens"]) == (1, 1, 1000)
    assert summary["cost"] == pytest.approx(COST) and summary["unpriced"] == 0


def test_the_usage_log_can_be_off(
    server: ScriptedServer, make_model: Any, shaped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMCORE_USAGE_LOG", "0")
    server.handler = reply()
    make_model().chat("a")
    assert default_log_path() is None and llmcore.usage.usage_log() is None
    assert not (shaped / "data").exists()
    monkeypatch.setenv("LLMCORE_USAGE_LOG", str(shaped / "elsewhere.sqlite"))
    make_model().chat("b")
    log = llmcore.usage.usage_log()
    assert log is not None and [r["model"] for r in log.rows()] == ["shaped-1"]


def test_key_pool_calls_name_the_key_that_answered(
    server: ScriptedServer, make_model: Any, collector: Collector
) -> None:
    server.handler = reply()
    keys = ["pool-key-one-123456789", "pool-key-two-123456789"]
    m = make_model(api_key=None, api_keys=keys)
    assert m.key_id is None

    async def go() -> None:
        for _ in range(4):
            await m.achat("a")

    asyncio.run(go())
    ids = [r.key_id for r in collector.records]
    expected = ["sha256:" + hashlib.sha256(k.encode()).hexdigest()[:8] for k in keys]
    assert ids == [expected[0], expected[1], expected[0], expected[1]]  # round robin
    sent = [req["headers"]["Authorization"] for req in server.requests]
    assert sent == [f"Bearer {keys[0]}", f"Bearer {keys[1]}"] * 2


def test_log_flushes_in_batches(tmp_path: Path) -> None:
    log = UsageLog(tmp_path / "u.sqlite", flush_every=3, flush_after=3600)
    rec = UsageRecord(timestamp=1.0, provider="p", model="m", input_tokens=1, output_tokens=2)
    log.write(rec)
    log.write(rec)
    assert not (tmp_path / "u.sqlite").exists()  # buffered
    log.write(rec)
    assert len(log.rows()) == 3
    log.close()
