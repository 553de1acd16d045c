"""The llmcore conformance kit on the Databricks cassettes (authored from Databricks' docs)."""

from __future__ import annotations

import databricks_cases as D
from llmcore import errors as E
from llmcore_testing import EmbeddingCase, ProviderConformance

#: llama-stack's recording (the workspace host as llama-stack wrote it); the provider sends no encoding_format
EMBEDDING = EmbeddingCase(
    "llama-stack__ffd7b58fded8.yaml",
    "databricks-bge-large-en",
    "Test encoding format",
    base_url="https://__databricks__/serving-endpoints",
    expect_dimensions=1024,
)
EMBEDDING_ERRORS = {  # authored (see cassettes/SOURCES.md)
    "rate_limit": EmbeddingCase(
        "authored__embeddings_rate_limited_429.yaml",
        "databricks-gte-large-en",
        ["what is databricks"],
        base_url=D.BASE,
        error=E.RateLimitError,
    ),
}


class TestDatabricksConformance(ProviderConformance):
    provider = "databricks"
    lossless_check = True
    cassette_dir = D.CASSETTES

    chat_case = D.CHAT
    stream_case = D.STREAM
    system_prompt_case = D.CHAT
    multi_turn_case = D.ROUND_TRIP
    tool_call_case = D.TOOL_CALL
    tool_call_stream_case = D.TOOL_CALL_STREAM
    tool_round_trip_case = D.ROUND_TRIP
    structured_case = D.STRUCTURED
    reasoning_case = D.REASONING
    agreement_pairs = (("chat_case", "stream_case"), ("tool_call_case", "tool_call_stream_case"))
    error_cases = D.ERRORS
    embedding_case = EMBEDDING
    embedding_error_cases = EMBEDDING_ERRORS
    # Databricks documents no context-length error body for chat endpoints; nothing faithful to author.
    required_errors = ("auth", "not_found", "rate_limit", "server")
