"""The llmcore conformance kit on the Moonshot cassettes (authored from docs; see cassettes/SOURCES.md)."""

from __future__ import annotations

from typing import Any

import moonshot_cases as K
from llmcore_testing import ProviderConformance


class TestMoonshotConformance(ProviderConformance):
    provider = "moonshot"
    lossless_check = True
    cassette_dir = K.CASSETTES

    chat_case = K.CHAT
    stream_case = K.STREAM
    system_prompt_case = K.CHAT
    multi_turn_case = K.MULTI_TURN
    tool_call_case = K.TOOL_CALL
    tool_call_stream_case = K.TOOL_CALL_STREAM
    tool_round_trip_case = K.ROUND_TRIP
    structured_case = K.STRUCTURED
    reasoning_case = K.REASONING
    reasoning_stream_case = K.REASONING_STREAM
    count_tokens_case = K.COUNT
    agreement_pairs = (
        ("chat_case", "stream_case"),
        ("tool_call_case", "tool_call_stream_case"),
        ("reasoning_case", "reasoning_stream_case"),
    )
    error_cases = K.ERRORS

    def validate_request(self, request: Any) -> None:
        K.validate(request)
