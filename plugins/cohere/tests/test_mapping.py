"""Request mapping (llmcore → Cohere body), warnings and strict mode, token
counting, and error-body mapping. Bodies built here are also checked against
Cohere's OpenAPI spec."""

from __future__ import annotations

import base64
import json
from typing import Any

import cohere_cases as C
import pytest
from llmcore import errors as E
from llmcore.types import ChatRequest
from llmcore_cohere.errors import error_details
from llmcore_cohere.request import TOKENIZE_MAX_CHARS, build_chat_body, build_tokenize_bodies
from llmcore_testing.openapi import load_spec

MODEL = "command-a-03-2025"
WEATHER = {
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
TIME = {"name": "get_time", "parameters": {"type": "object", "properties": {}}}


def body(**kw: Any) -> tuple[dict[str, Any], list[Any]]:
    kw.setdefault("model", MODEL)
    b, warnings = build_chat_body(ChatRequest(**kw), stream=False)
    problems = load_spec(C.SPEC).errors("POST", "/v2/chat", b)
    assert not problems, problems
    return b, warnings


def _conversation() -> list[Any]:
    return [
        "What's the weather in Paris?",
        {
            "role": "assistant",
            "content": [
                {"type": "reasoning", "text": "I should call the tool.", "provider": "cohere"},
                {"type": "text", "text": "I will look it up."},
                {"type": "tool_call", "id": "get_weather_1", "name": "get_weather", "arguments": {"city": "Paris"}},
            ],
        },
        {"role": "tool", "tool_call_id": "get_weather_1", "content": "Sunny, 22C"},
    ]


def test_assistant_text_with_tool_calls_is_the_tool_plan() -> None:
    b, _ = body(messages=_conversation(), tools=[WEATHER])
    assistant = b["messages"][1]
    assert assistant == {
        "role": "assistant",
        "tool_plan": "I will look it up.",
        "content": [{"type": "thinking", "thinking": "I should call the tool."}],
        "tool_calls": [
            {
                "id": "get_weather_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
            }
        ],
    }


def test_tool_results_are_document_content() -> None:
    msgs = _conversation()
    msgs[2] = {
        "role": "tool",
        "content": [
            {"type": "tool_result", "tool_call_id": "get_weather_1", "content": "Sunny, 22C"},
        ],
    }
    b, _ = body(messages=msgs, tools=[WEATHER])
    assert b["messages"][2] == {
        "role": "tool",
        "tool_call_id": "get_weather_1",
        "content": [{"type": "document", "document": {"data": {"content": "Sunny, 22C"}}}],
    }


def test_json_object_result_is_the_document_data_and_errors_are_marked() -> None:
    msgs = _conversation()
    msgs[2] = {
        "role": "tool",
        "content": [
            {"type": "tool_result", "tool_call_id": "get_weather_1", "content": '{"temp_c": 22, "sky": "sunny"}'},
        ],
    }
    b, _ = body(messages=msgs, tools=[WEATHER])
    assert b["messages"][2]["content"][0]["document"]["data"] == {"temp_c": 22, "sky": "sunny"}
    msgs[2]["content"][0]["is_error"] = True
    b, _ = body(messages=msgs, tools=[WEATHER])
    assert b["messages"][2]["content"][0]["document"]["data"] == {"error": '{"temp_c": 22, "sky": "sunny"}'}


def test_other_providers_reasoning_is_not_sent() -> None:
    msgs = _conversation()
    msgs[1]["content"][0]["provider"] = "anthropic"
    b, _ = body(messages=msgs, tools=[WEATHER])
    assert "content" not in b["messages"][1]


def test_system_first_then_system_messages_in_place() -> None:
    b, _ = body(system="Be brief.", messages=["hi", {"role": "system", "content": "Reply in French."}, "again"])
    assert [m["role"] for m in b["messages"]] == ["system", "user", "system", "user"]
    assert b["messages"][0]["content"] == "Be brief."


@pytest.mark.parametrize(
    ("choice", "expect_choice", "expect_tools"),
    [
        (None, None, ["get_weather", "get_time"]),
        ("auto", None, ["get_weather", "get_time"]),
        ("none", "NONE", ["get_weather", "get_time"]),
        ("required", "REQUIRED", ["get_weather", "get_time"]),
        ({"name": "get_time"}, "REQUIRED", ["get_time"]),
    ],
)
def test_tool_choice(choice: Any, expect_choice: str | None, expect_tools: list[str]) -> None:
    b, w = body(messages=["hi"], tools=[WEATHER, TIME], tool_choice=choice)
    assert b.get("tool_choice") == expect_choice
    assert [t["function"]["name"] for t in b["tools"]] == expect_tools
    assert b["tools"][0]["type"] == "function" and not w


def test_required_without_tools_fails_before_sending() -> None:
    with pytest.raises(E.InvalidRequestError):
        body(messages=["hi"], tool_choice="required")


def test_strict_tool_turns_on_strict_tools() -> None:
    b, _ = body(messages=["hi"], tools=[{**WEATHER, "strict": True}])
    assert b["strict_tools"] is True


def test_sampling_parameters() -> None:
    b, w = body(messages=["hi"], temperature=0.4, top_p=0.5, max_tokens=50, stop=["END"], seed=7)
    assert (b["temperature"], b["p"], b["max_tokens"], b["stop_sequences"], b["seed"]) == (0.4, 0.5, 50, ["END"], 7)
    assert not w


def test_out_of_range_values_are_clamped_with_warnings() -> None:
    b, w = body(messages=["hi"], temperature=1.5, top_p=1.0, stop=[str(i) for i in range(7)])
    assert (b["temperature"], b["p"], len(b["stop_sequences"])) == (1.0, 0.99, 5)
    assert [x.feature for x in w] == ["temperature", "top_p", "stop"]


def test_strict_mode_raises_instead_of_warning() -> None:
    with pytest.raises(E.UnsupportedFeatureError):
        body(messages=["hi"], temperature=1.5, strict=True)
    with pytest.raises(E.UnsupportedFeatureError):
        body(messages=["hi"], reasoning_effort="high", strict=True)


def test_reasoning_effort_warns_and_thinking_passes_through() -> None:
    b, w = body(
        messages=["hi"],
        reasoning_effort="low",
        provider_options={"cohere": {"thinking": {"type": "enabled", "token_budget": 256}}},
    )
    assert b["thinking"] == {"type": "enabled", "token_budget": 256}
    assert [x.feature for x in w] == ["reasoning_effort"]


def test_response_formats() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    b, _ = body(messages=["hi"], response_format={"type": "json_schema", "schema": schema})
    assert b["response_format"] == {"type": "json_object", "json_schema": schema}
    b, _ = body(messages=["hi"], response_format={"type": "json_object"})
    assert b["response_format"] == {"type": "json_object"}
    b, _ = body(messages=["hi"], response_format={"type": "text"})
    assert "response_format" not in b


def test_images_and_text_files() -> None:
    text = base64.b64encode(b"Ruby was created in 1993.").decode()
    b, w = body(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image", "url": "https://example.com/cat.png"},
                    {"type": "image", "data": "iVBORw0KGgo=", "media_type": "image/png"},
                    {"type": "file", "data": text, "media_type": "text/plain", "filename": "facts.txt"},
                    {"type": "file", "data": "JVBERi0=", "media_type": "application/pdf"},
                ],
            }
        ]
    )
    assert b["messages"][0]["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ]
    assert b["documents"] == [{"data": {"text": "Ruby was created in 1993.", "title": "facts.txt"}}]
    assert [x.feature for x in w] == ["file"]


def test_provider_options_may_not_override_the_codec() -> None:
    with pytest.raises(E.InvalidRequestError):
        body(messages=["hi"], provider_options={"cohere": {"stream": True}})


def test_provider_options_of_other_providers_are_ignored() -> None:
    b, _ = body(messages=["hi"], provider_options={"openai": {"store": True}, "cohere": {"safety_mode": "STRICT"}})
    assert b["safety_mode"] == "STRICT" and "store" not in b


def test_tokenize_bodies_split_long_text() -> None:
    word = "lorem "
    req = ChatRequest(model=MODEL, messages=[word * 30000])  # 180,000 characters
    bodies = build_tokenize_bodies(req)
    assert len(bodies) == 3
    assert all(len(b["text"]) <= TOKENIZE_MAX_CHARS and b["model"] == MODEL for b in bodies)
    assert "".join(b["text"] for b in bodies) == word * 30000
    assert all(not load_spec(C.SPEC).errors("POST", "/v1/tokenize", b) for b in bodies)


def test_count_tokens_is_the_recorded_token_count() -> None:
    count, sent = C.replay_count_tokens(C.COUNT_TOKENS)
    recorded = json.loads(C.recorded_response(C.PAI_TOKENIZE))
    assert count.method == "api" and count.input_tokens == len(recorded["tokens"]) == 4
    assert json.loads(sent[0].content) == {"text": "Hello, world!", "model": "embed-v4.0"}


@pytest.mark.parametrize(
    ("status", "body", "cls", "code"),
    [
        (
            400,
            {"error_type": "TOO_MANY_TOKENS", "message": "too many tokens: size limit exceeded by 5 tokens."},
            E.ContextWindowExceededError,
            "TOO_MANY_TOKENS",
        ),
        (
            400,
            {"message": "too many tokens: total number of tokens in the prompt cannot exceed 4081 - received 4292."},
            E.ContextWindowExceededError,
            None,
        ),
        (
            400,
            {
                "message": "too many tokens: max tokens must be less than or equal to 4096, the maximum output for "
                "this model - received 8192."
            },
            None,
            None,
        ),
        (498, {"message": "invalid api token"}, E.AuthenticationError, None),
        (499, {"message": "request cancelled"}, E.ProviderServerError, None),
        (404, {"message": "model 'x' not found"}, None, None),
    ],
)
def test_error_bodies(status: int, body: dict[str, Any], cls: type[Exception] | None, code: str | None) -> None:
    message, got_code, got_cls = error_details(status, body, json.dumps(body))
    assert message == body["message"] and got_code == code and got_cls is cls


def test_error_without_json_body_keeps_the_text() -> None:
    assert error_details(502, None, "<html>Bad gateway</html>") == ("<html>Bad gateway</html>", None, None)
