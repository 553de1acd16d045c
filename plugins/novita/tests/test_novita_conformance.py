"""The llmcore conformance kit on the Novita cassettes (authored from docs; see cassettes/SOURCES.md)."""

from __future__ import annotations

import novita_cases as F
from llmcore_testing import OPENAI_SHAPED_EMBEDDING_REFUSALS, EmbeddingCase, ProviderConformance, RerankCase


class TestNovitaConformance(ProviderConformance):
    provider = "novita"
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
    # baai/bge-m3 as base64 float32, authored from the API reference (every number invented)
    embedding_case = EmbeddingCase(
        "authored__embeddings_bge_m3_base64.yaml",
        "baai/bge-m3",
        ["The food was delicious and the waiter was friendly.", "Novita serves open models."],
        exact=True,
    )
    # refused before the network (the OpenAI-shaped mixin sends none of these to this server)
    embedding_refusals = OPENAI_SHAPED_EMBEDDING_REFUSALS
    # /rerank, the model page's request example, authored (scores invented)
    rerank_case = RerankCase(
        "authored__rerank_bge_reranker_v2_m3.yaml",
        "baai/bge-reranker-v2-m3",
        "What is the capital of France?",
        ["Paris is the capital of France.", "Berlin is the capital of Germany."],
        top_n=2,
    )
