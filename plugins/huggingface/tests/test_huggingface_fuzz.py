"""Property tests (issue 18, defect 3), seeded from this plugin's recordings in
``cassettes/``: whatever a TGI server answers with a 200 — a recorded answer with any
field replaced by any JSON value or deleted, a recorded stream with an event mutated
or dropped and cut at any byte — a call through ``llmcore.model`` on the default
transport ends in a correct response or a typed error naming huggingface
(:mod:`llmcore.testing.fuzz`), never an empty answer with no reason. (A loopback base URL is a TGI server; ``<think>`` blocks included.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import llmcore
import pytest
from hypothesis import given
from llmcore.testing import TEST_API_KEY, fuzz
from llmcore.testing.cassettes import Recordings

REC = Recordings(Path(__file__).parent / "cassettes")
CHAT = [
    REC.response_body(c)
    for c in (
        "huggingface_hub__InferenceClientVCRTest.test_chat_completion_no_stream.yaml",
        "huggingface_hub__InferenceClientVCRTest.test_chat_completion_with_tool.yaml",
        "pydantic-ai__test_hf_model_thinking_part.yaml",
    )
]
STREAMS = [
    REC.response_bytes(c)
    for c in (
        "huggingface_hub__InferenceClientVCRTest.test_chat_completion_with_stream.yaml",
        "authored__router_tool_call_stream.yaml",
    )
]


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s:
        yield s


def call(server: fuzz.FuzzServer, stream: bool) -> None:
    m = llmcore.model(
        "huggingface/meta-llama/Llama-3.1-8B-Instruct", base_url=server.url, api_key=TEST_API_KEY, retry=False
    )
    r = fuzz.check_call(m, stream=stream, provider="huggingface", secret=TEST_API_KEY).response
    if r is not None:  # an answer with nothing in it says why (length, a filter, ...)
        assert r.text or r.tool_calls or r.reasoning or r.finish_reason != "other", r


@fuzz.settings(max_examples=60)
@given(body=fuzz.mutations(CHAT[0]) | fuzz.mutations(CHAT[1]) | fuzz.mutations(CHAT[2]))
def test_any_chat_answer_is_a_response_or_a_typed_error(server: fuzz.FuzzServer, body: Any) -> None:
    server.answer(fuzz.dumps(body))
    call(server, stream=False)


@fuzz.settings(max_examples=60)
@given(body=fuzz.stream_variants(STREAMS[0], fuzz.SSE) | fuzz.stream_variants(STREAMS[1], fuzz.SSE))
def test_any_stream_is_a_response_or_a_typed_error(server: fuzz.FuzzServer, body: bytes) -> None:
    server.answer(body, fuzz.SSE.content_type, pieces=3)
    call(server, stream=True)
