"""llmcore.pluginkit: the option check, the warnings collector, the transcript and the streamed tool call plugins share."""

from __future__ import annotations

import pytest
from llmcore.errors import ConfigurationError, ProviderResponseError, UnsupportedFeatureError
from llmcore.pluginkit import CallWarnings, ToolCallBuffer, check_options, parse_arguments, transcript
from llmcore.types import ChatRequest, ImagePart, Message, ReasoningPart, TextPart, ToolCallPart, ToolResultPart


def test_warnings_collect_or_raise_when_strict() -> None:
    w = CallWarnings(provider="acme")
    w.add("seed", "no seed")
    w.add("stop", "no stop")
    assert [(x.feature, x.detail) for x in w.items] == [("seed", "no seed"), ("stop", "no stop")]
    strict = CallWarnings(True, "acme")
    with pytest.raises(UnsupportedFeatureError) as info:
        strict.add("seed", "no seed")
    assert info.value.provider == "acme" and "seed: no seed" in str(info.value) and strict.items == []


def test_a_single_user_turn_is_its_text() -> None:
    prompt, left_out = transcript(ChatRequest(model="m", system="be brief", messages=["Hello", " there"][:1]))
    assert (prompt, left_out) == ("Hello", set())


def test_a_conversation_is_labelled_lines_and_says_what_it_left_out() -> None:
    req = ChatRequest(
        model="m",
        messages=[
            Message(role="system", content="be brief"),
            Message(
                role="user",
                content=[TextPart(text="Look: "), ImagePart(url="https://x.test/a.png"), TextPart(text="what is it?")],
            ),
            Message(
                role="assistant",
                content=[
                    ReasoningPart(text="hmm"),
                    TextPart(text="A cat."),
                    ToolCallPart(id="c1", name="f", arguments={}),
                ],
            ),
            Message(role="tool", content=[ToolResultPart(tool_call_id="c1", content="done")]),
            Message(role="user", content="And now?"),
        ],
    )
    prompt, left_out = transcript(req)
    assert prompt == "User: Look: what is it?\nAssistant: A cat.\nUser: And now?"
    assert left_out == {"media", "reasoning", "tools"}
    assert transcript(ChatRequest(model="m", messages=[Message(role="assistant", content="Hi")]))[0] == "Assistant: Hi"


def test_check_options_names_unknown_and_known_options() -> None:
    opts = {"region": "eu"}
    out = check_options(opts, ("region", "profile"), "acme")
    assert out == opts and out is not opts
    with pytest.raises(ConfigurationError) as info:
        check_options({"regoin": 1, "a": 2}, ("region", "profile"), "acme", "(see the docs)")
    assert info.value.message == "unknown option(s) for acme: a, regoin; known: region, profile (see the docs)"
    assert info.value.provider == "acme"


def test_tool_call_buffer_and_argument_errors_name_the_provider() -> None:
    buf = ToolCallBuffer("call_1", "get_weather")
    buf.parts += ['{"city": ', '"Paris"}']
    call = buf.finish(2, "acme")
    assert (call.id, call.name, call.arguments, call.raw_arguments, call.index) == (
        "call_1",
        "get_weather",
        {"city": "Paris"},
        '{"city": "Paris"}',
        2,
    )
    assert ToolCallBuffer("c", "now").finish(0, "acme").arguments == {}
    bad = ToolCallBuffer("c", "f")
    bad.parts.append('{"a": ')
    with pytest.raises(ProviderResponseError) as info:
        bad.finish(0, "acme")
    assert info.value.provider == "acme" and info.value.raw == '{"a": '
    assert parse_arguments("", "acme") == {}
