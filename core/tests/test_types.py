from __future__ import annotations

import pytest
from llmcore.errors import InvalidRequestError
from llmcore.events import Finish, ReasoningDelta, StreamAccumulator, TextDelta, ToolCall, UsageEvent
from llmcore.types import ChatRequest, Message, ReasoningPart, ToolChoice, Usage, coerce_messages
from pydantic import ValidationError


def test_openai_style_dicts_are_normalised() -> None:
    msgs = coerce_messages(
        [
            {"role": "developer", "content": "be brief"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "look"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"x": 2}'}}],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "4"},
        ]
    )
    assert [m.role for m in msgs] == ["system", "user", "assistant", "tool"]
    img = msgs[1].content[1]
    assert img.type == "image" and img.data == "AAAA" and img.media_type == "image/png"  # type: ignore[union-attr]
    call = msgs[2].tool_calls[0]
    assert call.arguments == {"x": 2} and call.raw_arguments == '{"x": 2}'
    assert msgs[3].content[0].tool_call_id == "c1"  # type: ignore[union-attr]


def test_bad_messages_are_typed_errors() -> None:
    with pytest.raises(InvalidRequestError, match="message 0"):
        coerce_messages([{"role": "wizard", "content": "hi"}])
    with pytest.raises(InvalidRequestError):
        coerce_messages(42)
    with pytest.raises(InvalidRequestError, match="not valid JSON"):
        coerce_messages(
            [{"role": "assistant", "tool_calls": [{"id": "1", "function": {"name": "f", "arguments": "{x"}}]}]
        )
    with pytest.raises(ValidationError, match="cannot contain"):
        Message(role="system", content=[{"type": "tool_call", "id": "1", "name": "f"}])


def test_request_validation() -> None:
    with pytest.raises(ValidationError, match="messages is empty"):
        ChatRequest(model="m", messages=[])
    with pytest.raises(ValidationError, match="no matching tool call"):
        ChatRequest(model="m", messages=["hi", {"role": "tool", "tool_call_id": "nope", "content": "x"}])
    with pytest.raises(ValidationError, match="not in tools"):
        ChatRequest(model="m", messages=["hi"], tool_choice={"name": "ghost"})
    with pytest.raises(ValidationError, match="extra"):
        ChatRequest(model="m", messages=["hi"], temprature=0.1)  # type: ignore[call-arg]
    r = ChatRequest(model="m", messages="hi", stop="END", system="s", tools=[{"name": "f"}], tool_choice="required")
    assert r.stop == ["END"] and r.tool_choice == ToolChoice(mode="required")
    assert r.system_text() == "s"


def test_usage_none_is_unknown_not_zero() -> None:
    u = Usage(input_tokens=10)
    assert u.output_tokens is None and u.total_tokens is None
    s = u + Usage(input_tokens=5, output_tokens=3)
    assert (s.input_tokens, s.output_tokens, s.cache_read_tokens) == (15, 3, None)


def test_accumulator_builds_parts_in_order() -> None:
    acc = StreamAccumulator()
    for ev in [
        ReasoningDelta("think "),
        ReasoningDelta("more"),
        ReasoningDelta(signature="sig1"),
        ReasoningDelta("second block"),
        TextDelta("Hel"),
        TextDelta("lo"),
        ToolCall("c1", "f", {"a": 1}, '{"a":1}'),
        UsageEvent(Usage(input_tokens=3, output_tokens=4)),
        Finish("tool_calls", "tool_use"),
    ]:
        acc.add(ev)
    r = acc.response("anthropic")
    kinds = [p.type for p in r.message.content]
    assert kinds == ["reasoning", "reasoning", "text", "tool_call"]
    first = r.message.content[0]
    assert isinstance(first, ReasoningPart) and first.signature == "sig1" and first.provider == "anthropic"
    assert r.text == "Hello" and r.reasoning == "think moresecond block"
    assert r.tool_calls[0].arguments == {"a": 1}
    assert r.finish_reason == "tool_calls" and r.raw_finish_reason == "tool_use"
    assert r.usage.output_tokens == 4
