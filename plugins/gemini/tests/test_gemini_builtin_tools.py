"""Built-in tools (llmcore.builtin_tools) on the Gemini API: the neutral specs given in
``tools=[...]`` through ``llmcore.model(...)`` reach the loopback cassette server as the tool
entries of the real recordings (cassettes/SOURCES.md) — ``googleSearch``, ``urlContext``,
``codeExecution`` (camelCase as in the spec; ruby_llm and ellmer sent the snake_case spelling the API
also reads, compared after conversion) — in a body valid against the Gemini OpenAPI spec; options Gemini has no field
for are warnings; what Gemini has not is refused before the network."""

from __future__ import annotations

import json
from typing import Any

import gemini_cases as G
import llmcore
import pytest
from llmcore.errors import UnsupportedFeatureError
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer

SEARCH = "ruby_llm__chat_web_search_with_gemini_gemini-3_5-flash_grounds_the_answer_and_exposes_the_queries_it_ran.yaml"
PYDANTIC_SEARCH = "pydantic-ai__test_google_model_web_search_tool.yaml"
URL_CONTEXT = "ellmer__google-web-fetch.yaml"
CODE = "ruby_llm__chat_code_execution_with_gemini_gemini-3_5-flash_runs_code_server-side_and_replays_the_turn.yaml"


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w.title() for w in rest)


def _sent(cassette: str, tools: list[Any], **params: Any) -> tuple[dict[str, Any], Any]:
    """The body llmcore sent for ``tools`` to a server replaying ``cassette`` (spec-checked), and the answer."""
    with CassetteServer.from_cassette(G.CASSETTES / cassette) as srv:
        model = G.REC.interaction(cassette, 0)["request"]["uri"].split("/models/")[1].split(":")[0]
        m = llmcore.model(f"gemini/{model}", api_key=TEST_API_KEY, base_url=srv.url + "/v1beta", retry=False)
        r = m.chat("Use the tool", tools=tools, **params)
        req = srv.received[0]
    G.spec().validate_request(req)
    return json.loads(req.content), r


@pytest.mark.parametrize(
    ("cassette", "tool"),
    [
        (SEARCH, llmcore.WebSearchTool()),
        (PYDANTIC_SEARCH, llmcore.WebSearchTool()),  # recorded as googleSearch: equal as sent
        (URL_CONTEXT, llmcore.UrlContextTool()),
        (CODE, llmcore.CodeExecutionTool()),
    ],
)
def test_each_tool_is_the_recorded_entry(cassette: str, tool: Any) -> None:
    body, r = _sent(cassette, [tool])
    assert body["tools"] == [{_camel(k): v for k, v in t.items()} for t in G.recorded_body(cassette, 0)["tools"]]
    assert r.server_tool_calls or r.citations or r.message.content  # the recorded answer came back


def test_function_tools_come_first_and_unsent_options_are_warnings() -> None:
    fn = {"name": "lookup", "parameters": {"type": "object", "properties": {}}}
    body, r = _sent(SEARCH, [fn, llmcore.WebSearchTool(max_uses=2, allowed_domains=["python.org"])])
    assert body["tools"][0]["functionDeclarations"][0]["name"] == "lookup"
    assert body["tools"][1] == {"googleSearch": {}}
    assert {w.feature for w in r.warnings} >= {"WebSearchTool.max_uses", "WebSearchTool.allowed_domains"}


def test_strict_refuses_an_option_gemini_has_not() -> None:
    m = llmcore.model("gemini/gemini-3.5-flash", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(UnsupportedFeatureError, match="max_uses"):
        m.chat("hi", tools=[llmcore.WebSearchTool(max_uses=2)], strict=True)


@pytest.mark.parametrize(
    "tool",
    [
        llmcore.FileSearchTool(vector_store_ids=["vs_1"]),
        llmcore.MCPServerTool(url="https://mcp.example.com", name="x"),
        llmcore.ImageGenerationTool(),
    ],
)
def test_a_tool_gemini_has_not_is_refused_before_the_network(tool: Any) -> None:
    m = llmcore.model("gemini/gemini-3.5-flash", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(UnsupportedFeatureError) as e:
        m.chat("hi", tools=[tool])
    assert type(tool).__name__ in str(e.value) and _names_where_it_is(str(e.value), "openai")


def _names_where_it_is(message: str, has_it: str) -> bool:
    """The refusal names ``has_it`` when that provider is installed here (the full dev venv), and
    says no installed provider has the tool when it is not (a plugin's own nox session)."""
    from llmcore.plugins import get_registry

    if get_registry().get(has_it) is not None:
        return has_it in message
    return "no installed provider has it" in message
