"""The Databricks cassettes (all authored from Databricks' docs; see cassettes/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path

from llmcore import errors as E
from llmcore_testing import Case, ErrorCase

CASSETTES = Path(__file__).parent / "cassettes"
BASE = "https://adb-1234567890123456.7.azuredatabricks.net/serving-endpoints"
LLAMA = "databricks-meta-llama-3-3-70b-instruct"
CLAUDE = "databricks-claude-sonnet-4"
WEATHER = {
    "name": "get_current_weather",
    "description": "Get the current weather in a given location",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["location"],
    },
}
CHICAGO = {"model": CLAUDE, "messages": ["What is the current temperature of Chicago?"], "tools": [WEATHER]}
ARGS = '{"location": "Chicago, IL", "unit": "fahrenheit"}'
CALL_ID = "toolu_bdrk_01A4sZ2xWq8hN3kLm5Pt7Rv9"
MOE = {
    "model": LLAMA,
    "system": "You are a helpful assistant.",
    "messages": ["What is a mixture of experts model?"],
    "max_tokens": 256,
}
PAPER = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "authors": {"type": "array", "items": {"type": "string"}},
        "year": {"type": "integer"},
    },
    "required": ["title", "authors", "year"],
    "additionalProperties": False,
}


def case(cassette: str, request: dict, **kw: object) -> Case:
    return Case(cassette, request, base_url=BASE, **kw)  # type: ignore[arg-type]


CHAT = case("authored__chat.yaml", MOE, expect_finish="stop")
STREAM = case("authored__chat_stream.yaml", MOE, stream=True, expect_finish="stop")
INVOCATIONS = case(
    "authored__invocations.yaml",
    {"model": LLAMA, "messages": ["Hello!"], "max_tokens": 64},
    options={"api": "invocations"},
    expect_text="Hello",
)
TOOL_CALL = case("authored__tool_call.yaml", CHICAGO, expect_tool="get_current_weather")
TOOL_CALL_STREAM = case("authored__tool_call_stream.yaml", CHICAGO, stream=True, expect_tool="get_current_weather")
ROUND_TRIP = case(
    "authored__tool_round_trip.yaml",
    {
        "model": CLAUDE,
        "tools": [WEATHER],
        "messages": [
            {"role": "user", "content": "What is the current temperature of Chicago?"},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_call",
                        "id": CALL_ID,
                        "name": "get_current_weather",
                        "arguments": json.loads(ARGS),
                        "raw_arguments": ARGS,
                    }
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_call_id": CALL_ID,
                        "content": '{"temperature": 41, "unit": "fahrenheit", "conditions": "windy"}',
                    }
                ],
            },
        ],
    },
    expect_text="41",
    expect_finish="stop",
)
STRUCTURED = case(
    "authored__structured.yaml",
    {
        "model": LLAMA,
        "messages": ["Extract the paper: 'Attention Is All You Need' by Vaswani et al., 2017."],
        "response_format": {"type": "json_schema", "name": "paper", "json_schema": PAPER, "strict": True},
    },
)
REASONING = case(
    "authored__reasoning.yaml",
    {
        "model": "databricks-claude-3-7-sonnet",
        "messages": ["Why is the sky blue?"],
        "max_tokens": 20480,
        "provider_options": {"databricks": {"thinking": {"type": "enabled", "budget_tokens": 10240}}},
    },
    expect_text="Rayleigh",
)

_HI = {"model": LLAMA, "messages": ["Hello"]}
ERRORS = {
    "auth": ErrorCase(
        "authored__unauthenticated_401.yaml", _HI, base_url=BASE, error=E.AuthenticationError, status_code=401
    ),
    "not_found": ErrorCase(
        "authored__endpoint_not_found_404.yaml",
        {"model": "databricks-llama-9", "messages": ["Hello"]},
        base_url=BASE,
        error=E.NotFoundError,
        status_code=404,
    ),
    "rate_limit": ErrorCase(
        "authored__rate_limited_429.yaml", _HI, base_url=BASE, error=E.RateLimitError, status_code=429
    ),
    "server": ErrorCase(
        "authored__temporarily_unavailable_503.yaml", _HI, base_url=BASE, error=E.ProviderServerError, status_code=503
    ),
    "bad_request": ErrorCase(
        "authored__bad_request_400.yaml",
        {**_HI, "max_tokens": 10000},
        base_url=BASE,
        error=E.InvalidRequestError,
        status_code=400,
    ),
}
