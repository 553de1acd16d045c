"""Built-in tools (llmcore.builtin_tools) on Groq: the compound models search by themselves, so
``WebSearchTool`` given through ``llmcore.model(...)`` sends the body of the real recording
(pydantic-ai, cassettes/SOURCES.md: no tool entry), its domains as ``search_settings``, valid against
Groq's OpenAPI spec; on any other model, and for other built-in tools, it is refused before the network."""

from __future__ import annotations

import json
from typing import Any

import llmcore
import pytest
from groq_cases import CASSETTES, recorded_request, validate
from llmcore.errors import UnsupportedFeatureError
from llmcore.testing import TEST_API_KEY
from llmcore.testing.cassette_server import CassetteServer

SEARCH = "pydantic-ai__test_groq_model_web_search_tool.yaml"


def _sent(tools: list[Any]) -> dict[str, Any]:
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model("groq/compound-beta", api_key=TEST_API_KEY, base_url=srv.url + "/openai/v1", retry=False)
        m.chat("Search", tools=tools)
        req = srv.received[0]
    validate(req)
    return json.loads(req.content)  # type: ignore[no-any-return]


def test_web_search_on_a_compound_model_is_the_recorded_request() -> None:
    body = _sent([llmcore.WebSearchTool()])
    recorded = recorded_request(SEARCH)
    assert "tools" not in body and "tools" not in recorded and "search_settings" not in body


def test_domains_become_search_settings() -> None:
    body = _sent([llmcore.WebSearchTool(allowed_domains=["python.org"], blocked_domains=["example.com"])])
    assert body["search_settings"] == {"include_domains": ["python.org"], "exclude_domains": ["example.com"]}


@pytest.mark.parametrize(
    ("model", "tool", "says"),
    [
        ("llama-3.3-70b-versatile", llmcore.WebSearchTool(), "compound"),
        ("compound-beta", llmcore.CodeExecutionTool(), "CodeExecutionTool"),
    ],
)
def test_refused_before_the_network(model: str, tool: Any, says: str) -> None:
    m = llmcore.model(f"groq/{model}", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(UnsupportedFeatureError, match=says):
        m.chat("hi", tools=[tool])
