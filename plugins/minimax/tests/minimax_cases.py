"""The MiniMax cassettes (authored from MiniMax's API reference; see cassettes/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

from llmcore import errors as E
from llmcore_testing import Case, ErrorCase

CASSETTES = Path(__file__).parent / "cassettes"
MODEL = "MiniMax-M2.7"
HELLO = {"model": MODEL, "system": "You are a helpful assistant.", "messages": ["Hello"]}
WEATHER = {
    "name": "get_weather",
    "description": "Get weather of a location, the user should supply a location first.",
    "parameters": {
        "type": "object",
        "properties": {"location": {"type": "string", "description": "The city and state, e.g. San Francisco, US"}},
        "required": ["location"],
    },
}
SF = {"model": MODEL, "messages": ["How's the weather in San Francisco?"], "tools": [WEATHER]}
THOUGHT = "The user asks about the weather in San Francisco. I'll call get_weather."
CALL = "call_function_k3x9v2p7q1wz_1"
ROUND_TRIP_REQUEST = {
    "model": MODEL,
    "tools": [WEATHER],
    "messages": [
        {"role": "user", "content": "How's the weather in San Francisco?"},
        {
            "role": "assistant",
            "content": [
                {"type": "reasoning", "text": THOUGHT, "provider": "minimax"},
                {
                    "type": "tool_call",
                    "id": CALL,
                    "name": "get_weather",
                    "arguments": {"location": "San Francisco, US"},
                    "raw_arguments": '{"location": "San Francisco, US"}',
                },
            ],
        },
        {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": CALL, "content": "24℃, sunny"}]},
    ],
}

CHAT = Case("authored__chat_documented.yaml", HELLO, expect_text="How can I help", expect_finish="stop")
STREAM = Case("authored__chat_stream.yaml", HELLO, stream=True, expect_finish="stop")
TOOL_CALL = Case("authored__tool_call.yaml", SF, expect_tool="get_weather")
TOOL_CALL_STREAM = Case("authored__tool_call_stream.yaml", SF, stream=True, expect_tool="get_weather")
ROUND_TRIP = Case("authored__tool_round_trip.yaml", ROUND_TRIP_REQUEST, expect_text="24", expect_finish="stop")

_HI = {"model": MODEL, "messages": ["Hello"]}
ERRORS = {
    "auth": ErrorCase("authored__base_resp_1004_auth.yaml", _HI, error=E.AuthenticationError),
    "rate_limit": ErrorCase("authored__base_resp_1002_rate_limit.yaml", _HI, error=E.RateLimitError),
    "server": ErrorCase("authored__base_resp_1013_server.yaml", _HI, error=E.ProviderServerError),
    "balance": ErrorCase("authored__base_resp_1008_balance.yaml", _HI, error=E.PermissionDeniedError),
    "invalid": ErrorCase(
        "authored__base_resp_2013_invalid_params.yaml", {**_HI, "max_tokens": 999999}, error=E.InvalidRequestError
    ),
    "auth_on_stream": ErrorCase(
        "authored__stream_answered_with_base_resp.yaml", _HI, stream=True, error=E.AuthenticationError
    ),
    "output_sensitive_in_stream": ErrorCase(
        "authored__stream_1027_output_sensitive.yaml", _HI, stream=True, error=E.ContentFilterError
    ),
}
