"""The llmcore conformance kit on the SambaNova cassettes (authored from docs; see cassettes/SOURCES.md)."""

from __future__ import annotations

import sambanova_cases as F
from llmcore_testing import OPENAI_SHAPED_EMBEDDING_REFUSALS, EmbeddingCase, ProviderConformance


class TestSambaNovaConformance(ProviderConformance):
    provider = "sambanova"
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
    # E5-Mistral-7B-Instruct, authored from the embeddings guide's example (values it elides invented)
    embedding_case = EmbeddingCase(
        "authored__embeddings_e5_mistral.yaml",
        "E5-Mistral-7B-Instruct",
        "The quick brown fox jumps over the lazy dog",
        exact=True,
    )
    # refused before the network (the OpenAI-shaped mixin sends none of these to this server)
    embedding_refusals = OPENAI_SHAPED_EMBEDDING_REFUSALS
