"""Stream decoding: byte boundaries, ping, mid-stream errors, parallel tool calls.

Streams are real recordings (their SSE bodies) or small synthetic ones, fed
through the provider over a real ``httpx.AsyncClient`` whose transport serves
the bytes in the chunks under test.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from anthropic_cases import REC, THINKING_STREAM, TOOL_ROUND_TRIP_STREAM, collect
from llmcore.errors import ProviderResponseError, ProviderServerError, RateLimitError
from llmcore.events import StreamEvent
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_anthropic.provider import AnthropicProvider
from llmcore_testing import TEST_API_KEY, check_stream_invariants
from llmcore_testing.streams import replay_stream, split_at

REQ = ChatRequest(model="claude-haiku-4-5", messages=["hi"], max_tokens=64)


recorded_sse = REC.response_bytes


def stream_events(
    chunks: list[bytes], request: ChatRequest = REQ, status: int = 200, headers: dict[str, str] | None = None
) -> list[StreamEvent]:
    """Run ``stream_chat`` against a server that sends ``chunks``."""
    out = replay_stream(
        lambda client: AnthropicProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client)),
        request,
        chunks,
        status=status,
        headers={"content-type": "text/event-stream", "request-id": "req_unit_1", **(headers or {})},
    )
    assert out.sent and json.loads(out.sent[0].content)["stream"] is True
    return out.events


def sse(*payloads: dict[str, Any], pad: str = "") -> bytes:
    return b"".join(
        f"event: {p['type']}\ndata: {json.dumps(p, separators=(',', ':'))}{pad}\n\n".encode() for p in payloads
    )


# -- byte boundaries -----------------------------------------------------------------------------


@pytest.mark.parametrize("cassette", [THINKING_STREAM.cassette, "llm-anthropic__test_prompt.yaml"])
def test_any_byte_split_gives_the_same_events(cassette: str) -> None:
    data = recorded_sse(cassette)
    assert "é".encode() in data or b"\xc3" in data or cassette.endswith("test_prompt.yaml")
    whole = stream_events([data])
    rng = random.Random(1234)
    splits = [list(range(1, len(data))), list(range(1, len(data), 7))]  # every byte; every 7th
    splits += [rng.sample(range(1, len(data)), k) for k in (3, 30, 300) for _ in range(5)]
    for cuts in splits:
        assert stream_events(split_at(data, cuts)) == whole


def test_multibyte_character_split_inside_a_data_line() -> None:
    data = recorded_sse(THINKING_STREAM.cassette)
    i = data.index("Pelé".encode()) + 3  # between the two bytes of "é"
    events = stream_events([data[:i], data[i:]])
    assert "Pelé" in collect(events).reasoning


def test_crlf_line_endings_and_padded_data_lines() -> None:
    data = recorded_sse(THINKING_STREAM.cassette)
    assert b"}   }\n" in data or b"}      }\n" in data  # Anthropic pads some data lines
    crlf = data.replace(b"\n", b"\r\n")
    cuts = [i + 1 for i in range(len(crlf)) if crlf[i : i + 1] == b"\r"]  # split every \r from its \n
    assert stream_events(split_at(crlf, cuts)) == stream_events([data])


# -- event handling ---------------------------------------------------------------------------------

START = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "model": "claude-haiku-4-5",
        "content": [],
        "usage": {
            "input_tokens": 10,
            "cache_read_input_tokens": 5,
            "cache_creation_input_tokens": 2,
            "output_tokens": 1,
        },
    },
}
STOP = {"type": "message_stop"}
PING = {"type": "ping"}


def delta_stop(reason: str, output_tokens: int = 7, **usage: int) -> dict[str, Any]:
    return {
        "type": "message_delta",
        "delta": {"stop_reason": reason, "stop_sequence": None},
        "usage": {"output_tokens": output_tokens, **usage},
    }


def text_block(i: int, *pieces: str) -> list[dict[str, Any]]:
    return [
        {"type": "content_block_start", "index": i, "content_block": {"type": "text", "text": ""}},
        *({"type": "content_block_delta", "index": i, "delta": {"type": "text_delta", "text": p}} for p in pieces),
        {"type": "content_block_stop", "index": i},
    ]


def test_ping_events_anywhere_are_ignored() -> None:
    body = sse(PING, START, PING, *text_block(0, "Hel", "lo"), PING, delta_stop("end_turn"), PING, STOP, PING)
    events = stream_events([body])
    assert [e.type for e in events] == ["metadata", "text", "text", "usage", "finish"]
    check_stream_invariants(events, collect(events))


def test_usage_merged_from_start_and_delta_and_emitted_once() -> None:
    # message_delta repeats input counts (cumulative) and has the final output count
    body = sse(START, *text_block(0, "x"), delta_stop("end_turn", 42, input_tokens=10), STOP)
    events = stream_events([body])
    usage = [e for e in events if e.type == "usage"]
    assert len(usage) == 1
    u = usage[0].usage
    assert (u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens) == (17, 42, 5, 2)


def test_mid_stream_error_event_is_a_typed_retryable_error() -> None:
    err = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    body = sse(START, *text_block(0, "partial"), err)
    with pytest.raises(ProviderServerError) as exc:
        stream_events([body])
    e = exc.value
    assert e.is_retryable and e.code == "overloaded_error" and e.message == "Overloaded"
    assert e.provider == "anthropic" and e.status_code is None and e.request_id == "req_unit_1"


def test_mid_stream_rate_limit_error() -> None:
    err = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    with pytest.raises(RateLimitError):
        stream_events([sse(START, err)])


def test_stream_cut_before_the_stop_reason_is_an_error() -> None:
    with pytest.raises(ProviderResponseError, match="ended before"):
        stream_events([sse(START, *text_block(0, "half"))])


def test_stream_without_message_stop_still_finishes_after_the_stop_reason() -> None:
    events = stream_events([sse(START, *text_block(0, "ok"), delta_stop("max_tokens"))])
    assert events[-1].type == "finish" and events[-1].reason == "length" and events[-1].raw_reason == "max_tokens"


def test_non_json_data_line_is_a_response_error() -> None:
    with pytest.raises(ProviderResponseError, match="not JSON"):
        stream_events([sse(START) + b"event: content_block_delta\ndata: {nope\n\n"])


def test_unknown_events_and_deltas_are_skipped() -> None:
    body = sse(
        START,
        {"type": "future_event", "x": 1},
        *text_block(0, "a"),
        {"type": "content_block_delta", "index": 0, "delta": {"type": "citations_delta", "citation": {}}},
        delta_stop("end_turn"),
        STOP,
    )
    assert collect(stream_events([body])).text == "a"


# -- tool calls ---------------------------------------------------------------------------------------


def tool_start(i: int, id: str, name: str) -> dict[str, Any]:
    return {
        "type": "content_block_start",
        "index": i,
        "content_block": {"type": "tool_use", "id": id, "name": name, "input": {}},
    }


def json_delta(i: int, piece: str) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": i, "delta": {"type": "input_json_delta", "partial_json": piece}}


def test_parallel_tool_calls_accumulate_their_own_arguments() -> None:
    """Two calls whose argument pieces interleave: each call gets its own."""
    body = sse(
        START,
        *text_block(0, "Checking both."),
        tool_start(1, "toolu_a", "get_weather"),
        tool_start(2, "toolu_b", "get_weather"),
        json_delta(1, '{"ci'),
        json_delta(2, '{"city": "Ber'),
        PING,
        json_delta(1, 'ty": "Par'),
        json_delta(2, 'lin", "unit": "C"}'),
        json_delta(1, 'is"}'),
        {"type": "content_block_stop", "index": 2},
        {"type": "content_block_stop", "index": 1},
        delta_stop("tool_use"),
        STOP,
    )
    events = stream_events([body])
    r = collect(events)
    check_stream_invariants(events, r)
    calls = {c.id: c for c in r.tool_calls}
    assert calls["toolu_a"].arguments == {"city": "Paris"} and calls["toolu_a"].raw_arguments == '{"city": "Paris"}'
    assert calls["toolu_b"].arguments == {"city": "Berlin", "unit": "C"}
    firsts = [e for e in events if e.type == "tool_call_delta" and e.id]
    assert [(e.index, e.id, e.name) for e in firsts] == [(1, "toolu_a", "get_weather"), (2, "toolu_b", "get_weather")]
    assert r.finish_reason == "tool_calls" and r.raw_finish_reason == "tool_use"


def test_recorded_parallel_tool_calls_without_arguments() -> None:
    events = stream_events([recorded_sse(TOOL_ROUND_TRIP_STREAM.cassette, 0)])
    r = collect(events)
    check_stream_invariants(events, r)
    assert [(c.name, c.arguments) for c in r.tool_calls] == [("pelican_name_generator", {})] * 2
    assert len({c.id for c in r.tool_calls}) == 2


def test_server_tool_argument_deltas_are_not_client_tool_calls() -> None:
    events = stream_events([recorded_sse("pydantic-ai__test_anthropic_code_execution_tool_stream.yaml")])
    r = collect(events)
    check_stream_invariants(events, r)
    assert not r.tool_calls and not [e for e in events if e.type.startswith("tool_call")]
    assert r.text and r.reasoning


def test_invalid_tool_arguments_are_a_response_error() -> None:
    body = sse(
        START,
        tool_start(0, "toolu_x", "f"),
        json_delta(0, '{"a": '),
        {"type": "content_block_stop", "index": 0},
        delta_stop("tool_use"),
        STOP,
    )
    with pytest.raises(ProviderResponseError) as exc:
        stream_events([body])
    assert exc.value.provider == "anthropic" and '{"a": ' in str(exc.value.raw)


# -- thinking --------------------------------------------------------------------------------------------


def test_signature_delta_closes_the_thinking_part() -> None:
    think = [
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "thinking", "thinking": "", "signature": ""},
        },
        {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "hmm"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "SIG1"}},
        {"type": "content_block_stop", "index": 0},
    ]
    think2 = [
        {**think[0], "index": 1},
        {**think[1], "index": 1, "delta": {"type": "thinking_delta", "thinking": "more"}},
        {**think[2], "index": 1, "delta": {"type": "signature_delta", "signature": "SIG2"}},
        think[3],
    ]
    body = sse(START, *think, *think2, *text_block(2, "answer"), delta_stop("end_turn"), STOP)
    r = collect(stream_events([body]))
    parts = [(p.type, getattr(p, "text", None), getattr(p, "signature", None)) for p in r.message.content]
    assert parts == [("reasoning", "hmm", "SIG1"), ("reasoning", "more", "SIG2"), ("text", "answer", None)]
    assert all(p.provider == "anthropic" for p in r.message.content if p.type == "reasoning")


def test_warnings_are_streamed_before_content() -> None:
    req = ChatRequest(model="claude-haiku-4-5", messages=["hi"], seed=3)
    events = stream_events([sse(START, *text_block(0, "x"), delta_stop("end_turn"), STOP)], request=req)
    assert [e.type for e in events][:2] == ["metadata", "warning"] and events[1].warning.feature == "seed"


def test_decoding_many_events_is_cheap() -> None:
    """A long stream (5,000 deltas) decodes fast: no per-event validation."""
    import time

    body = sse(START, *text_block(0, *(["tok "] * 5000)), delta_stop("end_turn"), STOP)
    t = time.perf_counter()
    events = stream_events([body])
    assert len(events) == 5003 and collect(events).text == "tok " * 5000
    assert time.perf_counter() - t < 2.0
