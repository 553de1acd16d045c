"""The llmcore conformance kit on the Fireworks cassettes (authored from docs; see cassettes/SOURCES.md)."""

from __future__ import annotations

import fireworks_cases as F
from llmcore import errors as E
from llmcore_testing import EmbeddingCase, ProviderConformance

#: llama-stack's recording: qwen3-embedding-8b, dimensions=16, base64 (what the provider asks) -> base64 float32
EMBEDDING = EmbeddingCase(
    "llama-stack__8cdb7e65fcfe.yaml",
    "accounts/fireworks/models/qwen3-embedding-8b",
    "Test dimensions parameter",
    {"dimensions": 16},
)
EMBEDDING_ERRORS = {  # authored (see cassettes/SOURCES.md): no Fireworks embeddings error recording exists
    "input_too_long": EmbeddingCase(
        "authored__embeddings_input_too_long_400.yaml",
        "nomic-ai/nomic-embed-text-v1.5",
        ["a very long text"],
        error=E.ContextWindowExceededError,
    ),
}


class TestFireworksConformance(ProviderConformance):
    provider = "fireworks"
    lossless_check = True
    cassette_dir = F.CASSETTES

    chat_case = F.CHAT
    stream_case = F.STREAM
    system_prompt_case = F.CHAT
    multi_turn_case = F.MULTI_TURN
    tool_call_case = F.TOOL_CALL
    tool_call_stream_case = F.TOOL_CALL_STREAM
    tool_round_trip_case = F.ROUND_TRIP
    structured_case = F.STRUCTURED
    reasoning_case = F.REASONING
    agreement_pairs = (
        ("chat_case", "stream_case"),
        ("tool_call_case", "tool_call_stream_case"),
        ("reasoning_case", "reasoning_stream_case"),
    )
    reasoning_stream_case = F.REASONING_STREAM
    error_cases = F.ERRORS
    embedding_case = EMBEDDING
    embedding_error_cases = EMBEDDING_ERRORS
