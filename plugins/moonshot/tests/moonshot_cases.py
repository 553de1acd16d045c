"""The Moonshot scenarios (see ``cassettes/SOURCES.md``): no recording of Moonshot's own API exists (the one
Kimi recording in our sources went through AWS Bedrock), so every case is authored from Moonshot's docs and its
OpenAPI document; every request body is validated against that document."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_moonshot.provider import MoonshotProvider
from llmcore_testing import TEST_API_KEY, Case, ErrorCase, run_case
from llmcore_testing.conformance import CaseResult
from llmcore_testing.openapi import load_spec, shared_dir

CASSETTES = Path(__file__).parent / "cassettes"
SPEC = shared_dir() / "api-specs" / "moonshot" / "openapi.yaml"
M = "kimi-k2.6"
SYSTEM = "You are a concise assistant. Answer in one short sentence."
Q = "What is the capital of France?"
WEATHER = {
    "name": "get_current_weather",
    "description": "Get the current weather in a given city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "The city, e.g. Paris"}},
        "required": ["city"],
    },
}
WQ = "What is the weather in Paris right now?"
CALL_ID = "get_current_weather:0"
COUNTRY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "capital": {"type": "string"},
        "population_millions": {"type": "number"},
    },
    "required": ["name", "capital", "population_millions"],
    "additionalProperties": False,
}
RQ = {"model": M, "messages": ["Which number is bigger, 9.11 or 9.9?"]}

CHAT = Case(
    "authored__chat_system.yaml",
    {"model": M, "system": SYSTEM, "messages": [Q]},
    expect_text="Paris",
    expect_finish="stop",
)
STREAM = Case(
    "authored__chat_system_stream.yaml",
    {"model": M, "system": SYSTEM, "messages": [Q]},
    stream=True,
    expect_text="Paris",
    expect_finish="stop",
)
MULTI_TURN = Case(
    "authored__multi_turn.yaml",
    {
        "model": M,
        "messages": [
            {"role": "user", "content": Q},
            {"role": "assistant", "content": "The capital of France is Paris."},
            {"role": "user", "content": "And of Italy?"},
        ],
    },
    expect_text="Rome",
)
TOOL = {"model": M, "messages": [WQ], "tools": [WEATHER]}
TOOL_CALL = Case("authored__tool_call.yaml", TOOL, expect_tool="get_current_weather", expect_finish="tool_calls")
TOOL_CALL_STREAM = Case("authored__tool_call_stream.yaml", TOOL, stream=True, expect_tool="get_current_weather")
ROUND_TRIP = Case(
    "authored__tool_round_trip.yaml",
    {
        "model": M,
        "tools": [WEATHER],
        "messages": [
            {"role": "user", "content": WQ},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": CALL_ID,
                        "type": "function",
                        "function": {"name": "get_current_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": CALL_ID, "content": "18°C and partly cloudy"},
        ],
    },
    expect_text="18°C",
)
STRUCTURED = Case(
    "authored__structured_json_schema.yaml",
    {
        "model": M,
        "messages": ["Give me facts about Japan as JSON."],
        "response_format": {"type": "json_schema", "name": "country", "schema": COUNTRY, "strict": True},
    },
    expect_text="Tokyo",
)
REASONING = Case("authored__reasoning.yaml", RQ, expect_text="9.9 is bigger")
REASONING_STREAM = Case("authored__reasoning_stream.yaml", RQ, stream=True, expect_text="9.9 is bigger")
COUNT = Case("authored__estimate_token_count.yaml", {"model": M, "messages": [Q]})
HELLO = {"model": M, "messages": ["Hello"], "max_tokens": 16}
ERRORS = {
    "auth": ErrorCase("authored__invalid_authentication_401.yaml", HELLO, error=E.AuthenticationError, status_code=401),
    "not_found": ErrorCase("authored__resource_not_found_404.yaml", HELLO, error=E.NotFoundError, status_code=404),
    "rate_limit": ErrorCase(
        "authored__rate_limit_reached_429.yaml", HELLO, error=E.RateLimitError, status_code=429, expect_retry_after=True
    ),
    "context_length": ErrorCase(
        "authored__exceeded_model_token_limit_400.yaml",
        {"model": M, "messages": ["Summarize this document: ..."], "max_tokens": 4096},
        error=E.ContextWindowExceededError,
        status_code=400,
    ),
    "server": ErrorCase("authored__server_error_500.yaml", HELLO, error=E.ProviderServerError, status_code=500),
    "overloaded": ErrorCase("authored__engine_overloaded_429.yaml", HELLO, error=E.RateLimitError, status_code=429),
    "quota": ErrorCase(
        "authored__exceeded_current_quota_429.yaml", HELLO, error=E.PermissionDeniedError, status_code=429
    ),
}


def validate(request: Any) -> None:
    """Every body we send must satisfy Moonshot's official OpenAPI document."""
    load_spec(SPEC).validate_request(request)


def make(client: Any, case: Case) -> MoonshotProvider:
    return MoonshotProvider(
        ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, http_client=client, options=dict(case.options))
    )


def replay(case: Case) -> CaseResult:
    """Run one case through the real provider and vcrpy; errors are returned, not raised."""
    return asyncio.run(run_case(case, make, CASSETTES, validate))
