"""The llmcore conformance kit on Cohere's recordings (see ``cassettes/SOURCES.md``).

Every claimed capability has a case: streaming, tools (call, streamed call,
round trip), reasoning (``thinking`` content of command-a-reasoning),
structured output (``response_format`` json_object with a schema) and
``count_tokens`` by ``/v1/tokenize``. Errors: 401 and the 400 "too many tokens"
are real recordings; 404, 429 and 500 on ``/v2/chat`` are authored from
Cohere's error reference (no recording exists).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import cohere_cases as C
from llmcore import errors as E
from llmcore_testing import Case, EmbeddingCase, ErrorCase, ProviderConformance, RerankCase
from llmcore_testing.conformance import LosslessCase
from llmcore_testing.openapi import load_spec


def _err(cassette: str, request: dict[str, Any], error: type[Exception], status: int) -> ErrorCase:
    return ErrorCase(cassette, request, error=error, status_code=status)


_HELLO = {"model": "command-a-03-2025", "messages": ["Hello"]}

# POST /v2/embed and /v2/rerank, recorded by ruby_llm; the 404 on /v2/embed by pydantic-ai
EMBED = EmbeddingCase(
    "ruby_llm__embedding_basic_functionality_cohere_embed-v4_0_can_handle_multiple_texts_with_custom_dimensions.yaml",
    "embed-v4.0",
    ["Ruby", "Python", "JavaScript"],
    {"dimensions": 1024, "input_type": "document"},
)
EMBED_NOT_FOUND = EmbeddingCase(
    "pydantic-ai__TestCohere.test_embed_error.yaml",
    "nonexistent",
    ["Hello, world!"],
    {"input_type": "query", "truncate": "error"},
    error=E.NotFoundError,
)
RERANK = RerankCase(
    "ruby_llm__rerank_reranking_with_cohere_rerank-v3_5_limits_results_with_top_n.yaml",
    "rerank-v3.5",
    "ruby",
    ["Ruby is a programming language", "Paris is in France", "Rails is a Ruby framework"],
    top_n=2,
)


def _lossless(case: Case) -> LosslessCase:
    return LosslessCase(**{f.name: getattr(case, f.name) for f in dataclasses.fields(Case)})


CITED_DOCS = "ruby_llm__chat_citations_with_cohere_command-a-plus-05-2026_cites_text_documents_in_responses.yaml"
#: the recordings proving Capabilities.citations / prompt_caching
LOSSLESS = {
    "citations": _lossless(
        C._from_recording(
            CITED_DOCS, provider_options={"cohere": {"documents": C.recorded_body(CITED_DOCS)["documents"]}}
        )
    ),
    "citations:stream": _lossless(C.CITATIONS_STREAM),
    # a long repeated system prompt: usage.cached_tokens 2928 of 2935 input tokens
    "prompt_caching": _lossless(C._from_recording(C.PAI_CACHED)),
}


def cohere_item_kinds(body: Any) -> Counter[str]:
    """Cohere v2 chat (a body, or a stream's events): content items by type, the tool plan, tool
    calls, and one citation per source (what llmcore makes of each)."""
    kinds: Counter[str] = Counter()
    events = body if isinstance(body, list) else None
    if events is None:
        msg = body.get("message") or {} if isinstance(body, Mapping) else {}
        for item in msg.get("content") or []:
            t = str(item.get("type"))
            if item.get(t if t in ("text", "thinking") else "text", ""):
                kinds[t] += 1
        if msg.get("tool_plan"):
            kinds["tool_plan"] += 1
        kinds["tool_calls"] += len(msg.get("tool_calls") or [])
        for c in msg.get("citations") or []:
            kinds["cohere_citation"] += len(c.get("sources") or []) or 1
    else:
        for e in events:
            t, delta = e.get("type"), e.get("delta") or {}
            if t == "content-start":
                item = ((delta.get("message") or {}).get("content")) or {}
                kinds[str(item.get("type") or "text")] += 1
            elif t == "tool-plan-delta" and (delta.get("message") or {}).get("tool_plan"):
                kinds["tool_plan"] = 1
            elif t == "tool-call-start":
                kinds["tool_calls"] += 1
            elif t == "citation-start":
                cite = (delta.get("message") or {}).get("citations") or {}
                kinds["cohere_citation"] += len(cite.get("sources") or []) or 1
    return +kinds


class TestCohereConformance(ProviderConformance):
    provider = "cohere"
    cassette_dir = Path(__file__).parent / "cassettes"

    chat_case = C.CHAT
    stream_case = C.STREAM
    system_prompt_case = C.SYSTEM
    multi_turn_case = C.REASONING
    tool_call_case = C.TOOL_CALL
    tool_call_stream_case = C.TOOL_CALL_STREAM
    tool_round_trip_case = C.TOOL_ROUND_TRIP
    structured_case = C.STRUCTURED
    reasoning_case = C.REASONING
    count_tokens_case = C.COUNT_TOKENS
    vision_case = C.VISION  # authored from the API reference's Images example (see cassettes/SOURCES.md)
    # more stream recordings for the kit's re-chunk check, cut into the pieces these tests always used
    rechunk_cases = {"thinking_citations": C.CITATIONS_STREAM, "count": C.SCENARIOS["count_stream"]}
    rechunk_sizes = ((1,) * 4096 + (65536,), (3,), (7,), (64,))
    embedding_case = EMBED
    embedding_error_cases = {"not_found": EMBED_NOT_FOUND}
    rerank_case = RERANK
    lossless_cases = LOSSLESS
    lossless_check = True
    answer_kind_parts = {"tool_plan": ("text",), "cohere_citation": ("citation",)}

    def answer_item_kinds(self, body: Any) -> Counter[str]:
        return cohere_item_kinds(body)

    def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
        """Only Cohere's own chat answers (one recording also holds an OpenAI call)."""
        if "api.cohere.com/v2/chat" not in str(recorded["request"].get("uri")):
            return None
        return super().lossless_replay_case(cassette, interaction, recorded)

    error_cases = {
        "auth": _err(C.RB_AUTH, _HELLO, E.AuthenticationError, 401),
        "not_found": _err(C.AUTH_404, {"model": "command-does-not-exist", "messages": ["Hello"]}, E.NotFoundError, 404),
        "rate_limit": _err(C.AUTH_429, _HELLO, E.RateLimitError, 429),
        "context_length": ErrorCase(
            C.RB_CONTEXT, C._from_recording(C.RB_CONTEXT).request, error=E.ContextWindowExceededError, status_code=400
        ),
        "server": _err(C.AUTH_500, _HELLO, E.ProviderServerError, 500),
    }

    def validate_request(self, request: Any) -> None:
        if request.url.path in ("/v2/chat", "/v2/embed", "/v2/rerank"):
            load_spec(C.SPEC).validate_request(request)
