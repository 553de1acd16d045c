"""ChatRequest → Converse body: mapping, warnings, errors before the network,
and every body we build validated against the Smithy model."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import pytest
import smithy_check
from bedrock_cases import make_provider
from llmcore.errors import InvalidRequestError, UnsupportedFeatureError
from llmcore.types import ChatRequest
from llmcore_bedrock.request import build_converse_body, build_count_tokens_body, model_path

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16).decode()
TOOL = {
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def body_of(**kw: Any) -> tuple[dict[str, Any], list[Any]]:
    kw.setdefault("model", "us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    body, warnings = build_converse_body(ChatRequest(**kw))
    problems = smithy_check.check("ConverseRequest", body)
    assert not problems, problems
    return body, warnings


def test_minimal_body() -> None:
    body, warnings = body_of(messages=["Hi"])
    assert body == {"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}
    assert warnings == []


def test_system_and_inference_config() -> None:
    body, _ = body_of(
        system="Be brief.",
        messages=[{"role": "system", "content": "Answer in French."}, "Hi"],
        max_tokens=100,
        temperature=0.2,
        top_p=0.9,
        stop=["END", "STOP"],
    )
    assert body["system"] == [{"text": "Be brief.\n\nAnswer in French."}]
    assert body["inferenceConfig"] == {
        "maxTokens": 100,
        "temperature": 0.2,
        "topP": 0.9,
        "stopSequences": ["END", "STOP"],
    }
    assert body["messages"] == [{"role": "user", "content": [{"text": "Hi"}]}]


def test_tools_choices_and_results_merge_into_alternating_roles() -> None:
    msgs = [
        "Weather in Paris and Rome?",
        {
            "role": "assistant",
            "content": [
                {"type": "reasoning", "text": "two calls", "signature": "sig==", "provider": "bedrock"},
                {"type": "text", "text": "Checking."},
                {"type": "tool_call", "id": "tooluse_a", "name": "get_weather", "arguments": {"city": "Paris"}},
                {"type": "tool_call", "id": "tooluse_b", "name": "get_weather", "arguments": {"city": "Rome"}},
            ],
        },
        {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": "tooluse_a", "content": "sunny"}]},
        {
            "role": "tool",
            "content": [{"type": "tool_result", "tool_call_id": "tooluse_b", "content": "no data", "is_error": True}],
        },
        "And tomorrow?",
    ]
    body, warnings = body_of(
        messages=msgs,
        tools=[TOOL, {**TOOL, "name": "other", "description": "", "strict": True}],
        tool_choice="required",
    )
    assert warnings == []
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][1]["content"] == [
        {"reasoningContent": {"reasoningText": {"text": "two calls", "signature": "sig=="}}},
        {"text": "Checking."},
        {"toolUse": {"toolUseId": "tooluse_a", "name": "get_weather", "input": {"city": "Paris"}}},
        {"toolUse": {"toolUseId": "tooluse_b", "name": "get_weather", "input": {"city": "Rome"}}},
    ]
    assert body["messages"][2]["content"] == [
        {"toolResult": {"toolUseId": "tooluse_a", "content": [{"text": "sunny"}]}},
        {"toolResult": {"toolUseId": "tooluse_b", "content": [{"text": "no data"}], "status": "error"}},
        {"text": "And tomorrow?"},
    ]
    tools = body["toolConfig"]["tools"]
    assert tools[0] == {
        "toolSpec": {
            "name": "get_weather",
            "description": "Weather for a city",
            "inputSchema": {"json": TOOL["parameters"]},
        }
    }
    assert tools[1]["toolSpec"]["strict"] is True and "description" not in tools[1]["toolSpec"]
    assert body["toolConfig"]["toolChoice"] == {"any": {}}


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", {"auto": {}}),
        ("required", {"any": {}}),
        ({"name": "get_weather"}, {"tool": {"name": "get_weather"}}),
    ],
)
def test_tool_choice(choice: Any, expected: dict[str, Any]) -> None:
    body, _ = body_of(messages=["Hi"], tools=[TOOL], tool_choice=choice)
    assert body["toolConfig"]["toolChoice"] == expected


def test_tool_choice_none() -> None:
    body, warnings = body_of(messages=["Hi"], tools=[TOOL], tool_choice="none")
    assert "toolConfig" not in body and warnings == []  # no tools offered: none can be called
    history = [
        "Hi",
        {
            "role": "assistant",
            "content": [{"type": "tool_call", "id": "t1", "name": "get_weather", "arguments": {"city": "X"}}],
        },
        {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": "t1", "content": "ok"}]},
    ]
    body, warnings = body_of(messages=history, tools=[TOOL], tool_choice="none")
    assert "toolChoice" not in body["toolConfig"] and [w.feature for w in warnings] == ["tool_choice"]
    with pytest.raises(UnsupportedFeatureError):
        body_of(messages=history, tools=[TOOL], tool_choice="none", strict=True)


def test_images_documents_and_image_tool_results() -> None:
    msgs = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image", "data": PNG, "media_type": "image/png"},
                {
                    "type": "file",
                    "data": base64.b64encode(b"%PDF-1.4").decode(),
                    "media_type": "application/pdf",
                    "filename": "Q3 report (final).v2.pdf",
                },
            ],
        }
    ]
    body, _ = body_of(messages=msgs)
    content = body["messages"][0]["content"]
    assert content[1] == {"image": {"format": "png", "source": {"bytes": PNG}}}
    assert content[2]["document"]["format"] == "pdf"
    assert content[2]["document"]["name"] == "Q3 report (final) v2"
    tool_msgs = [
        "x",
        {"role": "assistant", "content": [{"type": "tool_call", "id": "t1", "name": "get_weather"}]},
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool_result",
                    "tool_call_id": "t1",
                    "content": [
                        {"type": "text", "text": "chart:"},
                        {"type": "image", "data": PNG, "media_type": "image/jpeg"},
                    ],
                }
            ],
        },
    ]
    body, _ = body_of(messages=tool_msgs, tools=[TOOL])
    assert body["messages"][2]["content"][0]["toolResult"]["content"] == [
        {"text": "chart:"},
        {"image": {"format": "jpeg", "source": {"bytes": PNG}}},
    ]


@pytest.mark.parametrize(
    ("part", "error"),
    [
        ({"type": "image", "url": "https://example.com/cat.png"}, UnsupportedFeatureError),
        ({"type": "image", "data": PNG, "media_type": "image/tiff"}, InvalidRequestError),
        (
            {"type": "file", "url": "https://example.com/a.pdf", "media_type": "application/pdf"},
            UnsupportedFeatureError,
        ),
        ({"type": "file", "data": PNG, "media_type": "application/zip"}, InvalidRequestError),
    ],
)
def test_unrepresentable_input_is_an_error(part: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        build_converse_body(ChatRequest(model="m.x", messages=[{"role": "user", "content": [part]}]))


def test_reasoning_round_trip_and_foreign_reasoning() -> None:
    assistant = {
        "role": "assistant",
        "content": [
            {"type": "reasoning", "redacted": True, "data": "ZW5jcnlwdGVk", "provider": "bedrock"},
            {"type": "reasoning", "text": "from elsewhere", "signature": "x", "provider": "anthropic"},
            {"type": "text", "text": "Hello"},
        ],
    }
    body, warnings = body_of(messages=["Hi", assistant, "Again"])
    assert body["messages"][1]["content"] == [
        {"reasoningContent": {"redactedContent": "ZW5jcnlwdGVk"}},
        {"text": "Hello"},
    ]
    assert [w.feature for w in warnings] == ["reasoning"] and "anthropic" in warnings[0].detail
    with pytest.raises(UnsupportedFeatureError):
        body_of(messages=["Hi", assistant, "Again"], strict=True)


def test_structured_output_and_unhonoured_parameters() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    body, warnings = body_of(messages=["Hi"], response_format={"type": "json_schema", "name": "A", "schema": schema})
    fmt = body["outputConfig"]["textFormat"]
    assert fmt["type"] == "json_schema" and fmt["structure"]["jsonSchema"]["name"] == "A"
    assert json.loads(fmt["structure"]["jsonSchema"]["schema"]) == schema
    assert warnings == []
    body, warnings = body_of(messages=["Hi"], response_format={"type": "json_object"}, seed=7, reasoning_effort="high")
    assert sorted(w.feature for w in warnings) == ["reasoning_effort", "response_format", "seed"]
    assert "outputConfig" not in body
    for kw in ({"seed": 1}, {"reasoning_effort": "low"}, {"response_format": {"type": "json_object"}}):
        with pytest.raises(UnsupportedFeatureError):
            build_converse_body(ChatRequest(model="m.x", messages=["Hi"], strict=True, **kw))


def test_provider_options_pass_through_and_are_checked() -> None:
    opts = {
        "additionalModelRequestFields": {"top_k": 5},
        "performanceConfig": {"latency": "optimized"},
        "requestMetadata": {"team": "search"},
        "additionalModelResponseFieldPaths": ["/stop_sequence"],
    }
    body, _ = body_of(messages=["Hi"], provider_options={"bedrock": opts, "openai": {"ignored": True}})
    for k, v in opts.items():
        assert body[k] == v
    with pytest.raises(InvalidRequestError, match="additionalModelRequestFields"):
        build_converse_body(ChatRequest(model="m.x", messages=["Hi"], provider_options={"bedrock": {"top_k": 5}}))
    with pytest.raises(InvalidRequestError, match="must be a JSON dict"):
        build_converse_body(
            ChatRequest(model="m.x", messages=["Hi"], provider_options={"bedrock": {"guardrailConfig": "g1"}})
        )


def test_empty_messages_are_rejected() -> None:
    with pytest.raises(InvalidRequestError, match="no content"):
        build_converse_body(ChatRequest(model="m.x", messages=[{"role": "user", "content": ""}]))
    with pytest.raises(InvalidRequestError, match="at least one"):
        build_converse_body(ChatRequest(model="m.x", system="s", messages=[{"role": "system", "content": "x"}]))


def test_model_path_encoding() -> None:
    assert model_path("us.amazon.nova-micro-v1:0", "converse") == "/model/us.amazon.nova-micro-v1%3A0/converse"
    assert model_path("arn:aws:bedrock:us-east-1:1:inference-profile/x", "converse-stream") == (
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/converse-stream"
    )
    with pytest.raises(InvalidRequestError):
        model_path(" ", "converse")


def test_count_tokens_body_keeps_only_what_counts_tokens_accepts() -> None:
    body = build_count_tokens_body(
        ChatRequest(
            model="m.x",
            system="s",
            messages=["Hi"],
            tools=[TOOL],
            max_tokens=5,
            temperature=0.1,
            provider_options={"bedrock": {"additionalModelRequestFields": {"k": 1}, "guardrailConfig": {"g": 1}}},
        )
    )
    assert set(body["input"]["converse"]) == {"messages", "system", "toolConfig", "additionalModelRequestFields"}
    assert not smithy_check.check("ConverseRequest", body["input"]["converse"])


def test_bad_input_fails_before_any_network_call() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise AssertionError("no request should be sent")

    bad = ChatRequest(
        model="m.x", messages=[{"role": "user", "content": [{"type": "image", "url": "https://example.com/x.png"}]}]
    )

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            p = make_provider(client)
            for op in (p.chat(bad), p.count_tokens(bad)):
                with pytest.raises(UnsupportedFeatureError):
                    await op
            with pytest.raises(UnsupportedFeatureError):
                async for _ in p.stream_chat(bad):
                    pass

    asyncio.run(go())
    assert calls == []


# -- the checker itself --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"messages": [{"role": "user", "content": [{"text": "x"}]}], "temprature": 1}, "unknown member"),
        ({"messages": [{"role": "user"}]}, "content: required member missing"),
        ({"messages": [{"role": "robot", "content": [{"text": "x"}]}]}, "'robot' is not one of"),
        ({"messages": [{"role": "user", "content": [{"text": "x", "image": {}}]}]}, "exactly one member"),
        ({"messages": [], "inferenceConfig": {"maxTokens": "10"}}, "expected an integer"),
        ({"messages": [], "inferenceConfig": {"maxTokens": 0}}, "< min 1"),
        ({"messages": [], "system": [{"text": ""}]}, "length 0 < min 1"),
        (
            {"messages": [{"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": "%%%"}}}]}]},
            "not valid base64",
        ),
        ({"modelId": "x", "messages": []}, "must not be in the body"),
    ],
)
def test_smithy_checker_catches_problems(body: dict[str, Any], needle: str) -> None:
    problems = smithy_check.check("ConverseRequest", body)
    assert any(needle in p for p in problems), problems
