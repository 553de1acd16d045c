"""Property tests (issue 18, defect 3), seeded from this plugin's recordings in
``cassettes/``: whatever a Databricks serving endpoint answers with a 200 — a recorded answer with any
field replaced by any JSON value or deleted, a recorded stream with an event mutated
or dropped and cut at any byte — a call through ``llmcore.model`` on the default
transport ends in a correct response or a typed error naming databricks
(:mod:`llmcore_testing.fuzz`), never an empty answer with no reason. Claude's reasoning content parts included."""

from __future__ import annotations

from pathlib import Path

from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

REC = Recordings(Path(__file__).parent / "cassettes")


class TestFuzz(fuzz.CodecFuzz):
    model = "databricks/databricks-claude-sonnet-4"
    provider = "databricks"
    chat = [
        REC.response_body(c) for c in ("authored__chat.yaml", "authored__reasoning.yaml", "authored__tool_call.yaml")
    ]
    streams = [REC.response_bytes(c) for c in ("authored__chat_stream.yaml", "authored__tool_call_stream.yaml")]
