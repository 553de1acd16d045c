"""The llmcore conformance kit on the Cloudflare Workers AI cassettes (all
authored from the published API reference; see cassettes/SOURCES.md)."""

from __future__ import annotations

import cloudflare_cases as C
from llmcore_testing import ProviderConformance


class TestCloudflareConformance(ProviderConformance):
    provider = "cloudflare"
    # off: Workers AI's native answers ({"result": {"response", "tool_calls", "usage"}}) hold text and tool calls
    # only, no blocks, items or annotations for the kit to account for (test_nothing_disappears)
    lossless_check = False
    cassette_dir = C.CASSETTES

    chat_case = C.CHAT
    chat_new_york_case = C.CHAT_NEW_YORK
    stream_case = C.STREAM
    system_prompt_case = C.SYSTEM_PROMPT
    multi_turn_case = C.MULTI_TURN
    tool_call_case = C.TOOL_CALL
    tool_call_stream_case = C.TOOL_CALL_STREAM
    tool_round_trip_case = C.TOOL_ROUND_TRIP
    tool_round_trip_stream_case = C.TOOL_ROUND_TRIP_STREAM
    # Pairs recorded from the same prompt (the streaming guide's "where is new york?").
    agreement_pairs = (("chat_new_york_case", "stream_case"), ("tool_call_case", "tool_call_stream_case"))
    error_cases = C.ERRORS
    embedding_case = C.EMBED  # authored
    rerank_case = C.RERANK  # authored
