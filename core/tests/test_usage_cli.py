"""``llmcore usage`` over a real usage log (the CLI runs in a subprocess)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from llmcore.usage import UsageLog, UsageRecord

pytest_plugins = ["shaped_fixtures"]


def day(s: str, hour: int = 12) -> float:
    d = dt.date.fromisoformat(s)
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=dt.timezone.utc).timestamp()


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    path = tmp_path / "usage.sqlite"
    log = UsageLog(path)
    rows = [
        ("2026-11-20", "openai", "gpt-4o", 1000, 100, 0.0035, False, 0.5),
        ("2026-11-20", "openai", "gpt-4o", 2000, 300, 0.008, False, 1.5),
        ("2026-11-20", "openai", "gpt-4o", 2000, 300, 0.0, True, 0.001),
        ("2026-11-20", "anthropic", "claude-x", 500, 50, None, False, 2.0),
        ("2026-11-21", "openai", "gpt-4o", 10, 5, 0.0001, False, 0.2),
    ]
    for d, prov, model, i, o, cost, cached, lat in rows:
        log.write(
            UsageRecord(
                timestamp=day(d),
                provider=prov,
                model=model,
                key_id="sha256:abcd1234",
                input_tokens=i,
                output_tokens=o,
                cost=cost,
                cached=cached,
                latency=lat,
            )
        )
    log.close()
    return path


def llmcore_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "llmcore", *args], capture_output=True, text=True, env=e, timeout=60)


def test_table_per_day_and_model(log_file: Path) -> None:
    r = llmcore_cli("usage", "--db", str(log_file))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == [
        "DAY",
        "(UTC)",
        "MODEL",
        "REQUESTS",
        "CACHE",
        "HITS",
        "INPUT",
        "OUTPUT",
        "CACHED",
        "IN",
        "REASONING",
        "COST",
        "LATENCY",
    ]
    body = [line.split() for line in lines[2:]]
    assert body[0][:6] == ["2026-11-20", "claude-x", "1", "0", "500", "50"] and body[0][-2] == "unknown"
    assert body[1][:6] == ["2026-11-20", "gpt-4o", "2", "1", "3,000", "400"] and body[1][-2] == "$0.011500"
    assert body[1][-1] == "1.00s"  # mean latency of provider calls (the hit is left out)
    assert body[2][:3] == ["2026-11-21", "gpt-4o", "1"]
    assert body[3][0] == "TOTAL" and "4" in body[3] and body[3][-2] == "$0.011600*"  # * : some calls unpriced


def test_json_filters_and_grouping(log_file: Path) -> None:
    r = llmcore_cli(
        "usage", "--db", str(log_file), "--json", "--since", "2026-11-20", "--until", "2026-11-20", "--by", "provider"
    )
    assert r.returncode == 0, r.stderr
    rows = {row["provider"]: row for row in json.loads(r.stdout)}
    assert set(rows) == {"anthropic", "openai"}
    assert rows["openai"]["requests"] == 2 and rows["openai"]["cache_hits"] == 1
    assert rows["openai"]["input_tokens"] == 3000 and rows["openai"]["cost"] == pytest.approx(0.0115)
    assert rows["anthropic"]["cost"] is None and rows["anthropic"]["unpriced"] == 1
    r = llmcore_cli("usage", "--db", str(log_file), "--json", "--by", "key")
    (row,) = json.loads(r.stdout)
    assert row["key_id"] == "sha256:abcd1234" and row["requests"] == 4


def test_default_location_off_and_errors(tmp_path: Path, log_file: Path) -> None:
    r = llmcore_cli("usage", env={"LLMCORE_DATA_DIR": str(tmp_path / "empty"), "LLMCORE_USAGE_LOG": ""})
    assert r.returncode == 0 and "No usage logged yet" in r.stdout
    r = llmcore_cli("usage", "--json", env={"LLMCORE_USAGE_LOG": str(log_file)})
    assert len(json.loads(r.stdout)) == 3
    r = llmcore_cli("usage", env={"LLMCORE_USAGE_LOG": "0"})
    assert r.returncode != 0 and "usage logging is off" in r.stderr
    r = llmcore_cli("usage", "--db", str(log_file), "--by", "colour")
    assert r.returncode != 0 and "cannot group by colour" in r.stderr
    r = llmcore_cli("usage", "--db", str(log_file), "--since", "yesterday")
    assert r.returncode != 0 and "is not a date" in r.stderr


def test_cost_per_model_provider_key_and_day_from_real_calls(server: Any, make_model: Any) -> None:
    """The user's path: calls through ``llmcore.model`` (two keys of one model, a
    loopback server) are logged, and ``llmcore usage --by day,provider,model,key``
    shows each key's cost under its fingerprint — the key itself is in neither the
    output nor the log file."""
    from aiohttp import web
    from llmcore.reliability.security import key_id
    from llmcore.usage.log import default_log_path, usage_log
    from shaped_provider import answer

    key_a, key_b = "usage-" + "a" * 8 + "-key-1", "usage-" + "b" * 8 + "-key-2"  # built, not key-shaped literals

    async def handler(request: web.Request, s: Any) -> web.StreamResponse:
        return answer("ok", usage={"in": 1000, "out": 200, "cached": 400})

    server.handler = handler
    for key, n in ((key_a, 2), (key_b, 1)):
        m = make_model(api_key=key)
        for _ in range(n):
            assert m.chat("hi").text == "ok"
        assert m.usage.cost is not None
    lg = usage_log()
    path = default_log_path()
    assert lg is not None and path is not None
    lg.flush(wait=5)
    cost = (600 * 2.0 + 400 * 0.5 + 200 * 8.0) / 1e6  # shaped-1's price file
    r = llmcore_cli("usage", "--db", str(path), "--json", "--by", "day,provider,model,key")
    assert r.returncode == 0, r.stderr
    rows = {row["key_id"]: row for row in json.loads(r.stdout)}
    assert set(rows) == {key_id(key_a), key_id(key_b)} and all(k.startswith("sha256:") for k in rows)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    a = rows[key_id(key_a)]
    assert (a["day"], a["provider"], a["model"], a["requests"]) == (today, "shaped-schema", "shaped-1", 2)
    assert a["cost"] == pytest.approx(2 * cost) and rows[key_id(key_b)]["cost"] == pytest.approx(cost)
    table = llmcore_cli("usage", "--db", str(path), "--by", "day,provider,model,key")
    assert table.returncode == 0 and key_id(key_a) in table.stdout and "KEY" in table.stdout
    for key in (key_a, key_b):
        assert key not in r.stdout and key not in table.stdout
        assert key.encode() not in path.read_bytes()
