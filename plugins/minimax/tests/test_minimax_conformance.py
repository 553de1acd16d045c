"""The llmcore conformance kit on the MiniMax cassettes (authored from MiniMax's API reference)."""

from __future__ import annotations

import minimax_cases as M
from llmcore_testing import EmbeddingCase, ProviderConformance


class TestMiniMaxConformance(ProviderConformance):
    provider = "minimax"
    lossless_check = True
    cassette_dir = M.CASSETTES

    chat_case = M.CHAT
    stream_case = M.STREAM
    system_prompt_case = M.CHAT
    multi_turn_case = M.ROUND_TRIP
    reasoning_case = M.CHAT  # the <think> block of MiniMax-M2.7's documented answer
    tool_call_case = M.TOOL_CALL
    tool_call_stream_case = M.TOOL_CALL_STREAM
    tool_round_trip_case = M.ROUND_TRIP
    agreement_pairs = (("chat_case", "stream_case"), ("tool_call_case", "tool_call_stream_case"))
    error_cases = M.ERRORS
    # MiniMax's own embeddings shape (texts/type -> vectors), authored (every number invented)
    embedding_case = EmbeddingCase(
        "authored__embeddings_embo01_db.yaml",
        "embo-01",
        ["MiniMax builds foundation models.", "Vectors are stored in the database."],
        {"input_type": "document"},
    )
    # MiniMax's error-code table has no model-not-found or context-length code (a bad model or an oversized
    # request is 2013 "invalid params", covered above); nothing faithful to author for those two kinds.
    required_errors = ("auth", "rate_limit", "server")
