"""Retry middleware against the real toy server."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator

import llmcore
import pytest
from llmcore import errors as E
from llmcore.plugins import register, reset
from llmcore.reliability import RetryPolicy

KEY = "toy-secret-key-123"
FAST = RetryPolicy(max_attempts=3, initial_backoff=0.01, max_backoff=0.05)


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import toy_provider

    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    reset()
    register(toy_provider.plugin, "toy")
    yield
    reset()


def _hits(prefix: str) -> int:
    import conftest

    return conftest.FLAKY.get(prefix, 0)


def test_transient_failures_are_retried(toy_server: str) -> None:
    m = llmcore.model("toy/toy-1", api_key=KEY, base_url=toy_server, retry=FAST)
    assert m.chat("flaky-a-2").text == "flaky-a-2"
    assert _hits("a") == 3 and m.provider.retries == 2  # type: ignore[attr-defined]


def test_attempts_are_bounded(toy_server: str) -> None:
    m = llmcore.model("toy/toy-1", api_key=KEY, base_url=toy_server, retry=FAST)
    with pytest.raises(E.ProviderServerError):
        m.chat("flaky-b-5")
    assert _hits("b") == 3


def test_streams_retry_before_the_first_event(toy_server: str) -> None:
    m = llmcore.model("toy/toy-1", api_key=KEY, base_url=toy_server, retry=FAST)
    assert "".join(m.stream("flaky-c-1").texts()) == "flaky-c-1"
    assert _hits("c") == 2


def test_streams_are_not_replayed_after_an_event_and_keep_the_partial(toy_server: str) -> None:
    import conftest

    m = llmcore.model("toy/toy-1", api_key=KEY, base_url=toy_server, retry=FAST)
    before = conftest.HITS.count("/v1/chat")
    seen: list[str] = []
    with pytest.raises(E.LLMCoreError) as ei:
        for text in m.stream("cut").texts():
            seen.append(text)
    assert seen == ["part", "ial"]
    assert conftest.HITS.count("/v1/chat") == before + 1, "a started stream was retried"
    assert isinstance(ei.value, (E.ProviderConnectionError, E.ProviderResponseError))
    assert ei.value.partial.text == "partial"  # type: ignore[attr-defined]


def test_non_retryable_errors_are_not_retried(toy_server: str) -> None:
    m = llmcore.model("toy/toy-1", api_key="wrong-key-xyz-000", base_url=toy_server, retry=FAST)
    with pytest.raises(E.AuthenticationError):
        m.chat("hi")
    assert m.provider.retries == 0  # type: ignore[attr-defined]


def test_retry_after_is_honoured_and_bounded_by_the_budget(toy_server: str) -> None:
    # the server asks for 7 s; a 1 s budget gives up at once instead of sleeping
    m = llmcore.model("toy/toy-1", api_key=KEY, base_url=toy_server, retry=RetryPolicy(max_attempts=3, max_total=1.0))
    import time

    t = time.monotonic()
    with pytest.raises(E.RateLimitError) as ei:
        m.chat("rate")
    assert time.monotonic() - t < 1.0 and ei.value.retry_after == 7.0


def test_backoff_is_full_jitter_and_respects_retry_after() -> None:
    p = RetryPolicy(initial_backoff=1.0, max_backoff=4.0)
    rnd = random.Random(1)
    err = E.ProviderServerError("x")
    waits = [p.backoff(n, err, rnd) for n in (1, 2, 3, 4, 5) for _ in range(200)]
    assert min(waits) >= 0 and max(waits) <= 4.0
    assert max(p.backoff(1, err, rnd) for _ in range(200)) <= 1.0
    assert p.backoff(1, E.RateLimitError("x", retry_after=9.0), rnd) >= 9.0


def test_retry_option_forms() -> None:
    from llmcore.reliability.retry import coerce_retry as _retry_policy

    assert _retry_policy(False) is None and _retry_policy(0) is None
    assert _retry_policy(5).max_attempts == 5
    assert _retry_policy(True) == RetryPolicy()
    with pytest.raises(E.ConfigurationError):
        _retry_policy("often")


def test_async_concurrent_calls_share_one_client(toy_server: str) -> None:
    async def go() -> list[str]:
        m = llmcore.model("toy/toy-1", api_key=KEY, base_url=toy_server)
        out = await asyncio.gather(*(m.achat(f"n {i}") for i in range(50)))
        return [r.text for r in out]

    assert asyncio.run(go()) == [f"n {i}" for i in range(50)]
