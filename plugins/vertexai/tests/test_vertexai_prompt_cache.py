"""Prompt-cache breakpoints (issue 11) on Vertex AI: Claude (rawPredict) takes Anthropic's
``cache_control`` from the shared Anthropic codec; Gemini caches implicitly, so a breakpoint is a
documented no-op there (the body is the one without it). No Vertex recording holds a Claude cache
write/read; the Anthropic recordings prove the placement (plugins/anthropic/tests/test_anthropic_prompt_cache.py)."""

from __future__ import annotations

import vertex_cases as V
from llmcore.types import ChatRequest, Message
from llmcore_gemini.request import CodecSettings, build_generate_body
from llmcore_vertexai.claude import _body


def test_claude_on_vertex_gets_cache_control() -> None:
    p = V.make_provider(None, dict(V.CLAUDE))
    req = ChatRequest(
        model="claude-haiku-4-5@20251001",
        system="a long and stable system prompt",
        messages=[Message(role="user", content="a document", cache_point="1h"), "the question"],
        cache_prompt="1h",
    )
    body, warnings = _body(p, req, stream=False)
    assert warnings == [] and "model" not in body
    assert body["system"] == [
        {"type": "text", "text": "a long and stable system prompt", "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    ]
    assert body["messages"][0]["content"][0]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}


def test_gemini_ignores_breakpoints_it_caches_implicitly() -> None:
    plain = ChatRequest(model="gemini-2.5-flash", system="s", messages=["a document", "q"])
    marked = ChatRequest(
        model="gemini-2.5-flash",
        system="s",
        messages=[Message(role="user", content="a document", cache_point=True), "q"],
        cache_prompt="1h",
    )
    settings = CodecSettings(provider="vertexai")
    assert build_generate_body(marked, settings) == build_generate_body(plain, settings)
