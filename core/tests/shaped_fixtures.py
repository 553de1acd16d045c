"""Fixtures for the structured/cache/usage tests (``pytest_plugins = ["shaped_fixtures"]``).

``shaped`` registers only the shaped test providers and points the cache,
data (usage log) and price settings at a temporary folder; ``server`` is a
real local HTTP server each test scripts (from ``reliability_fixtures``);
``redis_url`` starts a real ``redis-server`` on a free loopback port.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import llmcore
import llmcore.cache
import pytest
from scripted_server import ScriptedServer, running


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedServer]:
    with running() as s:
        yield s


@pytest.fixture
def server(scripted: ScriptedServer) -> Iterator[ScriptedServer]:
    scripted.reset()
    yield scripted
    scripted.wait_idle(5)


@pytest.fixture
def shaped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Only the shaped providers are registered; cache/usage files go to ``tmp_path``."""
    import shaped_provider
    from llmcore.plugins import register, reset
    from llmcore.usage import clear_prices

    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    monkeypatch.setenv("LLMCORE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LLMCORE_DATA_DIR", str(tmp_path / "data"))
    for var in ("LLMCORE_USAGE_LOG", "LLMCORE_CACHE", "LLMCORE_PRICES"):
        monkeypatch.delenv(var, raising=False)
    reset()
    clear_prices()
    llmcore.cache.reset()
    register(shaped_provider.plugin, "shaped")
    yield tmp_path
    reset()
    clear_prices()
    llmcore.cache.reset()


@pytest.fixture
def make_model(server: ScriptedServer, shaped: Path) -> Callable[..., llmcore.Model]:
    """``make_model("shaped-schema", **options)`` → a model on the scripted server, retries off."""
    from shaped_provider import KEY

    def make(provider: str = "shaped-schema", model: str = "shaped-1", **options: Any) -> llmcore.Model:
        options.setdefault("api_key", KEY)
        options.setdefault("retry", False)
        return llmcore.model(f"{provider}/{model}", base_url=server.url + "/v1", **options)

    return make


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free loopback port (skipped when the binary is missing)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server); Redis tests need a real server")
    pytest.importorskip("redis", reason="the redis client is not installed (pip install 'llmcore-core[redis]')")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as c:
                    c.sendall(b"PING\r\n")
                    if c.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)
