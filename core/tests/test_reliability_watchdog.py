"""Long total bounds (the default 600 s) are watched by one timer per loop
(:mod:`llmcore.reliability.watchdog`), not a timer per call: the same outcomes
as the precise path — a typed timeout, over a real server — and nothing left
behind (no entry, no pending cancellation) whatever the outcome."""

from __future__ import annotations

import asyncio
import re
import time
from types import SimpleNamespace
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from llmcore.reliability import timeout as T
from llmcore.reliability import watchdog as W
from scripted_server import TOY_KEY, client_for, close_client, toy_json

pytest_plugins = ["reliability_fixtures"]  # fixtures: server, toy, transport
pytestmark = [
    pytest.mark.usefixtures("toy"),
    pytest.mark.skipif(not W.AVAILABLE, reason="Python 3.11+ (Task.uncancel)"),
]


@pytest.fixture()
def quick_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounds from 0.2 s up are watched coarsely, checked every 20 ms (so a test needs no minute)."""
    monkeypatch.setattr(T, "_COARSE_MIN", 0.2)
    monkeypatch.setattr(W, "TICK", 0.02)


def test_default_bound_is_watched_not_timed_per_call() -> None:
    assert T._COARSE_MIN <= 600 and W.COARSE_MIN == 30.0


@pytest.mark.usefixtures("quick_ticks")
def test_a_watched_bound_ends_a_slow_chat(server: Any, transport: str) -> None:
    async def slow(request: Any, s: Any) -> Any:
        await asyncio.sleep(5)
        return toy_json("slow")

    server.handler = slow
    client = client_for(transport)
    m = llmcore.model(
        "toy/toy-1",
        api_key=TOY_KEY,
        base_url=server.url + "/v1",
        http_client=client,
        retry=False,
        timeouts={"total": 0.3},
    )

    async def main() -> tuple[float, set[Any]]:
        t = time.monotonic()
        with pytest.raises(E.ProviderTimeoutError, match=re.escape("within 0.3s (total timeout)")):
            await m.achat("x")
        took = time.monotonic() - t
        await asyncio.sleep(0.01)  # the task is not left cancelled
        task = asyncio.current_task()
        assert task is not None and task.cancelling() == 0
        return took, set(W._last[1].entries) if W._last[1] is not None else set()

    try:
        took, left = asyncio.run(main())
    finally:
        close_client(client)
    assert 0.3 <= took < 2
    assert not left


class _Inner:
    """A provider whose chat waits ``delay`` seconds, then answers (or raises ``error``)."""

    # only its name is read (in a timeout error); no plugin is needed: tests-core installs core alone
    spec = SimpleNamespace(name="inner")

    def __init__(self, delay: float, error: BaseException | None = None) -> None:
        self.delay, self.error = delay, error

    async def chat(self, request: Any) -> Any:
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return "answer"


@pytest.mark.usefixtures("quick_ticks")
def test_outcomes_match_the_precise_path() -> None:
    async def main() -> None:
        fast = T.Timeout(_Inner(0.0), T.TimeoutPolicy(total=0.3))
        assert await fast.chat(None) == "answer"
        with pytest.raises(ValueError, match="boom"):
            await T.Timeout(_Inner(0.0, ValueError("boom")), T.TimeoutPolicy(total=0.3)).chat(None)
        with pytest.raises(E.ProviderTimeoutError, match="total timeout"):  # an inner TimeoutError, as before
            await T.Timeout(_Inner(0.0, TimeoutError()), T.TimeoutPolicy(total=0.3)).chat(None)
        # cancelled from outside before the deadline: a cancellation, not a timeout
        task = asyncio.ensure_future(T.Timeout(_Inner(5), T.TimeoutPolicy(total=0.3)).chat(None))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # the deadline and an outside cancellation together: the cancellation wins
        slow = T.Timeout(_Inner(5), T.TimeoutPolicy(total=0.3))
        task = asyncio.ensure_future(slow.chat(None))
        await asyncio.sleep(0.6)  # the deadline fired (cancelled the task) ...
        task.cancel()  # ... and so does the caller, before the task ran again
        with pytest.raises((asyncio.CancelledError, E.ProviderTimeoutError)):
            await task
        w = W._last[1]
        assert w is not None and not w.entries
        await asyncio.sleep(0.1)
        assert w.handle is None  # no timer left once nothing is watched

    asyncio.run(main())


class _Swallower(_Inner):
    """A provider that catches the cancellation and answers anyway."""

    async def chat(self, request: Any) -> Any:
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            return "late"
        return "answer"


@pytest.mark.usefixtures("quick_ticks")
def test_a_fired_deadline_is_withdrawn_even_when_the_work_swallows_it() -> None:
    """As with asyncio.timeout: the task is not left with a pending cancellation."""

    async def main() -> None:
        assert await T.Timeout(_Swallower(5), T.TimeoutPolicy(total=0.3)).chat(None) == "late"
        task = asyncio.current_task()
        assert task is not None and task.cancelling() == 0
        await asyncio.sleep(0.01)

    asyncio.run(main())
