"""Property tests (issue 18, defect 3), seeded from the recordings in ``cassettes/``:
whatever Vertex AI answers with a 200 — a recorded Gemini ``generateContent`` or
Claude ``rawPredict`` answer with any field replaced by any JSON value or deleted,
a recorded ``streamGenerateContent``/``streamRawPredict`` stream with an event
mutated or dropped and cut at any byte, a count-tokens answer of any shape — a call
through ``llmcore.model`` on the default transport ends in a correct result or a
typed error naming vertexai (:mod:`llmcore_testing.fuzz`), never an empty answer
with no reason. (The codecs are llmcore-gemini's and llmcore-anthropic's; this is
Vertex's routing and envelope around them.)"""

from __future__ import annotations

from typing import Any

import vertex_cases as C
from hypothesis import given
from llmcore.types import TokenCount
from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

REC = Recordings(C.CASSETTES)


class _Vertex(fuzz.CodecFuzz):
    provider = "vertexai"
    api_key = None  # an OAuth token from the credentials: what must not leak
    secret = C.TEST_TOKEN
    options = {"project": "llmcore-test", "location": "us-east5", "credentials": C.token_credentials()}
    examples = 50


class TestGeminiFuzz(_Vertex):
    model = "vertexai/gemini-2.5-flash"
    chat = [
        REC.response_body(c)
        for c in ("authored__vision_file_data.yaml", "pydantic-ai__test_google_model_vertex_provider.yaml")
    ]
    examples = 60
    streams = [REC.response_bytes("authored__stream_tool_call.yaml")]
    stream_examples = 50


class TestClaudeFuzz(_Vertex):
    model = "vertexai/claude-haiku-4-5@20251001"
    chat = [REC.response_body("authored__claude_rawpredict.yaml")]
    streams = [REC.response_bytes("authored__claude_streamrawpredict.yaml")]

    @fuzz.settings(max_examples=40)
    @given(body=fuzz.mutations(REC.response_body("authored__claude_count_tokens.yaml")))
    def test_any_claude_count_is_a_count_or_a_typed_error(self, fuzz_server: fuzz.FuzzServer, body: Any) -> None:
        fuzz_server.answer(fuzz.dumps(body))
        try:
            n = self.build_model(fuzz_server).count_tokens("hi")
        except Exception as e:
            fuzz.check_error(e, "vertexai", C.TEST_TOKEN)
            return
        assert isinstance(n, TokenCount) and type(n.input_tokens) is int and n.input_tokens >= 0
