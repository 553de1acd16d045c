"""Token buckets (requests/min, tokens/min): the bucket arithmetic with a fake
clock, and the middleware against a real server (arrival times measured
server-side)."""

from __future__ import annotations

import asyncio
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from llmcore.hookspecs import hookimpl
from llmcore.plugins import register
from llmcore.reliability import RateLimit, RateLimitPolicy, TokenBucket, find_layer
from llmcore.spec import Capabilities, ProviderSpec
from scripted_server import TOY_KEY, toy_error, toy_json, toy_stream

pytest_plugins = ["reliability_fixtures"]


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_bucket_reserves_ahead_fifo_and_refills() -> None:
    clock = Clock()
    b = TokenBucket(capacity=3, refill_per_second=2, clock=clock)
    assert [b.reserve_now(1) for _ in range(3)] == [0, 0, 0]
    # empty: each further caller waits one more refill step (FIFO debt)
    assert b.reserve_now(1) == pytest.approx(0.5)
    assert b.reserve_now(1) == pytest.approx(1.0)
    clock.t += 1.0
    s = b.status()
    assert s.available == pytest.approx(0.0) and s.capacity == 3 and s.refill_per_second == 2
    clock.t += 10
    assert b.status().available == 3  # never above capacity
    b.adjust_now(-5)
    assert b.status().available == -2
    b.reset()
    assert b.status().available == 3
    assert b.status().refill_per_minute == 120


def test_bucket_rejects_impossible_rates() -> None:
    with pytest.raises(E.ConfigurationError):
        TokenBucket(0, 1)
    with pytest.raises(E.ConfigurationError):
        RateLimitPolicy(requests_per_minute=-1)
    with pytest.raises(E.ConfigurationError, match="backend"):
        RateLimitPolicy(requests_per_minute=1, backend="memcached://x")
    with pytest.raises(E.ConfigurationError, match="rpm"):
        RateLimitPolicy.coerce({"rpm": 5})


@pytest.mark.usefixtures("toy")
def test_requests_per_minute_spaces_arrivals(server) -> None:  # type: ignore[no-untyped-def]
    async def ok(request, s):  # type: ignore[no-untyped-def]
        return toy_json("ok")

    server.handler = ok
    # 600/min = 10/s, burst 2: 12 concurrent calls need ~1 s
    m = llmcore.model(
        "toy/toy-1",
        api_key=TOY_KEY,
        base_url=server.url + "/v1",
        rate_limit={"requests_per_minute": 600, "request_burst": 2},
    )

    layer = find_layer(m.provider, RateLimit)

    async def go() -> None:
        await asyncio.gather(*(m.achat("warm up") for _ in range(2)))  # open connections first
        layer.reset()
        server.arrivals.clear()
        await asyncio.gather(*(m.achat("hi") for _ in range(12)))

    asyncio.run(go())
    arrivals = sorted(server.arrivals)
    t0 = arrivals[0]
    for i, t in enumerate(arrivals):
        # the i-th request may arrive no earlier than (i - burst + 1) refills after the first
        assert t - t0 >= max(0, i - 1) / 10 - 0.03, (i, t - t0)
    assert arrivals[-1] - t0 == pytest.approx(1.0, abs=0.25)
    assert layer.waited > 0 and layer.status()["tokens"] is None


@pytest.mark.usefixtures("toy")
def test_tokens_are_estimated_then_corrected_from_usage(server) -> None:  # type: ignore[no-untyped-def]
    async def ok(request, s):  # type: ignore[no-untyped-def]
        from scripted_server import prompt_of

        if request[__import__("scripted_server").BODY].get("stream"):
            words = prompt_of(request).split()
            return await toy_stream(request, [w if i == 0 else " " + w for i, w in enumerate(words)])
        return toy_json(prompt_of(request))

    server.handler = ok
    m = llmcore.model(
        "toy/toy-1",
        api_key=TOY_KEY,
        base_url=server.url + "/v1",
        rate_limit=RateLimitPolicy(tokens_per_minute=60, token_burst=6000),
    )
    layer = find_layer(m.provider, RateLimit)
    prompt = "one two three four five six seven eight"
    est = asyncio.run(layer.estimate(m.request(prompt)[0]))
    assert est == llmcore.tokens.estimate_tokens(m.request(prompt)[0]).input_tokens  # toy counts by estimate
    r = m.chat(prompt)
    actual = r.usage.input_tokens + r.usage.output_tokens  # 8 + 8 as the server reports
    assert actual == 16 and layer.corrected == 1
    avail = layer.status()["tokens"].available  # type: ignore[union-attr]
    assert avail == pytest.approx(6000 - actual, abs=3)  # corrected to usage (refill: 1 token/s)
    # max_tokens is reserved too, then corrected the same way on a stream
    layer.tokens.adjust_now(-5000)  # type: ignore[union-attr]
    before = layer.status()["tokens"].available  # type: ignore[union-attr]
    assert "".join(m.stream(prompt, max_tokens=50).texts()) == "one two three four five six seven eight"
    after = layer.status()["tokens"].available  # type: ignore[union-attr]
    assert before - after == pytest.approx(actual, abs=5)
    layer.reset()
    assert layer.status()["tokens"].available == 6000  # type: ignore[union-attr]


@pytest.mark.usefixtures("toy")
def test_refused_calls_give_their_tokens_back(server) -> None:  # type: ignore[no-untyped-def]
    async def limited(request, s):  # type: ignore[no-untyped-def]
        return toy_error(429, "slow down")

    server.handler = limited
    m = llmcore.model(
        "toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", retry=False, rate_limit={"tokens_per_minute": 6000}
    )
    with pytest.raises(E.RateLimitError):
        m.chat("a b c d e f g h i j k l m n o p")
    assert find_layer(m.provider, RateLimit).status()["tokens"].available == pytest.approx(6000)


@pytest.mark.usefixtures("toy")
def test_two_models_with_the_same_name_share_buckets(server) -> None:  # type: ignore[no-untyped-def]
    async def ok(request, s):  # type: ignore[no-untyped-def]
        return toy_json("ok")

    server.handler = ok
    kw: dict[str, Any] = {
        "api_key": TOY_KEY,
        "base_url": server.url + "/v1",
        "rate_limit": {"requests_per_minute": 60, "request_burst": 5},
    }
    a, b = llmcore.model("toy/toy-1", **kw), llmcore.model("toy/toy-1", **kw)
    a.chat("x")
    b.chat("y")
    assert find_layer(a.provider, RateLimit).status()["requests"].available == pytest.approx(3, abs=0.1)
    other = llmcore.model("toy/toy-2", **kw)  # another model: its own bucket
    assert find_layer(other.provider, RateLimit).status()["requests"].available == pytest.approx(5)


# -- a provider whose count_tokens is a network call must not be called --------

API_SPEC = ProviderSpec(
    name="toyapi",
    factory="test_reliability_ratelimit:ApiCountingToy",
    env_keys=("TOY_API_KEY",),
    capabilities=Capabilities(count_tokens="api"),
)


def _make_api_toy() -> type:
    from llmcore.types import TokenCount

    import toy_provider

    class ApiCountingToy(toy_provider.ToyProvider):
        spec = API_SPEC

        async def count_tokens(self, request):  # type: ignore[no-untyped-def]
            await self.request_json("POST", "count", {"n": 1})
            return TokenCount(input_tokens=1, method="api")

    return ApiCountingToy


ApiCountingToy = _make_api_toy()


class _api_plugin:
    @staticmethod
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        return [API_SPEC]


@pytest.mark.usefixtures("toy")
def test_an_api_token_count_is_never_used_for_estimates(server) -> None:  # type: ignore[no-untyped-def]
    async def ok(request, s):  # type: ignore[no-untyped-def]
        return toy_json("ok")

    server.handler = ok
    register(_api_plugin, "toyapi")
    m = llmcore.model("toyapi/x", api_key=TOY_KEY, base_url=server.url + "/v1", rate_limit={"tokens_per_minute": 10000})
    m.chat("a b c")
    assert [r["path"] for r in server.requests] == ["/v1/chat"]  # no /v1/count call
