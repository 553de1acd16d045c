"""The Gemini recordings as kit cases (see cassettes/SOURCES.md for what each file records),
plus small helpers to replay them outside the kit.

Every request below reproduces the recorded one: the same model, prompt, system
instruction, tools and settings, so the replayed answer belongs to the request
we send (the kit also checks the model and stream flag against the recording).
"""

from __future__ import annotations

import asyncio
import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from llmcore.errors import (
    AuthenticationError,
    ContextWindowExceededError,
    NotFoundError,
    ProviderServerError,
    RateLimitError,
)
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest, ChatResponse, Message, ReasoningPart, ToolCallPart, ToolResultPart
from llmcore_testing import TEST_API_KEY, Case, ErrorCase
from llmcore_testing.cassettes import Recordings, replay_from
from llmcore_testing.conformance import run_case
from llmcore_testing.openapi import OpenAPISpec, load_spec, shared_dir

CASSETTES = Path(__file__).parent / "cassettes"
#: Google's Gemini API spec: the official Discovery document of generativelanguage v1beta converted to
#: OpenAPI 3.0 by tryAGI (see the shared SOURCES.md)
SPEC = shared_dir() / "api-specs" / "gemini" / "openapi.json"


def spec() -> OpenAPISpec:
    """The Gemini spec, closed: its objects never set ``additionalProperties: false``, so a body key
    the spec does not declare (a misspelled field) is a violation too."""
    return load_spec(SPEC, closed=True)


REC = Recordings(CASSETTES)
#: the recorded ``{"request": ..., "response": ...}`` of one interaction
recorded = REC.interaction


def recorded_body(cassette: str, interaction: int = 0, side: str = "request") -> Any:
    """The JSON body of a recorded request (or non-streamed response)."""
    return REC.request_body(cassette, interaction) if side == "request" else REC.response_body(cassette, interaction)


def function_call_signature(cassette: str, interaction: int = 0) -> str:
    """The ``thoughtSignature`` of the first ``functionCall`` part of a recorded
    non-streamed response."""
    body = recorded_body(cassette, interaction, "response")
    for part in body["candidates"][0]["content"]["parts"]:
        if "functionCall" in part:
            return str(part["thoughtSignature"])
    raise AssertionError(f"{cassette}: no functionCall part")


def sse_function_call_signature(cassette: str, interaction: int = 0) -> str:
    """The same for a recorded SSE response."""
    body = recorded(cassette, interaction)["response"]["body"]["string"]
    for line in body.splitlines():
        if line.startswith("data:"):
            for part in json.loads(line[5:])["candidates"][0]["content"].get("parts", []):
                if "functionCall" in part and "thoughtSignature" in part:
                    return str(part["thoughtSignature"])
    raise AssertionError(f"{cassette}: no signed functionCall part")


# -- cassette names ------------------------------------------------------------------

BASIC = "pydantic-ai__test_google_model.yaml"
BASIC_STREAM = "pydantic-ai__test_google_model_stream.yaml"
ITER_STREAM = "pydantic-ai__test_google_model_iter_stream.yaml"
THINKING_STREAM = "pydantic-ai__test_google_model_thinking_part_iter.yaml"
TOOL_AUTO = "pydantic-ai__test_tool_choice_matrix_auto-google_.yaml"
TOOL_REQUIRED = "pydantic-ai__test_tool_choice_matrix_required-google_.yaml"
TOOL_SIG_STREAM = "pydantic-ai__test_google_streaming_tool_call_thought_signature.yaml"
NATIVE_OUTPUT = "pydantic-ai__test_google_native_output.yaml"
TOOL_OUTPUT = "pydantic-ai__test_google_tool_output.yaml"
WEB_SEARCH = "pydantic-ai__test_google_model_web_search_tool.yaml"
SAFETY = "pydantic-ai__test_google_model_safety_settings.yaml"
STRUCTURED_TOOLS = "pydantic-ai__test_google_model_structured_output.yaml"
ELLMER_TOOL = "ellmer__google-tool.yaml"
ELLMER_COUNT = "ellmer__google-count-tokens.yaml"
LLM_PROMPT = "llm-gemini__test_prompt.yaml"
LLM_DOGS = "llm-gemini__test_prompt_with_multiple_dogs.yaml"
LLM_NESTED = "llm-gemini__test_nested_model_direct_reference.yaml"
LLM_TOOLS = "llm-gemini__test_tools.yaml"
LLM_TOOLS_G3 = "llm-gemini__test_tools_with_gemini_3_thought_signatures.yaml"
RUBY_STREAM = "ruby_llm__chat_streaming_responses_gemini_gemini-2_5-flash_supports_streaming_responses.yaml"
RUBY_COUNT = (
    "ruby_llm__chat_count_tokens_with_gemini_gemini-3_5-flash_counts_a_staged_message_without_mutating_the_chat.yaml"
)
RUBY_COUNT_CONFIGURED = (
    "ruby_llm__chat_count_tokens_with_gemini_gemini-3_5-flash_counts_the_next_request_as_configured.yaml"
)
PYD_COUNT = "pydantic-ai__test_google_model_usage_limit_exceeded.yaml"
COUNT_ERROR = "pydantic-ai__TestGoogle.test_count_tokens_error.yaml"
AUTH_ERROR = "ruby_llm__chat_error_handling_with_gemini_gemini-2_5-flash_raises_appropriate_auth_error.yaml"
AUTH_ERROR_MIRASCOPE = "mirascope__google_gemini_2_5_flash.yaml"
NOT_FOUND = "pydantic-ai__test_model_name_suggestion_google_.yaml"
NOT_FOUND_MIRASCOPE = (
    "mirascope__python__tests__e2e__input__cassettes__test_model_not_found__google_gemini_2_5_flash.yaml"
)
NOT_FOUND_STREAM = (
    "mirascope__python__tests__e2e__input__cassettes__test_model_not_found_stream__google_gemini_2_5_flash.yaml"
)
QUOTA_429 = "ruby_llm__chat_real_error_scenarios_gemini_gemini-2_5-flash_handles_context_length_exceeded_errors.yaml"
CONTEXT_400 = "authored__context_length_400.yaml"
SERVER_503 = "authored__server_error_503.yaml"
SERVER_503_STREAM = "authored__server_error_503_stream.yaml"

# -- recorded requests ---------------------------------------------------------------

GET_WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather for a city.",
    "parameters": {
        "additionalProperties": False,
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "type": "object",
    },
}
GET_COUNTRY = {
    "name": "get_country",
    "description": "",
    "parameters": {"additionalProperties": False, "properties": {}, "type": "object"},
}
CAPITAL_TOOLS = [
    {
        "name": "get_capital",
        "description": "Get the capital of a country.",
        "parameters": {
            "properties": {"country": {"description": "The country name.", "type": "string"}},
            "required": ["country"],
            "type": "object",
        },
    },
    {
        "name": "get_temperature",
        "description": "Get the temperature in a city.",
        "parameters": {
            "properties": {"city": {"description": "The city name.", "type": "string"}},
            "required": ["city"],
            "type": "object",
        },
    },
]
CITY_LOCATION = {
    "description": "A city and its country.",
    "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
    "required": ["city", "country"],
    "title": "CityLocation",
    "type": "object",
}
WEB_ANSWER = recorded_body(WEB_SEARCH, 1)["contents"][1]["parts"][0]["text"]

CHAT = Case(BASIC, {"model": "gemini-2.5-flash", "system": "You are a chatbot.", "messages": ["Hello!"]})
STREAM = Case(
    BASIC_STREAM,
    {
        "model": "gemini-2.0-flash-exp",
        "system": "You are a helpful chatbot.",
        "temperature": 0.0,
        "messages": ["What is the capital of France?"],
    },
    stream=True,
    expect_text="Paris",
    expect_finish="stop",
)
SYSTEM_PROMPT = CHAT
MULTI_TURN = Case(
    WEB_SEARCH,
    {
        "model": "gemini-2.5-pro",
        "system": "You are a helpful chatbot.",
        "messages": [
            "What is the weather in San Francisco today?",
            {"role": "assistant", "content": WEB_ANSWER},
            "how about Mexico City?",
        ],
        "provider_options": {"gemini": {"tools": [{"googleSearch": {}}]}},
    },
    interaction=1,
    expect_text="Mexico City",
)
TOOL_CALL = Case(
    TOOL_AUTO,
    {
        "model": "gemini-2.5-flash",
        "messages": ["What's the weather in Paris?"],
        "tools": [GET_WEATHER],
        "tool_choice": "auto",
    },
    expect_tool="get_weather",
    expect_finish="tool_calls",
)
TOOL_CALL_STREAM = Case(
    TOOL_SIG_STREAM,
    {
        "model": "gemini-3-pro-preview",
        "messages": ["What is the capital of the user country? Call the tool"],
        "tools": [GET_COUNTRY],
    },
    stream=True,
    expect_tool="get_country",
    expect_finish="tool_calls",
)
_AUTO_CALL_ID = "pyd_ai_631cce761e7a447c931ccc129fe40f08"
TOOL_ROUND_TRIP = Case(
    TOOL_AUTO,
    ChatRequest(
        model="gemini-2.5-flash",
        tools=[GET_WEATHER],
        tool_choice="auto",
        messages=[
            Message(role="user", content="What's the weather in Paris?"),
            Message(
                role="assistant",
                content=[
                    ToolCallPart(id=_AUTO_CALL_ID, name="get_weather", arguments={"city": "Paris"}),
                    ReasoningPart(
                        signature=function_call_signature(TOOL_AUTO),
                        provider="gemini",
                        data={"thought_signature_on": "previous_part"},
                    ),
                ],
            ),
            Message(role="tool", content=[ToolResultPart(tool_call_id=_AUTO_CALL_ID, content="Sunny, 22C in Paris")]),
        ],
    ),
    interaction=1,
    expect_text="22",
    expect_finish="stop",
)
_SIG_CALL_ID = "pyd_ai_29bf73b69e02448588e15893d47a3e7e"
TOOL_ROUND_TRIP_STREAM = Case(
    TOOL_SIG_STREAM,
    ChatRequest(
        model="gemini-3-pro-preview",
        tools=[GET_COUNTRY],
        messages=[
            Message(role="user", content="What is the capital of the user country? Call the tool"),
            Message(
                role="assistant",
                content=[
                    ToolCallPart(id=_SIG_CALL_ID, name="get_country", arguments={}),
                    ReasoningPart(
                        signature=sse_function_call_signature(TOOL_SIG_STREAM),
                        provider="gemini",
                        data={"thought_signature_on": "previous_part"},
                    ),
                ],
            ),
            Message(role="tool", content=[ToolResultPart(tool_call_id=_SIG_CALL_ID, content="Mexico")]),
        ],
    ),
    stream=True,
    interaction=1,
    expect_text="Mexico City",
    expect_finish="stop",
)
STRUCTURED = Case(
    NATIVE_OUTPUT,
    {
        "model": "gemini-2.0-flash",
        "messages": ["What is the largest city in Mexico?"],
        "response_format": {"type": "json_schema", "schema": CITY_LOCATION, "name": "CityLocation"},
    },
    expect_text="Mexico City",
)
REASONING = Case(
    THINKING_STREAM,
    {
        "model": "gemini-2.5-pro",
        "system": "You are a helpful assistant.",
        "messages": ["How do I cross the street?"],
        "tools": [{"name": "dummy", "parameters": {"type": "object", "properties": {}}}],
        "provider_options": {"gemini": {"include_thoughts": True}},
    },
    stream=True,
    expect_finish="stop",
)
COUNT_TOKENS = Case(RUBY_COUNT, {"model": "gemini-3.5-flash", "messages": ["What is the capital of France?"]})


def _pig_png() -> str:
    """The base64 PNG in the authored vision cassette's request (the image of Ollama's documented
    images example; Gemini's own example inlines a local file)."""
    body = REC.request_body("authored__vision_inline_data.yaml")
    return body["contents"][0]["parts"][0]["inline_data"]["data"]  # type: ignore[no-any-return]


PIG_PNG = _pig_png()
VISION = Case(  # authored from the "Image understanding" guide's REST example (no recording with an image exists)
    "authored__vision_inline_data.yaml",
    {
        "model": "gemini-2.5-flash",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image", "data": PIG_PNG, "media_type": "image/png"},
                    {"type": "text", "text": "Caption this image."},
                ],
            }
        ],
    },
    expect_text="pig",
    expect_finish="stop",
)

_HELLO = {"model": "gemini-2.5-flash", "messages": ["Hello"]}
ERRORS: dict[str, ErrorCase] = {
    # Gemini answers a bad API key with HTTP 400 INVALID_ARGUMENT + ErrorInfo.reason API_KEY_INVALID.
    "auth": ErrorCase(AUTH_ERROR, _HELLO, error=AuthenticationError, status_code=400),
    "auth_mirascope": ErrorCase(
        AUTH_ERROR_MIRASCOPE,
        {"model": "gemini-2.5-flash", "messages": ["This should fail with AuthenticationError"]},
        error=AuthenticationError,
        status_code=400,
    ),
    "not_found": ErrorCase(
        NOT_FOUND, {"model": "gemini-3.6-flahs", "messages": ["hello"]}, error=NotFoundError, status_code=404
    ),
    "not_found_stream": ErrorCase(
        NOT_FOUND_STREAM,
        {"model": "this-model-does-not-exist-12345", "messages": ["This should fail with NotFoundError"]},
        stream=True,
        error=NotFoundError,
        status_code=404,
    ),
    # A real 429 RESOURCE_EXHAUSTED (ruby_llm named the test "context length"; the server said quota).
    "rate_limit": ErrorCase(QUOTA_429, _HELLO, error=RateLimitError, status_code=429, expect_retry_after=True),
    "context_length": ErrorCase(CONTEXT_400, _HELLO, error=ContextWindowExceededError, status_code=400),
    "server": ErrorCase(SERVER_503, _HELLO, error=ProviderServerError, status_code=503),
    "server_stream": ErrorCase(SERVER_503_STREAM, _HELLO, stream=True, error=ProviderServerError, status_code=503),
}


# -- replay helpers (outside the kit) -----------------------------------------------------


def use_cassette(cassette: str, interaction: int = 0) -> AbstractContextManager[Any]:
    """Replay ``cassette`` from ``interaction`` on (earlier ones marked as played)."""
    return replay_from(CASSETTES, cassette, interaction)


def make_provider(client: Any, **options: Any) -> Any:
    from llmcore_gemini.provider import GeminiProvider

    return GeminiProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client, options=options))


def replay(
    request: ChatRequest | dict[str, Any],
    cassette: str,
    interaction: int = 0,
    stream: bool = False,
    **options: Any,
) -> tuple[ChatResponse, list[Any], Any]:
    """``(response, events, sent requests)`` of one call replayed from ``cassette``; an error
    the provider raises propagates."""
    case = Case(cassette, request, stream=stream, interaction=interaction, options=options)
    res = asyncio.run(run_case(case, lambda client, c: make_provider(client, **c.options), CASSETTES))
    if res.error is not None:
        raise res.error
    return res.response, res.events, res.sent  # type: ignore[return-value]
