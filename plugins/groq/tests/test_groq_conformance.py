"""The llmcore conformance kit on Groq recordings (openllmetry, pydantic-ai) and authored
error cassettes; every request body we send is validated against Groq's OpenAPI spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from groq_cases import JOKE, recorded_request, recorded_tools, validate
from llmcore import errors as E
from llmcore.builtin_tools import WebSearchTool
from llmcore_testing import Case, ErrorCase, ProviderConformance
from llmcore_testing.conformance import LosslessCase

_THINKING = "pydantic-ai__test_groq_model_thinking_part.yaml"
_AUTO = "pydantic-ai__test_tool_choice_matrix_auto-groq_.yaml"
_TOOL_STREAM = "pydantic-ai__test_tool_use_failed_error_streaming.yaml"
_NATIVE = "pydantic-ai__test_groq_native_output.yaml"
_SCOUT = "meta-llama/llama-4-scout-17b-16e-instruct"
_GPT_OSS = "openai/gpt-oss-120b"


def _history(cassette: str, interaction: int) -> list[dict[str, Any]]:
    return recorded_request(cassette, interaction)["messages"]  # type: ignore[no-any-return]


def _tool_stream(interaction: int) -> dict[str, Any]:
    return {
        "model": _GPT_OSS,
        "messages": _history(_TOOL_STREAM, interaction),
        "tools": recorded_tools(_TOOL_STREAM),
        "tool_choice": "auto",
    }


#: the image of Groq's Images and Vision guide
LPU_DIE = "https://upload.wikimedia.org/wikipedia/commons/f/f2/LPU-v1-die.jpg"


class TestGroqConformance(ProviderConformance):
    provider = "groq"
    cassette_dir = Path(__file__).parent / "cassettes"

    # the same prompt recorded non-streamed and streamed (the stream's usage is x_groq.usage)
    chat_case = Case(
        "openllmetry__test_chat_legacy.yaml", {"model": "llama3-8b-8192", "messages": [JOKE]}, expect_finish="stop"
    )
    stream_case = Case(
        "openllmetry__test_chat_streaming_legacy.yaml",
        {"model": "llama3-8b-8192", "messages": [JOKE]},
        stream=True,
        expect_finish="stop",
    )
    system_prompt_case = Case(
        "pydantic-ai__test_groq_model_instructions.yaml",
        {
            "model": "llama-3.3-70b-versatile",
            "system": "You are a helpful assistant.",
            "messages": ["What is the capital of France?"],
        },
        expect_text="Paris",
    )
    multi_turn_case = Case(
        _THINKING,
        {"model": "deepseek-r1-distill-llama-70b", "messages": _history(_THINKING, 1)},
        interaction=1,
        options={"reasoning_format": "parsed"},
        expect_text="Argentin",
    )
    tool_call_case = Case(
        _AUTO,
        {
            "model": _SCOUT,
            "messages": ["What's the weather in Paris?"],
            "tools": recorded_tools(_AUTO),
            "tool_choice": "auto",
        },
        expect_tool="get_weather",
    )
    tool_round_trip_case = Case(
        _AUTO,
        {"model": _SCOUT, "messages": _history(_AUTO, 1), "tools": recorded_tools(_AUTO), "tool_choice": "auto"},
        interaction=1,
        expect_text="sunny",
        expect_finish="stop",
    )
    # pydantic-ai's streamed retry after a failed tool call: reasoning, then a tool call; then the answer
    tool_call_stream_case = Case(
        _TOOL_STREAM, _tool_stream(1), stream=True, interaction=1, expect_tool="get_something_by_name"
    )
    tool_round_trip_stream_case = Case(_TOOL_STREAM, _tool_stream(2), stream=True, interaction=2, expect_finish="stop")
    structured_case = Case(
        _NATIVE,
        {
            "model": _GPT_OSS,
            "messages": ["What is the largest city in Mexico?"],
            "response_format": {
                "type": "json_schema",
                "name": "CityLocation",
                "strict": True,
                "schema": recorded_request(_NATIVE)["response_format"]["json_schema"]["schema"],
            },
        },
        expect_text="Mexico City",
    )
    reasoning_case = structured_case  # gpt-oss answers with a `reasoning` field
    # authored from the Images and Vision guide (no recording with an image exists)
    vision_case = Case(
        "authored__vision_image_url.yaml",
        {
            "model": "meta-llama/llama-4-scout-17b-16e-instruct",
            "temperature": 1,
            "max_tokens": 1024,
            "top_p": 1,
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "What's in this image?"}, {"type": "image", "url": LPU_DIE}],
                }
            ],
        },
        expect_text="LPU",
        expect_finish="stop",
    )
    agreement_pairs = (("chat_case", "stream_case"),)
    #: Capabilities.server_tools: a compound model searches by itself; asked for with the neutral spec
    lossless_cases = {
        "web_search": LosslessCase(
            "pydantic-ai__test_groq_model_web_search_tool.yaml",
            {"model": "compound-beta", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
        ),
    }
    #: every 200 answer of the cassettes keeps its message fields (executed_tools, reasoning, ...)
    lossless_check = True
    answer_kind_parts = {
        # compound models' built-in tools: server-tool call (+ result) parts
        "message.executed_tools": ("server_tool",),
        # reasoning_format="raw" asks for the reasoning inside the text, <think> tags and all: it stays text
        "think": ("text",),
        # gpt-oss stream deltas' channel name: bookkeeping, no content of its own
        "message.channel": (),
    }
    #: claimed from Groq's docs and spec; the request side is checked in test_groq_builtin_tools.py
    unrecorded_server_tools = {
        "code_execution": "no public recording of a Groq code execution (compound or GPT-OSS code_interpreter); "
        "the executed python tool is shown on authored__compound_code_execution.yaml",
    }
    error_cases = {
        "auth": ErrorCase(
            "authored__invalid_api_key_401.yaml",
            {"model": "llama-3.1-8b-instant", "messages": ["ping"]},
            error=E.AuthenticationError,
            status_code=401,
        ),
        "not_found": ErrorCase(
            "pydantic-ai__test_model_name_suggestion_groq_.yaml",
            {"model": "llama-3.3-70b-versatlie", "messages": ["hello"]},
            error=E.NotFoundError,
            status_code=404,
        ),
        "rate_limit": ErrorCase(
            "authored__rate_limit_429.yaml",
            {"model": "llama-3.3-70b-versatile", "messages": ["ping"]},
            error=E.RateLimitError,
            status_code=429,
            expect_retry_after=True,
        ),
        "context_length": ErrorCase(
            "authored__context_length_400.yaml",
            {"model": "llama-3.1-8b-instant", "messages": ["(a very long prompt)"]},
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__service_unavailable_503.yaml",
            {"model": "llama-3.3-70b-versatile", "messages": ["ping"]},
            error=E.ProviderServerError,
            status_code=503,
        ),
        "flex_capacity": ErrorCase(
            "authored__flex_capacity_exceeded_498.yaml",
            {"model": "llama-3.3-70b-versatile", "messages": ["ping"]},
            error=E.ProviderServerError,
            status_code=498,
        ),
        "tool_use_failed": ErrorCase(
            "pydantic-ai__test_tool_use_failed_error.yaml",
            {
                "model": _GPT_OSS,
                "messages": _history("pydantic-ai__test_tool_use_failed_error.yaml", 0),
                "tools": recorded_tools("pydantic-ai__test_tool_use_failed_error.yaml"),
                "tool_choice": "auto",
            },
            error=E.InvalidRequestError,
            status_code=400,
        ),
        "tool_use_failed_in_stream": ErrorCase(_TOOL_STREAM, _tool_stream(0), stream=True, error=E.InvalidRequestError),
    }

    def validate_request(self, request: Any) -> None:
        validate(request)
