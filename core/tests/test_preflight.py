"""Checks before the network: the context window (from the model catalogue)
and budgets (per model, shared, per process). A refused call sends nothing."""

from __future__ import annotations

from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore import catalogue
from llmcore.errors import BudgetExceededError, ConfigurationError, ContextWindowExceededError
from llmcore.usage import Budget, set_budget
from scripted_server import ScriptedServer
from shaped_provider import answer

pytest_plugins = ["shaped_fixtures"]

USAGE = {"in": 1000, "out": 200, "cached": 400}
COST = (600 * 2.0 + 400 * 0.5 + 200 * 8.0) / 1e6  # shaped-1's price (the plugin's price file)


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("LLMCORE_CONTEXT_CHECK", raising=False)
    catalogue.clear_overrides()
    set_budget(None)
    yield
    catalogue.clear_overrides()
    set_budget(None)


@pytest.fixture
def answering(server: ScriptedServer) -> ScriptedServer:
    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return answer("ok", usage=USAGE)

    server.handler = handler
    return server


def test_a_prompt_over_the_window_is_refused_before_the_network(answering: ScriptedServer, make_model: Any) -> None:
    catalogue.add_models("shaped-schema", {"shaped-1": {"context": 1000}})
    m = make_model()
    with pytest.raises(ContextWindowExceededError) as e:
        m.chat("word " * 2000)  # ~2,500 tokens estimated
    msg = str(e.value)
    assert "an estimate" in msg and "context window of 1,000 tokens" in msg and "nothing was sent" in msg
    assert e.value.provider == "shaped-schema" and answering.hits == 0
    with pytest.raises(ContextWindowExceededError, match="max_tokens 5,000"):
        m.chat("short", max_tokens=5000)
    with pytest.raises(ContextWindowExceededError):
        list(m.stream("word " * 2000))
    assert answering.hits == 0
    assert m.chat("word " * 100).text == "ok"  # fits: sent
    assert m.chat("x" * 4300).text == "ok"  # ~1,080 estimated: within the estimate's margin, the provider decides
    assert answering.hits == 2


def test_the_check_can_be_turned_off_and_unknown_windows_are_not_checked(
    answering: ScriptedServer, make_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = make_model()
    assert m.chat("word " * 5000).text == "ok"  # no window known for shaped-1: sent
    catalogue.add_models("shaped-schema", {"shaped-1": {"context": 1000}})
    monkeypatch.setenv("LLMCORE_CONTEXT_CHECK", "0")
    assert m.chat("word " * 5000).text == "ok"
    assert answering.hits == 2


def test_model_budget(answering: ScriptedServer, make_model: Any) -> None:
    m = make_model(budget=2.5 * COST)
    m.chat("a")
    m.chat("b")
    assert m.budget is not None and m.budget.spent == pytest.approx(2 * COST)
    with pytest.raises(BudgetExceededError) as e:
        m.chat("c", max_tokens=200)  # estimated ~5 input + 200 output at $8/M: over the 0.5 * COST left
    assert answering.hits == 2
    assert e.value.spent == pytest.approx(2 * COST) and e.value.limit == pytest.approx(2.5 * COST)
    assert "nothing was sent" in str(e.value)
    m.budget.reset()
    m.chat("d")
    assert answering.hits == 3


def test_shared_and_process_budgets(answering: ScriptedServer, make_model: Any) -> None:
    shared = Budget(1.5 * COST, name="the team budget")
    a, b = make_model(budget=shared), make_model(budget=shared)
    a.chat("x")
    with pytest.raises(BudgetExceededError, match="the team budget"):
        b.chat("y", max_tokens=1000)
    assert shared.spent == pytest.approx(COST)
    pb = set_budget(COST / 2)
    with pytest.raises(BudgetExceededError, match="the process budget"):
        make_model().chat("z", max_tokens=1000)
    set_budget(10.0)
    make_model().chat("z")
    assert llmcore.usage.process_budget().spent == pytest.approx(COST)  # type: ignore[union-attr]
    assert pb is not None and pb.spent == 0.0
    assert answering.hits == 2


def test_a_budget_needs_a_price(answering: ScriptedServer, make_model: Any) -> None:
    m = make_model(model="unpriced-model", budget=1.0)
    with pytest.raises(ConfigurationError, match="no known price"):
        m.chat("a")
    assert answering.hits == 0
    with pytest.raises(ConfigurationError, match="non-negative"):
        make_model(budget=-1)


def test_the_fast_estimate_counts_what_request_text_holds() -> None:
    """The pre-network check counts characters without building the text: the same number as
    ``len(request_text) / 4`` plus framing, on a request with every kind of text."""
    from llmcore.tokens import _CHARS_PER_TOKEN, _PER_MESSAGE, estimated_input_tokens, request_text
    from llmcore.types import ChatRequest

    req = ChatRequest(
        model="m",
        system="be brief",
        messages=[
            "hello there",
            {
                "role": "assistant",
                "content": "x",
                "tool_calls": [{"id": "1", "function": {"name": "f", "arguments": '{"a":1}'}}],
            },
            {"role": "tool", "tool_call_id": "1", "content": "result"},
        ],
        tools=[{"name": "f", "description": "d", "parameters": {"type": "object"}}],
    )
    want = int(len(request_text(req)) / _CHARS_PER_TOKEN + 0.5) + _PER_MESSAGE * len(req.messages)
    assert estimated_input_tokens(req) == want


def test_the_estimate_margin_is_ten_percent_not_more(answering: ScriptedServer, make_model: Any) -> None:
    """Just past the margin (~1,200 estimated for a window of 1,000) is refused: a check with a far
    larger margin would let every prompt under 2.5x the window through (the test above only probes
    2.5x and the inside of the margin)."""
    catalogue.add_models("shaped-schema", {"shaped-1": {"context": 1000}})
    m = make_model()
    with pytest.raises(ContextWindowExceededError):
        m.chat("x" * 4800)
    assert answering.hits == 0
