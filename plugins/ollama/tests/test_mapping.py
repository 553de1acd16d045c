"""Request mapping (llmcore → Ollama body), warnings and strict mode, and
error-body mapping. Bodies built here are also checked against Ollama's
OpenAPI spec (``ChatRequest``)."""

from __future__ import annotations

import json
from typing import Any

import ollama_cases as C
import pytest
from llmcore import errors as E
from llmcore.types import ChatRequest
from llmcore_ollama.errors import error_details
from llmcore_ollama.finish import map_finish_reason
from llmcore_ollama.request import build_chat_body
from llmcore_testing.openapi import load_spec

MODEL = "qwen3:8b"
WEATHER = {
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
TIME = {"name": "get_time", "parameters": {"type": "object", "properties": {}}}


def body(**kw: Any) -> tuple[dict[str, Any], list[Any]]:
    kw.setdefault("model", MODEL)
    b, warnings = build_chat_body(ChatRequest(**kw), stream=False)
    problems = load_spec(C.SPEC).errors("POST", "/api/chat", b)
    assert not problems, problems
    return b, warnings


def test_conversation_with_thinking_tool_calls_and_results() -> None:
    b, w = body(
        system="Be brief.",
        tools=[WEATHER],
        messages=[
            "What's the weather in Paris?",
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "Use the tool.", "provider": "ollama"},
                    {"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"city": "Paris"}},
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "Sunny, 22C"},
        ],
    )
    assert b["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What's the weather in Paris?"},
        {
            "role": "assistant",
            "content": "",
            "thinking": "Use the tool.",
            "tool_calls": [{"id": "call_1", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}],
        },
        {"role": "tool", "content": "Sunny, 22C", "tool_name": "get_weather", "tool_call_id": "call_1"},
    ]
    assert b["tools"] == [{"type": "function", "function": WEATHER}] and not w


def test_other_providers_reasoning_is_not_sent() -> None:
    b, _ = body(
        messages=[
            "hi",
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "secret", "signature": "sig", "provider": "anthropic"},
                    {"type": "text", "text": "Hello"},
                ],
            },
            "and?",
        ]
    )
    assert b["messages"][1] == {"role": "assistant", "content": "Hello"}


def test_images_inline_only() -> None:
    b, w = body(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image", "data": "iVBORw0KGgo=", "media_type": "image/png"},
                    {"type": "image", "url": "https://example.com/cat.png"},
                ],
            }
        ]
    )
    assert b["messages"] == [{"role": "user", "content": "What is this?", "images": ["iVBORw0KGgo="]}]
    assert [x.feature for x in w] == ["image.url"]
    with pytest.raises(E.UnsupportedFeatureError):
        body(strict=True, messages=[{"role": "user", "content": [{"type": "image", "url": "https://x/y.png"}]}])


def test_sampling_parameters_are_model_options() -> None:
    b, _ = body(messages=["hi"], temperature=1.5, top_p=0.9, seed=3, max_tokens=64, stop=["\n\n"])
    assert b["options"] == {"temperature": 1.5, "top_p": 0.9, "seed": 3, "num_predict": 64, "stop": ["\n\n"]}


def test_provider_options_merge() -> None:
    b, _ = body(
        messages=["hi"],
        temperature=0.2,
        provider_options={
            "ollama": {
                "options": {"num_ctx": 8192, "top_k": 20},
                "keep_alive": "1h",
                "truncate": False,
                "think": "high",
            }
        },
    )
    assert b["options"] == {"temperature": 0.2, "num_ctx": 8192, "top_k": 20}
    assert (b["keep_alive"], b["truncate"], b["think"]) == ("1h", False, "high")
    with pytest.raises(E.InvalidRequestError):
        body(messages=["hi"], provider_options={"ollama": {"model": "other"}})


@pytest.mark.parametrize(
    ("choice", "tools", "warned"),
    [
        (None, ["get_weather", "get_time"], False),
        ("auto", ["get_weather", "get_time"], False),
        ("none", None, False),
        ("required", ["get_weather", "get_time"], True),
        ({"name": "get_time"}, ["get_time"], True),
    ],
)
def test_tool_choice(choice: Any, tools: list[str] | None, warned: bool) -> None:
    b, w = body(messages=["hi"], tools=[WEATHER, TIME], tool_choice=choice)
    assert ([t["function"]["name"] for t in b["tools"]] if "tools" in b else None) == tools
    assert bool(w) == warned
    if warned:
        with pytest.raises(E.UnsupportedFeatureError):
            body(messages=["hi"], tools=[WEATHER, TIME], tool_choice=choice, strict=True)


def test_response_formats() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    assert body(messages=["hi"], response_format={"type": "json_schema", "schema": schema})[0]["format"] == schema
    assert body(messages=["hi"], response_format={"type": "json_object"})[0]["format"] == "json"
    assert "format" not in body(messages=["hi"], response_format={"type": "text"})[0]


@pytest.mark.parametrize(
    ("effort", "think", "warned"), [("low", "low", False), ("high", "high", False), ("minimal", "low", True)]
)
def test_reasoning_effort_is_think(effort: str, think: str, warned: bool) -> None:
    b, w = body(messages=["hi"], reasoning_effort=effort)
    assert b["think"] == think and bool(w) == warned


@pytest.mark.parametrize(
    ("status", "payload", "cls", "needle", "code"),
    [
        (404, {"error": "model 'llama3.2' not found"}, E.NotFoundError, "ollama pull llama3.2", None),
        (404, {"error": 'model "gemma3" not found, try pulling it first'}, E.NotFoundError, "ollama pull gemma3", None),
        (
            400,
            {
                "error": json.dumps(
                    {
                        "error": {
                            "code": 400,
                            "message": "request (351 tokens) exceeds the available "
                            "context size (256 tokens), try increasing it",
                            "type": "exceed_context_size_error",
                        }
                    }
                )
            },
            E.ContextWindowExceededError,
            "351 tokens",
            "exceed_context_size_error",
        ),
        (400, {"error": "input length exceeds the context length"}, E.ContextWindowExceededError, "context", None),
        (400, {"error": "registry.ollama.ai/library/gemma:2b does not support tools"}, None, "support tools", None),
        (401, {"error": {"message": "Unauthorized", "type": "api_error"}}, None, "Unauthorized", None),
    ],
)
def test_error_bodies(status: int, payload: Any, cls: type[Exception] | None, needle: str, code: str | None) -> None:
    message, got_code, got_cls = error_details(status, payload, json.dumps(payload))
    assert needle in message and got_cls is cls and got_code == code


def test_error_without_json_keeps_the_text() -> None:
    assert error_details(502, None, "Bad Gateway") == ("Bad Gateway", None, None)


@pytest.mark.parametrize(
    ("raw", "calls", "unified"),
    [
        ("stop", False, "stop"),
        ("stop", True, "tool_calls"),
        ("length", False, "length"),
        ("load", False, "other"),
        ("unload", False, "other"),
        (None, False, "other"),
    ],
)
def test_done_reason(raw: str | None, calls: bool, unified: str) -> None:
    assert map_finish_reason(raw, has_tool_calls=calls) == unified
