"""The llmcore conformance kit on the Databricks cassettes (authored from Databricks' docs)."""

from __future__ import annotations

import databricks_cases as D
from llmcore.testing import ProviderConformance


class TestDatabricksConformance(ProviderConformance):
    provider = "databricks"
    cassette_dir = D.CASSETTES

    chat_case = D.CHAT
    stream_case = D.STREAM
    system_prompt_case = D.CHAT
    multi_turn_case = D.ROUND_TRIP
    tool_call_case = D.TOOL_CALL
    tool_call_stream_case = D.TOOL_CALL_STREAM
    tool_round_trip_case = D.ROUND_TRIP
    structured_case = D.STRUCTURED
    reasoning_case = D.REASONING
    agreement_pairs = (("chat_case", "stream_case"), ("tool_call_case", "tool_call_stream_case"))
    error_cases = D.ERRORS
    # Databricks documents no context-length error body for chat endpoints; nothing faithful to author.
    required_errors = ("auth", "not_found", "rate_limit", "server")
