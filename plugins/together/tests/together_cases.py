"""The Together scenarios (see ``cassettes/SOURCES.md``): real recordings where they exist, the rest
authored from Together's docs and OpenAPI spec; every sent body is checked against that spec."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_testing import TEST_API_KEY, Case, ErrorCase, run_case
from llmcore_testing.conformance import CaseResult
from llmcore_testing.openapi import load_spec, shared_dir
from llmcore_together.provider import TogetherProvider

CASSETTES = Path(__file__).parent / "cassettes"
SPEC = shared_dir() / "api-specs" / "together" / "openapi.yaml"
DOT_AI = "https://api.together.ai/v1"  # openinference recorded against api.together.ai
M = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
WEATHER = {
    "name": "get_current_weather",
    "description": "Get the current weather in a given city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "The city, e.g. Paris"}},
        "required": ["city"],
    },
}
WEATHER_Q = "What is the weather in Paris right now?"
CALL_ID = "call_3xdm9hr8hghhxh9xjmclmt8s"  # the real recording's call

CHAT = Case(
    "openinference__test_chat.yaml",
    {"model": M, "messages": ["Why is the sky blue? Answer in one sentence."]},
    base_url=DOT_AI,
    expect_text="blue",
    expect_finish="stop",
)
STREAM = Case(
    "openinference__test_chat_stream.yaml",
    {"model": M, "messages": ["Count from one to five."]},
    stream=True,
    base_url=DOT_AI,
    expect_text="5",
    expect_finish="stop",
)
CONVERSATION = Case(
    "authored__chat_multi_turn_system.yaml",
    {
        "model": M,
        "system": "You are a concise assistant. Answer in one short sentence.",
        "messages": [
            {"role": "user", "content": "What is the capital of France?"},
            {"role": "assistant", "content": "The capital of France is Paris."},
            {"role": "user", "content": "And of Italy?"},
        ],
    },
    expect_text="Rome",
    expect_finish="stop",
)
TOOL_CALL = Case(
    "openinference__test_chat_with_tool_call.yaml",
    {"model": M, "messages": [WEATHER_Q], "tools": [WEATHER]},
    base_url=DOT_AI,
    expect_tool="get_current_weather",
    expect_finish="tool_calls",
)
TOOL_CALL_STREAM = Case(
    "authored__tool_call_stream.yaml",
    {"model": M, "messages": [WEATHER_Q], "tools": [WEATHER]},
    stream=True,
    expect_tool="get_current_weather",
    expect_finish="tool_calls",
)
ROUND_TRIP = Case(
    "authored__tool_round_trip.yaml",
    {
        "model": M,
        "tools": [WEATHER],
        "messages": [
            {"role": "user", "content": WEATHER_Q},
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
    expect_finish="stop",
)
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
STRUCTURED = Case(
    "authored__structured_json_schema.yaml",
    {
        "model": M,
        "messages": ["Give me facts about Japan as JSON."],
        "response_format": {"type": "json_schema", "name": "country", "schema": COUNTRY, "strict": True},
    },
    expect_text="Tokyo",
)
REASONING = Case(
    "authored__reasoning_stream.yaml",
    {"model": "moonshotai/Kimi-K2.5", "messages": ["Which number is bigger, 9.11 or 9.9?"]},
    stream=True,
    expect_text="9.9 is bigger",
    expect_finish="stop",
)
# The real 401 (Mirascope's TypeScript e2e test, Polly.JS HAR): the OpenAI JS client sent max_completion_tokens.
AUTH = ErrorCase(
    "mirascope__makes-successful-api-call.yaml",
    {"model": M, "messages": ["What is 4200 + 42?"], "max_tokens": 100},
    error=E.AuthenticationError,
    status_code=401,
)
HELLO = {"model": M, "messages": ["Hello"], "max_tokens": 16}
ERRORS = {
    "auth": AUTH,
    "not_found": ErrorCase(
        "authored__model_not_available_404.yaml",
        {**HELLO, "model": "bad model"},
        error=E.NotFoundError,
        status_code=404,
    ),
    "rate_limit": ErrorCase(
        "authored__dynamic_request_limited_429.yaml",
        HELLO,
        error=E.RateLimitError,
        status_code=429,
        expect_retry_after=True,
    ),
    "context_length": ErrorCase(
        "authored__context_length_403.yaml",
        {"model": M, "messages": ["Summarize this document: ..."], "max_tokens": 131072},
        error=E.ContextWindowExceededError,
        status_code=403,
    ),
    "server": ErrorCase("authored__engine_overloaded_503.yaml", HELLO, error=E.ProviderServerError, status_code=503),
}


def validate(request: Any) -> None:
    """Every body we send must satisfy Together's official OpenAPI schema."""
    load_spec(SPEC).validate_request(request)


def make(client: Any, case: Case) -> TogetherProvider:
    return TogetherProvider(
        ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, http_client=client, options=dict(case.options))
    )


def replay(case: Case) -> CaseResult:
    """Run one case through the real provider and vcrpy; errors are returned, not raised."""
    return asyncio.run(run_case(case, make, CASSETTES, validate))


#: the image of Together's Llama 4 quickstart
YOSEMITE = "https://huggingface.co/datasets/patrickvonplaten/random_img/resolve/main/yosemite.png"
VISION = Case(  # authored from the Llama 4 quickstart (no recording with an image exists)
    "authored__vision_image_url.yaml",
    {
        "model": "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What can you see in this image?"},
                    {"type": "image", "url": YOSEMITE},
                ],
            }
        ],
    },
    expect_text="Yosemite",
    expect_finish="stop",
)
