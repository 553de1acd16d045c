"""The llmcore conformance kit on the Hugging Face cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import huggingface_cases as H
from llmcore_testing import Case, EmbeddingCase, ProviderConformance, RerankCase

# the router's feature-extraction pipeline: authored from the docs (no recording of a sentence-embedding
# model exists; see cassettes/SOURCES.md). The router reports no usage.
EMBED = EmbeddingCase(
    "authored__feature_extraction.yaml",
    "sentence-transformers/all-MiniLM-L6-v2",
    ["Today is a sunny day and I will get some ice cream.", "The weather is lovely today."],
    options={"api": "router"},
    base_url="https://router.huggingface.co",
    expect_dimensions=384,
    expect_usage=False,
)

# TEI's /rerank on a local server (tgi mode): authored from TEI's OpenAPI spec and README (no recording exists)
RERANK = RerankCase(
    "authored__tei_rerank.yaml",
    "BAAI/bge-reranker-base",
    "What is Deep Learning?",
    ["Deep Learning is not...", "Deep learning is..."],
    base_url="http://localhost:8080",
)


class TestHuggingFaceConformance(ProviderConformance):
    provider = "huggingface"
    lossless_check = True
    cassette_dir = H.CASSETTES

    chat_case = H.CHAT  # real: router → hf-inference
    stream_case = H.STREAM  # real: router → hf-inference
    system_prompt_case = H.SYSTEM  # real: router → Together (DeepSeek-R1)
    multi_turn_case = H.MULTI_TURN  # real
    reasoning_case = H.REASONING  # real: <think> block → reasoning
    tool_call_case = H.TOOL_CALL  # real: router → Together (Llama 4 Scout)
    tool_call_stream_case = H.TOOL_CALL_STREAM  # authored
    tool_round_trip_case = H.ROUND_TRIP  # authored
    structured_case = H.STRUCTURED  # real: TGI grammar
    router_tool_call_case = H.ROUTER_TOOL_CALL  # authored, same prompt as the authored stream
    # The real TGI chat/stream pair (same prompt) differs in usage only because huggingface_hub's stream asked for
    # none: test_tgi_chat_and_stream_agree compares everything else.
    vision_case = H.VISION  # authored from the docs (see cassettes/SOURCES.md)
    agreement_pairs = (("router_tool_call_case", "tool_call_stream_case"),)
    error_cases = H.ERRORS
    embedding_case = EMBED
    rerank_case = RERANK

    def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
        """A recording made on one model's endpoint (``.../models/<m>/v1/chat/completions``: the old
        serverless API, a TGI server, the router's hf-inference) is asked again at that endpoint, with
        the model name the recorder sent (``tgi`` for a TGI server)."""
        case = super().lossless_replay_case(cassette, interaction, recorded)
        uri = str(recorded["request"].get("uri", ""))
        if case is None or "/models/" not in uri or "/v1/chat/completions" not in uri:
            return case
        return replace(case, base_url=uri.split("/v1/chat/completions", 1)[0] + "/v1")

    def validate_request(self, request: Any) -> None:
        if request.url.path.endswith("/pipeline/feature-extraction"):
            return  # the router has no published spec (TGI's does not cover the hf-inference pipelines)
        H.validate(request)
