"""The llmcore conformance kit on the vLLM cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

import vllm_cases as V
from llmcore import errors as E
from llmcore_testing import EmbeddingCase, ProviderConformance, RerankCase

E5_TEXTS = [
    "query: how much protein should a female eat",
    "passage: As a general guideline, the CDC's average requirement of protein for women ages 19 to 70 is "
    "46 grams per day.",
]
#: authored from vLLM's docs (no vLLM /v1/embeddings recording exists anywhere): base64 float32, 384 dims
EMBEDDING = EmbeddingCase("authored__embeddings_base64.yaml", "intfloat/e5-small", E5_TEXTS, expect_dimensions=384)
EMBEDDING_ERRORS = {
    "input_too_long": EmbeddingCase(
        "authored__embeddings_input_too_long_400.yaml",
        "intfloat/e5-small",
        ["a very long text"],
        error=E.ContextWindowExceededError,
    ),
}
#: llama-stack's raw-HTTP recording of vLLM's /rerank (Qwen3-Reranker-0.6B), top_n=2 of 4 documents
RERANK = RerankCase(
    "llama-stack__92408b076819c1b042cc30881c7606b9dda65359a0fe86bf4b313f3f58563bdd.yaml",
    "Qwen/Qwen3-Reranker-0.6B",
    "string_1",
    ["string_1", "string_2", "string_1", "string_2"],
    top_n=2,
    expect_usage=True,
)


class TestVLLMConformance(ProviderConformance):
    provider = "vllm"
    lossless_check = True
    cassette_dir = V.CASSETTES

    chat_case = V.CHAT
    stream_case = V.STREAM
    system_prompt_case = V.STREAM
    tool_call_case = V.TOOL_CALL
    tool_call_stream_case = V.TOOL_CALL_STREAM
    tool_round_trip_case = V.TOOL_ROUND_TRIP
    structured_case = V.STRUCTURED
    reasoning_case = V.REASONING
    count_tokens_case = V.COUNT_TOKENS
    vision_case = V.VISION  # authored from the docs (see cassettes/SOURCES.md)
    agreement_pairs = (("tool_call_case", "tool_call_stream_case"),)
    error_cases = V.ERRORS
    embedding_case = EMBEDDING
    embedding_error_cases = EMBEDDING_ERRORS
    rerank_case = RERANK
    # vLLM's server has no rate limiter, so it never answers 429 (a gateway in
    # front of it may: any 429 maps to RateLimitError in llmcore-openai's codec).
    required_errors = ("auth", "not_found", "context_length", "server")
