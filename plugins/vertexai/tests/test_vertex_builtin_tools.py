"""Built-in tools (llmcore.builtin_tools) on Vertex AI's Gemini models (the Gemini codec, namespace
``vertexai``): ``WebSearchTool`` is the ``google_search`` tool of the real recording (ruby_llm,
cassettes/SOURCES.md; sent camelCase, as the spec spells it), ``blocked_domains`` is Vertex's
``excludeDomains``; ``UrlContextTool`` and ``CodeExecutionTool`` (no Vertex recording) map to
``urlContext`` / ``codeExecution``. The bodies are built by the codec the provider calls (the
provider itself needs the recorded OAuth exchange; the conformance kit replays that)."""

from __future__ import annotations

from typing import Any

import llmcore
import vertex_cases as V
from llmcore.types import ChatRequest
from llmcore_gemini.request import CodecSettings, build_generate_body

GROUNDING = (
    "ruby_llm__chat_citations_with_vertexai_gemini-2_5-flash_returns_grounding_citations_when_search_is_enabled.yaml"
)


def _tools(*tools: Any) -> list[dict[str, Any]]:
    req = ChatRequest(model="gemini-2.5-flash", messages="hi", builtin_tools=list(tools))
    body, _ = build_generate_body(req, CodecSettings(provider="vertexai"))
    return body["tools"]  # type: ignore[no-any-return]


def test_web_search_is_the_recorded_tool() -> None:
    recorded = V.recorded_body(GROUNDING, 1)["tools"]
    assert recorded == [{"google_search": {}}]
    assert _tools(llmcore.WebSearchTool()) == [{"googleSearch": {}}]


def test_vertex_takes_excluded_domains_and_the_other_tools() -> None:
    assert _tools(
        llmcore.WebSearchTool(blocked_domains=["example.com"]), llmcore.UrlContextTool(), llmcore.CodeExecutionTool()
    ) == [
        {"googleSearch": {"excludeDomains": ["example.com"]}},
        {"urlContext": {}},
        {"codeExecution": {}},
    ]


def test_claude_on_vertex_gets_the_anthropic_entries_and_its_betas_in_the_body() -> None:
    """Claude models on Vertex use the Anthropic codec; a beta a tool version needs goes in the body's
    ``anthropic_beta`` (Vertex's rawPredict takes betas there)."""
    from llmcore_vertexai.claude import _body

    class _P:
        spec = type("S", (), {"name": "vertexai"})()
        _default_max_tokens = 1024

    req = ChatRequest(
        model="claude-sonnet-4-5", messages="hi", builtin_tools=[llmcore.WebSearchTool(), llmcore.WebFetchTool()]
    )
    body, _ = _body(_P(), req, stream=False)  # type: ignore[arg-type]
    assert [t["type"] for t in body["tools"]] == ["web_search_20250305", "web_fetch_20250910"]
    assert body["anthropic_beta"] == ["web-fetch-2025-09-10"]
