"""The llmcore conformance kit on the Together cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

from typing import Any

import together_cases as T
from llmcore import errors as E
from llmcore_testing import EmbeddingCase, ProviderConformance, RerankCase

#: llama-stack's recording: 3 texts, encoding_format base64 (what the provider asks) -> base64 float32 vectors
EMBEDDING = EmbeddingCase(
    "llama-stack__3d89a56a76b1.yaml",
    "togethercomputer/m2-bert-80M-32k-retrieval",
    ["First text for base64", "Second text for base64", "Third text for base64"],
    expect_dimensions=768,
    expect_usage=False,  # Together answered usage: null
)
EMBEDDING_ERRORS = {  # authored (see cassettes/SOURCES.md): no Together embeddings error recording exists
    "not_found": EmbeddingCase(
        "authored__embeddings_model_not_available_404.yaml", "bad model", ["Hello"], error=E.NotFoundError
    ),
}
#: authored request; the answer body is vercel/ai's recorded Together fixture (top 2 of 6)
RERANK = RerankCase(
    "authored__rerank_llama_rank_v1.yaml",
    "Salesforce/Llama-Rank-v1",
    "talk about the beach",
    [
        "sunny day at the beach",
        "rainy afternoon in the city",
        "snowy night in the mountains",
        "a quiet library on a weekday",
        "a windy harbour at dawn",
        "a crowded beach in July",
    ],
    top_n=2,
    expect_usage=True,
)


class TestTogetherConformance(ProviderConformance):
    provider = "together"
    lossless_check = True
    cassette_dir = T.CASSETTES

    chat_case = T.CHAT
    stream_case = T.STREAM
    system_prompt_case = T.CONVERSATION
    multi_turn_case = T.CONVERSATION
    tool_call_case = T.TOOL_CALL
    tool_call_stream_case = T.TOOL_CALL_STREAM
    tool_round_trip_case = T.ROUND_TRIP
    structured_case = T.STRUCTURED
    reasoning_case = T.REASONING
    # the real tool call and the authored stream of the same prompt and tool
    vision_case = T.VISION  # authored from the docs (see cassettes/SOURCES.md)
    agreement_pairs = (("tool_call_case", "tool_call_stream_case"),)
    error_cases = T.ERRORS
    embedding_case = EMBEDDING
    embedding_error_cases = EMBEDDING_ERRORS
    rerank_case = RERANK

    def validate_request(self, request: Any) -> None:
        T.validate(request)
