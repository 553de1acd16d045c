"""The llmcore conformance kit on the vLLM cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

import vllm_cases as V
from llmcore.testing import ProviderConformance


class TestVLLMConformance(ProviderConformance):
    provider = "vllm"
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
    # vLLM's server has no rate limiter, so it never answers 429 (a gateway in
    # front of it may: any 429 maps to RateLimitError in llmcore-openai's codec).
    required_errors = ("auth", "not_found", "context_length", "server")
