"""Mistral specifics on the recordings: tool_choice "any", 9-character tool-call ids,
random_seed / temperature / reasoning_effort mapping, Magistral thinking chunks,
usage, errors, names. Every sent body is validated against Mistral's spec."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore_mistral.provider import MistralProvider, mistral_tool_id
from llmcore_testing import TEST_API_KEY
from mistral_cases import recorded_request, recorded_tools, replay

AUTO = "pydantic-ai__test_tool_choice_matrix_auto-mistral_.yaml"
REQUIRED = "pydantic-ai__test_tool_choice_matrix_required-mistral_.yaml"
BASIC = "ruby_llm__chat_basic_chat_functionality_mistral_mistral-small-latest_can_have_a_basic_conversation.yaml"
THINK_STREAM = "pydantic-ai__test_mistral_model_thinking_part_iter.yaml"
PARALLEL = "magentic__test_mistral_chat_model_complete_parallel_function_call.yaml"
TWO_PLUS_TWO = {"model": "mistral-small-latest", "messages": ["What's 2 + 2?"]}


def body(sent: list[Any]) -> dict[str, Any]:
    return json.loads(sent[0].content)  # type: ignore[no-any-return]


def test_required_tool_choice_is_any() -> None:
    req = {
        "model": "mistral-large-latest",
        "messages": ["What's the weather in Paris?"],
        "tools": recorded_tools(REQUIRED),
        "tool_choice": "required",
    }
    r, sent = replay(REQUIRED, req)
    assert body(sent)["tool_choice"] == "any" == recorded_request(REQUIRED)["tool_choice"]
    assert r.tool_calls[0].name == "get_weather" and r.tool_calls[0].id == "pcZFHqej8"
    named = {**req, "tool_choice": {"name": "get_weather"}}
    _, sent = replay(REQUIRED, named)
    assert body(sent)["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}


def test_foreign_tool_call_ids_are_mapped_consistently() -> None:
    openai_id = "call_aDdJTteHrpMdhdkEkyxjxEHH"
    mapped = mistral_tool_id(openai_id)
    assert len(mapped) == 9 and mapped.isalnum() and mapped == mistral_tool_id(openai_id)
    assert mistral_tool_id("KikbB849t") == "KikbB849t"  # Mistral's own ids pass unchanged
    history = [
        {"role": "user", "content": "What's the weather in Paris?"},
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": openai_id,
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": openai_id, "content": "Sunny, 22C in Paris"},
    ]
    r, sent = replay(
        AUTO, {"model": "mistral-large-latest", "messages": history, "tools": recorded_tools(AUTO)}, interaction=1
    )
    msgs = body(sent)["messages"]
    assert msgs[1]["tool_calls"][0]["id"] == mapped and msgs[2]["tool_call_id"] == mapped
    assert "sunny" in r.text


def test_seed_temperature_and_reasoning_effort() -> None:
    r, sent = replay(BASIC, {**TWO_PLUS_TWO, "seed": 7, "temperature": 1.8, "reasoning_effort": "low"})
    b = body(sent)
    assert b["random_seed"] == 7 and "seed" not in b
    assert b["temperature"] == 1.5 and b["reasoning_effort"] == "high"
    assert sorted(w.feature for w in r.warnings) == ["reasoning_effort", "temperature"]
    r, sent = replay(BASIC, {**TWO_PLUS_TWO, "temperature": 0.3, "reasoning_effort": "high"})
    assert body(sent)["temperature"] == 0.3 and body(sent)["reasoning_effort"] == "high" and not r.warnings
    err, sent = replay(BASIC, {**TWO_PLUS_TWO, "temperature": 2.0, "strict": True})
    assert isinstance(err, E.UnsupportedFeatureError) and not sent


def test_stream_usage_without_stream_options() -> None:
    req = {
        "model": "mistral-large-latest",
        "messages": recorded_request(PARALLEL)["messages"],
        "tools": recorded_tools(PARALLEL),
        "tool_choice": "required",
    }
    r, sent = replay(PARALLEL, req, stream=True)
    assert "stream_options" not in body(sent) and body(sent)["tool_choice"] == "any"
    assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [
        ("nqjf8Hqe1", "plus", {"a": 1, "b": 2}),
        ("ATcpCKul3", "minus", {"a": 2, "b": 1}),
    ]
    assert (r.usage.input_tokens, r.usage.output_tokens) == (187, 45) and r.finish_reason == "tool_calls"


def test_magistral_thinking_chunks_stream_as_reasoning() -> None:
    r, sent = replay(
        THINK_STREAM, {"model": "magistral-medium-latest", "messages": ["How do I cross the street?"]}, stream=True
    )
    assert body(sent) == recorded_request(THINK_STREAM)
    assert r.reasoning.startswith("Okay, the user is asking how to cross the street.")
    assert r.text.startswith("To cross the street safely, follow these steps:")
    assert [p.type for p in r.message.content] == ["reasoning", "text"]
    # the next turn sends the answer text only, not the thinking
    follow = {
        "model": "magistral-medium-latest",
        "messages": [
            {"role": "user", "content": "How do I cross the street?"},
            r.message,
            {"role": "user", "content": "And a river?"},
        ],
    }
    _, sent = replay(THINK_STREAM, follow, stream=True)
    assert body(sent)["messages"][1] == {"role": "assistant", "content": r.text}


def test_cached_tokens_and_stop() -> None:
    r, _ = replay(
        AUTO,
        {
            "model": "mistral-large-latest",
            "messages": ["What's the weather in Paris?"],
            "tools": recorded_tools(AUTO),
            "tool_choice": "auto",
        },
    )
    assert (r.usage.input_tokens, r.usage.cache_read_tokens, r.usage.output_tokens) == (77, 76, 12)
    stop = "pydantic-ai__test_stop_settings_mistral_.yaml"
    q = recorded_request(stop)["messages"][0]["content"]
    r, sent = replay(stop, {"model": "ministral-8b-latest", "messages": [q], "stop": ["Paris"]})
    assert body(sent)["stop"] == ["Paris"] and r.text == "The capital of France is " and r.finish_reason == "stop"


def test_errors() -> None:
    err, _ = replay("authored__invalid_model_400.yaml", {"model": "mistral-smol-latest", "messages": ["Hello"]})
    assert isinstance(err, E.NotFoundError) and err.code == "1500" and err.message.startswith("Invalid model")
    err, _ = replay(
        "ruby_llm__chat_error_handling_with_mistral_mistral-small-latest_raises_appropriate_auth_error.yaml",
        {"model": "mistral-small-latest", "messages": ["Hello"]},
    )
    assert isinstance(err, E.AuthenticationError) and err.message == "Invalid API Key"  # {"detail": ...}
    for text in (str(err), repr(err), str(err.raw)):
        assert TEST_API_KEY not in text
    err, _ = replay("authored__rate_limited_429.yaml", {"model": "mistral-small-latest", "messages": ["Hello"]})
    assert isinstance(err, E.RateLimitError) and err.retryable and err.code == "1300"


def test_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="MISTRAL_API_KEY"):
        MistralProvider(ProviderConfig())
    with pytest.raises(E.ConfigurationError, match="safe_prompt"):
        MistralProvider(ProviderConfig(api_key=TEST_API_KEY, options={"safe_prompt": True}))
    p = MistralProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert p.base_url == "https://api.mistral.ai/v1" and TEST_API_KEY not in repr(p)


def test_safe_prompt_passes_through_provider_options() -> None:
    _, sent = replay(BASIC, {**TWO_PLUS_TWO, "provider_options": {"mistral": {"safe_prompt": True}}})
    assert body(sent)["safe_prompt"] is True


@pytest.mark.parametrize(
    "name",
    [
        "mistral-small-latest",
        "open-mistral-nemo",
        "codestral-latest",
        "magistral-medium-latest",
        "ministral-8b-latest",
        "pixtral-large-latest",
        "devstral-small-latest",
    ],
)
def test_model_names_are_auto_detected(name: str) -> None:
    spec, model = resolve_model(name)
    assert spec.name == "mistral" and model == name
