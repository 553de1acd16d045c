"""Property tests (issue 18, defect 3): whatever a server answers with a 200 — a
recorded Workers AI envelope with any field replaced by any JSON value or deleted, a
recorded stream with an event mutated or dropped and cut at any byte — a call
through ``llmcore.model`` on the default transport ends in a correct response or a
typed error naming cloudflare (:mod:`llmcore.testing.fuzz`), and never in an empty
answer with no reason. Seeded from the recordings in ``cassettes/``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cloudflare_cases as C
import llmcore
import pytest
from hypothesis import given
from llmcore.testing import TEST_API_KEY, fuzz
from llmcore.testing.cassettes import Recordings

REC = Recordings(C.CASSETTES)
CHAT = [REC.response_body(c) for c in ("authored__chat_hello_world.yaml", "authored__tool_call.yaml")]
STREAM = REC.response_bytes("authored__stream_new_york.yaml")
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s:
        yield s


def call(server: fuzz.FuzzServer, stream: bool, **kw: Any) -> None:
    m = llmcore.model(
        "cloudflare/@cf/meta/llama-3.1-8b-instruct",
        base_url=server.url,
        api_key=TEST_API_KEY,
        retry=False,
        account_id=C.ACCOUNT,
    )
    out = fuzz.check_call(m, stream=stream, provider="cloudflare", secret=TEST_API_KEY, **kw)
    r = out.response
    if r is not None:
        assert r.text or r.tool_calls or r.finish_reason != "other", r


@fuzz.settings(max_examples=60)
@given(body=fuzz.mutations(CHAT[0]) | fuzz.mutations(CHAT[1]))
def test_any_chat_answer_is_a_response_or_a_typed_error(server: fuzz.FuzzServer, body: Any) -> None:
    server.answer(fuzz.dumps(body))
    call(server, stream=False)


@fuzz.settings(max_examples=30)
@given(body=fuzz.mutations(CHAT[1]))
def test_any_answer_to_a_streamed_tool_request_is_a_response_or_a_typed_error(
    server: fuzz.FuzzServer, body: Any
) -> None:
    server.answer(fuzz.dumps(body))  # streamed requests with tools are answered in one piece
    call(server, stream=True, tools=TOOLS)


@fuzz.settings(max_examples=60)
@given(body=fuzz.stream_variants(STREAM, fuzz.SSE))
def test_any_stream_is_a_response_or_a_typed_error(server: fuzz.FuzzServer, body: bytes) -> None:
    server.answer(body, fuzz.SSE.content_type, pieces=3)
    call(server, stream=True)
