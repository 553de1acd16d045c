"""The llmcore conformance kit on the Together cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

from typing import Any

import together_cases as T
from llmcore.testing import ProviderConformance


class TestTogetherConformance(ProviderConformance):
    provider = "together"
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

    def validate_request(self, request: Any) -> None:
        T.validate(request)
