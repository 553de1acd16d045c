"""Answers of the wrong shape end in a typed ProviderResponseError naming the
provider, never a bare TypeError/AttributeError nor a response whose ``.text``
raises; an answer that carries nothing is an error, while empty text with a
reason (tool call only, content filter, length) stays an answer (issue 18,
defect 3). Each goes through ``llmcore.model`` to a real loopback server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
from llmcore.errors import ProviderResponseError
from llmcore_testing import fuzz

KEY = "malformed-" + "test-key-" + "0123456789"


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s, fuzz.transport_client("aiohttp"):
        yield s


def _model(server: fuzz.FuzzServer, **kw: Any) -> Any:
    return llmcore.model("openai/gpt-4o-mini", base_url=server.url + "/v1", api_key=KEY, retry=False, **kw)


def chat(server: fuzz.FuzzServer, body: Any, **kw: Any) -> Any:
    server.answer(json.dumps(body).encode())
    return _model(server, **kw).chat("hi")


def stream(server: fuzz.FuzzServer, *chunks: Any, done: bool = True, **kw: Any) -> Any:
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + ("data: [DONE]\n\n" if done else "")
    server.answer(body.encode(), "text/event-stream")
    return _model(server, **kw).stream("hi").collect()


def _choice(message: Any, finish: Any = "stop") -> dict[str, Any]:
    return {"id": "c1", "model": "m", "choices": [{"index": 0, "message": message, "finish_reason": finish}]}


def _delta(delta: Any, finish: Any = None) -> dict[str, Any]:
    return {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


@pytest.mark.parametrize(
    "body",
    [
        {"choices": [{"message": "hi"}]},  # the example: message is a string
        _choice({"role": "assistant", "content": 5}),  # .text used to raise
        _choice({"content": "x", "tool_calls": "x"}),
        _choice({"content": None, "tool_calls": [{"id": "a", "function": {"name": 5, "arguments": "{}"}}]}),
        _choice({"content": "x"}, finish=["stop"]),
        {"choices": ["x"]},
    ],
)
def test_wrong_field_types_are_a_provider_response_error(server: fuzz.FuzzServer, body: Any) -> None:
    with pytest.raises(ProviderResponseError) as e:
        chat(server, body)
    assert e.value.provider == "openai" and e.value.raw


@pytest.mark.parametrize("body", [{"choices": [{}]}, {"choices": [{"message": {}}]}, _choice({}, finish=None)])
def test_an_answer_with_nothing_in_it_is_an_error(server: fuzz.FuzzServer, body: Any) -> None:
    with pytest.raises(ProviderResponseError, match="no content"):
        chat(server, body)


def test_empty_text_with_a_reason_is_still_an_answer(server: fuzz.FuzzServer) -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    r = chat(server, _choice({"content": None, "tool_calls": [call]}, finish="tool_calls"))
    assert r.tool_calls[0].name == "f" and r.text == ""
    assert chat(server, _choice({"content": ""}, finish="content_filter")).finish_reason == "content_filter"
    assert chat(server, _choice({"content": None}, finish="length")).finish_reason == "length"


@pytest.mark.parametrize(
    "chunks",
    [
        [{"id": "c1", "choices": 7}],  # the example
        [_delta("x")],
        [_delta({"content": 5})],
        [_delta({"content": "x"}, finish=5)],
        [_delta({"tool_calls": [{"index": 0, "id": 5, "function": {"name": "f"}}]})],
    ],
)
def test_stream_chunks_of_the_wrong_shape_are_a_provider_response_error(
    server: fuzz.FuzzServer, chunks: list[Any]
) -> None:
    with pytest.raises(ProviderResponseError) as e:
        stream(server, *chunks)
    assert e.value.provider == "openai"


def test_a_stream_of_only_empty_events_is_an_error(server: fuzz.FuzzServer) -> None:
    with pytest.raises(ProviderResponseError, match="no content, no finish reason and no usage"):
        stream(server, _delta({"role": "assistant"}), _delta({}))


def test_an_empty_stream_with_a_finish_reason_is_an_answer(server: fuzz.FuzzServer) -> None:
    assert stream(server, _delta({"role": "assistant"}), _delta({}, finish="length")).finish_reason == "length"


# -- Responses API ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"object": "response", "status": "completed", "output": ["x"]},
        {
            "object": "response",
            "status": "completed",
            "output": [{"type": "message", "content": [{"type": "output_text", "text": 5}]}],
        },
        {"object": "response", "status": 5, "output": []},
        {"object": "response"},  # no output, no status
    ],
)
def test_responses_api_answers_of_the_wrong_shape(server: fuzz.FuzzServer, body: Any) -> None:
    with pytest.raises(ProviderResponseError) as e:
        chat(server, body, api="responses")
    assert e.value.provider == "openai"


def test_responses_stream_event_of_the_wrong_shape(server: fuzz.FuzzServer) -> None:
    events = [
        {"type": "response.created", "response": {"id": "r"}},
        {"type": "response.output_text.delta", "delta": 5},
        {"type": "response.completed", "response": {"status": "completed"}},
    ]
    with pytest.raises(ProviderResponseError):
        stream(server, *events, done=False, api="responses")
