"""Unit tests of the codec tables and the request mapping (no network)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from anthropic_cases import SPEC
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest, Message, ReasoningPart, Usage
from llmcore_anthropic.errors import ERROR_TYPES
from llmcore_anthropic.finish import FINISH_REASONS, map_finish_reason
from llmcore_anthropic.provider import AnthropicProvider
from llmcore_anthropic.request import (
    DEFAULT_MAX_TOKENS,
    EFFORT_BUDGETS,
    build_count_tokens_body,
    build_messages_body,
    strict_json_schema,
)
from llmcore_anthropic.response import parse_message
from llmcore_anthropic.usage import map_usage
from llmcore_testing import TEST_API_KEY
from llmcore_testing.openapi import load_spec

# -- finish reasons -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "unified"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
        ("pause_turn", "other"),
        ("model_context_window_exceeded", "length"),
        ("something_new", "other"),
        (None, "other"),
    ],
)
def test_finish_mapping(raw: str | None, unified: str) -> None:
    assert map_finish_reason(raw) == unified


def test_finish_table_only_uses_unified_reasons() -> None:
    from llmcore.types import FINISH_REASONS as UNIFIED

    assert set(FINISH_REASONS.values()) <= set(UNIFIED)


def test_raw_finish_reason_kept_on_the_response() -> None:
    r = parse_message(
        {
            "id": "m",
            "model": "claude",
            "content": [{"type": "text", "text": "no"}],
            "stop_reason": "refusal",
            "usage": {"input_tokens": 3, "output_tokens": 1},
        }
    )
    assert (r.finish_reason, r.raw_finish_reason) == ("content_filter", "refusal")


# -- usage ----------------------------------------------------------------------------------------


def test_usage_adds_cached_tokens_to_input() -> None:
    u = map_usage(
        {"input_tokens": 12, "cache_read_input_tokens": 1000, "cache_creation_input_tokens": 300, "output_tokens": 50}
    )
    assert (u.input_tokens, u.cache_read_tokens, u.cache_write_tokens, u.output_tokens) == (1312, 1000, 300, 50)
    assert u.reasoning_tokens is None  # Anthropic does not report thinking tokens apart


def test_usage_unknown_stays_none() -> None:
    u = map_usage({"input_tokens": 7, "output_tokens": 2})
    assert (u.input_tokens, u.cache_read_tokens, u.cache_write_tokens) == (7, None, None)
    assert map_usage(None) == Usage()
    assert map_usage({"output_tokens": 2, "cache_read_input_tokens": 5}).input_tokens is None


# -- errors -------------------------------------------------------------------------------------------


def _error(
    status: int, kind: str | None, message: str, headers: dict[str, str] | None = None, body: Any = None
) -> E.LLMCoreError:
    if body is None:
        body = {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_body_1"}
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    p = AnthropicProvider(ProviderConfig(api_key=TEST_API_KEY))
    return p.make_error(status, raw, httpx.Headers(headers or {}))


@pytest.mark.parametrize(
    ("status", "kind", "message", "cls"),
    [
        (400, "invalid_request_error", "messages: text content blocks must be non-empty", E.InvalidRequestError),
        (
            400,
            "invalid_request_error",
            "prompt is too long: 208310 tokens > 200000 maximum",
            E.ContextWindowExceededError,
        ),
        (401, "authentication_error", "invalid x-api-key", E.AuthenticationError),
        (402, "billing_error", "Your credit balance is too low", E.PermissionDeniedError),
        (403, "permission_error", "Your API key does not have permission", E.PermissionDeniedError),
        (404, "not_found_error", "model: claude-nope", E.NotFoundError),
        (413, "request_too_large", "Request exceeds the maximum allowed number of bytes.", E.InvalidRequestError),
        (429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", E.RateLimitError),
        (500, "api_error", "Internal server error", E.ProviderServerError),
        (504, "timeout_error", "Request timed out", E.ProviderTimeoutError),
        (529, "overloaded_error", "Overloaded", E.ProviderServerError),
    ],
)
def test_error_mapping(status: int, kind: str, message: str, cls: type[E.LLMCoreError]) -> None:
    err = _error(status, kind, message, {"request-id": "req_hdr_1", "retry-after": "3"})
    assert type(err) is cls
    assert (err.status_code, err.code, err.message, err.provider) == (status, kind, message, "anthropic")
    assert err.request_id == "req_hdr_1" and err.retry_after == 3.0
    assert err.is_retryable == (cls in (E.RateLimitError, E.ProviderServerError, E.ProviderTimeoutError))


def test_error_types_table_is_complete_for_the_spec() -> None:
    documented = {
        "invalid_request_error",
        "authentication_error",
        "billing_error",
        "permission_error",
        "not_found_error",
        "rate_limit_error",
        "timeout_error",
        "api_error",
        "overloaded_error",
    }
    assert documented <= set(ERROR_TYPES)


def test_request_id_falls_back_to_the_body() -> None:
    assert _error(404, "not_found_error", "model: x").request_id == "req_body_1"


def test_error_body_that_is_not_json() -> None:
    err = _error(502, None, "", body=b"<html>bad gateway</html>")
    assert isinstance(err, E.ProviderServerError) and "bad gateway" in err.message


def test_retry_after_header_parsed_on_429() -> None:
    err = _error(429, "rate_limit_error", "slow", {"retry-after": "17"})
    assert isinstance(err, E.RateLimitError) and err.retry_after == 17.0


# -- request mapping ------------------------------------------------------------------------------------


def body(**kw: Any) -> dict[str, Any]:
    kw.setdefault("model", "claude-sonnet-4-5")
    b, warnings = build_messages_body(ChatRequest(**kw), stream=False)
    load_spec(SPEC).validate_body("POST", "/v1/messages", b)
    body.warnings = warnings  # type: ignore[attr-defined]
    return b


def test_system_from_field_and_system_messages() -> None:
    b = body(
        system="Be brief.",
        messages=[
            {"role": "system", "content": "Answer in French."},
            "Hi",
            {"role": "system", "content": "Never lie."},
        ],
    )
    assert b["system"] == "Be brief.\n\nAnswer in French.\n\nNever lie."
    assert b["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]


def test_consecutive_same_role_turns_are_merged() -> None:
    b = body(
        messages=["one", "two", {"role": "assistant", "content": "a"}, {"role": "assistant", "content": "b"}, "three"]
    )
    assert [m["role"] for m in b["messages"]] == ["user", "assistant", "user"]
    assert [blk["text"] for blk in b["messages"][0]["content"]] == ["one", "two"]
    assert [blk["text"] for blk in b["messages"][1]["content"]] == ["a", "b"]


def test_tool_results_become_a_user_turn_and_come_first() -> None:
    call = {"type": "tool_call", "id": "toolu_1", "name": "f", "arguments": {"x": 1}}
    b = body(
        messages=[
            "go",
            {"role": "assistant", "content": [call]},
            {
                "role": "tool",
                "content": [{"type": "tool_result", "tool_call_id": "toolu_1", "content": "boom", "is_error": True}],
            },
            "and now?",
        ],
        tools=[{"name": "f"}],
    )
    assert b["messages"][1] == {
        "role": "assistant",
        "content": [{"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"x": 1}}],
    }
    assert b["messages"][2] == {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1", "content": "boom", "is_error": True},
            {"type": "text", "text": "and now?"},
        ],
    }
    # a user message with text before the result: the result is moved first
    b = body(
        messages=[
            "go",
            {"role": "assistant", "content": [call]},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "note"},
                    {"type": "tool_result", "tool_call_id": "toolu_1", "content": "ok"},
                ],
            },
        ],
        tools=[{"name": "f"}],
    )
    assert [blk["type"] for blk in b["messages"][2]["content"]] == ["tool_result", "text"]


def test_openai_style_messages_map_too() -> None:
    b = body(
        messages=[
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "w", "arguments": '{"c":"P"}'}}
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        ],
        tools=[{"name": "w"}],
    )
    assert b["messages"][1]["content"] == [{"type": "tool_use", "id": "call_1", "name": "w", "input": {"c": "P"}}]
    assert b["messages"][2]["content"] == [{"type": "tool_result", "tool_use_id": "call_1", "content": "sunny"}]


def test_images_base64_url_and_data_url() -> None:
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    b = body(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "what?"},
                    {"type": "image", "data": png},  # media type sniffed
                    {"type": "image", "url": "https://example.com/cat.jpg"},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{png}"}},
                ],
            }
        ]
    )
    blocks = b["messages"][0]["content"]
    assert blocks[1] == {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png}}
    assert blocks[2] == {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}
    assert blocks[3] == blocks[1]
    with pytest.raises(E.InvalidRequestError, match="media_type"):
        body(messages=[{"role": "user", "content": [{"type": "image", "data": "AAAA"}]}])


def test_documents() -> None:
    b = body(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "file", "data": "JVBERi0=", "media_type": "application/pdf", "filename": "a.pdf"},
                    {"type": "file", "data": "aGVsbG8=", "media_type": "text/plain"},
                    {"type": "text", "text": "summarise"},
                ],
            }
        ]
    )
    blocks = b["messages"][0]["content"]
    assert blocks[0] == {
        "type": "document",
        "title": "a.pdf",
        "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="},
    }
    assert blocks[1]["source"] == {"type": "text", "media_type": "text/plain", "data": "hello"}
    b = body(
        messages=[
            {
                "role": "user",
                "content": [{"type": "file", "data": "AA==", "media_type": "audio/wav"}, {"type": "text", "text": "x"}],
            }
        ]
    )
    assert [w.feature for w in body.warnings] == ["file"]  # type: ignore[attr-defined]


def test_reasoning_parts_round_trip_and_foreign_ones_are_dropped() -> None:
    assistant = Message(
        role="assistant",
        content=[
            ReasoningPart(text="let me think", signature="SIG", provider="anthropic"),
            ReasoningPart(redacted=True, data="ENCRYPTED", provider="anthropic"),
            ReasoningPart(text="openai summary", data={"encrypted_content": "x"}, provider="openai"),
            ReasoningPart(text="gemini thought", signature="GSIG", provider="gemini"),
            {"type": "text", "text": "answer"},
        ],
    )
    b = body(messages=["q", assistant, "more"])
    assert b["messages"][1]["content"] == [
        {"type": "thinking", "thinking": "let me think", "signature": "SIG"},
        {"type": "redacted_thinking", "data": "ENCRYPTED"},
        {"type": "text", "text": "answer"},
    ]
    assert body.warnings == []  # type: ignore[attr-defined]


def test_unsigned_reasoning_is_dropped_with_a_warning_or_strict_error() -> None:
    assistant = Message(role="assistant", content=[ReasoningPart(text="unsigned"), {"type": "text", "text": "a"}])
    b = body(messages=["q", assistant, "more"])
    assert b["messages"][1]["content"] == [{"type": "text", "text": "a"}]
    assert [w.feature for w in body.warnings] == ["reasoning"]  # type: ignore[attr-defined]
    with pytest.raises(E.UnsupportedFeatureError):
        body(messages=["q", assistant, "more"], strict=True)


def test_max_tokens_default_and_thinking_budget() -> None:
    assert body(messages=["x"])["max_tokens"] == DEFAULT_MAX_TOKENS == 4096
    assert body(messages=["x"], max_tokens=100)["max_tokens"] == 100
    b = body(messages=["x"], reasoning_effort="medium")
    assert b["thinking"] == {"type": "enabled", "budget_tokens": EFFORT_BUDGETS["medium"]}
    assert b["max_tokens"] == DEFAULT_MAX_TOKENS + EFFORT_BUDGETS["medium"]
    with pytest.raises(E.InvalidRequestError, match="greater than the thinking budget"):
        body(messages=["x"], reasoning_effort="high", max_tokens=1000)
    # provider_options thinking wins over reasoning_effort, and can be adaptive
    b = body(
        messages=["x"], reasoning_effort="high", provider_options={"anthropic": {"thinking": {"type": "adaptive"}}}
    )
    assert b["thinking"] == {"type": "adaptive"} and b["max_tokens"] == DEFAULT_MAX_TOKENS
    b, _ = build_messages_body(ChatRequest(model="claude-x", messages=["x"]), stream=True, default_max_tokens=123)
    assert b["max_tokens"] == 123 and b["stream"] is True


def test_sampling_parameters_and_warnings() -> None:
    b = body(messages=["x"], temperature=0.3, top_p=0.9, stop=["END", "STOP"])
    assert (b["temperature"], b["top_p"], b["stop_sequences"]) == (0.3, 0.9, ["END", "STOP"])
    assert body.warnings == []  # type: ignore[attr-defined]
    b = body(messages=["x"], temperature=1.5, seed=7)
    assert b["temperature"] == 1.0 and "seed" not in b
    assert sorted(w.feature for w in body.warnings) == ["seed", "temperature"]  # type: ignore[attr-defined]
    with pytest.raises(E.UnsupportedFeatureError, match="seed"):
        body(messages=["x"], seed=7, strict=True)


def test_tools_and_tool_choice() -> None:
    tools = [
        {"name": "a", "description": "A", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}},
        {
            "name": "b",
            "strict": True,
            "parameters": {"type": "object", "properties": {"o": {"type": "object", "properties": {}}}},
        },
    ]
    b = body(messages=["x"], tools=tools, tool_choice="required")
    assert b["tools"][0] == {"name": "a", "description": "A", "input_schema": tools[0]["parameters"]}
    assert b["tools"][1]["strict"] is True
    assert b["tools"][1]["input_schema"]["additionalProperties"] is False
    assert b["tools"][1]["input_schema"]["properties"]["o"]["additionalProperties"] is False
    assert b["tool_choice"] == {"type": "any"}
    assert body(messages=["x"], tools=tools, tool_choice="auto")["tool_choice"] == {"type": "auto"}
    assert body(messages=["x"], tools=tools, tool_choice="none")["tool_choice"] == {"type": "none"}
    assert body(messages=["x"], tools=tools, tool_choice={"name": "b"})["tool_choice"] == {"type": "tool", "name": "b"}
    assert "tool_choice" not in body(messages=["x"], tools=tools)
    with pytest.raises(E.InvalidRequestError, match="needs tools"):
        body(messages=["x"], tool_choice="required")


def test_structured_output_native_and_json_object_warning() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "object", "properties": {}}},
        },
        "required": ["name"],
    }
    b = body(messages=["x"], response_format={"type": "json_schema", "schema": schema})
    sent = b["output_config"]["format"]
    assert sent["type"] == "json_schema" and sent["schema"]["additionalProperties"] is False
    assert sent["schema"]["properties"]["tags"]["items"]["additionalProperties"] is False
    assert "additionalProperties" not in schema  # the caller's schema is not modified
    b = body(messages=["x"], response_format={"type": "json_object"})
    assert "output_config" not in b and [w.feature for w in body.warnings] == ["response_format"]  # type: ignore[attr-defined]


def test_strict_schema_keeps_explicit_additional_properties() -> None:
    s = strict_json_schema(
        {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "$defs": {"D": {"type": "object", "properties": {"a": {"anyOf": [{"type": "object"}, {"type": "null"}]}}}},
        }
    )
    assert s["additionalProperties"] == {"type": "integer"}
    assert s["$defs"]["D"]["additionalProperties"] is False
    assert s["$defs"]["D"]["properties"]["a"]["anyOf"][0]["additionalProperties"] is False


def test_provider_options_are_merged_into_the_body() -> None:
    b = body(
        messages=["x"],
        tools=[{"name": "f"}],
        tool_choice="auto",
        response_format={"type": "json_schema", "schema": {"type": "object", "properties": {}}},
        provider_options={
            "anthropic": {
                "metadata": {"user_id": "u-1"},
                "cache_control": {"type": "ephemeral"},
                "top_k": 5,
                "tool_choice": {"disable_parallel_tool_use": True},
                "output_config": {"effort": "low"},
            },
            "openai": {"store": True},
        },
    )
    assert b["metadata"] == {"user_id": "u-1"} and b["cache_control"] == {"type": "ephemeral"} and b["top_k"] == 5
    assert b["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": True}
    assert b["output_config"]["effort"] == "low" and b["output_config"]["format"]["type"] == "json_schema"
    assert "store" not in b
    # a dict with another "type" replaces ours whole
    b = body(
        messages=["x"],
        tools=[{"name": "f"}],
        tool_choice={"name": "f"},
        provider_options={"anthropic": {"tool_choice": {"type": "none"}}},
    )
    assert b["tool_choice"] == {"type": "none"}


def test_count_tokens_body_has_only_what_the_endpoint_takes() -> None:
    req = ChatRequest(
        model="claude-sonnet-4-5",
        messages=["x"],
        system="s",
        temperature=0.2,
        max_tokens=9,
        stop=["e"],
        tools=[{"name": "f"}],
        reasoning_effort="low",
        provider_options={"anthropic": {"metadata": {"user_id": "u"}, "cache_control": {"type": "ephemeral"}}},
    )
    b = build_count_tokens_body(req)
    assert set(b) == {"model", "messages", "system", "tools", "thinking", "cache_control"}
    load_spec(SPEC).validate_body("POST", "/v1/messages/count_tokens", b)


def test_empty_text_parts_are_not_sent() -> None:
    b = body(
        messages=[
            {"role": "user", "content": [{"type": "text", "text": ""}, {"type": "text", "text": "hi"}]},
            {"role": "assistant", "content": ""},
            "again",
        ]
    )
    assert b["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "text", "text": "again"}]}
    ]


# -- response parsing ------------------------------------------------------------------------------------


def test_response_parts_in_order() -> None:
    r = parse_message(
        {
            "id": "msg_1",
            "model": "claude-x",
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "content": [
                {"type": "thinking", "thinking": "t", "signature": "S"},
                {"type": "redacted_thinking", "data": "D"},
                {"type": "text", "text": "a"},
                {"type": "text", "text": "b"},
                {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}},
                {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"k": [1, 2]}},
            ],
            "usage": {
                "input_tokens": 5,
                "output_tokens": 9,
                "cache_read_input_tokens": 0,
                "cache_creation_input_tokens": 0,
            },
        }
    )
    kinds = [(p.type, getattr(p, "text", None)) for p in r.message.content]
    assert kinds == [
        ("reasoning", "t"),
        ("reasoning", ""),
        ("text", "ab"),
        ("server_tool_call", None),
        ("tool_call", None),
    ]
    assert r.message.content[1].redacted and r.message.content[1].data == "D"
    assert r.tool_calls[0].arguments == {"k": [1, 2]} and json.loads(r.tool_calls[0].raw_arguments) == {"k": [1, 2]}
    assert r.server_tool_calls[0].id == "srvtoolu_1" and r.server_tool_calls[0].provider == "anthropic"
    assert r.provider_metadata == {}
    assert r.usage.input_tokens == 5 and r.finish_reason == "tool_calls"


def test_a_non_message_response_is_a_response_error() -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_message({"type": "error"})
