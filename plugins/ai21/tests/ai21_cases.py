"""The AI21 cassettes (all authored: no recording of AI21's API exists; see cassettes/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

from llmcore import errors as E
from llmcore_testing import Case, ErrorCase

CASSETTES = Path(__file__).parent / "cassettes"
MODEL = "jamba-mini"
WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name"}},
        "required": ["city"],
    },
}
TEL_AVIV = {"model": MODEL, "messages": ["What's the weather in Tel Aviv?"], "tools": [WEATHER]}
HELLO = {"model": "jamba-large", "messages": ["Hello how are you?"], "max_tokens": 1024}

CHAT = Case("authored__chat.yaml", HELLO, expect_finish="stop")
STREAM = Case("authored__chat_stream.yaml", HELLO, stream=True, expect_finish="stop")
SYSTEM = Case(
    "authored__system_prompt.yaml",
    {
        "model": MODEL,
        "system": "You are a helpful chatbot with a background in earth sciences and a charming French accent.",
        "messages": ["What are the main causes of earthquakes?"],
        "max_tokens": 200,
    },
)
TOOL_CALL = Case("authored__tool_call.yaml", TEL_AVIV, expect_tool="get_weather")
TOOL_CALL_STREAM = Case("authored__tool_call_stream.yaml", TEL_AVIV, stream=True, expect_tool="get_weather")
ROUND_TRIP = Case(
    "authored__tool_round_trip.yaml",
    {
        "model": MODEL,
        "tools": [WEATHER],
        "messages": [
            {"role": "user", "content": "What's the weather in Tel Aviv?"},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_call",
                        "id": "call_4f8a2c6e9b1d",
                        "name": "get_weather",
                        "arguments": {"city": "Tel Aviv"},
                        "raw_arguments": '{"city": "Tel Aviv"}',
                    }
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_call_id": "call_4f8a2c6e9b1d",
                        "content": '{"temperature_c": 27, "conditions": "sunny"}',
                    }
                ],
            },
        ],
    },
    expect_text="27",
    expect_finish="stop",
)
JSON_MODE = Case(
    "authored__json_mode.yaml",
    {
        "model": MODEL,
        "messages": ["List three primary colors as JSON with a key 'colors'."],
        "response_format": {"type": "json_object"},
    },
)

_HI = {"model": MODEL, "messages": ["Hello"]}
ERRORS = {
    "auth": ErrorCase("authored__unauthorized_401.yaml", _HI, error=E.AuthenticationError, status_code=401),
    "not_found": ErrorCase(
        "authored__unknown_model_422.yaml",
        {"model": "jamba-instruct", "messages": ["Hello"]},
        error=E.NotFoundError,
        status_code=422,
    ),
    "rate_limit": ErrorCase(
        "authored__too_many_requests_429.yaml", _HI, error=E.RateLimitError, status_code=429, expect_retry_after=True
    ),
    "server": ErrorCase("authored__server_error_500.yaml", _HI, error=E.ProviderServerError, status_code=500),
}
