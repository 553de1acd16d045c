"""Converse (non-streamed) responses from the recordings the kit does not
cover: reasoning on a non-Anthropic model, parallel tool calls, tool errors,
forced tools, guardrail traces, cached-token usage; and what we send compared
with what real clients sent (and Bedrock accepted)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import smithy_check
from bedrock_cases import REC, check_body, replay, verify_sigv4
from llmcore.errors import ProviderResponseError
from llmcore.types import ChatRequest
from llmcore_bedrock.response import parse_converse

recorded_request = REC.request_body


def chat(cassette: str, interaction: int = 0, **req: Any) -> tuple[Any, dict[str, Any]]:
    async def go(p: Any) -> Any:
        return await p.chat(ChatRequest(**req))

    resp, sent = replay(cassette, go, interaction=interaction)
    assert len(sent) == 1
    verify_sigv4(sent[0])
    return resp, json.loads(sent[0].content)


KIMI = "pydantic-ai__test_bedrock_moonshotai_tool_call.yaml"
KIMI_TOOL = {
    "name": "get_temperature",
    "description": "Get the current temperature in a city.",
    "parameters": {
        "additionalProperties": False,
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "type": "object",
    },
}
KIMI_REQ = {
    "model": "moonshot.kimi-k2-thinking",
    "system": "You are a helpful chatbot. Use tools when helpful.",
    "tools": [KIMI_TOOL],
    "tool_choice": "auto",
}


def test_reasoning_and_tool_call_from_kimi_and_the_reasoning_sent_back() -> None:
    resp, body = chat(KIMI, messages=["What is the temperature in London? Use the tool."], **KIMI_REQ)
    reasoning, call = resp.message.content
    assert reasoning.type == "reasoning" and reasoning.provider == "bedrock"
    assert reasoning.text.strip().startswith("The user is asking") and reasoning.signature is None
    assert (call.id, call.name, call.arguments) == (
        "functions.get_temperature:0",
        "get_temperature",
        {"city": "London"},
    )
    assert resp.finish_reason == "tool_calls" and resp.usage.input_tokens == 92
    assert body["toolConfig"] == recorded_request(KIMI)["toolConfig"]
    # the next turn sends the reasoning back as a reasoningContent block
    messages = [
        "What is the temperature in London? Use the tool.",
        resp.message,
        {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": call.id, "content": "30°C"}]},
    ]
    resp2, body2 = chat(KIMI, interaction=1, messages=messages, **KIMI_REQ)
    assert "30°C" in resp2.text and resp2.finish_reason == "stop"
    assert body2["messages"][1]["content"][0] == {"reasoningContent": {"reasoningText": {"text": reasoning.text}}}
    # This tool-use id was accepted by Bedrock (the recording), but the 2023 Smithy
    # snapshot's ToolUseId pattern is stricter: the checker says so, precisely.
    problems = smithy_check.check("ConverseRequest", body2)
    assert problems and all("toolUseId" in p and "does not match" in p for p in problems)


PARALLEL = "ruby_llm__chat_function_calling_bedrock_claude-sonnet-4-5_can_use_parallel_tool_calls.yaml"
RUBY_TOOLS = [
    {
        "name": "weather",
        "description": "Gets current weather for a location",
        "parameters": {
            "type": "object",
            "properties": {
                "latitude": {"type": "string", "description": "Latitude (e.g., 52.5200)"},
                "longitude": {"type": "string", "description": "Longitude (e.g., 13.4050)"},
            },
            "required": ["latitude", "longitude"],
            "additionalProperties": False,
            "strict": True,
        },
    },
    {
        "name": "best_language_to_learn",
        "description": "Gets the best language to learn",
        "parameters": {
            "type": "object",
            "properties": {},
            "required": [],
            "additionalProperties": False,
            "strict": True,
        },
    },
]


def test_parallel_tool_calls_and_both_results_in_one_user_turn() -> None:
    model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    prompt = "What's the weather in Berlin (52.5200, 13.4050) and what's the best language to learn?"
    resp, body = chat(PARALLEL, model=model, messages=[prompt], tools=RUBY_TOOLS)
    assert [c.name for c in resp.tool_calls] == ["weather", "best_language_to_learn"]
    assert resp.tool_calls[1].arguments == {} and resp.tool_calls[1].raw_arguments == "{}"
    assert body["toolConfig"] == recorded_request(PARALLEL)["toolConfig"]
    results = {
        "role": "tool",
        "content": [
            {
                "type": "tool_result",
                "tool_call_id": resp.tool_calls[0].id,
                "content": "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h",
            },
            {"type": "tool_result", "tool_call_id": resp.tool_calls[1].id, "content": "Ruby"},
        ],
    }
    resp2, body2 = chat(
        PARALLEL, interaction=1, model=model, messages=[prompt, resp.message, results], tools=RUBY_TOOLS
    )
    assert "Ruby" in resp2.text
    # exactly the messages ruby_llm sent in this recording (and Bedrock accepted)
    assert body2["messages"] == recorded_request(PARALLEL, 1)["messages"]
    check_body(_as_request(body2))


def _as_request(body: dict[str, Any]) -> Any:
    import httpx

    return httpx.Request(
        "POST", "https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse", content=json.dumps(body).encode()
    )


def test_nova_tool_round_trip_matches_what_ruby_llm_sent() -> None:
    cassette = "ruby_llm__chat_function_calling_bedrock_amazon_nova-2-lite-v1_0_can_use_tools.yaml"
    model, prompt = "us.amazon.nova-2-lite-v1:0", "What's the weather in Berlin? (52.5200, 13.4050)"
    resp, body = chat(cassette, model=model, messages=[prompt], tools=RUBY_TOOLS[:1])
    assert body == {k: v for k, v in recorded_request(cassette).items() if k != "inferenceConfig"}
    (call,) = resp.tool_calls
    result = {
        "role": "tool",
        "content": [
            {
                "type": "tool_result",
                "tool_call_id": call.id,
                "content": "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h",
            }
        ],
    }
    resp2, body2 = chat(
        cassette, interaction=1, model=model, messages=[prompt, resp.message, result], tools=RUBY_TOOLS[:1]
    )
    assert body2["messages"] == recorded_request(cassette, 1)["messages"]
    assert "15°C" in resp2.text and resp2.usage.input_tokens == 1078


def test_failed_tool_result_is_sent_with_status_error() -> None:
    cassette = "pydantic-ai__test_bedrock_model_retry.yaml"
    tool = {
        "name": "get_capital",
        "description": "Get the capital of a country.",
        "parameters": {
            "additionalProperties": False,
            "properties": {"country": {"description": "The country name.", "type": "string"}},
            "required": ["country"],
            "type": "object",
        },
    }
    base = {
        "model": "us.amazon.nova-micro-v1:0",
        "system": "You are a helpful chatbot.",
        "temperature": 0.0,
        "tools": [tool],
        "tool_choice": "auto",
    }
    resp, _ = chat(cassette, messages=["What is the capital of France?"], **base)
    assert resp.text.startswith("<thinking>") and resp.tool_calls[0].arguments == {"country": "France"}
    err = {
        "role": "tool",
        "content": [
            {
                "type": "tool_result",
                "tool_call_id": resp.tool_calls[0].id,
                "content": "The country is not supported.\n\nFix the errors and try again.",
                "is_error": True,
            }
        ],
    }
    resp2, body2 = chat(cassette, interaction=1, messages=["What is the capital of France?", resp.message, err], **base)
    assert body2["messages"] == recorded_request(cassette, 1)["messages"]  # incl. "status": "error"
    assert "Paris" in resp2.text


def test_forced_tool_choice_any() -> None:
    cassette = "pydantic-ai__test_tool_choice_matrix_required-bedrock_.yaml"
    tool = {
        "name": "get_weather",
        "description": "Get weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }
    resp, body = chat(
        cassette,
        model="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        messages=["What's the weather in Paris?"],
        tools=[tool],
        tool_choice="required",
    )
    assert body["toolConfig"] == recorded_request(cassette)["toolConfig"]
    assert resp.tool_calls[0].arguments == {"city": "Paris"} and resp.finish_reason == "tool_calls"
    assert (resp.usage.input_tokens, resp.usage.cache_read_tokens, resp.usage.cache_write_tokens) == (655, 0, 0)


def test_structured_output_with_a_schema_like_ruby_llm() -> None:
    cassette = (
        "ruby_llm__chat_with_schema_with_bedrock_claude-haiku-4-5_accepts_a_json_schema_and_returns_"
        "structured_output.yaml"
    )
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
        "additionalProperties": False,
    }
    resp, body = chat(
        cassette,
        model="us.anthropic.claude-haiku-4-5-20251001-v1:0",
        messages=["Generate a person named John who is 30 years old"],
        response_format={"type": "json_schema", "name": "response", "schema": schema},
    )
    sent = body["outputConfig"]["textFormat"]
    recorded = recorded_request(cassette)["outputConfig"]["textFormat"]
    assert json.loads(sent["structure"]["jsonSchema"].pop("schema")) == json.loads(
        recorded["structure"]["jsonSchema"].pop("schema")
    )
    assert sent == recorded
    assert json.loads(resp.text) == {"name": "John", "age": 30}


def test_guardrail_trace_and_metrics_in_provider_metadata() -> None:
    resp, body = chat(
        "pydantic-ai__test_bedrock_model_guardrail_config.yaml",
        model="us.amazon.nova-micro-v1:0",
        system="You are a helpful chatbot.",
        messages=["What is the capital of France?"],
        provider_options={
            "bedrock": {
                "guardrailConfig": {
                    "guardrailIdentifier": "xbgw7g293v7o",
                    "guardrailVersion": "DRAFT",
                    "trace": "enabled",
                }
            }
        },
    )
    assert body["guardrailConfig"]["guardrailIdentifier"] == "xbgw7g293v7o"
    assert resp.provider_metadata["trace"]["guardrail"]["actionReason"] == "No action."
    assert resp.provider_metadata["metrics"] == {"latencyMs": 1257}


def test_basic_ruby_chat_with_request_id() -> None:
    resp, _ = chat(
        "ruby_llm__chat_basic_chat_functionality_bedrock_amazon_nova-2-lite-v1_0_can_have_a_basic_conversation.yaml",
        model="us.amazon.nova-2-lite-v1:0",
        messages=["What's 2 + 2?"],
    )
    assert "4" in resp.text and resp.id == "8475a760-0ca0-4f0b-8e41-b657d7b35a70"
    assert resp.model == "us.amazon.nova-2-lite-v1:0" and resp.provider == "bedrock"
    assert (resp.usage.input_tokens, resp.usage.output_tokens, resp.usage.cache_read_tokens) == (53, 39, None)


def test_parse_edge_cases() -> None:
    data = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [
                    {"text": "see"},
                    {"citationsContent": {"citations": []}},
                    {"toolUse": {"toolUseId": "t", "name": "f", "input": '{"a": 1}'}},
                ],
            }
        },
        "stopReason": "end_turn",
        "usage": {"inputTokens": 1, "outputTokens": 2, "cacheReadInputTokens": 10, "cacheWriteInputTokens": 5},
    }
    r = parse_converse(data, model="m", request_id=None, warnings=[])
    assert r.text == "see" and r.citations == [] and "unmapped" not in r.provider_metadata  # no citation in it
    assert r.tool_calls[0].arguments == {"a": 1}
    assert (r.usage.input_tokens, r.usage.cache_read_tokens, r.usage.cache_write_tokens) == (16, 10, 5)
    for bad in ([], {}, {"output": {"message": {"content": "x"}}}, {"output": {"message": {"content": ["x"]}}}):
        with pytest.raises(ProviderResponseError):
            parse_converse(bad, model="m", request_id=None, warnings=[])


def test_strict_tool_spec_matches_what_pydantic_ai_sent() -> None:
    cassette = "pydantic-ai__test_bedrock_strict_tool_supported_model.yaml"
    tool = {
        "name": "get_weather",
        "description": "",
        "strict": True,
        "parameters": {
            "additionalProperties": False,
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "type": "object",
        },
    }
    resp, body = chat(
        cassette,
        model="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        messages=["What's the weather in Paris?"],
        tools=[tool],
        tool_choice="auto",
    )
    assert body["toolConfig"] == recorded_request(cassette)["toolConfig"]
    assert resp.tool_calls[0].arguments == {"city": "Paris"}


def test_structured_output_by_forced_final_result_tool() -> None:
    """The "tool" structured-output mode: a forced tool (``toolChoice: any``)
    whose input is the structured answer, over three recorded turns."""
    cassette = "pydantic-ai__test_bedrock_model_structured_output.yaml"
    temperature = {
        "name": "temperature",
        "description": "<summary>Get the temperature in a city on a specific date.</summary>\n<returns>\n"
        "<description>The temperature in degrees Celsius.</description>\n</returns>",
        "parameters": {
            "additionalProperties": False,
            "properties": {
                "city": {"description": "The city name.", "type": "string"},
                "date": {"description": "The date.", "format": "date", "type": "string"},
            },
            "required": ["city", "date"],
            "type": "object",
        },
    }
    final = {
        "name": "final_result",
        "description": "The final response which ends this conversation",
        "parameters": {
            "properties": {
                "temperature": {"type": "string"},
                "date": {"format": "date", "type": "string"},
                "city": {"type": "string"},
            },
            "required": ["temperature", "date", "city"],
            "title": "Response",
            "type": "object",
        },
    }
    base = {
        "model": "us.amazon.nova-micro-v1:0",
        "system": "You are a helpful chatbot.",
        "tools": [temperature, final],
        "tool_choice": "required",
    }
    question = "What was the temperature in London 1st January 2022?"
    resp, body = chat(cassette, messages=[question], **base)
    assert body["toolConfig"] == recorded_request(cassette)["toolConfig"]
    assert resp.tool_calls[0].name == "temperature"
    history = [
        question,
        resp.message,
        {
            "role": "tool",
            "content": [{"type": "tool_result", "tool_call_id": resp.tool_calls[0].id, "content": "30°C"}],
        },
    ]
    resp2, _ = chat(cassette, interaction=1, messages=history, **base)
    retry = recorded_request(cassette, 2)["messages"][-1]["content"][0]["text"]
    resp3, body3 = chat(cassette, interaction=2, messages=[*history, resp2.message, retry], **base)
    assert [m["role"] for m in body3["messages"]] == ["user", "assistant", "user", "assistant", "user"]
    (call,) = resp3.tool_calls
    assert call.name == "final_result"
    assert call.arguments == {"city": "London", "date": "2022-01-01", "temperature": "30°C"}
