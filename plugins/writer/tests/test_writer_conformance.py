"""The llmcore conformance kit on the Writer cassettes (see cassettes/SOURCES.md); every
request we send is validated against Writer's OpenAPI spec."""

from __future__ import annotations

from typing import Any

import writer_cases as W
from llmcore_testing import ProviderConformance
from writer_spec import validate_request


class TestWriterConformance(ProviderConformance):
    provider = "writer"
    lossless_check = True
    # kept whole in provider_metadata["writer"] by the dialect's message_metadata_fields
    answer_kind_parts = {
        f"message.{f}": ("metadata",) for f in ("graph_data", "llm_data", "translation_data", "web_search_data")
    }
    cassette_dir = W.CASSETTES

    chat_case = W.TOOL_CALL  # a real non-streamed answer (a tool call)
    stream_case = W.STREAM
    system_prompt_case = W.STRUCTURED
    multi_turn_case = W.ROUND_TRIP_STREAM
    tool_call_case = W.TOOL_CALL
    tool_call_stream_case = W.TOOL_CALL_STREAM
    tool_round_trip_case = W.ROUND_TRIP
    tool_round_trip_stream_case = W.ROUND_TRIP_STREAM
    structured_case = W.STRUCTURED
    agreement_pairs = (
        ("tool_call_case", "tool_call_stream_case"),
        ("tool_round_trip_case", "tool_round_trip_stream_case"),
    )
    error_cases = W.ERRORS
    # Writer documents no context-length error body (https://dev.writer.com/api-reference/error-codes),
    # so there is nothing faithful to author; the codec's generic context mapping still applies.
    required_errors = ("auth", "not_found", "rate_limit", "server")

    def validate_request(self, request: Any) -> None:
        validate_request(request)
