"""The scenarios the Cohere tests replay: one :class:`Case` per recording (and
per interaction of a recorded conversation), each with the ChatRequest that
reproduces the recorded request (see ``cassettes/SOURCES.md``).

Long texts are read from the recorded request itself, so a case and its
recording cannot drift apart. Shared by the conformance, stream, differential
and request-spec tests.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from llmcore.provider import ProviderConfig
from llmcore.types import TokenCount
from llmcore_cohere.provider import CohereProvider
from llmcore_testing import TEST_API_KEY, Case
from llmcore_testing.cassettes import Recordings, replay_from
from llmcore_testing.conformance import CaseResult, run_case, run_count_tokens
from llmcore_testing.openapi import shared_dir

CASSETTES = Path(__file__).parent / "cassettes"
#: Cohere's official OpenAPI 3.1 spec: sent bodies are checked against it
SPEC = shared_dir() / "api-specs" / "cohere" / "cohere-openapi.yaml"


REC = Recordings(CASSETTES)
#: the interactions of a cassette, as stored
recorded_interactions = REC.interactions
#: the recorded request body (parsed JSON) of one interaction
recorded_body = REC.request_body
#: the recorded response body text of one interaction
recorded_response = REC.response_text


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(c.get("text", "") for c in content if c.get("type") == "text")


def recorded_messages(cassette: str, interaction: int = 0) -> list[dict[str, Any]]:
    """The recorded Cohere ``messages`` as llmcore (OpenAI-style) message dicts:
    user/system/tool text, assistant text + ``thinking`` (as a reasoning part)
    + tool calls."""
    out: list[dict[str, Any]] = []
    for m in recorded_body(cassette, interaction)["messages"]:
        role = m["role"]
        if role == "tool":
            out.append({"role": "tool", "tool_call_id": m["tool_call_id"], "content": _text(m["content"])})
        elif role == "assistant":
            content = m.get("content")
            parts: list[dict[str, Any]] = []
            if isinstance(content, list):
                for c in content:
                    if c.get("type") == "thinking":
                        parts.append({"type": "reasoning", "text": c["thinking"], "provider": "cohere"})
                    elif c.get("type") == "text" and c.get("text"):
                        parts.append({"type": "text", "text": c["text"]})
            elif content:
                parts.append({"type": "text", "text": content})
            msg: dict[str, Any] = {"role": "assistant", "content": parts}
            if m.get("tool_calls"):
                msg["tool_calls"] = m["tool_calls"]
            out.append(msg)
        else:
            out.append({"role": role, "content": _text(m["content"])})
    return out


def recorded_tools(cassette: str, interaction: int = 0) -> list[dict[str, Any]]:
    """The recorded ``tools`` as llmcore tool dicts."""
    return [t["function"] for t in recorded_body(cassette, interaction).get("tools", [])]


# -- file names ------------------------------------------------------------------------

OLL_CHAT = "openllmetry__test_cohere_v2_chat_legacy.yaml"
OLL_STREAM = "openllmetry__test_cohere_v2_chat_legacy_with_streaming.yaml"
OLL_TOOLS = "openllmetry__test_cohere_v2_chat_legacy_with_tool_calls_and_history.yaml"
OLL_TOOLS_STREAM = "openllmetry__test_cohere_v2_chat_legacy_with_tool_calls_and_streaming.yaml"
PAI_INSTRUCTIONS = "pydantic-ai__test_cohere_model_instructions.yaml"
PAI_THINKING = "pydantic-ai__test_cohere_model_thinking_part.yaml"
PAI_SIMPLE = "pydantic-ai__test_request_simple_success_with_vcr.yaml"
PAI_CACHED = "pydantic-ai__test_request_usage_with_cached_tokens.yaml"
PAI_AUTO = "pydantic-ai__test_tool_choice_matrix_auto-cohere_.yaml"
PAI_REQUIRED = "pydantic-ai__test_tool_choice_matrix_required-cohere_.yaml"
PAI_TOOLS_OUTPUT = "pydantic-ai__test_tool_choice_matrix_tools_plus_output-cohere_.yaml"
PAI_TOKENIZE = "pydantic-ai__TestCohere.test_count_tokens.yaml"
RB_BASIC = "ruby_llm__chat_basic_chat_functionality_cohere_command-a-03-2025_can_have_a_basic_conversation.yaml"
RB_CITATIONS = "ruby_llm__chat_citations_with_cohere_command-a-plus-05-2026_streams_citations.yaml"
RB_AUTH = "ruby_llm__chat_error_handling_with_cohere_command-a-03-2025_raises_appropriate_auth_error.yaml"
RB_PARALLEL = "ruby_llm__chat_function_calling_cohere_command-a-03-2025_can_use_parallel_tool_calls.yaml"
RB_TOOLS = "ruby_llm__chat_function_calling_cohere_command-a-03-2025_can_use_tools.yaml"
RB_CONTEXT = "ruby_llm__chat_real_error_scenarios_cohere_command-a-03-2025_handles_context_length_exceeded_errors.yaml"
RB_STREAM = "ruby_llm__chat_streaming_responses_cohere_command-a-03-2025_supports_streaming_responses.yaml"
RB_SCHEMA = (
    "ruby_llm__chat_with_schema_with_cohere_command-a-03-2025_accepts_a_json_schema_and_returns_structured_output.yaml"
)
AUTH_404 = "authored__model_not_found_404.yaml"
AUTH_429 = "authored__rate_limit_429.yaml"
AUTH_500 = "authored__server_error_500.yaml"


def _from_recording(cassette: str, interaction: int = 0, *, stream: bool = False, **extra: Any) -> Case:
    """A case whose request is the recorded one (messages, tools) plus ``extra``."""
    body = recorded_body(cassette, interaction)
    req: dict[str, Any] = {"model": body["model"], "messages": recorded_messages(cassette, interaction)}
    tools = recorded_tools(cassette, interaction)
    if tools:
        req["tools"] = tools
    if body.get("tool_choice") == "REQUIRED":
        req["tool_choice"] = "required"
    req.update(extra)
    return Case(cassette, req, stream=stream, interaction=interaction)


PERSON_SCHEMA = recorded_body(RB_SCHEMA)["response_format"]["json_schema"]

CHAT = _from_recording(OLL_CHAT)
STREAM = _from_recording(OLL_STREAM, stream=True)
TOOL_CALL = Case(OLL_TOOLS, _from_recording(OLL_TOOLS).request, expect_finish="tool_calls")
TOOL_CALL_STREAM = Case(
    OLL_TOOLS_STREAM, _from_recording(OLL_TOOLS_STREAM).request, stream=True, expect_finish="tool_calls"
)
TOOL_ROUND_TRIP = _from_recording(OLL_TOOLS, 1)
SYSTEM = Case(
    PAI_INSTRUCTIONS,
    {
        "model": "command-r7b-12-2024",
        "system": "You are a helpful assistant.",
        "messages": ["What is the capital of France?"],
    },
    expect_text="Paris",
)
REASONING = _from_recording(PAI_THINKING, 1)
STRUCTURED = _from_recording(
    RB_SCHEMA, response_format={"type": "json_schema", "schema": PERSON_SCHEMA, "name": "person"}
)
COUNT_TOKENS = Case(PAI_TOKENIZE, {"model": "embed-v4.0", "messages": ["Hello, world!"]})
#: the image of the "Images" example of Cohere's v2/chat API reference
COHERE_FAVICON = "https://cohere.com/favicon-32x32.png"
VISION = Case(  # authored from that documented example, request and response (no recording has an image)
    "authored__vision_image_url.yaml",
    {
        "model": "command-a-vision-07-2025",
        "messages": [
            {
                "role": "user",
                "content": [{"type": "text", "text": "Describe this image"}, {"type": "image", "url": COHERE_FAVICON}],
            }
        ],
    },
    expect_text="orange circle",
    expect_finish="stop",
)
CITATIONS_STREAM = _from_recording(
    RB_CITATIONS, stream=True, provider_options={"cohere": {"documents": recorded_body(RB_CITATIONS)["documents"]}}
)

#: every success scenario, by name (the differential and request-spec tests run them all)
SCENARIOS: dict[str, Case] = {
    "chat": CHAT,
    "stream": STREAM,
    "tool_call": TOOL_CALL,
    "tool_call_stream": TOOL_CALL_STREAM,
    "tool_round_trip": TOOL_ROUND_TRIP,
    "system": SYSTEM,
    "reasoning_multi_turn": REASONING,
    "structured": STRUCTURED,
    "citations_stream": CITATIONS_STREAM,
    "simple": _from_recording(PAI_SIMPLE),
    "cached_tokens": _from_recording(PAI_CACHED),
    "basic": _from_recording(RB_BASIC),
    "count_stream": _from_recording(RB_STREAM, stream=True),
    "tools": _from_recording(RB_TOOLS),
    "tools_result": _from_recording(RB_TOOLS, 1),
    "parallel_tools": _from_recording(RB_PARALLEL),
    "parallel_tools_result": _from_recording(RB_PARALLEL, 1),
    "tool_choice_auto": _from_recording(PAI_AUTO),
    "tool_choice_auto_result": _from_recording(PAI_AUTO, 1),
    "tool_choice_required": _from_recording(PAI_REQUIRED),
    "tools_plus_output": _from_recording(PAI_TOOLS_OUTPUT),
    "tools_plus_output_result": _from_recording(PAI_TOOLS_OUTPUT, 1),
}


def provider(client: Any = None, **options: Any) -> CohereProvider:
    """A provider with the kit's test key and ``client``."""
    return CohereProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client, options=options))


def replay(case: Case) -> CaseResult:
    """Replay ``case`` through the real provider (as the kit does)."""
    return asyncio.run(run_case(case, lambda client, c: provider(client, **c.options), CASSETTES))


def use_cassette(case: Case) -> AbstractContextManager[Any]:
    """vcrpy replaying ``case``'s cassette from its interaction on."""
    return replay_from(CASSETTES, case.cassette, case.interaction)


def replay_count_tokens(case: Case) -> tuple[TokenCount, list[Any]]:
    """Run ``count_tokens`` for ``case`` against its cassette."""
    return asyncio.run(run_count_tokens(case, lambda client, _: provider(client), CASSETTES))
