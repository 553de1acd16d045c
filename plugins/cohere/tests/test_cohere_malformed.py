"""Answers of the wrong shape (valid JSON, wrong field types, missing fields, streams
that carry nothing) end in a typed :class:`ProviderResponseError` naming cohere, never a
bare ``AttributeError``/``TypeError``/``KeyError`` nor a response whose ``.text`` raises
(issue 18, defect 3). Each answer goes through the real provider over an
``httpx.MockTransport``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import cohere_cases as C
import httpx
import pytest
from llmcore import errors as E
from llmcore.events import StreamAccumulator
from llmcore.types import ChatRequest, ChatResponse
from llmcore_testing.streams import replay_stream

REQUEST = ChatRequest(model="command-r", messages=[{"role": "user", "content": "hi"}])


def chat(body: Any) -> ChatResponse:
    async def go() -> ChatResponse:
        transport = httpx.MockTransport(lambda _: httpx.Response(200, json=body))
        async with httpx.AsyncClient(transport=transport) as client:
            return await C.provider(client).chat(REQUEST)

    return asyncio.run(go())


def stream(*events: dict[str, Any]) -> ChatResponse:
    body = "".join(f"event: {e.get('type')}\ndata: {json.dumps(e)}\n\n" for e in events).encode()
    return replay_stream(C.provider, REQUEST, [body]).response


def _message(**message: Any) -> dict[str, Any]:
    return {"id": "r1", "finish_reason": "COMPLETE", "message": {"role": "assistant", **message}}


START = {"type": "message-start", "id": "r1", "delta": {"message": {"role": "assistant"}}}
END = {"type": "message-end", "delta": {"finish_reason": "COMPLETE"}}


@pytest.mark.parametrize(
    "body",
    [
        _message(content=5),
        _message(content=["x"]),
        _message(content=[{"type": "text", "text": 5}]),
        _message(tool_calls=["x"]),
        _message(tool_calls=[{"id": "c1", "function": "f"}]),
        _message(tool_calls=[{"id": "c1", "function": {"name": 5, "arguments": "{}"}}]),
        {**_message(content=[{"type": "text", "text": "hi"}]), "finish_reason": ["COMPLETE"]},
        {"id": "r1", "message": {}},  # nothing in it, no finish reason
    ],
    ids=[
        "content-int",
        "content-str-item",
        "text-int",
        "tool-call-str",
        "function-str",
        "name-int",
        "finish-list",
        "empty",
    ],
)
def test_a_chat_response_of_the_wrong_shape_is_a_typed_error(body: dict[str, Any]) -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        chat(body)
    assert info.value.provider == "cohere"
    assert info.value.raw


@pytest.mark.parametrize(
    "event",
    [
        {"type": "content-delta", "delta": {"message": "x"}},
        {"type": "content-delta", "delta": {"message": {"content": {"text": 5}}}},
        {"type": "content-delta", "delta": {"message": {"content": True}}},
        {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": ["x"]}}},
        {
            "type": "tool-call-start",
            "index": [],
            "delta": {"message": {"tool_calls": {"id": "c", "function": {"name": "f", "arguments": ""}}}},
        },
        {"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls": {"id": "c", "function": "f"}}}},
        {"type": "message-end", "delta": {"finish_reason": {"x": 1}}},
    ],
    ids=["message-str", "text-int", "content-bool", "plan-list", "index-list", "function-str", "finish-dict"],
)
def test_a_stream_event_of_the_wrong_shape_is_a_typed_error(event: dict[str, Any]) -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        stream(START, event, END)
    assert info.value.provider == "cohere"


def test_tool_arguments_of_the_wrong_type_are_a_typed_error() -> None:
    start = {
        "type": "tool-call-start",
        "index": 0,
        "delta": {
            "message": {"tool_calls": {"id": "c", "type": "function", "function": {"name": "f", "arguments": ""}}}
        },
    }
    piece = {
        "type": "tool-call-delta",
        "index": 0,
        "delta": {"message": {"tool_calls": {"function": {"arguments": 5}}}},
    }
    with pytest.raises(E.ProviderResponseError):
        stream(START, start, piece, {"type": "tool-call-end", "index": 0}, END)


def test_a_stream_of_only_empty_events_is_a_typed_error() -> None:
    with pytest.raises(E.ProviderResponseError):
        stream(START, {"type": "message-end", "delta": {}})


def test_legit_empty_answers_still_work() -> None:
    """No text but a reason (length) or a tool call: a response, not an error."""
    r = chat({"id": "r1", "finish_reason": "MAX_TOKENS", "message": {"role": "assistant", "content": []}})
    assert (r.text, r.finish_reason) == ("", "length")
    r = chat(_message(tool_calls=[{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]))
    assert [c.name for c in r.tool_calls] == ["f"]
    r = stream(START, {"type": "message-end", "delta": {"finish_reason": "MAX_TOKENS"}})
    assert (r.text, r.finish_reason) == ("", "length")
    acc = StreamAccumulator()
    assert acc.response().text == ""
