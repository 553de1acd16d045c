"""llmcore.router: the cheapest capable model per request, against a real local
server; capability filters (tools, vision, structured output, context
window, output limit), price sources, model data, fallback inside the plan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore import errors as E
from llmcore.hookspecs import hookimpl
from llmcore.plugins import register
from llmcore.routing import ModelInfo, Price, model_info, register_model_info, set_price_source
from llmcore.routing.catalog import _reset as reset_catalog
from llmcore.routing.prices import coerce_price
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import ImagePart, Message, TextPart
from scripted_server import BODY, TOY_KEY, ScriptedServer, prompt_of, toy_error, toy_json

pytest_plugins = ["reliability_fixtures"]


def _spec(name: str, **caps: Any) -> ProviderSpec:
    return ProviderSpec(
        name=name,
        factory="toy_provider:ToyProvider",
        env_keys=("TOY_API_KEY",),
        base_url="http://127.0.0.1:9/v1",
        capabilities=Capabilities(**caps),
    )


class _plugin:
    @staticmethod
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        return [
            _spec("plain"),  # text only
            _spec("tooly", tools=True, structured_output=("json_schema",), reasoning=True),
            _spec("seeing", tools=True, vision=True, structured_output=("json_schema", "json_object")),
        ]


@pytest.fixture
def providers(toy: None) -> Iterator[None]:
    register(_plugin, "routing-test")
    reset_catalog()
    set_price_source(None)
    yield
    reset_catalog()
    set_price_source(None)


async def answer(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
    model = request[BODY]["model"]
    if model.endswith("-busy"):
        return toy_error(429, "busy")
    return toy_json(f"{model}: {prompt_of(request)}")


PRICES = {"plain/p-1": (0.1, 0.4), "tooly/t-1": (1.0, 4.0), "seeing/s-1": (3.0, 15.0)}


def _router(server: ScriptedServer, names: list[str] | None = None, **kw: Any) -> llmcore.Router:
    names = names or ["seeing/s-1", "tooly/t-1", "plain/p-1"]
    kw.setdefault("prices", PRICES)
    return llmcore.router(names, api_key=TOY_KEY, base_url=server.url + "/v1", retry=False, **kw)


def _served(server: ScriptedServer) -> list[str]:
    return [r["body"]["model"] for r in server.requests]


WEATHER = {"name": "weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}
IMAGE = [Message(role="user", content=[TextPart(text="what is this?"), ImagePart(url="https://x.test/a.png")])]


def test_cheapest_model_serves_a_plain_request(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    r = _router(server)
    resp = r.chat("hello")
    assert resp.text == "p-1: hello" and _served(server) == ["p-1"]
    assert resp.provider_metadata["routing"]["model"] == "plain/p-1"


def test_tools_skip_models_without_tool_calling(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    resp = _router(server).chat("weather in Paris?", tools=[WEATHER])
    assert resp.text.startswith("t-1:") and _served(server) == ["t-1"]


def test_images_need_vision(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    resp = _router(server).chat(IMAGE)
    assert resp.text.startswith("s-1:") and _served(server) == ["s-1"]


def test_structured_output_needs_a_structured_mode(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    plan = _router(server).explain("json please", response_format={"type": "json_object"})
    assert [(c.name, c.reason) for c in plan][:2] == [("tooly/t-1", None), ("seeing/s-1", None)]
    assert plan[2].name == "plain/p-1" and plan[2].reason == "no structured output"


def test_context_window_and_output_limit_are_checked(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    register_model_info("p-1", context_window=60, max_output_tokens=100)
    r = _router(server)
    long_prompt = "word " * 200  # ~250 tokens estimated
    plan = r.explain(long_prompt)
    p = next(c for c in plan if c.name == "plain/p-1")
    assert p.reason is not None and "context window of 60" in p.reason
    assert r.chat(long_prompt).text.startswith("t-1:")  # the next cheapest that fits
    assert r.chat("short", max_tokens=20).text.startswith("p-1:")
    limited = r.explain("short", max_tokens=500)
    assert next(c for c in limited if c.name == "plain/p-1").reason == "max_tokens 500 is over its output limit 100"


def test_model_data_can_deny_a_capability_the_provider_has(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    register_model_info("t-1", tools=False)
    resp = _router(server).chat("tools?", tools=[WEATHER])
    assert resp.text.startswith("s-1:")


def test_no_capable_model_is_a_typed_error_before_the_network(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    r = _router(server, ["plain/p-1", "tooly/t-1"])
    with pytest.raises(E.UnsupportedFeatureError) as ei:
        r.chat(IMAGE)
    assert "plain/p-1: " in str(ei.value) and "tooly/t-1: " in str(ei.value) and "vision" in str(ei.value)
    assert server.hits == 0
    with pytest.raises(E.InvalidRequestError, match="unknown parameter"):
        r.chat("x", temprature=0.1)
    assert server.hits == 0


def test_rate_limited_cheapest_falls_back_to_the_next(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    prices = {"plain/p-busy": (0.1, 0.1), "tooly/t-1": (1.0, 1.0), "seeing/s-1": (2.0, 2.0)}
    r = _router(server, ["seeing/s-1", "plain/p-busy", "tooly/t-1"], prices=prices)
    resp = r.chat("hi")
    assert resp.text == "t-1: hi" and _served(server) == ["p-busy", "t-1"]
    only_first = _router(server, ["plain/p-busy", "tooly/t-1"], prices=prices, fallback=False)
    with pytest.raises(E.RateLimitError):
        only_first.chat("hi")


def test_by_order_and_unknown_prices(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    assert _router(server, by="order").chat("o").text.startswith("s-1:")
    # tooly has no price: priced models first (cheapest first), unknown after
    partial = {"seeing/s-1": (3.0, 15.0), "plain/p-1": (0.1, 0.4)}
    plan = _router(server, ["tooly/t-1", "seeing/s-1", "plain/p-1"], prices=partial).explain("x")
    assert [c.name for c in plan] == ["plain/p-1", "seeing/s-1", "tooly/t-1"]
    assert plan[2].estimated_cost is None and plan[0].estimated_cost is not None


def test_cost_estimate_uses_max_tokens_and_the_price_source(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    calls: list[tuple[str, str]] = []

    def source(provider: str, model_id: str) -> Any:
        calls.append((provider, model_id))
        # output is what matters here: s-1 is cheap on output, p-1 on input
        return {"s-1": Price(5.0, 0.1), "p-1": Price(0.1, 50.0), "t-1": Price(10.0, 10.0)}[model_id]

    set_price_source(source)
    r = _router(server, prices=None)
    prompt = "many words in this question " * 20  # ~140 input tokens
    short_answer = r.explain(prompt, max_tokens=1)
    long_answer = r.explain(prompt, max_tokens=4000)
    assert short_answer[0].name == "plain/p-1" and long_answer[0].name == "seeing/s-1"
    c = long_answer[0]
    assert c.output_tokens == 4000 and c.estimated_cost == pytest.approx(
        Price(5.0, 0.1).estimate(c.input_tokens or 0, 4000)
    )
    assert ("seeing", "s-1") in calls


def test_router_is_a_model_for_generate_and_streams(server: ScriptedServer, providers: None) -> None:
    server.handler = answer
    r = _router(server)
    results = llmcore.generate(r, ["a", IMAGE], concurrency=2, progress=False)
    assert results[0].text == "p-1: a" and results[1].text.startswith("s-1:")  # type: ignore[union-attr]


def test_builtin_model_data_matches_dated_and_routed_ids() -> None:
    reset_catalog()
    haiku = model_info("anthropic", "claude-3-5-haiku-20241022")
    assert haiku is not None and haiku.context_window == 200_000 and haiku.max_output_tokens == 8_192
    mini = model_info("openai", "gpt-4o-mini-2024-07-18")
    assert mini is not None and mini.context_window == 128_000
    assert model_info("openrouter", "google/gemini-2.5-flash") == model_info("gemini", "gemini-2.5-flash")
    assert model_info("toy", "nothing-known") is None
    register_model_info("toy/nothing-known", ModelInfo(context_window=10))
    assert model_info("toy", "nothing-known") == ModelInfo(context_window=10)
    assert model_info("other", "nothing-known") is None  # an exact name is not a prefix
    reset_catalog()


def test_price_shapes() -> None:
    assert coerce_price((1, 2)) == Price(1.0, 2.0)
    assert coerce_price({"input_per_token": 1e-6, "output_per_token": 2e-6}) == Price(1.0, 2.0)

    class P:
        input_cost_per_mtok = 3
        output_cost_per_mtok = 4

    assert coerce_price(P()) == Price(3.0, 4.0)
    assert coerce_price("free") is None and coerce_price(None) is None
    assert Price(2.0, 8.0).estimate(1_000_000, 500_000) == pytest.approx(6.0)


def test_router_rejects_non_models(providers: None) -> None:
    class Duck:
        async def achat(self, m: Any, **kw: Any) -> Any:
            return None

    with pytest.raises(E.ConfigurationError, match="router needs"):
        llmcore.router([Duck()])
    with pytest.raises(E.ConfigurationError, match="by="):
        llmcore.router(["plain/p-1"], by="speed", api_key=TOY_KEY)  # type: ignore[arg-type]


def test_prices_come_from_the_usage_accounting(server: ScriptedServer, providers: None) -> None:
    from llmcore.usage import clear_prices, set_prices

    server.handler = answer
    try:
        set_prices("seeing", {"s-1": {"input": 0.01, "output": 0.01}})
        set_prices("plain", {"p-1": {"input": 5.0, "output": 5.0}})
        plan = _router(server, prices=None).explain("hello")
        assert [c.name for c in plan] == ["seeing/s-1", "plain/p-1", "tooly/t-1"]  # t-1 has no price
        assert plan[0].price == Price(0.01, 0.01)
    finally:
        clear_prices()
