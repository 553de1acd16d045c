"""The NDJSON stream through the real provider (an ``httpx.MockTransport`` serves
the recorded body in pieces): the stream agrees with the recorded lines, stream/chat
id stability, mid-stream errors and truncated streams. (That any cut of the
recorded bytes gives the same events is the conformance kit's re-chunk check, on
every stream recording.)"""

from __future__ import annotations

import asyncio
import json

import httpx
import ollama_cases as C
import pytest
from llmcore import errors as E
from llmcore.events import StreamEvent
from llmcore.types import ChatRequest, ChatResponse
from llmcore_ollama.response import parse_chat_response
from llmcore_testing.streams import replay_stream, split_every, stream_transport

STREAM_CASES = {
    "text": C.STREAM,
    "say_hello": C.SAY_HELLO,
    "say_hello_async": C.SAY_HELLO_ASYNC,
    "tool_call": C.TOOL_CALL_STREAM,
}


def _collect(body: bytes, size: int, request: ChatRequest, status: int = 200) -> tuple[list[StreamEvent], ChatResponse]:
    out = replay_stream(
        C.provider, request, split_every(body, [size]), status=status, headers={"content-type": "application/x-ndjson"}
    )
    return out.events, out.response


@pytest.mark.parametrize("name", sorted(STREAM_CASES))
def test_stream_matches_the_recorded_lines(name: str) -> None:
    """Independent of the decoder: the recorded lines, parsed with json, give
    the text, usage and finish we report."""
    case = STREAM_CASES[name]
    raw = C.recorded_response(case.cassette, case.interaction)
    lines = [json.loads(x) for x in raw.splitlines() if x.strip()]
    _, r = _collect(raw.encode(), 3, case.chat_request())
    assert r.text == "".join(x["message"].get("content", "") for x in lines)
    last = lines[-1]
    assert last["done"] is True
    assert (r.usage.input_tokens, r.usage.output_tokens) == (last["prompt_eval_count"], last["eval_count"])
    assert r.raw_finish_reason == last["done_reason"]
    assert r.provider_metadata["timings"]["total_duration"] == last["total_duration"]
    assert r.model == lines[0]["model"]


def test_generated_tool_ids_are_stable_and_shared_with_chat() -> None:
    """A tool call without an id gets the same generated id every time, in the
    stream and when the same answer is parsed as a chat response."""
    case = C.TOOL_CALL_STREAM
    raw = C.recorded_response(case.cassette)
    _, a = _collect(raw.encode(), 7, case.chat_request())
    _, b = _collect(raw.encode(), 1 << 20, case.chat_request())
    assert a.tool_calls[0].id == b.tool_calls[0].id
    assert a.tool_calls[0].id.startswith("call_")
    first = json.loads(raw.splitlines()[0])
    as_chat = parse_chat_response({**first, "done": True, "done_reason": "stop"})
    assert as_chat.tool_calls[0].id == a.tool_calls[0].id
    assert as_chat.finish_reason == "tool_calls"


def test_ids_sent_by_ollama_are_kept() -> None:
    res = C.replay(C.TOOL_CALL)
    assert res.response is not None and res.response.tool_calls[0].id == "call_gsiiy8py"


def test_midstream_error_line_raises_after_the_text() -> None:
    body = C.recorded_response(C.AUTH_MIDSTREAM).encode()
    seen: list[str] = []

    async def go() -> None:
        async with httpx.AsyncClient(transport=stream_transport(split_every(body, [11]), headers={})) as client:
            async for ev in C.provider(client).stream_chat(ChatRequest(model="gemma3", messages=["Is the sky blue?"])):
                if ev.type == "text":
                    seen.append(ev.text)  # type: ignore[union-attr]

    with pytest.raises(E.ProviderServerError) as info:
        asyncio.run(go())
    assert info.value.message == "an error was encountered while running the model"
    assert info.value.is_retryable and "".join(seen) == " Yes."


def test_midstream_context_overflow_is_typed() -> None:
    inner = {
        "error": {
            "message": "request (5000 tokens) exceeds the available context size (4096 tokens)",
            "type": "exceed_context_size_error",
        }
    }
    body = (json.dumps({"error": json.dumps(inner)}) + "\n").encode()
    with pytest.raises(E.ContextWindowExceededError) as info:
        _collect(body, 4, ChatRequest(model="m", messages=["x"]))
    assert info.value.code == "exceed_context_size_error"


def test_truncated_stream_is_an_error() -> None:
    raw = C.recorded_response(C.STREAM.cassette)
    body = "\n".join(raw.splitlines()[:5]).encode()
    with pytest.raises(E.ProviderResponseError) as info:
        _collect(body, 9, C.STREAM.chat_request())
    assert "done" in info.value.message


def test_garbage_line_is_a_response_error() -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        _collect(
            b'{"model":"m","message":{"content":"a"},"done":false}\nnot json\n',
            6,
            ChatRequest(model="m", messages=["x"]),
        )
    assert info.value.raw == "not json"


def test_404_before_the_stream_has_the_pull_hint() -> None:
    body = json.dumps({"error": "model 'llama9' not found, try pulling it first"}).encode()
    with pytest.raises(E.NotFoundError) as info:
        _collect(body, 8, ChatRequest(model="llama9", messages=["x"]), status=404)
    assert "ollama pull llama9" in info.value.message and info.value.status_code == 404
