"""Converse bodies and ConverseStream events of the wrong shape end in a typed
ProviderResponseError naming bedrock, never a bare TypeError/AttributeError nor
a response whose ``.text`` raises; a body or stream that carries nothing is an
error, while empty content with a stop reason stays an answer (issue 18, defect
3). Each goes through ``llmcore.model`` to a real loopback server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
from llmcore.errors import ProviderResponseError
from llmcore.http.eventstream import encode_eventstream_message
from llmcore_testing import fuzz

KEY = "malformed-" + "test-key-" + "0123456789"


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s, fuzz.transport_client("aiohttp"):
        yield s


def _model(server: fuzz.FuzzServer) -> Any:
    return llmcore.model(
        "bedrock/anthropic.claude-3-haiku-20240307-v1:0",
        base_url=server.url,
        region="us-east-1",
        api_key=KEY,
        retry=False,
    )


def chat(server: fuzz.FuzzServer, body: Any) -> Any:
    server.answer(json.dumps(body).encode())
    return _model(server).chat("hi")


def stream(server: fuzz.FuzzServer, *events: tuple[str, Any]) -> Any:
    headers = {":message-type": "event", ":content-type": "application/json"}
    body = b"".join(
        encode_eventstream_message({**headers, ":event-type": et}, json.dumps(data).encode()) for et, data in events
    )
    server.answer(body, "application/vnd.amazon.eventstream")
    return _model(server).stream("hi").collect()


def _body(content: Any, stop: Any = "end_turn") -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": {"inputTokens": 3, "outputTokens": 1},
    }


@pytest.mark.parametrize(
    "body",
    [
        _body([{"text": 5}]),
        _body([{"toolUse": "x"}]),
        _body([{"toolUse": {"toolUseId": 5, "name": "f", "input": {}}}]),
        _body([{"reasoningContent": {"reasoningText": {"text": ["x"]}}}]),
        _body([{"text": "x"}], stop=["end_turn"]),
    ],
)
def test_wrong_field_types_are_a_provider_response_error(server: fuzz.FuzzServer, body: Any) -> None:
    with pytest.raises(ProviderResponseError) as e:
        chat(server, body)
    assert e.value.provider == "bedrock" and e.value.raw


def test_a_body_with_nothing_in_it_is_an_error(server: fuzz.FuzzServer) -> None:
    with pytest.raises(ProviderResponseError, match="no content and no stopReason"):
        chat(server, _body([], stop=None))


def test_empty_content_with_a_stop_reason_is_an_answer(server: fuzz.FuzzServer) -> None:
    assert chat(server, _body([], stop="max_tokens")).finish_reason == "length"


START = ("messageStart", {"role": "assistant"})
STOP = ("messageStop", {"stopReason": "end_turn"})


@pytest.mark.parametrize(
    "event",
    [
        ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": 5}}),  # the example
        ("contentBlockDelta", {"contentBlockIndex": 0, "delta": "x"}),
        ("contentBlockStart", {"contentBlockIndex": "0", "start": {"toolUse": {"toolUseId": "a", "name": "f"}}}),
        ("messageStop", {"stopReason": 5}),
    ],
)
def test_stream_events_of_the_wrong_shape_are_a_provider_response_error(
    server: fuzz.FuzzServer, event: tuple[str, Any]
) -> None:
    with pytest.raises(ProviderResponseError) as e:
        stream(server, START, event, STOP)
    assert e.value.provider == "bedrock"


def test_a_stream_of_only_empty_events_is_an_error(server: fuzz.FuzzServer) -> None:
    with pytest.raises(ProviderResponseError, match="no content, no stop reason and no usage"):
        stream(server, START, ("messageStop", {}))
