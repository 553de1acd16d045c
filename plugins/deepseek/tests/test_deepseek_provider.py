"""DeepSeek specifics on the recordings: reasoning_content (kept, and sent back only on
tool-call turns), cache-hit usage, thinking-mode parameters, JSON mode, errors, config."""

from __future__ import annotations

import json
from typing import Any

import pytest
from deepseek_cases import BERLIN, DICE, history, recorded_request, recorded_tools, replay
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore_deepseek.provider import DeepSeekProvider
from llmcore_testing import TEST_API_KEY

THINK = "pydantic-ai__test_deepseek_model_thinking_part.yaml"
THINK_STREAM = "pydantic-ai__test_deepseek_model_thinking_stream.yaml"
BASIC = "ruby_llm__chat_basic_chat_functionality_deepseek_deepseek-chat_can_have_a_basic_conversation.yaml"


def body(sent: list[Any]) -> dict[str, Any]:
    return json.loads(sent[0].content)  # type: ignore[no-any-return]


def dice(interaction: int) -> dict[str, Any]:
    return {
        "model": "deepseek-reasoner",
        "messages": history(DICE, interaction),
        "tools": recorded_tools(DICE, interaction),
        "tool_choice": "auto",
    }


def test_reasoning_content_is_a_reasoning_part() -> None:
    r, _ = replay(THINK, {"model": "deepseek-reasoner", "messages": ["How do I cross the street?"]})
    kinds = [p.type for p in r.message.content]
    assert kinds == ["reasoning", "text"]
    assert r.reasoning.startswith("Okay, the user is asking how to cross the street.")
    assert r.message.content[0].provider == "deepseek"  # type: ignore[union-attr]
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.reasoning_tokens) == (12, 789, 415)


def test_streamed_reasoning_then_text_and_usage() -> None:
    r, sent = replay(THINK_STREAM, {"model": "deepseek-reasoner", "messages": ["Hello"]}, stream=True)
    assert body(sent) == recorded_request(THINK_STREAM)  # incl. stream_options.include_usage
    assert (
        r.reasoning.startswith('Hmm, the user just said "Hello".')
        and r.text == "Hello there! 😊 How can I help you today?"
    )
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.reasoning_tokens) == (6, 212, 198)


@pytest.mark.parametrize("interaction", [1, 2])
def test_reasoning_goes_back_on_tool_call_turns_exactly_as_recorded(interaction: int) -> None:
    """pydantic-ai sent each tool-call turn's reasoning_content back, as DeepSeek's thinking mode requires."""
    r, sent = replay(DICE, dice(interaction), interaction=interaction)
    assert body(sent)["messages"] == recorded_request(DICE, interaction)["messages"]
    assert sum("reasoning_content" in m for m in body(sent)["messages"]) == interaction + 1
    assert not isinstance(r, Exception)


def test_reasoning_of_a_plain_turn_is_not_sent_back() -> None:
    first, _ = replay(THINK, {"model": "deepseek-reasoner", "messages": ["How do I cross the street?"]})
    follow = {
        "model": "deepseek-reasoner",
        "messages": [
            {"role": "user", "content": "How do I cross the street?"},
            first.message,
            {"role": "user", "content": "And at night?"},
        ],
    }
    _, sent = replay(THINK, follow)
    assistant = body(sent)["messages"][1]
    assert assistant == {"role": "assistant", "content": first.text}


def test_tool_call_turn_reasoning_from_a_response_round_trips() -> None:
    first, _ = replay(DICE, dice(0))
    assert first.tool_calls[0].name == "load_capability" and first.reasoning
    follow = {
        **dice(0),
        "messages": [
            *dice(0)["messages"],
            first.message,
            {"role": "tool", "tool_call_id": first.tool_calls[0].id, "content": "{}"},
        ],
    }
    _, sent = replay(DICE, follow, interaction=1)
    sent_assistant = body(sent)["messages"][3]
    assert sent_assistant == recorded_request(DICE, 1)["messages"][3]  # content, reasoning_content, tool_calls


def test_cache_hit_tokens_are_cache_reads() -> None:
    r, _ = replay(DICE, dice(0))
    assert (r.usage.input_tokens, r.usage.cache_read_tokens, r.usage.output_tokens, r.usage.reasoning_tokens) == (
        563,
        512,
        116,
        60,
    )
    r, _ = replay(
        BERLIN,
        {"model": "deepseek-chat", "messages": history(BERLIN, 1), "tools": recorded_tools(BERLIN)},
        interaction=1,
    )
    assert (r.usage.input_tokens, r.usage.cache_read_tokens) == (547, 384)  # hit 384 + miss 163


def test_thinking_mode_parameters_are_warnings() -> None:
    r, sent = replay(
        THINK,
        {
            "model": "deepseek-reasoner",
            "messages": ["How do I cross the street?"],
            "temperature": 0.3,
            "top_p": 0.9,
            "max_tokens": 2000,
        },
    )
    b = body(sent)
    assert "temperature" not in b and "top_p" not in b and b["max_tokens"] == 2000
    assert sorted(w.feature for w in r.warnings) == ["temperature", "top_p"]
    err, sent = replay(THINK, {"model": "deepseek-reasoner", "messages": ["x"], "temperature": 0.3, "strict": True})
    assert isinstance(err, E.UnsupportedFeatureError) and not sent
    r, sent = replay(BASIC, {"model": "deepseek-chat", "messages": ["What's 2 + 2?"], "temperature": 0.3})
    assert body(sent)["temperature"] == 0.3 and not r.warnings  # deepseek-chat: no thinking
    disabled = {"deepseek": {"thinking": {"type": "disabled"}}}
    r, sent = replay(
        BASIC, {"model": "deepseek-v4-flash", "messages": ["x"], "temperature": 0.3, "provider_options": disabled}
    )
    assert body(sent)["temperature"] == 0.3 and body(sent)["thinking"] == {"type": "disabled"} and not r.warnings


def test_tool_call_turns_without_reasoning_get_an_empty_field_in_thinking_mode_only() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}
    msgs = [
        {"role": "user", "content": "q"},
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
    ]
    tools = recorded_tools(BERLIN)
    _, sent = replay(BASIC, {"model": "deepseek-reasoner", "messages": msgs, "tools": tools})
    assert body(sent)["messages"][1]["reasoning_content"] == ""
    _, sent = replay(BASIC, {"model": "deepseek-chat", "messages": msgs, "tools": tools})
    assert "reasoning_content" not in body(sent)["messages"][1]


def test_json_mode_and_no_json_schema() -> None:
    r, sent = replay(
        BASIC,
        {
            "model": "deepseek-chat",
            "messages": ["What's 2 + 2?"],
            "response_format": {"type": "json_schema", "name": "n", "schema": {"type": "object", "properties": {}}},
        },
    )
    assert "response_format" not in body(sent) and [w.feature for w in r.warnings] == ["response_format"]
    req = {
        "model": "deepseek-chat",
        "response_format": {"type": "json_object"},
        "system": "Answer in JSON.",
        "messages": ["Which is the longest river in the world? The Nile River."],
    }
    r, sent = replay("authored__json_output.yaml", req)
    assert body(sent)["response_format"] == {"type": "json_object"}
    assert json.loads(r.text) == {"question": "Which is the longest river in the world?", "answer": "The Nile River"}


def test_parallel_tool_calls_and_text() -> None:
    q = recorded_request(BERLIN)["messages"][0]["content"]
    r, sent = replay(BERLIN, {"model": "deepseek-chat", "messages": [q], "tools": recorded_tools(BERLIN)})
    assert body(sent)["tools"] == recorded_request(BERLIN)["tools"]
    assert r.text == "Let me look up both pieces of information for you!"
    assert [c.name for c in r.tool_calls] == ["weather", "best_language_to_learn"]


def test_errors() -> None:
    err, _ = replay("authored__model_not_exist_400.yaml", {"model": "deepseek-chatt", "messages": ["Hello"]})
    assert isinstance(err, E.NotFoundError) and err.status_code == 400 and err.message == "Model Not Exist"
    err, _ = replay("authored__insufficient_balance_402.yaml", {"model": "deepseek-chat", "messages": ["Hello"]})
    assert isinstance(err, E.PermissionDeniedError) and not err.retryable
    err, _ = replay(
        "ruby_llm__chat_error_handling_with_deepseek_deepseek-chat_raises_appropriate_auth_error.yaml",
        {"model": "deepseek-chat", "messages": ["Hello"]},
    )
    assert isinstance(err, E.AuthenticationError) and "is invalid" in err.message
    for text in (str(err), repr(err), str(err.raw)):
        assert TEST_API_KEY not in text
    err, _ = replay("authored__server_overloaded_503.yaml", {"model": "deepseek-chat", "messages": ["Hello"]})
    assert isinstance(err, E.ProviderServerError) and err.retryable


def test_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="DEEPSEEK_API_KEY"):
        DeepSeekProvider(ProviderConfig())
    with pytest.raises(E.ConfigurationError, match="thinking"):
        DeepSeekProvider(ProviderConfig(api_key=TEST_API_KEY, options={"thinking": True}))
    p = DeepSeekProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert p.base_url == "https://api.deepseek.com" and TEST_API_KEY not in repr(p)


def test_model_names_are_auto_detected() -> None:
    for name in ("deepseek-chat", "deepseek-reasoner", "deepseek-v4-flash"):
        spec, model = resolve_model(name)
        assert spec.name == "deepseek" and model == name
    spec, model = resolve_model("deepseek/deepseek-chat")
    assert spec.name == "deepseek" and model == "deepseek-chat"
