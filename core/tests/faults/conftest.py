"""Fault suite fixtures: a real local fault server, both real codecs
(llmcore-openai's ``openai_compatible`` and llmcore-anthropic) over both
transports, and a leak check after every test.

Run it with ``nox -s faults``. Outside that session (e.g. ``nox -s
tests-core``, which installs neither plugin) every test here is skipped
with that reason.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
_MISSING = [m for m in ("llmcore_openai", "llmcore_anthropic", "aiohttp") if importlib.util.find_spec(m) is None]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _MISSING:
        return
    skip = pytest.mark.skip(reason=f"the fault suite needs {', '.join(_MISSING)}: run `nox -s faults`")
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def fault_server() -> Iterator[Any]:
    from scripted_server import running

    with running() as s:
        yield s


@pytest.fixture
def server(fault_server: Any) -> Iterator[Any]:
    fault_server.reset()
    yield fault_server


@pytest.fixture(autouse=True)
def _fresh_reliability_state() -> Iterator[None]:
    from llmcore.reliability.stack import reset_shared_state

    reset_shared_state()
    yield
    reset_shared_state()


@pytest.fixture(params=["openai_compatible", "anthropic"])
def codec(request: pytest.FixtureRequest) -> Any:
    from faults.wire import CODECS

    return CODECS[request.param]


@pytest.fixture(params=["httpx", "aiohttp", "shared"])
def client(request: pytest.FixtureRequest, server: Any) -> Iterator[Any]:
    """The client a test's model uses: a fresh injected client on each
    transport, or ``None`` — the default: the shared client of the sync API's
    loop, whose requests go straight to aiohttp (:mod:`llmcore.http.direct`).
    After the test: no connection may still be checked out of its pool, no
    request may still run on the server, and once the client is closed the
    server holds no socket from it."""
    import time

    from llmcore._sync import run
    from scripted_server import client_for, close_client

    from faults.pools import busy_connections

    if request.param == "shared":
        from llmcore.http.client import aclose_shared_clients, shared_client, shared_direct

        async def open_shared() -> Any:
            await aclose_shared_clients()  # a fresh one for this test
            assert shared_direct() is not None, "expected the direct aiohttp path"
            return shared_client()

        pool_owner = run(open_shared())
        c = None
        close = lambda: run(aclose_shared_clients())
    else:
        pool_owner = c = client_for(request.param)
        close = lambda: close_client(c)
    yield c
    busy = busy_connections(pool_owner)
    idle = server.wait_idle(5)
    close()
    end = time.monotonic() + 5
    while server.open_connections() and time.monotonic() < end:
        time.sleep(0.01)
    assert busy == 0, f"{busy} connection(s) still checked out of the {request.param} pool: leaked"
    assert idle, "a request is still running on the server: the client never closed it"
    assert server.open_connections() == 0, "sockets left open after the client was closed"
