"""Property tests (issue 18, defect 3), seeded from this plugin's recordings in
``cassettes/``: whatever Qianfan answers with a 200 — a recorded answer with any
field replaced by any JSON value or deleted, a recorded stream with an event mutated
or dropped and cut at any byte — a call through ``llmcore.model`` on the default
transport ends in a correct response or a typed error naming ernie
(:mod:`llmcore_testing.fuzz`), never an empty answer with no reason. ``reasoning_content`` and ``search_results`` included."""

from __future__ import annotations

from pathlib import Path

from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

REC = Recordings(Path(__file__).parent / "cassettes")


class TestFuzz(fuzz.CodecFuzz):
    model = "ernie/ernie-4.5-turbo-128k"
    provider = "ernie"
    chat = [
        REC.response_body(c)
        for c in ("authored__ernie_chat.yaml", "authored__ernie_tool_calls.yaml", "authored__ernie_x1_reasoning.yaml")
    ]
    streams = [
        REC.response_bytes(c) for c in ("authored__ernie_chat_stream.yaml", "authored__ernie_tool_calls_stream.yaml")
    ]
