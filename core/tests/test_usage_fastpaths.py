"""The per-call fast paths of usage accounting and preflight (issue 16) follow
the slow path: memos keyed on the environment see a changed variable on the
next call, and the cached ``llmcore_usage`` hook caller sees a plugin
registered after calls were made."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore import catalogue
from llmcore.errors import ContextWindowExceededError
from llmcore.hookspecs import hookimpl
from llmcore.plugins import get_registry, register
from llmcore.usage import UsageRecord, default_log_path, usage_log
from scripted_server import ScriptedServer
from shaped_provider import answer

pytest_plugins = ["shaped_fixtures"]


@pytest.fixture
def answering(server: ScriptedServer) -> ScriptedServer:
    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return answer("ok", usage={"in": 10, "out": 2})

    server.handler = handler
    return server


class Collector:
    def __init__(self) -> None:
        self.records: list[UsageRecord] = []

    @hookimpl
    def llmcore_usage(self, record: UsageRecord) -> None:
        self.records.append(record)


def test_usage_log_follows_every_variable_its_path_depends_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LLMCORE_USAGE_LOG", raising=False)
    monkeypatch.delenv("LLMCORE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "a"))
    first = usage_log()
    assert first is not None and first.path == tmp_path / "a" / "llmcore" / "usage.sqlite"
    assert usage_log() is first  # memoised: the same log object
    # only XDG_DATA_HOME changes: the next call writes where the slow path says
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "b"))
    second = usage_log()
    assert second is not None and second.path == default_log_path() == tmp_path / "b" / "llmcore" / "usage.sqlite"
    monkeypatch.setenv("LLMCORE_USAGE_LOG", "off")
    assert usage_log() is None
    monkeypatch.setenv("LLMCORE_USAGE_LOG", str(tmp_path / "explicit.sqlite"))
    third = usage_log()
    assert third is not None and third.path == tmp_path / "explicit.sqlite"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "a"))
    monkeypatch.delenv("LLMCORE_USAGE_LOG")
    assert usage_log() is first  # one log per path per process, as before


def test_usage_log_overrides_still_win_over_the_memo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    log_module = importlib.import_module("llmcore.usage.log")  # llmcore.usage.log is its logger
    saved = list(log_module._override)
    try:
        monkeypatch.setenv("LLMCORE_USAGE_LOG", str(tmp_path / "env.sqlite"))
        assert (lg := usage_log()) is not None and lg.path == tmp_path / "env.sqlite"
        llmcore.usage.disable_log()
        assert usage_log() is None
        llmcore.usage.enable_log(tmp_path / "on.sqlite")
        assert (lg := usage_log()) is not None and lg.path == tmp_path / "on.sqlite"
    finally:
        log_module._override[:] = saved
    assert (lg := usage_log()) is not None and lg.path == tmp_path / "env.sqlite"


def test_a_usage_hook_registered_after_calls_receives_the_next_record(
    answering: ScriptedServer, make_model: Any
) -> None:
    m = make_model()
    m.chat("before")  # the hook caller of this registry is cached now
    c = Collector()
    register(c, "late-collector")
    m.chat("after")
    assert [r.input_tokens for r in c.records] == [10]
    # added straight to the plugin manager (no new registry): seen as well
    d = Collector()
    get_registry().pm.register(d, name="direct-collector")
    m.chat("again")
    assert len(c.records) == 2 and len(d.records) == 1


def test_the_context_check_switch_is_read_on_every_call(
    answering: ScriptedServer, make_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LLMCORE_CONTEXT_CHECK", raising=False)
    catalogue.add_models("shaped-schema", {"shaped-1": {"context": 1000}})
    try:
        m = make_model()
        with pytest.raises(ContextWindowExceededError):
            m.chat("word " * 2000)
        monkeypatch.setenv("LLMCORE_CONTEXT_CHECK", "off")
        assert m.chat("word " * 2000).text == "ok"
        monkeypatch.setenv("LLMCORE_CONTEXT_CHECK", "1")
        with pytest.raises(ContextWindowExceededError):
            m.chat("word " * 2000)
        assert answering.hits == 1
    finally:
        catalogue.clear_overrides()
