"""The llmcore conformance kit on the Gemini recordings (see cassettes/SOURCES.md);
every request sent is validated against Google's Gemini API spec."""

from __future__ import annotations

from typing import Any

import gemini_cases as G
from llmcore_testing import EmbeddingCase, ProviderConformance
from llmcore_testing.conformance import LosslessCase

# batchEmbedContents recorded by llm-gemini: gemini-embedding-2, 768 dimensions, two texts, with usageMetadata
EMBED = EmbeddingCase(
    "llm-gemini__test_embedding_batch.yaml", "gemini-embedding-2", ["First text", "Second text"], {"dimensions": 768}
)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def _lossless(cassette: str, *, stream: bool = False, server_tool: str | None = None) -> LosslessCase:
    """A case asking the recorded request again: its model (from the URL), first user text,
    tools and the generation settings that matter (temperature, seed)."""
    rec = G.recorded(cassette)["request"]
    body = G.recorded_body(cassette)
    gen = {k: v for k, v in (body.get("generationConfig") or {}).items() if k in ("temperature", "seed")}
    # the spec names tools in camelCase (googleSearch); the API also takes the recorded snake_case
    tools = [{_camel(k): v for k, v in t.items()} for t in body.get("tools") or []]
    opts: dict[str, Any] = {"tools": tools} if tools else {}
    if gen:
        opts["generation_config"] = gen
    return LosslessCase(
        cassette,
        {
            "model": rec["uri"].split("/models/")[1].split(":")[0],
            "messages": [body["contents"][0]["parts"][0]["text"]],
            "provider_options": {"gemini": opts},
        },
        stream=stream,
        server_tool=server_tool,
    )


GROUNDED = (
    "ruby_llm__chat_citations_with_gemini_gemini-2_5-flash_returns_grounding_citations_when_search_is_enabled.yaml"
)
GROUNDED_STREAM = (
    "mirascope__python__tests__e2e__input__cassettes__test_web_search_tool_stream__google_gemini_2_5_flash.yaml"
)
#: the recordings proving Capabilities.server_tools / citations / image_output / prompt_caching
LOSSLESS = {
    "web_search": _lossless(GROUNDED, server_tool="google_search"),
    "web_search:stream": _lossless(GROUNDED_STREAM, stream=True, server_tool="google_search"),
    "citations": _lossless(GROUNDED),
    "citations:stream": _lossless(GROUNDED_STREAM, stream=True),
    "code_execution": _lossless(
        "ruby_llm__chat_code_execution_with_gemini_gemini-3_5-flash_runs_code_server-side_and_replays_the_turn.yaml",
        server_tool="code_execution",
    ),
    "url_context": _lossless("ellmer__google-web-fetch.yaml", server_tool="url_context"),
    "image_output": _lossless("ellmer__google-image-gen.yaml"),
    # implicit caching: cachedContentTokenCount 217 of the prompt
    "prompt_caching": _lossless(
        "ruby_llm__chat_web_search_with_gemini_gemini-3_5-flash_grounds_the_answer_and_exposes_the_queries_it_ran.yaml"
    ),
}


class TestGeminiConformance(ProviderConformance):
    provider = "gemini"
    cassette_dir = G.CASSETTES

    chat_case = G.CHAT
    stream_case = G.STREAM
    system_prompt_case = G.SYSTEM_PROMPT
    multi_turn_case = G.MULTI_TURN
    tool_call_case = G.TOOL_CALL
    tool_call_stream_case = G.TOOL_CALL_STREAM
    tool_round_trip_case = G.TOOL_ROUND_TRIP
    tool_round_trip_stream_case = G.TOOL_ROUND_TRIP_STREAM
    structured_case = G.STRUCTURED
    reasoning_case = G.REASONING
    count_tokens_case = G.COUNT_TOKENS
    vision_case = G.VISION  # authored from Google's documented example (see cassettes/SOURCES.md)
    # No chat and stream recordings of the same prompt exist for Gemini (see SOURCES.md), so the
    # agreement check is skipped; chat and stream share one mapper (chat folds a one-chunk stream).
    agreement_pairs = ()
    error_cases = G.ERRORS
    embedding_case = EMBED
    lossless_cases = LOSSLESS
    lossless_check = True

    def validate_request(self, request: Any) -> None:
        G.spec().validate_request(request)
