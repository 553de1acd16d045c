"""The llmcore conformance kit on the AI21 cassettes (authored from AI21's reference and
spec; see cassettes/SOURCES.md); every request is validated against AI21's OpenAPI spec."""

from __future__ import annotations

from typing import Any

import ai21_cases as A
from ai21_spec import validate_request
from llmcore_testing import ProviderConformance


class TestAI21Conformance(ProviderConformance):
    provider = "ai21"
    lossless_check = True
    cassette_dir = A.CASSETTES

    chat_case = A.CHAT
    stream_case = A.STREAM
    system_prompt_case = A.SYSTEM
    multi_turn_case = A.ROUND_TRIP
    tool_call_case = A.TOOL_CALL
    tool_call_stream_case = A.TOOL_CALL_STREAM
    tool_round_trip_case = A.ROUND_TRIP
    structured_case = A.JSON_MODE
    agreement_pairs = (("chat_case", "stream_case"), ("tool_call_case", "tool_call_stream_case"))
    error_cases = A.ERRORS
    # AI21 documents no context-length error body; nothing faithful to author.
    required_errors = ("auth", "not_found", "rate_limit", "server")

    def validate_request(self, request: Any) -> None:
        validate_request(request)
