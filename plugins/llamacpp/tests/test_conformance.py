"""The llmcore conformance kit on the llamacpp_server cassettes: real recordings of
``python -m llama_cpp.server`` serving SmolLM2-135M, made by ``nox -s e2e`` (see cassettes/SOURCES.md)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import llamacpp_cases as C
from llmcore_testing import Case, ProviderConformance
from llmcore_testing.cassettes import Recordings

S = C.cases(C.SERVER_MODEL, "llamacpp_server", "llamacpp_server")


class TestLlamaCppServerConformance(ProviderConformance):
    provider = "llamacpp_server"
    lossless_check = True
    cassette_dir = C.CASSETTES

    chat_case = S["chat"]
    stream_case = S["stream"]
    system_prompt_case = S["system"]
    multi_turn_case = S["multi_turn"]
    tool_call_case = S["tool_call"]
    tool_call_stream_case = S["tool_call_stream"]
    tool_round_trip_case = S["tool_round_trip"]
    tool_round_trip_stream_case = S["tool_round_trip_stream"]
    structured_case = S["structured"]
    count_tokens_case = S["count_tokens"]
    # llama_cpp.server's streams carry no usage while its answers do, so the kit's pairwise
    # usage check cannot hold: test_llamacpp.py::test_chat_and_stream_agree compares the pairs
    agreement_pairs = ()
    error_cases = S["errors"]
    # the server has no rate limiter: it never answers 429 (a proxy in front of it may; any 429
    # maps to RateLimitError in llmcore-openai's codec)
    required_errors = ("auth", "not_found", "context_length", "server")

    def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
        """An answer recorded after ``GET /v1/models`` calls (the server's alias lookup) is replayed
        from those calls on, as the provider makes them again."""
        case = super().lossless_replay_case(cassette, interaction, recorded)
        if case is None:
            return None
        inters = Recordings(self.cassette_dir).interactions(cassette)
        start = interaction
        while start > 0 and str(inters[start - 1]["request"].get("method", "")).upper() == "GET":
            start -= 1
        return replace(case, interaction=start)
