"""The llmcore conformance kit on the Replicate cassettes (see cassettes/SOURCES.md);
every request we send is validated against Replicate's official OpenAPI spec."""

from __future__ import annotations

from typing import Any

import replicate_cases as R
from llmcore_testing import ProviderConformance
from replicate_spec import validate_sent


class TestReplicateConformance(ProviderConformance):
    provider = "replicate"
    # off: a prediction's output is text (a string or a list of strings) and nothing else for the kit to account
    # for (test_nothing_disappears)
    lossless_check = False
    cassette_dir = R.CASSETTES

    chat_case = R.CHAT
    chat_camelids_case = R.CHAT_CAMELIDS
    stream_case = R.STREAM
    system_prompt_case = R.SYSTEM_PROMPT
    multi_turn_case = R.MULTI_TURN
    # The pair recorded from the same prompt ("write a sonnet about camelids").
    agreement_pairs = (("chat_camelids_case", "stream_case"),)
    error_cases = R.ERRORS

    def validate_request(self, request: Any) -> None:
        validate_sent(request)
