"""The usage log keeps its rows: written on a timer, at exit and on SIGTERM,
in a private file — each checked in a real child process that calls a real
local server through ``llmcore.model(...)`` on the default transport."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from scripted_server import ScriptedServer
from shaped_provider import answer

pytest_plugins = ["shaped_fixtures"]
pytestmark = [pytest.mark.timeout(60), pytest.mark.skipif(os.name != "posix", reason="POSIX signals and modes")]

TESTS = str(Path(__file__).parent)

CHILD = textwrap.dedent("""
    import signal, sys, time
    sys.path.insert(0, {tests!r})
    mode = sys.argv[1]
    if mode == "chain":  # the application's own SIGTERM handler, installed before llmcore's
        def handler(signum, frame):
            print("application handler ran", flush=True)
            sys.exit(3)
        signal.signal(signal.SIGTERM, handler)
    import llmcore, shaped_provider
    from llmcore.plugins import register
    register(shaped_provider.plugin, "shaped")
    m = llmcore.model("shaped-schema/shaped-1", base_url={url!r}, api_key=shaped_provider.KEY, retry=False)
    for i in range(10):
        m.chat(f"question {{i}}")
    print("done", flush=True)
    time.sleep(50)
""")


def _reply() -> Any:
    async def handler(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
        return answer("ok", usage={"in": 10, "out": 5})

    return handler


def _child(server: ScriptedServer, tmp_path: Path, mode: str) -> tuple[subprocess.Popen[str], Path]:
    data = tmp_path / "made-by-llmcore" / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCORE_")}
    env.update(LLMCORE_PLUGINS="", LLMCORE_DATA_DIR=str(data), LLMCORE_CACHE_DIR=str(tmp_path / "cache"))
    code = CHILD.format(tests=TESTS, url=server.url + "/v1")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "done":
        proc.kill()
        raise AssertionError(f"child failed: {line!r} {proc.communicate()[1][-2000:]}")
    return proc, data / "usage.sqlite"


def _rows(path: Path) -> int:
    if not path.exists():
        return 0
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT COUNT(*) FROM usage").fetchone()[0])
    except sqlite3.OperationalError:  # created, table not yet
        return 0
    finally:
        db.close()


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=10)


def test_rows_reach_the_file_within_seconds_while_the_process_idles(
    server: ScriptedServer, shaped: Path, tmp_path: Path
) -> None:
    server.handler = _reply()
    proc, db = _child(server, tmp_path, "idle")
    try:
        end = time.monotonic() + 3
        while _rows(db) < 10 and time.monotonic() < end:
            time.sleep(0.05)
        assert _rows(db) == 10, "ten calls, then idle: the rows must be written within 3 s"
        # private to the user: the file 0600, the folders llmcore made 0700, the user's own left alone
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(db.parent.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(tmp_path.stat().st_mode) == stat.S_IMODE(os.stat(tmp_path).st_mode)
        for side in db.parent.glob("usage.sqlite-*"):  # SQLite's -wal/-shm copy the file's mode
            assert stat.S_IMODE(side.stat().st_mode) == 0o600, side
    finally:
        _stop(proc)


def test_sigterm_writes_the_rows_and_still_terminates(server: ScriptedServer, shaped: Path, tmp_path: Path) -> None:
    server.handler = _reply()
    proc, db = _child(server, tmp_path, "plain")
    proc.send_signal(signal.SIGTERM)  # at once: before the 1 s timer
    try:
        rc = proc.wait(10)
    finally:
        _stop(proc)
    assert rc == -signal.SIGTERM, "SIGTERM's default action (termination by the signal) must be kept"
    assert _rows(db) == 10


def test_sigterm_chains_to_the_applications_handler(server: ScriptedServer, shaped: Path, tmp_path: Path) -> None:
    server.handler = _reply()
    proc, db = _child(server, tmp_path, "chain")
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=10)
    finally:
        _stop(proc)
    assert "application handler ran" in out
    assert proc.returncode == 3
    assert _rows(db) == 10
