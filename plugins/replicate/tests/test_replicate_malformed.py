"""Predictions and streams of the wrong shape (valid JSON, wrong field types, missing
output, a stream with no output) end in a typed :class:`ProviderResponseError` naming
replicate, never a bare ``TypeError`` or a made-up empty answer (issue 18, defect 3).
Each answer goes through the real provider over an ``httpx.MockTransport`` that
answers the provider's requests in order."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import replicate_cases as C
from llmcore import errors as E
from llmcore.events import StreamAccumulator
from llmcore.types import ChatRequest, ChatResponse

REQUEST = ChatRequest(model="meta/meta-llama-3-8b-instruct", messages=[{"role": "user", "content": "hi"}])
URLS = {"get": "https://api.replicate.com/v1/predictions/p1", "stream": "https://stream.example/v1/predictions/p1"}


def run(*answers: Any, stream: bool = False) -> ChatResponse:
    """The provider against a server answering its requests with ``answers`` in order
    (a ``str`` is an event stream, anything else JSON)."""
    queue = list(answers)

    def handler(_: httpx.Request) -> httpx.Response:
        a = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(a, str):
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=a.encode())
        return httpx.Response(200, json=a)

    async def go() -> ChatResponse:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            p = C.provider(client, timeout=5)
            if not stream:
                return await p.chat(REQUEST)
            acc = StreamAccumulator()
            async for ev in p.stream_chat(REQUEST):
                acc.add(ev)
            return acc.response(p.spec.name)

    return asyncio.run(go())


def prediction(**kw: Any) -> dict[str, Any]:
    return {
        "id": "p1",
        "model": "meta/meta-llama-3-8b-instruct",
        "status": "succeeded",
        "output": ["Hi", "!"],
        "urls": URLS,
        **kw,
    }


@pytest.mark.parametrize(
    "answer",
    [
        prediction(status=["succeeded"]),
        prediction(status={}),
        prediction(status=None),
        prediction(id=5),
        prediction(urls="x"),
        prediction(output=None),
    ],
    ids=["status-list", "status-dict", "status-null", "id-int", "urls-str", "no-output"],
)
def test_a_prediction_of_the_wrong_shape_is_a_typed_error(answer: dict[str, Any]) -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        run(answer)
    assert info.value.provider == "replicate"


def test_a_polled_prediction_of_the_wrong_shape_is_a_typed_error() -> None:
    with pytest.raises(E.ProviderResponseError):
        run(prediction(status="starting", output=None), prediction(status={"x": 1}))


def test_a_stream_with_no_output_is_a_typed_error() -> None:
    created = prediction(status="starting", output=None)
    with pytest.raises(E.ProviderResponseError):
        run(created, "event: done\ndata: {}\n\n", prediction(output=[]), stream=True)


def test_a_created_prediction_of_the_wrong_shape_is_a_typed_error_when_streaming() -> None:
    with pytest.raises(E.ProviderResponseError):
        run(prediction(status=["starting"]), stream=True)


def test_boolean_token_counts_are_unknown() -> None:
    r = run(prediction(metrics={"input_token_count": True, "output_token_count": False}))
    assert (r.usage.input_tokens, r.usage.output_tokens) == (None, None)


def test_legit_answers_still_work() -> None:
    assert run(prediction()).text == "Hi!"
    assert run(prediction(output=[])).text == ""  # the model produced nothing, and said so
    created = prediction(status="starting", output=None)
    r = run(created, "event: output\ndata: Hi\n\nevent: done\ndata: {}\n\n", prediction(), stream=True)
    assert (r.text, r.finish_reason) == ("Hi", "stop")
