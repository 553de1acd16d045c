"""The llmcore conformance kit on the Gemini recordings (see cassettes/SOURCES.md);
every request sent is validated against Google's Gemini API spec."""

from __future__ import annotations

from typing import Any

import gemini_cases as G
from llmcore.testing import EmbeddingCase, ProviderConformance

# batchEmbedContents recorded by llm-gemini: gemini-embedding-2, 768 dimensions, two texts, with usageMetadata
EMBED = EmbeddingCase(
    "llm-gemini__test_embedding_batch.yaml", "gemini-embedding-2", ["First text", "Second text"], {"dimensions": 768}
)


class TestGeminiConformance(ProviderConformance):
    provider = "gemini"
    cassette_dir = G.CASSETTES

    chat_case = G.CHAT
    stream_case = G.STREAM
    system_prompt_case = G.SYSTEM_PROMPT
    multi_turn_case = G.MULTI_TURN
    tool_call_case = G.TOOL_CALL
    tool_call_stream_case = G.TOOL_CALL_STREAM
    tool_round_trip_case = G.TOOL_ROUND_TRIP
    tool_round_trip_stream_case = G.TOOL_ROUND_TRIP_STREAM
    structured_case = G.STRUCTURED
    reasoning_case = G.REASONING
    count_tokens_case = G.COUNT_TOKENS
    vision_case = G.VISION  # authored from Google's documented example (see cassettes/SOURCES.md)
    # No chat and stream recordings of the same prompt exist for Gemini (see SOURCES.md), so the
    # agreement check is skipped; chat and stream share one mapper (chat folds a one-chunk stream).
    agreement_pairs = ()
    error_cases = G.ERRORS
    embedding_case = EMBED

    def validate_request(self, request: Any) -> None:
        G.spec().validate_request(request)
