"""ConverseStream decoding: property tests on the recorded binary streams
(splits, bit flips, truncation), the event mapping, and stream exceptions."""

from __future__ import annotations

import asyncio
import json
import struct
from typing import Any

import pytest
from bedrock_cases import CASSETTES, REC, collect
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llmcore import errors as E
from llmcore.events import StreamAccumulator
from llmcore.http.eventstream import encode_eventstream_message
from llmcore_bedrock.stream import decode_stream
from llmcore_testing import check_stream_invariants
from llmcore_testing.streams import ChunkedStream, split_at


def _recorded_streams() -> dict[str, bytes]:
    out = {}
    for path in sorted(CASSETTES.glob("*.yaml")):
        for i, inter in enumerate(REC.interactions(path.name)):
            body = inter["response"]["body"]["string"]
            ctype = json.dumps(inter["response"]["headers"]).lower()
            if isinstance(body, bytes) and "eventstream" in ctype and not path.name.startswith("authored__"):
                out[f"{path.name}#{i}"] = body
    return out


STREAMS = _recorded_streams()
NAMES = sorted(STREAMS)


def test_all_recorded_streams_are_found() -> None:
    # pydantic-ai (4 files, 5 streams), llm-bedrock (2 files, 4 streams), ruby_llm (3: plain text, a
    # citation, Nova web grounding); langchain-aws's stream has its Content-Type redacted, so not listed here
    assert len(STREAMS) == 12, NAMES


def decode(data: bytes, cuts: list[int] | None = None) -> list[Any]:
    chunks = ChunkedStream(split_at(data, cuts or []))
    return asyncio.run(collect(decode_stream(chunks, model="m", request_id="r")))


def _norm(events: list[Any]) -> list[Any]:
    out = []
    for e in events:
        d = {k: getattr(e, k) for k in e.__slots__ if k != "usage"}
        if e.type == "usage":
            d["usage"] = e.usage.model_dump()
        out.append((e.type, d))
    return out


WHOLE = {name: _norm(decode(STREAMS[name])) for name in NAMES}


def _frame_ends(data: bytes) -> list[int]:
    ends, pos = [], 0
    while pos < len(data):
        pos += struct.unpack_from(">I", data, pos)[0]
        ends.append(pos)
    return ends


@pytest.mark.parametrize("name", NAMES)
def test_recorded_stream_decodes_to_a_valid_stream(name: str) -> None:
    events = decode(STREAMS[name])
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    resp = acc.response("bedrock")
    check_stream_invariants(events, resp)
    assert resp.usage.input_tokens and resp.usage.output_tokens is not None
    assert resp.finish_reason in ("stop", "tool_calls")
    assert "latencyMs" in json.dumps(resp.provider_metadata)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), data=st.data())
def test_any_split_gives_the_same_events(name: str, data: st.DataObject) -> None:
    body = STREAMS[name]
    cuts = data.draw(st.lists(st.integers(1, len(body) - 1), max_size=60))
    assert _norm(decode(body, cuts)) == WHOLE[name]


@settings(max_examples=150, deadline=None, database=None)
@given(name=st.sampled_from(NAMES), data=st.data())
def test_a_flipped_bit_is_a_typed_error(name: str, data: st.DataObject) -> None:
    body = bytearray(STREAMS[name])
    bit = data.draw(st.integers(0, len(body) * 8 - 1))
    body[bit // 8] ^= 1 << (bit % 8)
    cuts = data.draw(st.lists(st.integers(1, len(body) - 1), max_size=8))
    with pytest.raises(E.ProviderResponseError) as ei:
        decode(bytes(body), cuts)
    assert ei.value.provider == "bedrock"


@settings(max_examples=150, deadline=None, database=None)
@given(name=st.sampled_from(NAMES), data=st.data())
def test_a_truncated_stream_is_a_typed_error_at_the_end(name: str, data: st.DataObject) -> None:
    body = STREAMS[name]
    ends = _frame_ends(body)
    stop_end = ends[-2]  # messageStop is the frame before metadata in every recording
    n = data.draw(st.integers(1, len(body) - 1))
    cut = body[:n]
    if n == stop_end:  # cut exactly after messageStop: complete, only usage is lost
        events = decode(cut)
        assert events[-1].type == "finish" and not any(e.type == "usage" for e in events)
        return
    with pytest.raises(E.ProviderResponseError) as ei:
        decode(cut, data.draw(st.lists(st.integers(1, max(1, n - 1)), max_size=5)))
    assert ("ended inside a message" in ei.value.message) == (n not in ends)
    assert ("before messageStop" in ei.value.message) == (n in ends)


# -- event mapping ---------------------------------------------------------------------


def _frames(*events: tuple[str, dict[str, Any]]) -> bytes:
    return b"".join(
        encode_eventstream_message(
            {":event-type": et, ":content-type": "application/json", ":message-type": "event"},
            json.dumps(payload).encode(),
        )
        for et, payload in events
    )


def _exc(etype: str, payload: dict[str, Any]) -> bytes:
    return encode_eventstream_message(
        {":exception-type": etype, ":content-type": "application/json", ":message-type": "exception"},
        json.dumps(payload).encode(),
    )


START = ("messageStart", {"role": "assistant"})


def test_reasoning_stream_keeps_signature() -> None:
    events = decode(STREAMS["pydantic-ai__test_bedrock_model_thinking_part_stream.yaml#0"])
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    resp = acc.response("bedrock")
    (reasoning, text) = resp.message.content
    assert reasoning.type == "reasoning" and reasoning.text.startswith("The user has greeted me")
    assert reasoning.signature and reasoning.signature.startswith("Eu0CCkgIBxAB")
    assert text.type == "text" and text.text.startswith("Hello! It's nice")


def test_tool_stream_events() -> None:
    events = decode(STREAMS["pydantic-ai__test_bedrock_model_iter_stream.yaml#0"])
    deltas = [e for e in events if e.type == "tool_call_delta"]
    assert deltas[0].id == "tooluse_lAG_zP8QRHmSYOwZzzaCqA" and deltas[0].name == "get_temperature"
    (call,) = [e for e in events if e.type == "tool_call"]
    assert call.arguments == {"city": "Paris"} and call.index == 1
    assert [e.type for e in events][-2:] == ["usage", "finish"] and events[-1].reason == "tool_calls"


def test_empty_text_deltas_are_not_events() -> None:
    events = decode(
        STREAMS[
            "ruby_llm__chat_streaming_responses_bedrock_amazon_nova-2-lite-v1_0_supports_streaming_responses.yaml#0"
        ]
    )
    assert all(e.text for e in events if e.type == "text")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
        ("model_context_window_exceeded", "length"),
        ("malformed_tool_use", "error"),
        ("something_new", "other"),
    ],
)
def test_stop_reasons(raw: str, reason: str) -> None:
    events = decode(
        _frames(
            START,
            ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "x"}}),
            ("messageStop", {"stopReason": raw, "additionalModelResponseFields": {"k": 1}}),
        )
    )
    fin = events[-1]
    assert (fin.type, fin.reason, fin.raw_reason) == ("finish", reason, raw)
    assert fin.provider_metadata == {"additionalModelResponseFields": {"k": 1}}


def test_cache_usage_and_redacted_reasoning() -> None:
    events = decode(
        _frames(
            START,
            ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"reasoningContent": {"redactedContent": "QUJD"}}}),
            ("contentBlockStop", {"contentBlockIndex": 0}),
            ("messageStop", {"stopReason": "end_turn"}),
            (
                "metadata",
                {
                    "usage": {
                        "inputTokens": 3,
                        "outputTokens": 4,
                        "cacheReadInputTokens": 100,
                        "cacheWriteInputTokens": 20,
                        "totalTokens": 127,
                    },
                    "metrics": {"latencyMs": 1},
                },
            ),
        )
    )
    red = [e for e in events if e.type == "reasoning"]
    assert red[0].redacted and red[0].data == "QUJD"
    usage = next(e.usage for e in events if e.type == "usage")
    assert (usage.input_tokens, usage.cache_read_tokens, usage.cache_write_tokens, usage.output_tokens) == (
        123,
        100,
        20,
        4,
    )


def test_unclosed_tool_block_is_completed_and_bad_json_is_typed() -> None:
    events = decode(
        _frames(
            START,
            ("contentBlockStart", {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "t1", "name": "f"}}}),
            ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": '{"a":'}}}),
            ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "1}"}}}),
            ("messageStop", {"stopReason": "tool_use"}),
        )
    )
    assert [e.type for e in events][-2:] == ["tool_call", "finish"]
    assert events[-2].arguments == {"a": 1} and events[-2].raw_arguments == '{"a":1}'
    with pytest.raises(E.ProviderResponseError, match="not valid JSON") as ei:
        decode(
            _frames(
                START,
                ("contentBlockStart", {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "t1", "name": "f"}}}),
                ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{oops"}}}),
                ("contentBlockStop", {"contentBlockIndex": 0}),
            )
        )
    assert ei.value.provider == "bedrock"
    with pytest.raises(E.ProviderResponseError, match="without contentBlockStart"):
        decode(_frames(START, ("contentBlockDelta", {"contentBlockIndex": 3, "delta": {"toolUse": {"input": "{}"}}})))


@pytest.mark.parametrize(
    ("etype", "message", "cls"),
    [
        ("throttlingException", "Too many tokens, please wait before trying again.", E.RateLimitError),
        ("validationException", "Malformed input request: extraneous key [foo]", E.InvalidRequestError),
        ("validationException", "Input is too long for requested model.", E.ContextWindowExceededError),
        ("modelStreamErrorException", "Model stream failed", E.ProviderServerError),
        ("internalServerException", "Internal failure", E.ProviderServerError),
        ("serviceUnavailableException", "Service unavailable", E.ProviderServerError),
        ("brandNewException", "Something else", E.ProviderServerError),
    ],
)
def test_stream_exceptions_are_typed(etype: str, message: str, cls: type[E.LLMCoreError]) -> None:
    data = _frames(START, ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}))
    with pytest.raises(E.LLMCoreError) as ei:
        decode(data + _exc(etype, {"message": message}))
    assert type(ei.value) is cls
    assert ei.value.code == etype and message in ei.value.message and ei.value.request_id == "r"
    assert ei.value.provider == "bedrock" and ei.value.status_code is None


def test_error_message_type_and_non_json_payloads() -> None:
    err = encode_eventstream_message(
        {":message-type": "error", ":error-code": "InternalFailure", ":error-message": "stream broke"}
    )
    with pytest.raises(E.ProviderServerError, match="stream broke") as ei:
        decode(_frames(START) + err)
    assert ei.value.code == "InternalFailure"
    bad = encode_eventstream_message({":event-type": "contentBlockDelta", ":message-type": "event"}, b"{not json")
    with pytest.raises(E.ProviderResponseError, match="not JSON"):
        decode(_frames(START) + bad)


def test_a_json_body_on_the_stream_endpoint_is_a_typed_error() -> None:
    import httpx
    from bedrock_cases import make_provider
    from llmcore.types import ChatRequest

    def handler(request: httpx.Request) -> httpx.Response:  # a proxy answering 200 with JSON
        return httpx.Response(200, json={"message": "upstream said no"}, headers={"x-amzn-requestid": "rq"})

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            async for _ in make_provider(client).stream_chat(ChatRequest(model="m.x", messages=["Hi"])):
                pass

    with pytest.raises(E.ProviderResponseError, match="expected an event stream") as ei:
        asyncio.run(go())
    assert "upstream said no" in str(ei.value.raw) and ei.value.request_id == "rq"
