"""Messages of the wrong shape end in a typed ProviderResponseError naming the
provider, never a bare TypeError/AttributeError nor a response whose ``.text``
raises; a message or stream that carries nothing is an error, while empty
content with a stop reason stays an answer (issue 18, defect 3). Each goes
through ``llmcore.model`` to a real loopback server."""

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


def _model(server: fuzz.FuzzServer) -> Any:
    return llmcore.model("anthropic/claude-3-5-haiku-latest", base_url=server.url, api_key=KEY, retry=False)


def chat(server: fuzz.FuzzServer, body: Any) -> Any:
    server.answer(json.dumps(body).encode())
    return _model(server).chat("hi")


def stream(server: fuzz.FuzzServer, *events: dict[str, Any]) -> Any:
    body = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)
    server.answer(body.encode(), "text/event-stream")
    return _model(server).stream("hi").collect()


def _message(content: Any, stop: Any = "end_turn") -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": content,
        "stop_reason": stop,
        "usage": {"input_tokens": 3, "output_tokens": 1},
    }


START = {"type": "message_start", "message": {"id": "msg_1", "model": "m", "usage": {"input_tokens": 3}}}
STOP = {"type": "message_stop"}


@pytest.mark.parametrize(
    "body",
    [
        _message(["x"]),  # the example
        _message([{"type": "text", "text": 5}]),
        _message([{"type": "thinking", "thinking": ["x"]}]),
        _message([{"type": "tool_use", "id": 5, "name": "f", "input": {}}]),
        _message([{"type": "text", "text": "x"}], stop=["end_turn"]),
    ],
)
def test_wrong_field_types_are_a_provider_response_error(server: fuzz.FuzzServer, body: Any) -> None:
    with pytest.raises(ProviderResponseError) as e:
        chat(server, body)
    assert e.value.provider == "anthropic" and e.value.raw


def test_a_message_with_nothing_in_it_is_an_error(server: fuzz.FuzzServer) -> None:
    with pytest.raises(ProviderResponseError, match="no content and no stop reason"):
        chat(server, _message([], stop=None))


def test_empty_content_with_a_stop_reason_is_an_answer(server: fuzz.FuzzServer) -> None:
    r = chat(server, _message([], stop="end_turn"))
    assert r.text == "" and r.finish_reason == "stop"


@pytest.mark.parametrize(
    "event",
    [
        {"type": "content_block_delta", "index": 0, "delta": "x"},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": 5}},
        {"type": "content_block_start", "index": [0], "content_block": {"type": "text", "text": ""}},
        {"type": "message_delta", "delta": {"stop_reason": 5}},
    ],
)
def test_stream_events_of_the_wrong_shape_are_a_provider_response_error(
    server: fuzz.FuzzServer, event: dict[str, Any]
) -> None:
    with pytest.raises(ProviderResponseError) as e:
        stream(server, START, event, {"type": "message_delta", "delta": {"stop_reason": "end_turn"}}, STOP)
    assert e.value.provider == "anthropic"


def test_a_stream_of_only_empty_events_is_an_error(server: fuzz.FuzzServer) -> None:
    with pytest.raises(ProviderResponseError, match="no content and no stop reason"):
        stream(server, START, {"type": "ping"}, STOP)
