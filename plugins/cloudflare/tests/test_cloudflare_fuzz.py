"""Property tests (issue 18, defect 3): whatever a server answers with a 200 — a
recorded Workers AI envelope with any field replaced by any JSON value or deleted, a
recorded stream with an event mutated or dropped and cut at any byte — a call
through ``llmcore.model`` on the default transport ends in a correct response or a
typed error naming cloudflare (:mod:`llmcore_testing.fuzz`), and never in an empty
answer with no reason. Seeded from the recordings in ``cassettes/``."""

from __future__ import annotations

from typing import Any

import cloudflare_cases as C
from hypothesis import given
from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

REC = Recordings(C.CASSETTES)
CHAT = [REC.response_body(c) for c in ("authored__chat_hello_world.yaml", "authored__tool_call.yaml")]
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]


class TestFuzz(fuzz.CodecFuzz):
    model = "cloudflare/@cf/meta/llama-3.1-8b-instruct"
    provider = "cloudflare"
    options = {"account_id": C.ACCOUNT}
    chat = CHAT
    streams = [REC.response_bytes("authored__stream_new_york.yaml")]

    @fuzz.settings(max_examples=30)
    @given(body=fuzz.mutations(CHAT[1]))
    def test_any_answer_to_a_streamed_tool_request_is_a_response_or_a_typed_error(
        self, fuzz_server: fuzz.FuzzServer, body: Any
    ) -> None:
        fuzz_server.answer(fuzz.dumps(body))  # streamed requests with tools are answered in one piece
        self.call(fuzz_server, stream=True, tools=TOOLS)
