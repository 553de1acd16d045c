"""Property tests (issue 18, defect 3), seeded from this plugin's recordings in
``cassettes/``: whatever MiniMax answers with a 200 — a recorded answer with any
field replaced by any JSON value or deleted, a recorded stream with an event mutated
or dropped and cut at any byte — a call through ``llmcore.model`` on the default
transport ends in a correct response or a typed error naming minimax
(:mod:`llmcore_testing.fuzz`), never an empty answer with no reason. A ``base_resp`` of any shape included (an error inside a 200)."""

from __future__ import annotations

from pathlib import Path

from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

REC = Recordings(Path(__file__).parent / "cassettes")


class TestFuzz(fuzz.CodecFuzz):
    model = "minimax/MiniMax-M2"
    provider = "minimax"
    chat = [
        REC.response_body(c)
        for c in ("authored__chat_documented.yaml", "authored__tool_call.yaml", "authored__base_resp_1004_auth.yaml")
    ]
    streams = [
        REC.response_bytes(c)
        for c in (
            "authored__chat_stream.yaml",
            "authored__tool_call_stream.yaml",
            "authored__stream_1027_output_sensitive.yaml",
        )
    ]
