"""Built-in tools (llmcore.builtin_tools) on xAI: ``WebSearchTool`` through ``llmcore.model(...)``
with ``api="responses"`` is the ``web_search`` tool of the real recording (ruby_llm,
cassettes/SOURCES.md); on Chat Completions (Live Search retired) it is refused before the network
with the hint to use the Responses API."""

from __future__ import annotations

import json

import llmcore
import pytest
from llmcore.errors import UnsupportedFeatureError
from llmcore.testing import TEST_API_KEY
from llmcore.testing.cassette_server import CassetteServer
from xai_cases import CASSETTES, recorded_request

SEARCH = "ruby_llm__chat_web_search_with_xai_grok-4_3_searches_cites_and_counts_the_sources_it_used.yaml"


def test_web_search_is_the_recorded_responses_tool() -> None:
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model("xai/grok-4.3", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses")
        r = m.chat("Search", tools=[llmcore.WebSearchTool()])
        body = json.loads(srv.received[0].content)
    assert body["tools"] == recorded_request(SEARCH)["tools"] == [{"type": "web_search"}]
    assert r.server_tool_calls or r.citations


def test_xai_takes_blocked_domains() -> None:
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model("xai/grok-4.3", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses")
        m.chat("Search", tools=[llmcore.WebSearchTool(blocked_domains=["example.com"])])
        body = json.loads(srv.received[0].content)
    assert body["tools"] == [{"type": "web_search", "filters": {"excluded_domains": ["example.com"]}}]


@pytest.mark.parametrize(
    ("api", "tool", "says"),
    [("chat", llmcore.WebSearchTool(), "api='responses'"), ("responses", llmcore.CodeExecutionTool(), "openai")],
)
def test_refused_before_the_network(api: str, tool: object, says: str) -> None:
    m = llmcore.model("xai/grok-4.3", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False, api=api)
    with pytest.raises(UnsupportedFeatureError) as e:
        m.chat("hi", tools=[tool])
    assert _names_where_it_is(str(e.value), says) if says.isidentifier() else says in str(e.value)


REPLAY = "ruby_llm__chat_web_search_with_xai_grok-4_3_replays_search_turns_so_the_conversation_can_continue.yaml"


def test_turn_two_with_the_neutral_spec_carries_the_recorded_tools_and_search_item() -> None:
    recorded = recorded_request(REPLAY, 1)
    with CassetteServer.from_cassette(CASSETTES / REPLAY) as srv:
        m = llmcore.model("xai/grok-4.3", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses")
        first = m.chat(recorded["input"][0]["content"], tools=[llmcore.WebSearchTool()])
        m.chat(
            [recorded["input"][0]["content"], first.message, recorded["input"][-1]["content"]],
            tools=[llmcore.WebSearchTool()],
        )
        sent = json.loads(srv.received[-1].content)
    assert sent["tools"] == recorded["tools"]
    calls = [i for i in recorded["input"] if i.get("type") == "web_search_call"]
    assert calls and [i for i in sent["input"] if i.get("type") == "web_search_call"] == calls


def _names_where_it_is(message: str, has_it: str) -> bool:
    """The refusal names ``has_it`` when that provider is installed here (the full dev venv), and
    says no installed provider has the tool when it is not (a plugin's own nox session)."""
    from llmcore.plugins import get_registry

    if get_registry().get(has_it) is not None:
        return has_it in message
    return "no installed provider has it" in message
