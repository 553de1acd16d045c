"""The llmcore conformance kit on the Cerebras cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

import cerebras_cases as C
from llmcore_testing import ProviderConformance


class TestCerebrasConformance(ProviderConformance):
    provider = "cerebras"
    lossless_check = True
    cassette_dir = C.CASSETTES

    chat_case = C.CHAT  # real
    stream_case = C.STREAM  # authored, same prompt
    system_prompt_case = C.SYSTEM
    multi_turn_case = C.MULTI_TURN  # real
    tool_call_case = C.TOOL_CALL  # real
    tool_call_stream_case = C.TOOL_CALL_STREAM
    tool_round_trip_case = C.ROUND_TRIP
    structured_case = C.STRUCTURED
    reasoning_case = C.REASONING  # real
    authored_tool_call_case = C.TOOL_CALL_AUTHORED
    agreement_pairs = (("chat_case", "stream_case"), ("authored_tool_call_case", "tool_call_stream_case"))
    error_cases = C.ERRORS
