"""Built-in tools (llmcore.builtin_tools) on Perplexity, which searches on every call:
``WebSearchTool`` through ``llmcore.model(...)`` adds nothing to the recorded request (ruby_llm,
cassettes/SOURCES.md) unless it has options, which become Perplexity's search options
(``web_search_options``, ``search_domain_filter``: no Perplexity spec is in api-specs, so these follow
its API reference); other built-in tools are refused before the network."""

from __future__ import annotations

import json
from typing import Any

import llmcore
import pytest
from llmcore.errors import UnsupportedFeatureError
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from perplexity_cases import CASSETTES, recorded_request

CITED = "ruby_llm__chat_citations_with_perplexity_sonar_returns_search_result_citations.yaml"


def _sent(tools: list[Any]) -> tuple[dict[str, Any], Any]:
    with CassetteServer.from_cassette(CASSETTES / CITED) as srv:
        m = llmcore.model("perplexity/sonar", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        r = m.chat("Search", tools=tools)
        return json.loads(srv.received[0].content), r


def test_web_search_without_options_is_the_recorded_request() -> None:
    body, r = _sent([llmcore.WebSearchTool()])
    recorded = recorded_request(CITED)
    assert {k for k in body if k != "messages"} == {k for k in recorded if k != "messages"}
    assert r.citations


def test_options_become_search_options_and_max_uses_a_warning() -> None:
    tool = llmcore.WebSearchTool(
        search_context_size="high",
        user_location={"country": "US", "timezone": "America/New_York"},
        allowed_domains=["python.org"],
        blocked_domains=["example.com"],
        max_uses=2,
    )
    body, r = _sent([tool])
    assert body["web_search_options"] == {"search_context_size": "high", "user_location": {"country": "US"}}
    assert body["search_domain_filter"] == ["python.org", "-example.com"]
    assert any(w.feature == "WebSearchTool.max_uses" for w in r.warnings)


def test_another_built_in_tool_is_refused_before_the_network() -> None:
    m = llmcore.model("perplexity/sonar", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(UnsupportedFeatureError, match="WebFetchTool"):
        m.chat("hi", tools=[llmcore.WebFetchTool()])
