"""Rate-limit headers: parsing each dialect, and 429s without Retry-After
taking their wait from the reset headers (through a real server)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import httpx
import llmcore
import pytest
from llmcore import errors as E
from llmcore.http.errors import error_for_status
from llmcore.reliability.headers import parse_duration, parse_rate_limit_headers, parse_reset, reset_delay
from scripted_server import TOY_KEY, toy_error

pytest_plugins = ["reliability_fixtures"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1s", 1.0),
        ("6m0s", 360.0),
        ("20ms", 0.02),
        ("1h2m3.5s", 3723.5),
        ("0.5", 0.5),
        ("12", 12.0),
        ("1.5s", 1.5),
        ("250us", 0.00025),
    ],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "soon", "5x", "1s2", "m"])
def test_bad_durations(text: str) -> None:
    assert parse_duration(text) is None


def test_reset_forms() -> None:
    now = time.time()
    in_3s = datetime.fromtimestamp(now + 3, tz=timezone.utc).isoformat().replace("+00:00", "Z")
    assert parse_reset(in_3s, now=now) == pytest.approx(3.0, abs=0.01)
    assert parse_reset("2000-01-01T00:00:00Z", now=now) == 0.0  # in the past: no wait
    assert parse_reset(str(int(now) + 7), now=int(now)) == pytest.approx(7.0)  # a Unix time
    assert parse_reset("2025-01-01T00:00:00", now=now) is None  # no zone: ambiguous
    assert parse_reset("garbage") is None


def test_openai_headers() -> None:
    h = httpx.Headers(
        {
            "x-ratelimit-limit-requests": "500",
            "x-ratelimit-remaining-requests": "499",
            "x-ratelimit-reset-requests": "120ms",
            "x-ratelimit-limit-tokens": "30000",
            "x-ratelimit-remaining-tokens": "0",
            "x-ratelimit-reset-tokens": "6m0s",
        }
    )
    snap = parse_rate_limit_headers(h)
    assert snap.dimensions["requests"].remaining == 499 and snap.dimensions["requests"].reset == pytest.approx(0.12)
    assert snap.dimensions["tokens"].fraction == 0 and snap.exhausted == ["tokens"]
    assert reset_delay(h) == pytest.approx(360.0)  # the exhausted dimension decides


def test_anthropic_headers() -> None:
    reset = (datetime.now(timezone.utc) + timedelta(seconds=20)).isoformat()
    h = httpx.Headers(
        {
            "anthropic-ratelimit-requests-limit": "50",
            "anthropic-ratelimit-requests-remaining": "0",
            "anthropic-ratelimit-requests-reset": reset,
            "anthropic-ratelimit-input-tokens-limit": "40000",
            "anthropic-ratelimit-input-tokens-remaining": "39000",
        }
    )
    snap = parse_rate_limit_headers(h)
    assert set(snap.dimensions) == {"requests", "input_tokens"}
    assert snap.dimensions["requests"].reset == pytest.approx(20, abs=1)
    assert reset_delay(h) == pytest.approx(20, abs=1)


def test_generic_headers_and_none() -> None:
    assert parse_rate_limit_headers(
        httpx.Headers({"x-ratelimit-remaining": "3", "x-ratelimit-limit": "10"})
    ).dimensions["requests"].fraction == pytest.approx(0.3)
    assert not parse_rate_limit_headers(httpx.Headers({"content-type": "application/json"}))
    assert reset_delay(httpx.Headers({})) is None


def test_retry_after_wins_over_reset_headers() -> None:
    h = httpx.Headers({"retry-after": "2", "x-ratelimit-reset-requests": "30s", "x-ratelimit-remaining-requests": "0"})
    assert error_for_status(429, "slow", provider="p", headers=h).retry_after == 2.0
    h2 = httpx.Headers({"x-ratelimit-reset-requests": "30s", "x-ratelimit-remaining-requests": "0"})
    assert error_for_status(429, "slow", provider="p", headers=h2).retry_after == pytest.approx(30.0)
    # only 429s read reset headers: a 500 says nothing about rate windows
    assert error_for_status(500, "x", provider="p", headers=h2).retry_after is None


@pytest.mark.usefixtures("toy")
def test_a_real_429_without_retry_after_waits_for_the_reset(server) -> None:  # type: ignore[no-untyped-def]
    async def limited(request, s):  # type: ignore[no-untyped-def]
        if s.hits == 1:
            return toy_error(
                429,
                "rate limited",
                headers={"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "300ms"},
            )
        from scripted_server import toy_json

        return toy_json("ok")

    server.handler = limited
    m = llmcore.model(
        "toy/toy-1",
        api_key=TOY_KEY,
        base_url=server.url + "/v1",
        retry=llmcore.reliability.RetryPolicy(max_attempts=2, initial_backoff=0.0),
    )
    t = time.monotonic()
    assert m.chat("hi").text == "ok"
    waited = time.monotonic() - t
    assert 0.28 < waited < 2.0  # the reset, not an immediate retry
    assert server.hits == 2

    server.reset()
    server.handler = limited
    m2 = llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", retry=False)
    with pytest.raises(E.RateLimitError) as ei:
        m2.chat("hi")
    assert ei.value.retry_after == pytest.approx(0.3)
