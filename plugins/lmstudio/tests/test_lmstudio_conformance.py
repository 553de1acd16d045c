"""The llmcore conformance kit on the LM Studio cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

from typing import Any, ClassVar

import lmstudio_cases as L
import pytest
from llmcore_testing import OPENAI_SHAPED_EMBEDDING_REFUSALS, EmbeddingCase, ProviderConformance


class TestLMStudioConformance(ProviderConformance):
    """/v1/chat/completions (the default API)."""

    provider = "lmstudio"
    # every recorded answer, /v1/chat/completions and /v1/responses alike (once, in this class)
    lossless_check = True
    answer_path_options: ClassVar[dict[str, dict[str, Any]]] = {"/responses": {"api": "responses"}}
    cassette_dir = L.CASSETTES

    chat_case = L.CHAT
    stream_case = L.STREAM
    system_prompt_case = L.CHAT
    multi_turn_case = L.TOOL_ROUND_TRIP
    tool_call_case = L.TOOL_CALL
    tool_call_stream_case = L.TOOL_CALL_STREAM
    tool_round_trip_case = L.TOOL_ROUND_TRIP
    structured_case = L.STRUCTURED
    reasoning_case = L.REASONING
    vision_case = L.VISION  # authored from the docs (see cassettes/SOURCES.md)
    agreement_pairs = (("chat_case", "stream_case"),)
    error_cases = L.ERRORS
    # LM Studio's server has no rate limiter: it never answers 429.
    required_errors = ("auth", "not_found", "context_length", "server")
    # /v1/embeddings, authored from the text-embeddings docs (every number invented)
    embedding_case = EmbeddingCase(
        "authored__embeddings_nomic.yaml",
        "text-embedding-nomic-embed-text-v1.5",
        "Once upon a time, there was a cat.",
        exact=True,
    )
    # refused before the network (the OpenAI-shaped mixin sends none of these to this server)
    embedding_refusals = OPENAI_SHAPED_EMBEDDING_REFUSALS


class TestLMStudioResponsesConformance(ProviderConformance):
    """/v1/responses (option api="responses"): tool calls, non-streamed and streamed, on real LM Studio payloads."""

    provider = "lmstudio"
    cassette_dir = L.CASSETTES

    chat_case = L.RESPONSES_TOOL_CALL
    tool_call_case = L.RESPONSES_TOOL_CALL
    tool_call_stream_case = L.RESPONSES_TOOL_CALL_STREAM
    agreement_pairs = ()  # the two recordings come from different models (see SOURCES.md)
    required_errors = ()  # errors share the chat-completions mapping, tested by the class above

    def test_capability_claims(self) -> None:
        pytest.skip("capability claims are checked once, by TestLMStudioConformance")

    def test_cassettes_have_no_secrets(self) -> None:
        pytest.skip("the cassette directory is scanned once, by TestLMStudioConformance")
