"""Property tests (issue 18, defect 3), seeded from the recordings in ``cassettes/``:
whatever Vertex AI answers with a 200 — a recorded Gemini ``generateContent`` or
Claude ``rawPredict`` answer with any field replaced by any JSON value or deleted,
a recorded ``streamGenerateContent``/``streamRawPredict`` stream with an event
mutated or dropped and cut at any byte, a count-tokens answer of any shape — a call
through ``llmcore.model`` on the default transport ends in a correct result or a
typed error naming vertexai (:mod:`llmcore.testing.fuzz`), never an empty answer
with no reason. (The codecs are llmcore-gemini's and llmcore-anthropic's; this is
Vertex's routing and envelope around them.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
import vertex_cases as C
from hypothesis import given
from llmcore.testing import fuzz
from llmcore.testing.cassettes import Recordings
from llmcore.types import TokenCount

REC = Recordings(C.CASSETTES)
GEMINI = [
    REC.response_body(c)
    for c in ("authored__vision_file_data.yaml", "pydantic-ai__test_google_model_vertex_provider.yaml")
]
GEMINI_STREAM = REC.response_bytes("authored__stream_tool_call.yaml")
CLAUDE = REC.response_body("authored__claude_rawpredict.yaml")
CLAUDE_STREAM = REC.response_bytes("authored__claude_streamrawpredict.yaml")
COUNT = REC.response_body("authored__claude_count_tokens.yaml")
MODELS = {"gemini": "vertexai/gemini-2.5-flash", "claude": "vertexai/claude-haiku-4-5@20251001"}


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s:
        yield s


def _model(server: fuzz.FuzzServer, family: str) -> Any:
    return llmcore.model(
        MODELS[family],
        base_url=server.url,
        retry=False,
        project="llmcore-test",
        location="us-east5",
        credentials=C.token_credentials(),
    )


def call(server: fuzz.FuzzServer, family: str, stream: bool) -> None:
    out = fuzz.check_call(_model(server, family), stream=stream, provider="vertexai", secret=C.TEST_TOKEN)
    r = out.response
    if r is not None:
        assert r.text or r.tool_calls or r.reasoning or r.finish_reason != "other", r


@fuzz.settings(max_examples=60)
@given(body=fuzz.mutations(GEMINI[0]) | fuzz.mutations(GEMINI[1]))
def test_any_gemini_answer_is_a_response_or_a_typed_error(server: fuzz.FuzzServer, body: Any) -> None:
    server.answer(fuzz.dumps(body))
    call(server, "gemini", stream=False)


@fuzz.settings(max_examples=50)
@given(body=fuzz.stream_variants(GEMINI_STREAM, fuzz.SSE))
def test_any_gemini_stream_is_a_response_or_a_typed_error(server: fuzz.FuzzServer, body: bytes) -> None:
    server.answer(body, fuzz.SSE.content_type, pieces=3)
    call(server, "gemini", stream=True)


@fuzz.settings(max_examples=50)
@given(body=fuzz.mutations(CLAUDE))
def test_any_claude_answer_is_a_response_or_a_typed_error(server: fuzz.FuzzServer, body: Any) -> None:
    server.answer(fuzz.dumps(body))
    call(server, "claude", stream=False)


@fuzz.settings(max_examples=50)
@given(body=fuzz.stream_variants(CLAUDE_STREAM, fuzz.SSE))
def test_any_claude_stream_is_a_response_or_a_typed_error(server: fuzz.FuzzServer, body: bytes) -> None:
    server.answer(body, fuzz.SSE.content_type, pieces=3)
    call(server, "claude", stream=True)


@fuzz.settings(max_examples=40)
@given(body=fuzz.mutations(COUNT))
def test_any_claude_count_is_a_count_or_a_typed_error(server: fuzz.FuzzServer, body: Any) -> None:
    server.answer(fuzz.dumps(body))
    try:
        n = _model(server, "claude").count_tokens("hi")
    except Exception as e:
        fuzz.check_error(e, "vertexai", C.TEST_TOKEN)
        return
    assert isinstance(n, TokenCount) and type(n.input_tokens) is int and n.input_tokens >= 0
