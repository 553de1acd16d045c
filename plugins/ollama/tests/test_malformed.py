"""Responses and stream lines of the wrong shape end in a typed
ProviderResponseError naming ollama, never a bare TypeError/AttributeError nor a
response whose ``.text`` raises; an answer or stream that carries nothing is an
error, while empty content with a done_reason stays an answer (issue 18, defect
3). Each goes through ``llmcore.model`` to a real loopback server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
from llmcore.errors import ProviderResponseError
from llmcore_testing import fuzz


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s, fuzz.transport_client("aiohttp"):
        yield s


def _model(server: fuzz.FuzzServer) -> Any:
    return llmcore.model("ollama/llama3.2", base_url=server.url, retry=False)


def chat(server: fuzz.FuzzServer, body: Any) -> Any:
    server.answer(json.dumps(body).encode())
    return _model(server).chat("hi")


def stream(server: fuzz.FuzzServer, *lines: Any) -> Any:
    server.answer("".join(json.dumps(x) + "\n" for x in lines).encode(), "application/x-ndjson")
    return _model(server).stream("hi").collect()


def _resp(message: Any, reason: Any = "stop", **kw: Any) -> dict[str, Any]:
    return {"model": "llama3.2", "created_at": "t", "message": message, "done": True, "done_reason": reason, **kw}


BAD = [
    {"role": "assistant", "content": "", "tool_calls": "x"},  # the example
    {"role": "assistant", "content": 5},
    {"role": "assistant", "content": "", "thinking": ["x"]},
    {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": 5, "arguments": {}}}]},
]


@pytest.mark.parametrize("message", BAD)
def test_wrong_field_types_are_a_provider_response_error(server: fuzz.FuzzServer, message: Any) -> None:
    with pytest.raises(ProviderResponseError) as e:
        chat(server, _resp(message))
    assert e.value.provider == "ollama" and e.value.raw


def test_a_non_string_done_reason_is_an_error(server: fuzz.FuzzServer) -> None:
    with pytest.raises(ProviderResponseError):
        chat(server, _resp({"role": "assistant", "content": "x"}, reason=5))


def test_an_answer_with_nothing_in_it_is_an_error(server: fuzz.FuzzServer) -> None:
    with pytest.raises(ProviderResponseError, match="no content"):
        chat(server, _resp({}, reason=None))


def test_empty_content_with_a_done_reason_is_an_answer(server: fuzz.FuzzServer) -> None:
    assert chat(server, _resp({"role": "assistant", "content": ""}, reason="length")).finish_reason == "length"


@pytest.mark.parametrize("message", BAD)
def test_stream_lines_of_the_wrong_shape_are_a_provider_response_error(server: fuzz.FuzzServer, message: Any) -> None:
    first = {"model": "llama3.2", "created_at": "t", "message": message, "done": False}
    with pytest.raises(ProviderResponseError) as e:
        stream(server, first, _resp({"role": "assistant", "content": ""}))
    assert e.value.provider == "ollama"


def test_a_stream_of_only_empty_lines_is_an_error(server: fuzz.FuzzServer) -> None:
    empty = {"model": "llama3.2", "created_at": "t", "message": {"role": "assistant", "content": ""}}
    with pytest.raises(ProviderResponseError, match="no content"):
        stream(server, {**empty, "done": False}, {**empty, "done": True})
