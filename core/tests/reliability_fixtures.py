"""Fixtures for the reliability tests (load with ``pytest_plugins = ["reliability_fixtures"]``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scripted_server import ScriptedServer, running


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedServer]:
    with running() as s:
        yield s


@pytest.fixture
def server(scripted: ScriptedServer) -> Iterator[ScriptedServer]:
    """The module's scripted server, counters reset; ``server.url + '/v1'`` is the toy base URL."""
    scripted.reset()
    yield scripted
    scripted.wait_idle(5)


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the toy provider is registered."""
    from llmcore.plugins import register, reset
    from llmcore.reliability.stack import reset_shared_state

    import toy_provider

    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    monkeypatch.delenv("LLMCORE_GLOBAL_CONCURRENCY", raising=False)
    monkeypatch.delenv("TOY_API_KEYS", raising=False)
    reset()
    register(toy_provider.plugin, "toy")
    reset_shared_state()
    yield
    reset()
    reset_shared_state()


@pytest.fixture(params=["httpx", "aiohttp", "shared"])
def transport(request: pytest.FixtureRequest) -> str:
    """An injected client on each transport, or ``"shared"``: the default client."""
    return str(request.param)
