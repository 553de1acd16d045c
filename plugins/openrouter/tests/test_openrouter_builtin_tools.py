"""Built-in tools (llmcore.builtin_tools) on OpenRouter: ``WebSearchTool`` given in ``tools=[...]``
through ``llmcore.model(...)`` is the ``openrouter:web_search`` server tool of the real recordings
(cassettes/SOURCES.md), ``WebFetchTool`` the ``openrouter:web_fetch`` one (no recording: checked
against OpenRouter's OpenAPI spec), each in a body valid against the spec; other built-in tools are
refused before the network. The answer's usage extras (cost, the searches the server tools ran) are
kept in ``provider_metadata``, in chat and in streams."""

from __future__ import annotations

import json
from typing import Any

import llmcore
import pytest
from llmcore.errors import UnsupportedFeatureError
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from openrouter_cases import CASSETTES, recorded_request, validate

SEARCH = (
    "ruby_llm__chat_web_search_with_openrouter_openai_gpt-5_2_searches_transparently_returning_citations_and_usage_"
    "counters.yaml"
)
SEARCH_STREAM = "pydantic-ai__test_openrouter_web_search_tool_usage_stream.yaml"


def _sent(cassette: str, model: str, tools: list[Any], *, stream: bool = False) -> dict[str, Any]:
    with CassetteServer.from_cassette(CASSETTES / cassette) as srv:
        m = llmcore.model(f"openrouter/{model}", api_key=TEST_API_KEY, base_url=srv.url + "/api/v1", retry=False)
        if stream:
            for _ in m.stream("Search", tools=tools):
                pass
        else:
            r = m.chat("Search", tools=tools)
            assert r.citations  # the recorded answer's url_citation annotations
        req = srv.received[0]
    validate(req)
    return json.loads(req.content)  # type: ignore[no-any-return]


def test_web_search_is_the_recorded_server_tool() -> None:
    body = _sent(SEARCH, "openai/gpt-5.2", [llmcore.WebSearchTool()])
    assert body["tools"] == recorded_request(SEARCH)["tools"] == [{"type": "openrouter:web_search"}]


def test_web_search_options_are_the_recorded_parameters_streamed() -> None:
    tool = llmcore.WebSearchTool(max_uses=1, search_context_size="medium")
    body = _sent(SEARCH_STREAM, "openai/gpt-4.1-mini", [tool], stream=True)
    assert body["tools"] == recorded_request(SEARCH_STREAM)["tools"]


def test_every_option_maps() -> None:
    tool = llmcore.WebSearchTool(
        blocked_domains=["example.com"],
        user_location={"country": "US"},
        provider_options={"openrouter": {"engine": "exa", "max_results": 3}},
    )
    body = _sent(SEARCH, "openai/gpt-5.2", [tool])
    assert body["tools"] == [
        {
            "type": "openrouter:web_search",
            "parameters": {
                "excluded_domains": ["example.com"],
                "user_location": {"type": "approximate", "country": "US"},
                "engine": "exa",
                "max_results": 3,
            },
        }
    ]


def test_web_fetch_is_the_server_tool_with_its_parameters() -> None:
    tool = llmcore.WebFetchTool(
        max_uses=2,
        allowed_domains=["ruby-lang.org"],
        blocked_domains=["example.com"],
        max_content_tokens=4000,
        provider_options={"openrouter": {"engine": "openrouter"}},
    )
    body = _sent(SEARCH, "openai/gpt-5.2", [llmcore.WebSearchTool(), tool])
    assert body["tools"] == [
        {"type": "openrouter:web_search"},
        {
            "type": "openrouter:web_fetch",
            "parameters": {
                "max_uses": 2,
                "allowed_domains": ["ruby-lang.org"],
                "blocked_domains": ["example.com"],
                "max_content_tokens": 4000,
                "engine": "openrouter",
            },
        },
    ]
    assert _sent(SEARCH, "openai/gpt-5.2", [llmcore.WebFetchTool()])["tools"] == [{"type": "openrouter:web_fetch"}]


def test_web_fetch_citations_switch_is_a_warning() -> None:
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model("openrouter/openai/gpt-5.2", api_key=TEST_API_KEY, base_url=srv.url + "/api/v1", retry=False)
        r = m.chat("Fetch", tools=[llmcore.WebFetchTool(citations=True)])
        body = json.loads(srv.received[0].content)
    assert body["tools"] == [{"type": "openrouter:web_fetch"}]
    assert [w.feature for w in r.warnings] == ["WebFetchTool.citations"]


@pytest.mark.parametrize("stream", [False, True])
def test_usage_extras_are_kept(stream: bool) -> None:
    """The recorded usage's cost and server_tool_use_details (searches run) are in provider_metadata, and the
    reported cost is the call's cost on both paths."""
    cassette, model = (SEARCH_STREAM, "openai/gpt-4.1-mini") if stream else (SEARCH, "openai/gpt-5.2")
    with CassetteServer.from_cassette(CASSETTES / cassette) as srv:
        m = llmcore.model(f"openrouter/{model}", api_key=TEST_API_KEY, base_url=srv.url + "/api/v1", retry=False)
        if stream:
            s = m.stream("Search", tools=[llmcore.WebSearchTool(max_uses=1, search_context_size="medium")])
            for _ in s:
                pass
            r = s.response
        else:
            r = m.chat("Search", tools=[llmcore.WebSearchTool()])
    meta = r.provider_metadata["openrouter"]
    assert meta["provider"] == "OpenAI"
    assert meta["usage"]["server_tool_use_details"]["web_search_requests"] >= 1
    assert m.usage.cost == pytest.approx(meta["usage"]["cost"]) and m.usage.unpriced_requests == 0


def test_another_built_in_tool_is_refused_before_the_network() -> None:
    m = llmcore.model("openrouter/openai/gpt-5.2", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(UnsupportedFeatureError, match="CodeExecutionTool"):
        m.chat("hi", tools=[llmcore.CodeExecutionTool()])
