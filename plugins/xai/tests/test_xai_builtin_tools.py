"""Built-in tools (llmcore.builtin_tools) on xAI: ``WebSearchTool`` through ``llmcore.model(...)``
with ``api="responses"`` is the ``web_search`` tool of the real recording (ruby_llm,
cassettes/SOURCES.md); on Chat Completions (Live Search retired) it is refused before the network
with the hint to use the Responses API."""

from __future__ import annotations

import json

import llmcore
import pytest
from llmcore.errors import UnsupportedFeatureError
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
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
    [
        ("chat", llmcore.WebSearchTool(), "api='responses'"),
        ("chat", llmcore.CodeExecutionTool(), "api='responses'"),
        ("responses", llmcore.FileSearchTool(vector_store_ids=["vs_1"]), "openai"),
        ("responses", llmcore.ImageGenerationTool(), "openai"),
    ],
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


def _sent(tools: list[object]) -> dict[str, object]:
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model("xai/grok-4.3", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses")
        m.chat("Search", tools=tools)
        return json.loads(srv.received[0].content)  # type: ignore[no-any-return]


def test_code_execution_is_xais_code_interpreter_entry() -> None:
    """xAI's form (vercel/ai's xAI request echo and xAI's docs): no OpenAI ``container``; one given in the
    tool's provider_options is sent."""
    assert _sent([llmcore.CodeExecutionTool()])["tools"] == [{"type": "code_interpreter"}]
    given = llmcore.CodeExecutionTool(provider_options={"xai": {"container": {"type": "auto"}}})
    assert _sent([given])["tools"] == [{"type": "code_interpreter", "container": {"type": "auto"}}]


def test_mcp_is_xais_entry_without_require_approval() -> None:
    """https://docs.x.ai/developers/tools/remote-mcp: server_url, server_label, server_description,
    allowed_tools, authorization, headers; require_approval is not supported, so not sent."""
    secret = "tok" + "-" + "fragment"  # a fake bearer, built from pieces
    tool = llmcore.MCPServerTool(
        url="https://mcp.example.com/mcp",
        name="docs",
        description="the docs",
        allowed_tools=["search"],
        authorization=secret,
        headers={"X-Team": "a"},
    )
    fn = {"name": "lookup", "parameters": {"type": "object", "properties": {}}}
    body = _sent([fn, tool, llmcore.WebSearchTool()])
    assert body["tools"][0]["type"] == "function"
    assert body["tools"][1:] == [
        {
            "type": "mcp",
            "server_label": "docs",
            "server_url": "https://mcp.example.com/mcp",
            "authorization": secret,
            "allowed_tools": ["search"],
            "headers": {"X-Team": "a"},
            "server_description": "the docs",
        },
        {"type": "web_search"},
    ]


def test_x_search_is_its_own_entry() -> None:
    import llmcore_xai

    tool = llmcore_xai.x_search(
        excluded_x_handles=["@spam"], from_date="2026-01-01", to_date="2026-01-31", enable_video_understanding=True
    )
    assert _sent([tool])["tools"] == [
        {
            "type": "x_search",
            "excluded_x_handles": ["spam"],
            "from_date": "2026-01-01",
            "to_date": "2026-01-31",
            "enable_video_understanding": True,
        }
    ]


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"allowed_x_handles": ["a"], "excluded_x_handles": ["b"]}, "not both"),
        ({"allowed_x_handles": [f"h{i}" for i in range(11)]}, "at most 10"),
        ({"allowed_x_handles": "xai"}, "a list of X handles"),
        ({"from_date": "01/02/2026"}, "YYYY-MM-DD"),
        ({"from_date": "2026-02-01", "to_date": "2026-01-01"}, "after"),
    ],
)
def test_bad_x_search_parameters_are_refused_when_made(kwargs: dict[str, object], says: str) -> None:
    import llmcore_xai
    from llmcore.errors import InvalidRequestError

    with pytest.raises(InvalidRequestError, match=says):
        llmcore_xai.x_search(**kwargs)  # type: ignore[arg-type]
