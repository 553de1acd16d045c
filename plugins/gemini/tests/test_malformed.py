"""Responses and stream chunks of the wrong shape end in a typed
ProviderResponseError naming the provider, never a bare TypeError/AttributeError
nor a response whose ``.text`` raises (issue 18, defect 3). Each goes through
``llmcore.model`` to a real loopback server."""

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
    return llmcore.model("gemini/gemini-2.0-flash", base_url=server.url, api_key=KEY, retry=False)


def chat(server: fuzz.FuzzServer, body: Any) -> Any:
    server.answer(json.dumps(body).encode())
    return _model(server).chat("hi")


def stream(server: fuzz.FuzzServer, *chunks: Any) -> Any:
    server.answer("".join(f"data: {json.dumps(c)}\n\n" for c in chunks).encode(), "text/event-stream")
    return _model(server).stream("hi").collect()


def _cand(parts: Any, finish: Any = "STOP") -> dict[str, Any]:
    return {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": finish}]}


BAD = [
    {"candidates": ["x"]},  # the example
    _cand([{"text": 5}]),
    _cand(["x"]),
    _cand([{"functionCall": {"name": 5, "args": {}}}]),
    _cand([{"functionCall": {"name": "f", "args": [["a", 1]]}}]),
    _cand([{"text": "x"}], finish=["STOP"]),
    {**_cand([{"text": "x"}]), "usageMetadata": "x"},
]


@pytest.mark.parametrize("body", BAD)
def test_wrong_field_types_are_a_provider_response_error(server: fuzz.FuzzServer, body: Any) -> None:
    with pytest.raises(ProviderResponseError) as e:
        chat(server, body)
    assert e.value.provider == "gemini" and e.value.raw


@pytest.mark.parametrize("chunk", BAD)
def test_stream_chunks_of_the_wrong_shape_are_a_provider_response_error(server: fuzz.FuzzServer, chunk: Any) -> None:
    with pytest.raises(ProviderResponseError) as e:
        stream(server, _cand([{"text": "a"}], finish=None), chunk, _cand([], finish="STOP"))
    assert e.value.provider == "gemini"


def test_a_response_without_a_finish_reason_is_still_an_error(server: fuzz.FuzzServer) -> None:
    with pytest.raises(ProviderResponseError, match="no finish reason"):
        chat(server, {"candidates": [{}]})
