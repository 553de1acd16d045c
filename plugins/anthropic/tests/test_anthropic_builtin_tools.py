"""Built-in tools (llmcore.builtin_tools) on the Messages API: the neutral specs given in
``tools=[...]`` through ``llmcore.model(...)`` reach the loopback cassette server as the tool
entries of the real recordings (cassettes/SOURCES.md), with the beta header each version needs;
every body is valid against Anthropic's OpenAPI spec; a tool Anthropic has not is refused before
the network."""

from __future__ import annotations

import json
from typing import Any

import anthropic_cases as A
import llmcore
import pytest
from llmcore.errors import UnsupportedFeatureError
from llmcore.types import ChatRequest
from llmcore_anthropic.request import build_messages_body
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.openapi import load_spec

SEARCH = "ruby_llm__chat_web_search_with_anthropic_claude-haiku-4-5_searches_cites_and_reports_tool_usage.yaml"
SEARCH_STREAM = "pydantic-ai__test_anthropic_web_search_tool_stream.yaml"
WEB_FETCH = "ellmer__anthropic-web-fetch.yaml"
CODE = (
    "ruby_llm__chat_code_execution_with_anthropic_claude-haiku-4-5_runs_code_server-side_and_returns_the_result_blocks"
    ".yaml"
)


def _sent(
    cassette: str, tools: list[Any], *, stream: bool = False, spec: bool = True, path: str = "/v1/messages"
) -> tuple[dict[str, Any], Any]:
    """The body and headers llmcore sent for ``tools`` to a server replaying ``cassette`` (checked
    against the OpenAPI spec's ``path`` unless ``spec=False``: tool versions newer than the spec's)."""
    with CassetteServer.from_cassette(A.CASSETTES / cassette) as srv:
        m = llmcore.model("anthropic/claude-haiku-4-5", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        if stream:
            for _ in m.stream("Use the tool", tools=tools):
                pass
        else:
            m.chat("Use the tool", tools=tools)
        req = srv.received[0]
    body = json.loads(req.content)
    if spec:
        load_spec(A.SPEC).validate_body("POST", path, body)
    return body, req.headers


def _recorded_tools(cassette: str) -> list[dict[str, Any]]:
    """The recorded request's tool entries (a ``null`` option is one not set)."""
    tools = A.recorded_body(cassette, 0)["tools"]
    return [{k: v for k, v in t.items() if v is not None} for t in tools]


def test_web_search_is_the_recorded_tool_entry_streamed() -> None:
    body, headers = _sent(SEARCH_STREAM, [llmcore.WebSearchTool()], stream=True)
    assert body["tools"] == _recorded_tools(SEARCH_STREAM) == [{"name": "web_search", "type": "web_search_20250305"}]
    assert "anthropic-beta" not in headers


def test_web_search_version_and_options_pass_through_as_recorded() -> None:
    """ruby_llm's recording asks for a newer tool version with allowed_callers: the tool's
    provider_options give exactly that entry."""
    tool = llmcore.WebSearchTool(
        provider_options={"anthropic": {"type": "web_search_20260318", "allowed_callers": ["direct"]}}
    )
    body, _ = _sent(SEARCH, [tool], spec=False)  # the spec predates this version; the recording proves it
    assert body["tools"] == _recorded_tools(SEARCH)


def test_web_fetch_is_the_recorded_tool_entry_with_its_beta() -> None:
    body, headers = _sent(WEB_FETCH, [llmcore.WebFetchTool(citations=False)])
    assert body["tools"] == _recorded_tools(WEB_FETCH)
    assert headers["anthropic-beta"] == "web-fetch-2025-09-10"


def test_code_execution_default_and_recorded_version() -> None:
    body, headers = _sent(CODE, [llmcore.CodeExecutionTool()])
    assert body["tools"] == [{"type": "code_execution_20250825", "name": "code_execution"}]
    assert headers["anthropic-beta"] == "code-execution-2025-08-25"
    newer = llmcore.CodeExecutionTool(provider_options={"anthropic": {"type": "code_execution_20260521"}})
    body, headers = _sent(CODE, [newer], spec=False)
    assert body["tools"] == _recorded_tools(CODE)
    assert "anthropic-beta" not in headers  # a version this plugin does not know needs no beta it knows of


def test_every_web_search_option_maps_and_function_tools_come_first() -> None:
    loc = {"city": "Paris", "country": "FR", "timezone": "Europe/Paris"}
    tool = llmcore.WebSearchTool(max_uses=3, allowed_domains=["python.org"], user_location=loc)
    fn = {"name": "lookup", "parameters": {"type": "object", "properties": {}}}
    body, _ = _sent(SEARCH, [fn, tool])
    assert [t["name"] for t in body["tools"]] == ["lookup", "web_search"]
    assert body["tools"][1] == {
        "type": "web_search_20250305",
        "name": "web_search",
        "max_uses": 3,
        "allowed_domains": ["python.org"],
        "user_location": {"type": "approximate", "city": "Paris", "country": "FR", "timezone": "Europe/Paris"},
    }


def test_mcp_server_goes_to_mcp_servers_with_its_beta_and_the_token_stays_out_of_reprs() -> None:
    token = "tok-" + "abc123"
    tool = llmcore.MCPServerTool(
        url="https://mcp.example.com/sse", name="docs", authorization=token, allowed_tools=["search"]
    )
    assert token not in repr(tool) and token not in str(tool)
    body, headers = _sent(SEARCH, [tool], path="/v1/messages?beta=true")  # mcp_servers: the beta Messages API
    assert "tools" not in body
    assert body["mcp_servers"] == [
        {
            "type": "url",
            "url": "https://mcp.example.com/sse",
            "name": "docs",
            "authorization_token": token,
            "tool_configuration": {"enabled": True, "allowed_tools": ["search"]},
        }
    ]
    assert headers["anthropic-beta"] == "mcp-client-2025-04-04"


def test_configured_betas_are_kept_beside_the_tools_ones() -> None:
    with CassetteServer.from_cassette(A.CASSETTES / WEB_FETCH) as srv:
        m = llmcore.model(
            "anthropic/claude-haiku-4-5",
            api_key=TEST_API_KEY,
            base_url=srv.url,
            retry=False,
            provider_options={},
            beta="files-api-2025-04-14",
        )
        m.chat("Fetch", tools=[llmcore.WebFetchTool()])
        assert srv.received[0].headers["anthropic-beta"] == "files-api-2025-04-14,web-fetch-2025-09-10"


@pytest.mark.parametrize(
    ("tool", "has_it"),
    [
        (llmcore.FileSearchTool(vector_store_ids=["vs_1"]), "openai"),
        (llmcore.ImageGenerationTool(), "openai"),
    ],
)
def test_a_tool_anthropic_has_not_is_refused_before_the_network(tool: Any, has_it: str) -> None:
    m = llmcore.model("anthropic/claude-haiku-4-5", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(UnsupportedFeatureError) as e:
        m.chat("hi", tools=[tool])
    assert type(tool).__name__ in str(e.value) and _names_where_it_is(str(e.value), has_it)


def test_the_codec_refuses_what_the_facade_did_not_check() -> None:
    """A ChatRequest built by hand (not through the facade) is refused by the codec itself."""
    req = ChatRequest(
        model="claude-haiku-4-5", messages="hi", builtin_tools=[llmcore.FileSearchTool(vector_store_ids=["v"])]
    )
    with pytest.raises(UnsupportedFeatureError, match="FileSearchTool"):
        build_messages_body(req, stream=False)


REPLAY = (
    "ruby_llm__chat_web_search_with_anthropic_claude-haiku-4-5_replays_search_turns_so_the_conversation_can_continue"
    ".yaml"
)


def test_turn_two_with_the_neutral_spec_is_the_recorded_second_request() -> None:
    """Answer 1 (web search through WebSearchTool, at the recorded tool version) put into request 2:
    the tools and the server_tool_use / web_search_tool_result blocks reach Anthropic as recorded."""
    recorded = A.recorded_body(REPLAY, 1)
    tool = llmcore.WebSearchTool(
        provider_options={"anthropic": {"type": recorded["tools"][0]["type"], "allowed_callers": ["direct"]}}
    )
    with CassetteServer.from_cassette(A.CASSETTES / REPLAY) as srv:
        m = llmcore.model("anthropic/claude-haiku-4-5-20251001", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        question = A.recorded_text(REPLAY, 0, 0)
        first = m.chat(question, tools=[tool], max_tokens=recorded.get("max_tokens"))
        m.chat(
            [question, first.message, A.recorded_text(REPLAY, 1, 2)],
            tools=[tool],
            max_tokens=recorded.get("max_tokens"),
        )
        sent = json.loads(srv.received[-1].content)
    assert sent["tools"] == _recorded_tools(REPLAY)
    want = [b for b in recorded["messages"][1]["content"] if b["type"] in ("server_tool_use", "web_search_tool_result")]
    got = [b for b in sent["messages"][1]["content"] if b["type"] in ("server_tool_use", "web_search_tool_result")]
    assert want and got == want


def _names_where_it_is(message: str, has_it: str) -> bool:
    """The refusal names ``has_it`` when that provider is installed here (the full dev venv), and
    says no installed provider has the tool when it is not (a plugin's own nox session)."""
    from llmcore.plugins import get_registry

    if get_registry().get(has_it) is not None:
        return has_it in message
    return "no installed provider has it" in message
