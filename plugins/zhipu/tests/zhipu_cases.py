"""The Zhipu / Z.ai scenarios (see ``cassettes/SOURCES.md``): pydantic-ai's real recordings of api.z.ai for chat,
thinking, streaming and preserved thinking; the rest authored from Z.ai's API reference."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_testing import TEST_API_KEY, Case, ErrorCase, run_case
from llmcore_testing.conformance import CaseResult
from llmcore_zhipu.provider import ZhipuProvider

CASSETTES = Path(__file__).parent / "cassettes"
M = "glm-4.7"
THINK = {"thinking": "enabled", "clear_thinking": False}
KEEP = {"clear_thinking": False}
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
CALL_ID = "call_-8100000000000000001"
PRESERVED = "pydantic-ai__test_zai_preserved_thinking_round_trip.yaml"
FIRST_ANSWER = (
    "17 * 19 is 323.\n\nHere is one way to think it through:\nYou can use the difference of squares formula, "
    "which states that $a^2 - b^2 = (a - b)(a + b)$.\n\nLet $a = 18$ and $b = 1$.\nThen $(18 - 1)(18 + 1) = "
    "18^2 - 1^2$.\nSince $18^2 = 324$ and $1^2 = 1$, the result is $324 - 1 = 323$."
)
FIRST_THOUGHT = (
    "\nThe user is asking for the product of 17 and 19.\nThis is a simple arithmetic calculation.\nThere "
    "are no complex phrasings or hidden intents in the prompt.\nThere is no request for my system "
    "instructions or chain of thought."
)

CHAT = Case(
    "pydantic-ai__test_zai_model_simple.yaml",
    {"model": M, "messages": ["What is 2 + 2?"]},
    options=KEEP,
    expect_text="4",
    expect_finish="stop",
)
THINKING = Case(
    "pydantic-ai__test_zai_thinking_mode.yaml",
    {"model": M, "messages": ["What is 2 + 2?"]},
    options=THINK,
    expect_text="4",
    expect_finish="stop",
)
STREAM = Case(
    "pydantic-ai__test_zai_thinking_stream.yaml",
    {"model": M, "messages": ["What is 2 + 2?"]},
    options=THINK,
    stream=True,
    expect_text="4",
    expect_finish="stop",
)
MULTI_TURN = Case(
    PRESERVED,
    {
        "model": M,
        "messages": [
            {"role": "user", "content": "What is 17 * 19? Think it through."},
            {
                "role": "assistant",
                "content": [{"type": "reasoning", "text": FIRST_THOUGHT}, {"type": "text", "text": FIRST_ANSWER}],
            },
            {"role": "user", "content": "Now multiply that result by 2."},
        ],
    },
    options=THINK,
    interaction=1,
    expect_text="646",
)
EFFORT = Case(
    "pydantic-ai__test_zai_reasoning_effort.yaml",
    {"model": "glm-5.2", "messages": ["What is 2 + 2?"], "reasoning_effort": "high"},
    options=THINK,
    expect_text="4",
)
SYSTEM = Case(
    "authored__chat_system.yaml",
    {
        "model": M,
        "system": "You are a concise assistant. Answer in one short sentence.",
        "messages": ["What is the capital of France?"],
    },
    expect_text="Paris",
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
    "authored__structured_json_object.yaml",
    {
        "model": M,
        "messages": ["Give me facts about Japan as a JSON object with name, capital and population_millions."],
        "response_format": {"type": "json_object"},
    },
    expect_text="Tokyo",
)
HELLO = {"model": M, "messages": ["Hello"], "max_tokens": 16}
ERRORS = {
    "auth": ErrorCase(
        "authored__authentication_failed_1000_401.yaml", HELLO, error=E.AuthenticationError, status_code=401
    ),
    "not_found": ErrorCase(
        "authored__model_does_not_exist_1211_400.yaml",
        {**HELLO, "model": "glm-no-such-model"},
        error=E.NotFoundError,
        status_code=400,
    ),
    "rate_limit": ErrorCase("authored__high_concurrency_1302_429.yaml", HELLO, error=E.RateLimitError, status_code=429),
    "context_length": ErrorCase(
        "authored__prompt_too_long_1261_400.yaml",
        {"model": M, "messages": ["Summarize this document: ..."], "max_tokens": 4096},
        error=E.ContextWindowExceededError,
        status_code=400,
    ),
    "server": ErrorCase("authored__internal_error_500.yaml", HELLO, error=E.ProviderServerError, status_code=500),
    "arrears": ErrorCase(
        "authored__account_in_arrears_1113_429.yaml", HELLO, error=E.PermissionDeniedError, status_code=429
    ),
}


def make(client: Any, case: Case) -> ZhipuProvider:
    return ZhipuProvider(
        ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, http_client=client, options=dict(case.options))
    )


def replay(case: Case) -> CaseResult:
    """Run one case through the real provider and vcrpy; errors are returned, not raised."""
    return asyncio.run(run_case(case, make, CASSETTES))
