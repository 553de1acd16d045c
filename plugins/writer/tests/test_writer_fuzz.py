"""Property tests (issue 18, defect 3), seeded from this plugin's recordings in
``cassettes/``: whatever Writer answers with a 200 — a recorded answer with any
field replaced by any JSON value or deleted, a recorded stream with an event mutated
or dropped and cut at any byte — a call through ``llmcore.model`` on the default
transport ends in a correct response or a typed error naming writer
(:mod:`llmcore_testing.fuzz`), never an empty answer with no reason. Writer's built-in tool data (``graph_data``, ...) included."""

from __future__ import annotations

from pathlib import Path

from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

REC = Recordings(Path(__file__).parent / "cassettes")


class TestFuzz(fuzz.CodecFuzz):
    model = "writer/palmyra-x5"
    provider = "writer"
    chat = [
        REC.response_body(c)
        for c in ("authored__graph_tool.yaml", "openllmetry__test_writer_chat_tool_call_request_legacy.yaml")
    ]
    streams = [
        REC.response_bytes(c)
        for c in ("openllmetry__test_writer_streaming_chat_legacy.yaml", "authored__tool_call_stream.yaml")
    ]
