"""The Writer cassettes and the requests that produced them (see cassettes/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

from llmcore import errors as E
from llmcore_testing import Case, ErrorCase

CASSETTES = Path(__file__).parent / "cassettes"
GET_WEATHER = {
    "name": "get_weather",
    "description": "Return weather in the specific location.",
    "parameters": {
        "properties": {"location": {"description": "Location to return weather at", "type": "string"}},
        "required": ["location"],
        "type": "object",
    },
}
# openllmetry's tests sent these sampling settings with every request
SAMPLING = {"max_tokens": 340, "stop": ["I am"], "temperature": 0.7, "top_p": 0.9}
ZAKOPANE = {
    "model": "palmyra-x4",
    "messages": ["What is the weather like in Zakopane today?"],
    "tools": [GET_WEATHER],
    **SAMPLING,
}
WEATHER_HISTORY = [  # the conversation openllmetry sent (it gave the call and the result no ids; we must)
    {"role": "user", "content": "What is the weather like today?"},
    {
        "role": "assistant",
        "content": [
            {
                "type": "tool_call",
                "id": "call_sf_weather",
                "name": "get_current_weather",
                "arguments": {"location": "San Francisco"},
                "raw_arguments": '{"location": "San Francisco"}',
            }
        ],
    },
    {
        "role": "tool",
        "content": [
            {
                "type": "tool_result",
                "tool_call_id": "call_sf_weather",
                "content": "The weather in San Francisco is 70 degrees and sunny.",
            }
        ],
    },
]
RECIPE = {
    "type": "object",
    "properties": {
        "recipe_name": {"type": "string"},
        "ingredients": {"type": "array", "items": {"type": "string"}},
        "steps": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["recipe_name", "ingredients", "steps"],
}
GRAPH_TOOL = {
    "type": "graph",
    "function": {
        "description": "Knowledge Graph of 2024 financial reports",
        "graph_ids": ["6029b226-1ee0-4239-a1b0-cdeebfa3ad5a"],
        "subqueries": False,
    },
}

# real recordings (openllmetry)
TOOL_CALL = Case("openllmetry__test_writer_chat_tool_call_request_legacy.yaml", ZAKOPANE, expect_tool="get_weather")
STREAM = Case(
    "openllmetry__test_writer_streaming_chat_legacy.yaml",
    {"model": "palmyra-x4", "messages": ["Tell me a joke about OpenTelemetry"], **SAMPLING},
    stream=True,
    expect_finish="stop",
)
ROUND_TRIP_STREAM = Case(
    "openllmetry__test_writer_streaming_chat_tool_calls_legacy.yaml",
    {"model": "palmyra-x4", "messages": WEATHER_HISTORY, "tools": [GET_WEATHER], **SAMPLING},
    stream=True,
    expect_text="70",
    expect_finish="stop",
)
# hand-written upstream (openllmetry), not a recording: see SOURCES.md
ROUND_TRIP = Case(
    "authored__upstream_handwritten_chat_tool_calls.yaml",
    {"model": "palmyra-x4", "messages": WEATHER_HISTORY, "tools": [GET_WEATHER], **SAMPLING},
    expect_text="70 degrees",
    expect_finish="stop",
)
# authored from Writer's docs and spec
TOOL_CALL_STREAM = Case("authored__tool_call_stream.yaml", ZAKOPANE, stream=True, expect_tool="get_weather")
STRUCTURED = Case(
    "authored__structured_recipe.yaml",
    {
        "model": "palmyra-x5",
        "system": "You are a helpful cooking assistant.",
        "messages": ["Give me a recipe for a simple pasta dish."],
        "response_format": {"type": "json_schema", "name": "recipe", "json_schema": RECIPE},
    },
)
GRAPH = Case(
    "authored__graph_tool.yaml",
    {
        "model": "palmyra-x5",
        "messages": ["What was the revenue growth in Q3 2024?"],
        "provider_options": {"writer": {"tools": [GRAPH_TOOL]}},
    },
    expect_text="12%",
)

_HELLO = {"model": "palmyra-x5", "messages": ["Hello"]}
ERRORS = {
    "auth": ErrorCase("authored__unauthorized_401.yaml", _HELLO, error=E.AuthenticationError, status_code=401),
    "not_found": ErrorCase(
        "authored__model_not_found_404.yaml",
        {"model": "palmyra-x9", "messages": ["Hello"]},
        error=E.NotFoundError,
        status_code=404,
    ),
    "rate_limit": ErrorCase(
        "authored__rate_limited_429.yaml", _HELLO, error=E.RateLimitError, status_code=429, expect_retry_after=True
    ),
    "server": ErrorCase("authored__server_error_500.yaml", _HELLO, error=E.ProviderServerError, status_code=500),
}
