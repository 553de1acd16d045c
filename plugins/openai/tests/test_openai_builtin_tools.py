"""Built-in tools (llmcore.builtin_tools) on OpenAI: the neutral specs given in ``tools=[...]``
through ``llmcore.model(...)`` reach the loopback cassette server as the tool entries of the real
recordings (cassettes/SOURCES.md): Responses ``web_search`` and ``file_search``, Chat Completions
``web_search_options`` on a search model; every sent body is valid against OpenAI's OpenAPI spec
(also for the tools no recording shows: ``code_interpreter``, ``mcp``, ``image_generation``); what
OpenAI has not, or not on this API or model, is refused before the network."""

from __future__ import annotations

import json
from typing import Any

import llmcore
import pytest
from llmcore.errors import UnsupportedFeatureError
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.cassettes import Recordings
from openai_spec import validate_openai_request
from openai_testutil import CASSETTES

REC = Recordings(CASSETTES)
SEARCH = "ruby_llm__chat_web_search_with_openai_gpt-5_2_searches_and_records_the_tool_call_items.yaml"
SEARCH_STREAM = (
    "mirascope__python__tests__e2e__input__cassettes__test_web_search_tool_stream__openai_gpt_4o_responses.yaml"
)
ELLMER_SEARCH = "ellmer__openai-v2-web-search.yaml"
FILE_SEARCH = "logfire__test_file_search.yaml"
CHAT_SEARCH = (
    "ruby_llm__chat_citations_with_openai_gpt-4o-mini-search-preview_returns_url_citations_when_web_search_is_enabled"
    ".yaml"
)


def _sent(
    cassette: str, model: str, tools: list[Any], *, api: str = "responses", stream: bool = False
) -> dict[str, Any]:
    """The body llmcore sent for ``tools`` to a server replaying ``cassette`` (spec-checked)."""
    with CassetteServer.from_cassette(CASSETTES / cassette) as srv:
        m = llmcore.model(f"openai/{model}", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api=api)
        if stream:
            for _ in m.stream("Use the tool", tools=tools):
                pass
        else:
            m.chat("Use the tool", tools=tools)
        req = srv.received[0]
    validate_openai_request(req)
    return json.loads(req.content)  # type: ignore[no-any-return]


def _recorded(cassette: str, key: str = "tools") -> Any:
    return REC.request_body(cassette, 0)[key]


def test_web_search_is_the_recorded_responses_tool() -> None:
    assert _sent(SEARCH, "gpt-5.2", [llmcore.WebSearchTool()])["tools"] == _recorded(SEARCH) == [{"type": "web_search"}]


def test_web_search_streamed_is_the_recorded_responses_tool() -> None:
    body = _sent(SEARCH_STREAM, "gpt-4o", [llmcore.WebSearchTool()], stream=True)
    assert body["tools"] == _recorded(SEARCH_STREAM)


def test_an_option_only_openai_has_passes_through_as_recorded() -> None:
    tool = llmcore.WebSearchTool(provider_options={"openai": {"external_web_access": True}})
    assert _sent(ELLMER_SEARCH, "gpt-4.1", [tool])["tools"] == _recorded(ELLMER_SEARCH)


def test_file_search_is_the_recorded_tool() -> None:
    tool = llmcore.FileSearchTool(vector_store_ids=["vs_67cd9e6afeb4819198cbffafab95d8ba"], max_results=1)
    assert _sent(FILE_SEARCH, "gpt-4o", [tool])["tools"] == _recorded(FILE_SEARCH)


def test_chat_completions_search_model_gets_web_search_options_as_recorded() -> None:
    body = _sent(CHAT_SEARCH, "gpt-4o-mini-search-preview", [llmcore.WebSearchTool()], api="chat")
    assert body["web_search_options"] == _recorded(CHAT_SEARCH, "web_search_options") == {}
    assert "tools" not in body
    loc = {"city": "Paris", "country": "FR"}
    body = _sent(
        CHAT_SEARCH,
        "gpt-4o-mini-search-preview",
        [llmcore.WebSearchTool(search_context_size="low", user_location=loc)],
        api="chat",
    )
    assert body["web_search_options"] == {
        "search_context_size": "low",
        "user_location": {"type": "approximate", "approximate": loc},
    }


def test_every_responses_tool_maps_to_a_body_the_spec_accepts() -> None:
    """code_interpreter, mcp and image_generation: no recording shows them (SOURCES.md), so the
    body is checked against the OpenAPI spec (in _sent) and the documented shapes."""
    token = "tok-" + "xyz"
    tools = [
        llmcore.WebSearchTool(
            search_context_size="high",
            allowed_domains=["python.org"],
            user_location={"country": "US", "timezone": "America/New_York"},
        ),
        llmcore.CodeExecutionTool(),
        llmcore.MCPServerTool(
            url="https://mcp.example.com/mcp",
            name="docs",
            authorization=token,
            allowed_tools=["search"],
            description="Docs",
        ),
        llmcore.ImageGenerationTool(size="1024x1024", quality="low", output_format="png"),
    ]
    body = _sent(SEARCH, "gpt-5.2", tools)
    assert body["tools"] == [
        {
            "type": "web_search",
            "search_context_size": "high",
            "user_location": {"type": "approximate", "country": "US", "timezone": "America/New_York"},
            "filters": {"allowed_domains": ["python.org"]},
        },
        {"type": "code_interpreter", "container": {"type": "auto"}},
        {
            "type": "mcp",
            "server_label": "docs",
            "server_url": "https://mcp.example.com/mcp",
            "require_approval": "never",
            "authorization": token,
            "allowed_tools": ["search"],
            "server_description": "Docs",
        },
        {"type": "image_generation", "size": "1024x1024", "quality": "low", "output_format": "png"},
    ]


def test_an_unsupported_option_is_a_warning_or_in_strict_mode_an_error() -> None:
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model(
            "openai/gpt-5.2", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses"
        )
        r = m.chat("Search", tools=[llmcore.WebSearchTool(max_uses=2)])
        assert any(w.feature == "WebSearchTool.max_uses" for w in r.warnings)
        with pytest.raises(UnsupportedFeatureError, match="max_uses"):
            m.chat("Search", tools=[llmcore.WebSearchTool(max_uses=2)], strict=True)


@pytest.mark.parametrize(
    ("api", "model", "tool", "says"),
    [
        ("chat", "gpt-4.1", llmcore.WebSearchTool(), "api='responses'"),
        ("chat", "gpt-4o-search-preview", llmcore.CodeExecutionTool(), "api='responses'"),
        ("responses", "gpt-4.1", llmcore.WebFetchTool(), "anthropic"),
    ],
)
def test_refused_before_the_network(api: str, model: str, tool: Any, says: str) -> None:
    m = llmcore.model(f"openai/{model}", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False, api=api)
    with pytest.raises(UnsupportedFeatureError) as e:
        m.chat("hi", tools=[tool])
    if says.isidentifier():  # a provider that has the tool
        assert type(tool).__name__ in str(e.value) and _names_where_it_is(str(e.value), says)
    else:
        assert type(tool).__name__ in str(e.value) and says in str(e.value)


def test_turn_two_with_the_neutral_spec_is_the_recorded_second_request() -> None:
    """Answer 1 (web search through WebSearchTool) put into request 2, still with WebSearchTool: the
    tools and the web_search_call item reach OpenAI as ruby_llm's recorded second request."""
    recorded = REC.request_body(SEARCH, 1)
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model(
            "openai/gpt-5.2", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses"
        )
        first = m.chat(recorded["input"][0]["content"], tools=[llmcore.WebSearchTool()])
        messages = [recorded["input"][0]["content"], first.message, recorded["input"][3]["content"]]
        m.chat(messages, tools=[llmcore.WebSearchTool()])
        sent = json.loads(srv.received[-1].content)
    validate_openai_request(srv.received[-1])
    assert sent["tools"] == recorded["tools"]
    assert sent["input"][1] == recorded["input"][1]  # the web_search_call item, whole


def _names_where_it_is(message: str, has_it: str) -> bool:
    """The refusal names ``has_it`` when that provider is installed here (the full dev venv), and
    says no installed provider has the tool when it is not (a plugin's own nox session)."""
    from llmcore.plugins import get_registry

    if get_registry().get(has_it) is not None:
        return has_it in message
    return "no installed provider has it" in message
