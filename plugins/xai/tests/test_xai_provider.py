"""xAI specifics: Chat Completions (reasoning_content, usage without reasoning tokens,
named tool_choice) and the Responses API (encrypted reasoning round trip), reasoning
effort, errors, configuration, names."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore_testing import TEST_API_KEY
from llmcore_xai.provider import XAIProvider
from xai_cases import (
    BERLIN,
    GROK,
    PARALLEL,
    RESPONSES,
    TOOLS,
    recorded_request,
    replay,
    responses_history,
    responses_tools,
)

HELLO = "magentic__test_openai_chat_model_xai_complete_Say_hello!-output_types0-str_.yaml"
BOOL = "magentic__test_openai_chat_model_xai_complete_Return_True.-output_types1-bool_.yaml"
REASONING = "authored__chat_reasoning.yaml"
BASIC = "ruby_llm__chat_basic_chat_functionality_xai_grok-4-1-fast-non-reasoning_can_have_a_basic_conversation.yaml"
MATH = {
    "model": "grok-3-mini",
    "system": "You are a highly intelligent AI assistant.",
    "messages": ["What is 101*3?"],
    "temperature": 0.7,
    "reasoning_effort": "high",
}


def body(sent: list[Any]) -> dict[str, Any]:
    return json.loads(sent[0].content)  # type: ignore[no-any-return]


def provider() -> XAIProvider:
    return XAIProvider(ProviderConfig(api_key=TEST_API_KEY))


# -- Chat Completions -----------------------------------------------------------------------


def test_chat_completions_stream_with_usage() -> None:
    r, sent = replay(HELLO, {"model": "grok-2", "messages": ["Say hello!"]}, stream=True)
    assert sent[0].url.path == "/v1/chat/completions" and body(sent) == recorded_request(HELLO)
    assert r.text == "Hello! How can I assist you today?" and r.model == "grok-2-1212"
    assert (r.usage.input_tokens, r.usage.output_tokens) == (9, 10)  # the last of the per-chunk usages


def test_named_tool_choice_streamed() -> None:
    tool = {"name": "return_bool", "parameters": recorded_request(BOOL)["tools"][0]["function"]["parameters"]}
    req = {
        "model": "grok-2",
        "messages": ["Return True."],
        "tools": [tool],
        "tool_choice": {"name": "return_bool"},
        "provider_options": {"xai": {"parallel_tool_calls": False}},
    }
    r, sent = replay(BOOL, req, stream=True)
    assert body(sent) == recorded_request(BOOL)
    assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [("call_92990446", "return_bool", {"value": True})]


def test_reasoning_content_and_reasoning_tokens_added_to_the_output() -> None:
    r, sent = replay(REASONING, MATH)
    assert body(sent)["reasoning_effort"] == "high"
    assert [p.type for p in r.message.content] == ["reasoning", "text"]
    assert r.reasoning.startswith("Let me calculate 101 multiplied by 3")
    # xAI: completion_tokens (14) excludes the reasoning tokens (310); total = prompt + completion + reasoning
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.reasoning_tokens) == (29, 324, 310)
    follow = {
        **MATH,
        "messages": [
            {"role": "user", "content": "What is 101*3?"},
            r.message,
            {"role": "user", "content": "And 101*4?"},
        ],
    }
    _, sent = replay(REASONING, follow)
    assert body(sent)["messages"][2] == {"role": "assistant", "content": r.text}  # reasoning is not sent back


def test_usage_that_already_includes_reasoning_is_kept() -> None:
    p = provider()
    u = p.map_usage(
        {
            "prompt_tokens": 163,
            "completion_tokens": 241,
            "total_tokens": 404,
            "completion_tokens_details": {"reasoning_tokens": 204},
        }
    )
    assert (u.input_tokens, u.output_tokens, u.reasoning_tokens) == (163, 241, 204)
    u = p.map_usage(
        {
            "prompt_tokens": 2341,
            "completion_tokens": 31,
            "total_tokens": 3108,
            "completion_tokens_details": {"reasoning_tokens": 736},
        }
    )
    assert u.output_tokens == 767
    u = p.map_usage({"prompt_tokens": 10, "completion_tokens": 5})  # no total: nothing guessed
    assert (u.output_tokens, u.reasoning_tokens) == (5, None)


@pytest.mark.parametrize("options", [{}, RESPONSES])
def test_minimal_reasoning_effort_is_low(options: dict[str, str]) -> None:
    cassette = REASONING if not options else BASIC
    req = (
        {**MATH, "reasoning_effort": "minimal"}
        if not options
        else {"model": GROK, "messages": ["What's 2 + 2?"], "reasoning_effort": "minimal"}
    )
    r, sent = replay(cassette, req, **options)
    b = body(sent)
    assert (b["reasoning"]["effort"] if options else b["reasoning_effort"]) == "low"
    assert [w.feature for w in r.warnings] == ["reasoning_effort"]


# -- Responses API --------------------------------------------------------------------------------


def test_responses_requests_match_the_recorded_ones() -> None:
    r, sent = replay(BASIC, {"model": GROK, "messages": ["What's 2 + 2?"]}, **RESPONSES)
    assert sent[0].url.path == "/v1/responses"
    assert body(sent) == recorded_request(BASIC)  # store: false, include: reasoning.encrypted_content
    part = r.message.content[0]
    assert part.type == "reasoning" and part.text.startswith('The question is "What\'s 2 + 2?"')  # type: ignore[union-attr]
    assert part.data["encrypted_content"].startswith("0Oze7Cen03q2TG4J")  # type: ignore[union-attr]
    assert r.text == "**4**" and (r.usage.input_tokens, r.usage.cache_read_tokens, r.usage.reasoning_tokens) == (
        199,
        128,
        181,
    )


def test_responses_tool_round_trip_sends_the_encrypted_reasoning_back() -> None:
    first, sent = replay(TOOLS, {"model": GROK, "messages": [BERLIN], "tools": responses_tools(TOOLS)}, **RESPONSES)
    assert body(sent) == recorded_request(TOOLS)
    follow = [
        {"role": "user", "content": BERLIN},
        first.message,
        {
            "role": "tool",
            "tool_call_id": first.tool_calls[0].id,
            "content": "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h",
        },
    ]
    r, sent = replay(
        TOOLS, {"model": GROK, "messages": follow, "tools": responses_tools(TOOLS)}, interaction=1, **RESPONSES
    )
    ours, recorded = body(sent)["input"], recorded_request(TOOLS, 1)["input"]
    assert [i.get("type") for i in ours] == [i.get("type") for i in recorded]
    assert ours[1]["encrypted_content"] == recorded[1]["encrypted_content"]
    assert ours[2:] == recorded[2:]  # the call and its output, as ruby_llm sent them
    assert "15°C" in r.text


def test_responses_parallel_calls() -> None:
    r, _ = replay(
        PARALLEL,
        {
            "model": GROK,
            "messages": [recorded_request(PARALLEL)["input"][0]["content"]],
            "tools": responses_tools(PARALLEL),
        },
        **RESPONSES,
    )
    assert [c.name for c in r.tool_calls] == ["weather", "best_language_to_learn"]
    r, _ = replay(
        PARALLEL,
        {"model": GROK, "messages": responses_history(PARALLEL, 1), "tools": responses_tools(PARALLEL)},
        interaction=1,
        **RESPONSES,
    )
    assert "Ruby" in r.text


# -- errors, configuration -----------------------------------------------------------------------


def test_errors() -> None:
    err, _ = replay(
        "ruby_llm__chat_error_handling_with_xai_grok-4-1-fast-non-reasoning_raises_appropriate_auth_error.yaml",
        {"model": GROK, "messages": ["Hello"]},
        **RESPONSES,
    )
    assert isinstance(err, E.AuthenticationError) and err.status_code == 400 and err.code == "invalid-argument"
    for text in (str(err), repr(err), str(err.raw)):
        assert TEST_API_KEY not in text
    err, _ = replay("authored__chat_context_length_400.yaml", {"model": "grok-4", "messages": ["(a very long prompt)"]})
    assert isinstance(err, E.ContextWindowExceededError) and "131072" in err.message
    _, _, cls = provider().error_details(
        400,
        {
            "code": "invalid-argument",
            "error": "Failed to start sampling: "
            "[input_too_large] Current message (1149677 tokens) exceeds budget "
            "(975424 tokens)",
        },
        "",
    )
    assert cls is E.ContextWindowExceededError
    err, _ = replay("authored__chat_rate_limit_429.yaml", {"model": "grok-4", "messages": ["Hello"]})
    assert isinstance(err, E.RateLimitError) and err.retry_after == 2


def test_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="XAI_API_KEY"):
        XAIProvider(ProviderConfig())
    with pytest.raises(E.ConfigurationError, match='"chat" or "responses"'):
        XAIProvider(ProviderConfig(api_key=TEST_API_KEY, options={"api": "grpc"}))
    with pytest.raises(E.ConfigurationError, match="known: api"):
        XAIProvider(ProviderConfig(api_key=TEST_API_KEY, options={"search": True}))
    p = provider()
    assert p.base_url == "https://api.x.ai/v1" and TEST_API_KEY not in repr(p) and p.api == "chat"


def test_grok_names_are_auto_detected() -> None:
    for name in ("grok-4", "grok-3-mini", "grok-4-1-fast-reasoning"):
        spec, model = resolve_model(name)
        assert spec.name == "xai" and model == name
