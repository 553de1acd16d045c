"""Property tests (issue 18, defect 3): whatever Replicate answers — a recorded
prediction with any field replaced by any JSON value or deleted, a recorded
prediction stream with an event mutated or dropped and cut at any byte — a call
ends in a correct response or a typed error naming replicate
(:mod:`llmcore_testing.fuzz`), never an empty answer with no reason.

Chat goes through ``llmcore.model`` on the default transport against a loopback
server; a stream needs three different answers in turn (the created prediction,
its event stream, the finished prediction), so it is served by an
``httpx.MockTransport`` to the provider."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import replicate_cases as C
from hypothesis import given
from llmcore.events import StreamAccumulator
from llmcore.types import ChatRequest, ChatResponse
from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

REC = Recordings(C.CASSETTES)
_RECORDED = REC.response_body("authored__chat_camelids.yaml")
#: the recorded prediction with its output cut to three tokens (mutations then land on
#: the fields that matter as often as on output tokens)
CHAT = {**_RECORDED, "output": _RECORDED["output"][:3]}
STREAM = "authored__stream_camelids.yaml"  # create, stream, final prediction
CREATED, EVENTS, FINAL = (REC.response_bytes(STREAM, i) for i in range(3))
REQUEST = ChatRequest(model="meta/meta-llama-3-8b-instruct", messages=[{"role": "user", "content": "hi"}])


def _sane(r: ChatResponse | None) -> None:
    if r is not None:
        fuzz.check_informative(r)


class TestFuzz(fuzz.CodecFuzz):
    model = "replicate/meta/meta-llama-3-8b-instruct"
    provider = "replicate"
    chat = [CHAT]
    examples = 80
    # a prediction that stays unfinished is polled until the (short) total timeout
    options = {"timeout": 0.5, **C.FAST}


def _stream(created: bytes, events: bytes, final: bytes) -> ChatResponse:
    answers = [(created, "application/json"), (events, "text/event-stream"), (final, "application/json")]

    def handler(_: httpx.Request) -> httpx.Response:
        body, ctype = answers.pop(0) if len(answers) > 1 else answers[0]
        return httpx.Response(200, headers={"content-type": ctype}, content=body)

    async def go() -> ChatResponse:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            p = C.provider(client, timeout=0.5)
            acc = StreamAccumulator()
            async for ev in p.stream_chat(REQUEST):
                acc.add(ev)
            return acc.response(p.spec.name)

    return asyncio.run(go())


@fuzz.settings(max_examples=40)
@given(created=fuzz.mutations(json.loads(CREATED)))
def test_any_created_prediction_is_a_response_or_a_typed_error_when_streaming(created: Any) -> None:
    _sane(fuzz.check_outcome(lambda: _stream(fuzz.dumps(created), EVENTS, FINAL), provider="replicate").response)


@fuzz.settings(max_examples=40)
@given(events=fuzz.stream_variants(EVENTS, fuzz.SSE))
def test_any_prediction_stream_is_a_response_or_a_typed_error(events: bytes) -> None:
    _sane(fuzz.check_outcome(lambda: _stream(CREATED, events, FINAL), provider="replicate").response)
