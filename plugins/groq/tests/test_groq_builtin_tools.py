"""Built-in tools (llmcore.builtin_tools) on Groq: the compound models search and run code by
themselves, so ``WebSearchTool`` and ``CodeExecutionTool`` given through ``llmcore.model(...)`` send
the body of the real recording (pydantic-ai, cassettes/SOURCES.md: no tool entry), the search domains
as ``search_settings``; on GPT-OSS they are the ``browser_search`` / ``code_interpreter`` tool entries
(no recording: the bodies are checked against Groq's OpenAPI spec); every body is valid against the
spec. Other models, and other built-in tools, are refused before the network."""

from __future__ import annotations

import json
from typing import Any

import llmcore
import pytest
from groq_cases import CASSETTES, recorded_request, validate
from llmcore.errors import UnsupportedFeatureError
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer

SEARCH = "pydantic-ai__test_groq_model_web_search_tool.yaml"


GPT_OSS = "pydantic-ai__test_groq_native_output.yaml"  # an openai/gpt-oss-120b answer to send the bodies to


def _sent(tools: list[Any], model: str = "compound-beta", cassette: str = SEARCH) -> dict[str, Any]:
    with CassetteServer.from_cassette(CASSETTES / cassette) as srv:
        m = llmcore.model(f"groq/{model}", api_key=TEST_API_KEY, base_url=srv.url + "/openai/v1", retry=False)
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


def test_code_execution_on_a_compound_model_is_on_by_default() -> None:
    body = _sent([llmcore.CodeExecutionTool(), llmcore.WebSearchTool()])
    assert "tools" not in body and "compound_custom" not in body and "search_settings" not in body


def test_compound_code_execution_options_are_a_warning() -> None:
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model("groq/compound-beta", api_key=TEST_API_KEY, base_url=srv.url + "/openai/v1", retry=False)
        r = m.chat("Search", tools=[llmcore.CodeExecutionTool(provider_options={"groq": {"x": 1}})])
        body = json.loads(srv.received[0].content)
    assert "x" not in body and [w.feature for w in r.warnings] == ["CodeExecutionTool.provider_options"]


def test_gpt_oss_takes_the_tool_entries() -> None:
    body = _sent(
        [
            {"name": "lookup", "parameters": {"type": "object", "properties": {}}},
            llmcore.CodeExecutionTool(),
            llmcore.WebSearchTool(provider_options={"groq": {"note": "as given"}}),
        ],
        model="openai/gpt-oss-120b",
        cassette=GPT_OSS,
    )
    assert body["tools"][0]["type"] == "function"
    assert body["tools"][1:] == [{"type": "code_interpreter"}, {"type": "browser_search", "note": "as given"}]


def test_gpt_oss_search_fields_it_has_no_place_for_are_warnings() -> None:
    with CassetteServer.from_cassette(CASSETTES / GPT_OSS) as srv:
        m = llmcore.model(
            "groq/openai/gpt-oss-120b", api_key=TEST_API_KEY, base_url=srv.url + "/openai/v1", retry=False
        )
        r = m.chat("Search", tools=[llmcore.WebSearchTool(allowed_domains=["python.org"], max_uses=2)])
        body = json.loads(srv.received[0].content)
    assert body["tools"] == [{"type": "browser_search"}] and "search_settings" not in body
    assert [w.feature for w in r.warnings] == ["WebSearchTool.allowed_domains", "WebSearchTool.max_uses"]


@pytest.mark.parametrize(
    ("model", "tool", "says"),
    [
        ("llama-3.3-70b-versatile", llmcore.WebSearchTool(), "compound"),
        ("llama-3.3-70b-versatile", llmcore.CodeExecutionTool(), "gpt-oss"),
        ("compound-beta", llmcore.WebFetchTool(), "WebFetchTool"),
        ("openai/gpt-oss-120b", llmcore.MCPServerTool(url="https://mcp.example", name="x"), "MCPServerTool"),
    ],
)
def test_refused_before_the_network(model: str, tool: Any, says: str) -> None:
    m = llmcore.model(f"groq/{model}", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(UnsupportedFeatureError, match=says):
        m.chat("hi", tools=[tool])


CODE = "authored__compound_code_execution.yaml"  # authored from Groq's docs and spec, not a recording


def test_compound_code_execution_comes_back_as_server_tool_parts() -> None:
    """The executed ``python`` entry (Groq's ``ChatCompletionMessageExecutedTools`` shape) is a call with
    the code and a result with its output, before the answer's text; nothing is dropped."""
    with CassetteServer.from_cassette(CASSETTES / CODE) as srv:
        m = llmcore.model("groq/groq/compound", api_key=TEST_API_KEY, base_url=srv.url + "/openai/v1", retry=False)
        r = m.chat("Calculate 2**100 with Python and give the exact result.", tools=[llmcore.CodeExecutionTool()])
        assert not srv.problems, srv.problems
        validate(srv.received[0])
        assert json.loads(srv.received[0].content) == recorded_request(CODE)
    [call] = r.server_tool_calls
    assert (call.name, call.input, call.provider) == ("python", {"code": "print(2**100)"}, "groq")
    result = r.message.content[r.message.content.index(call) + 1]
    assert result.type == "server_tool_result" and result.call_id == call.id
    assert result.content == "1267650600228229401496703205376\n"
    assert [p.type for p in r.message.content] == ["reasoning", "server_tool_call", "server_tool_result", "text"]
    assert r.text == "2**100 = 1267650600228229401496703205376" and r.warnings == []
    assert "unmapped" not in r.provider_metadata


def test_compound_usage_breakdown_is_kept() -> None:
    """The recorded compound answer's per-model usage (usage_breakdown) is in provider_metadata."""
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model("groq/compound-beta", api_key=TEST_API_KEY, base_url=srv.url + "/openai/v1", retry=False)
        r = m.chat("Search", tools=[llmcore.WebSearchTool()])
    recorded = json.loads(_interaction_body(SEARCH))
    assert r.provider_metadata["groq"]["usage_breakdown"] == recorded["usage_breakdown"]
    assert len(recorded["usage_breakdown"]["models"]) == 4


def _interaction_body(cassette: str) -> str:
    from llmcore_testing.cassette_format import deserialize

    data = deserialize((CASSETTES / cassette).read_text(encoding="utf-8"))
    return data["interactions"][0]["response"]["body"]["string"]  # type: ignore[no-any-return]
