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
from llmcore_testing.scenarios import WEATHER_TOOL, authored_scenarios
from llmcore_zhipu.provider import ZhipuProvider

CASSETTES = Path(__file__).parent / "cassettes"
M = "glm-4.7"
THINK = {"thinking": "enabled", "clear_thinking": False}
KEEP = {"clear_thinking": False}
WEATHER = WEATHER_TOOL  # the tests build their own tool requests from it
CALL_ID = "call_-8100000000000000001"
#: the kit's standard conversations (``llmcore_testing.scenarios``) where the authored cassettes answer them
#: (no authored reasoning cassette: Zhipu's reasoning cases are the recorded ones below)
S = authored_scenarios(M, call_id=CALL_ID, reasoning_model=M)
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
SYSTEM = S.chat
TOOL_CALL = S.tool_call
TOOL_CALL_STREAM = S.tool_call_stream
ROUND_TRIP = S.round_trip
# Z.ai documents only `json_object` (no json_schema): the plugin's own structured case
STRUCTURED = Case(
    "authored__structured_json_object.yaml",
    {
        "model": M,
        "messages": ["Give me facts about Japan as a JSON object with name, capital and population_millions."],
        "response_format": {"type": "json_object"},
    },
    expect_text="Tokyo",
)
HELLO = S.hello
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
