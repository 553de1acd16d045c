"""Property tests (issue 18, defect 3): whatever a server answers with a 200 — a
recorded Cohere answer with any field replaced by any JSON value or deleted, a
recorded stream with an event mutated or dropped and cut at any byte — a call
through ``llmcore.model`` on the default transport ends in a correct response or a
typed error naming cohere (:mod:`llmcore_testing.fuzz`), and never in an empty
answer with no finish reason. Seeded from the real recordings in ``cassettes/``."""

from __future__ import annotations

import cohere_cases as C
from llmcore_testing import fuzz


class TestFuzz(fuzz.CodecFuzz):
    model = "cohere/command-r"
    provider = "cohere"
    examples = 80
    chat = [
        C.REC.response_body(c)
        for c in (
            "openllmetry__test_cohere_v2_chat_legacy.yaml",
            "openllmetry__test_cohere_v2_chat_legacy_with_tool_calls_and_history.yaml",
            "pydantic-ai__test_cohere_model_thinking_part.yaml",
            "pydantic-ai__test_request_usage_with_cached_tokens.yaml",
        )
    ]
    streams = [
        C.REC.response_bytes(c)
        for c in (
            "openllmetry__test_cohere_v2_chat_legacy_with_streaming.yaml",
            "openllmetry__test_cohere_v2_chat_legacy_with_tool_calls_and_streaming.yaml",
            "ruby_llm__chat_citations_with_cohere_command-a-plus-05-2026_streams_citations.yaml",
        )
    ]
