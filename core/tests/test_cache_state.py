"""Persistent state of the response cache and usage log: SQLite off the event
loop, typed errors for bad ``cache=`` values, private files, and answers
keyed on the model's extra headers."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore.cache import MemoryCache, cache_key, canonical_request, resolve_cache
from llmcore.errors import ConfigurationError
from scripted_server import ScriptedServer
from shaped_provider import answer

pytest_plugins = ["shaped_fixtures"]
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def restore_log() -> Any:
    """Whatever enable_log() a test does is undone after it."""
    import importlib

    usage_log_module = importlib.import_module("llmcore.usage.log")  # (llmcore.usage.log is also a logger's name)
    saved = list(usage_log_module._override)
    yield
    usage_log_module._override[:] = saved


def _reply() -> Any:
    async def handler(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
        return answer(f"answer #{server.hits}", usage={"in": 10, "out": 5})

    return handler


# -- #11: SQLite never runs on the event loop ------------------------------------------------------

LOCKER = textwrap.dedent("""
    import sqlite3, sys, time
    conns = [sqlite3.connect(p, isolation_level=None, timeout=10) for p in sys.argv[2:]]
    for c in conns:
        c.execute("BEGIN EXCLUSIVE")  # the write lock (WAL: readers still read, writers wait)
    print("locked", flush=True)
    time.sleep(float(sys.argv[1]))
    for c in conns:
        c.execute("COMMIT")
""")


def test_a_locked_cache_and_usage_log_do_not_freeze_the_event_loop(
    server: ScriptedServer, make_model: Any, shaped: Path, tmp_path: Path, restore_log: None
) -> None:
    """Another process holds the write lock of the cache file and of the
    usage log for 2 s while calls run: the loop keeps ticking."""
    server.handler = _reply()
    cache_file = tmp_path / "answers.sqlite"
    log_file = tmp_path / "usage.sqlite"
    lg = llmcore.usage.enable_log(log_file)
    m = make_model(cache=str(cache_file))
    m.chat("warm up")  # both files exist, with their tables
    lg.flush()
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, "2", str(cache_file), str(log_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"

        async def main() -> tuple[float, float]:
            gaps = [0.0]
            stop = False

            async def ticker() -> None:
                last = time.perf_counter()
                while not stop:
                    await asyncio.sleep(0.01)
                    now = time.perf_counter()
                    gaps.append(now - last)
                    last = now

            t = asyncio.create_task(ticker())
            started = time.perf_counter()
            await asyncio.gather(*(m.achat(f"question {i}") for i in range(5)))
            took = time.perf_counter() - started
            stop = True
            await t
            return max(gaps), took

        max_gap, took = asyncio.run(main())
    finally:
        locker.wait(10)
    assert max_gap < 0.5, f"the event loop stalled {max_gap:.2f}s while another process held the SQLite locks"
    assert took >= 1.0, "the stores waited for the lock (in a worker thread)"
    assert m.cache.count() >= 5  # stored once the lock was released


# -- #12: bad cache= values -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nonsense://x", "http://example.invalid/cache", "file:///tmp/x.sqlite"])
def test_a_url_of_an_unknown_scheme_is_a_typed_error_and_creates_nothing(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError) as e:
        resolve_cache(value)
    assert "redis://" in str(e.value) and "memory" in str(e.value) and "sqlite" in str(e.value)
    assert list(tmp_path.iterdir()) == [], "nothing may be created for a bad cache URL"


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({"backend": "sqlite", "max_entries": 5}, "max_entries"),
        ({"backend": "memory", "path": "x.sqlite"}, "path"),
        ({"backend": "memory", "max_entries": "ten"}, "max_entries"),
        ({"backend": "memory", "ttl": "1h"}, "ttl"),
        ({"backend": "sqlite", "path": 5}, "path"),
        ({"backend": "redis", "url": "http://x"}, "url"),
        ({"backend": "banana"}, "banana"),
    ],
)
def test_bad_cache_dicts_are_typed_errors_before_the_network(
    value: dict[str, Any], named: str, server: ScriptedServer, make_model: Any
) -> None:
    server.handler = _reply()
    with pytest.raises(ConfigurationError) as e:
        make_model(cache=value).chat("hi")
    assert named in str(e.value)
    assert server.hits == 0


def test_good_cache_forms_still_resolve(tmp_path: Path) -> None:
    assert isinstance(resolve_cache({"backend": "memory", "max_entries": 3, "ttl": 5}), MemoryCache)
    sq = resolve_cache({"backend": "sqlite", "path": str(tmp_path / "a.sqlite"), "ttl": 60})
    assert sq is not None and sq.describe().endswith("a.sqlite)")
    assert resolve_cache(tmp_path / "b.sqlite") is not None  # a Path is a path


# -- #17: private files, answers keyed on extra headers ---------------------------------------


def test_cache_files_and_folders_llmcore_makes_are_private(
    server: ScriptedServer, make_model: Any, shaped: Path
) -> None:
    server.handler = _reply()
    user_dir = shaped / "mine"
    user_dir.mkdir(mode=0o755)
    os.chmod(user_dir, 0o755)
    m = make_model(cache=str(user_dir / "deep" / "answers.sqlite"))
    m.chat("hi")
    default = make_model(cache=True)
    default.chat("hi")
    for f in (user_dir / "deep" / "answers.sqlite", shaped / "cache" / "responses.sqlite"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
        assert stat.S_IMODE(f.parent.stat().st_mode) == 0o700, f.parent
    assert stat.S_IMODE(user_dir.stat().st_mode) == 0o755, "a folder the user made keeps its mode"


def test_models_with_different_headers_never_share_answers(server: ScriptedServer, make_model: Any) -> None:
    server.handler = _reply()
    cache = MemoryCache()
    a = make_model(cache=cache, headers={"X-Tenant": "acme"})
    b = make_model(cache=cache, headers={"X-Tenant": "globex"})
    same = make_model(cache=cache, headers={"x-tenant": "acme"})
    first = a.chat("what is ours?")
    other = b.chat("what is ours?")
    assert not other.cached and other.text != first.text
    assert same.chat("what is ours?").cached, "the same headers (any case) share the entry"
    assert server.hits == 2


def test_header_values_never_appear_in_the_key_text(shaped: Path) -> None:
    from llmcore.types import ChatRequest

    req = ChatRequest(model="m", messages="hi")
    secret = "tenant-" + "7f3a9c" * 4
    text = canonical_request("p", req, headers={"X-Tenant": secret})
    assert secret not in text
    assert cache_key("p", req) == cache_key("p", req, headers={})  # no headers: keys as before
    assert cache_key("p", req, headers={"X-Tenant": "a"}) != cache_key("p", req, headers={"X-Tenant": "b"})


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_forked_child_can_use_the_sqlite_cache_and_usage_log(shaped: Path, tmp_path: Path, restore_log: None) -> None:
    """The worker threads stay with the parent: a child of fork starts its own."""
    from llmcore.cache import SQLiteCache
    from llmcore.usage import UsageRecord, enable_log

    cache = SQLiteCache(tmp_path / "c.sqlite")
    asyncio.run(cache.set("k", b"parent"))
    lg = enable_log(tmp_path / "u.sqlite")
    lg.write(UsageRecord(timestamp=time.time(), provider="p", model="m"))
    lg.flush()
    pid = os.fork()
    if pid == 0:  # the child: must finish on its own, quickly
        code = 1
        try:
            asyncio.run(cache.set("k2", b"child"))
            ok = asyncio.run(cache.get("k2")) == b"child" and asyncio.run(cache.get("k")) == b"parent"
            lg.write(UsageRecord(timestamp=time.time(), provider="p", model="child"))
            end = time.monotonic() + 5
            while time.monotonic() < end and not any(r["model"] == "child" for r in _peek(lg.path)):
                time.sleep(0.05)
            code = 0 if ok and any(r["model"] == "child" for r in _peek(lg.path)) else 1
        finally:
            os._exit(code)
    end = time.monotonic() + 20
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > end:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise AssertionError("the forked child hung on the cache or the usage log")
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(status) == 0


def _peek(path: Path) -> list[dict[str, Any]]:
    import sqlite3

    db = sqlite3.connect(path)
    try:
        return [{"model": r[0]} for r in db.execute("SELECT model FROM usage")]
    finally:
        db.close()
