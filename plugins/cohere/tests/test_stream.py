"""The SSE stream through the real provider (an ``httpx.MockTransport`` serves the
recorded body in pieces): the stream agrees with the recording's own event list,
citations and billed units surface on the streamed response, and broken streams
fail with typed errors. (That any cut of the recorded bytes gives the same events
is the conformance kit's re-chunk check, on every stream recording.)
"""

from __future__ import annotations

import json
from collections.abc import Callable

import cohere_cases as C
import pytest
from llmcore import errors as E
from llmcore.events import StreamEvent
from llmcore.types import ChatRequest, ChatResponse
from llmcore_testing.streams import replay_stream, split_every

STREAM_CASES = {
    "text": C.STREAM,
    "tools": C.TOOL_CALL_STREAM,
    "thinking_citations": C.CITATIONS_STREAM,
    "count": C.SCENARIOS["count_stream"],
}


def _collect(
    body: bytes, size: int, request: ChatRequest, status: int = 200, ctype: str = "text/event-stream"
) -> tuple[list[StreamEvent], ChatResponse]:
    out = replay_stream(C.provider, request, split_every(body, [size]), status=status, headers={"content-type": ctype})
    return out.events, out.response


@pytest.mark.parametrize("name", sorted(STREAM_CASES))
def test_stream_matches_the_recorded_events(name: str) -> None:
    """Independent of the decoder: the recorded ``data:`` lines, parsed with
    json, give the text, thinking, tool arguments and finish we report."""
    case = STREAM_CASES[name]
    raw = C.recorded_response(case.cassette, case.interaction)
    datas = [json.loads(line[6:]) for line in raw.splitlines() if line.startswith("data: {")]
    text = "".join(
        d["delta"]["message"]["content"].get("text", "")
        if d["type"] == "content-delta"
        else d["delta"]["message"]["tool_plan"]
        for d in datas
        if d["type"] in ("content-delta", "tool-plan-delta")
    )
    thinking = "".join(
        d["delta"]["message"]["content"].get("thinking", "") for d in datas if d["type"] == "content-delta"
    )
    end = next(d for d in datas if d["type"] == "message-end")
    _, r = _collect(raw.encode(), 5, case.chat_request())
    assert r.text == text
    assert r.reasoning == thinking
    assert r.raw_finish_reason == end["delta"]["finish_reason"]
    assert r.usage.input_tokens == end["delta"]["usage"]["tokens"]["input_tokens"]
    assert r.usage.output_tokens == end["delta"]["usage"]["tokens"]["output_tokens"]
    assert r.provider_metadata["billed_units"] == end["delta"]["usage"]["billed_units"]
    starts = [d for d in datas if d["type"] == "tool-call-start"]
    assert [c.id for c in r.tool_calls] == [s["delta"]["message"]["tool_calls"]["id"] for s in starts]


def test_citations_surface_on_the_streamed_response() -> None:
    case = C.CITATIONS_STREAM
    res = C.replay(case)
    assert res.error is None
    r = res.response
    assert r is not None
    cites = r.provider_metadata["citations"]
    assert [c["text"] for c in cites] == ["Yukihiro Matsumoto", "1993."]
    assert all(c["sources"][0]["id"] == "doc:0" for c in cites)
    # citation offsets index the answer text
    assert [r.text[c["start"] : c["end"]] for c in cites] == ["Yukihiro Matsumoto", "1993."]
    assert r.usage.reasoning_tokens == 28 and r.usage.cache_read_tokens == 144
    assert r.reasoning.startswith("The document clearly states")
    assert [p.type for p in r.message.content] == ["reasoning", "text"]
    body = json.loads(res.sent[0].content)
    assert body["documents"] == C.recorded_body(case.cassette)["documents"]


def test_citations_surface_on_the_chat_response() -> None:
    res = C.replay(C.TOOL_ROUND_TRIP)
    r = res.response
    assert r is not None
    cites = r.provider_metadata["citations"]
    assert [c["text"] for c in cites] == ["4:20 PM", "sunny with a temperature of 20°C."]
    assert cites[0]["sources"][0]["tool_output"] == {"content": "4:20 PM"}


def _events(lines: list[str]) -> bytes:
    return "".join(f"data: {line}\n\n" for line in lines).encode()


_START = json.dumps({"id": "x", "type": "message-start", "delta": {"message": {"role": "assistant"}}})
_DELTA = json.dumps({"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": "Hi"}}}})


def _req() -> ChatRequest:
    return ChatRequest(model="command-a-03-2025", messages=["hi"])


@pytest.mark.parametrize(
    ("lines", "check"),
    [
        ([_START, _DELTA], lambda e: isinstance(e, E.ProviderResponseError) and "message-end" in e.message),
        ([_START, "{not json"], lambda e: isinstance(e, E.ProviderResponseError) and e.raw == "{not json"),
    ],
    ids=["truncated", "not-json"],
)
def test_broken_streams_raise_typed_errors(lines: list[str], check: Callable[[Exception], bool]) -> None:
    with pytest.raises(E.LLMCoreError) as info:
        _collect(_events(lines), 4, _req())
    assert check(info.value), repr(info.value)
    assert info.value.provider == "cohere"


def test_generation_error_is_kept_on_the_finish() -> None:
    end = json.dumps(
        {
            "type": "message-end",
            "delta": {
                "finish_reason": "ERROR",
                "error": "internal failure during generation",
                "usage": {"tokens": {"input_tokens": 3, "output_tokens": 1}},
            },
        }
    )
    events, r = _collect(_events([_START, _DELTA, end, "[DONE]"]), 9, _req())
    assert r.finish_reason == "error" and r.raw_finish_reason == "ERROR"
    assert r.provider_metadata["error"] == "internal failure during generation"
    assert "billed_units" not in r.provider_metadata
    assert events[-1].type == "finish"


def test_error_status_before_the_stream_is_typed() -> None:
    body = json.dumps({"id": "1", "message": "invalid api token"}).encode()
    with pytest.raises(E.AuthenticationError) as info:
        _collect(body, 3, _req(), status=498, ctype="application/json")
    assert info.value.message == "invalid api token" and info.value.status_code == 498


def test_argument_less_tool_call_null_becomes_empty_object() -> None:
    start = json.dumps(
        {
            "type": "tool-call-start",
            "index": 0,
            "delta": {
                "message": {
                    "tool_calls": {"id": "t_1", "type": "function", "function": {"name": "now", "arguments": ""}}
                }
            },
        }
    )
    delta = json.dumps(
        {
            "type": "tool-call-delta",
            "index": 0,
            "delta": {"message": {"tool_calls": {"function": {"arguments": "null"}}}},
        }
    )
    end_call = json.dumps({"type": "tool-call-end", "index": 0})
    end = json.dumps({"type": "message-end", "delta": {"finish_reason": "TOOL_CALL"}})
    req = ChatRequest(model="command-a-03-2025", messages=["time?"], tools=[{"name": "now"}])
    _, r = _collect(_events([_START, start, delta, end_call, end]), 2, req)
    assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [("t_1", "now", {})]
    assert r.finish_reason == "tool_calls" and r.usage.input_tokens is None
