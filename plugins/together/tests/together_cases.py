"""The Together scenarios (see ``cassettes/SOURCES.md``): real recordings where they exist, the rest
authored from Together's docs and OpenAPI spec; every sent body is checked against that spec."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_testing import TEST_API_KEY, Case, ErrorCase, run_case
from llmcore_testing.conformance import CaseResult
from llmcore_testing.openapi import load_spec, shared_dir
from llmcore_testing.scenarios import SYSTEM, authored_scenarios
from llmcore_together.provider import TogetherProvider

CASSETTES = Path(__file__).parent / "cassettes"
SPEC = shared_dir() / "api-specs" / "together" / "openapi.yaml"
DOT_AI = "https://api.together.ai/v1"  # openinference recorded against api.together.ai
M = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
CALL_ID = "call_3xdm9hr8hghhxh9xjmclmt8s"  # the real recording's call
#: the kit's standard conversations (``llmcore_testing.scenarios``); the authored cassettes answer them
S = authored_scenarios(M, call_id=CALL_ID, reasoning_model="moonshotai/Kimi-K2.5")

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
# the kit's multi-turn conversation with its system prompt, in one authored cassette
CONVERSATION = replace(
    S.multi_turn,
    cassette="authored__chat_multi_turn_system.yaml",
    request={**S.multi_turn.request, "system": SYSTEM},
    expect_finish="stop",
)
# the kit's weather tool call, as openinference recorded it against api.together.ai
TOOL_CALL = replace(S.tool_call, cassette="openinference__test_chat_with_tool_call.yaml", base_url=DOT_AI)
TOOL_CALL_STREAM = S.tool_call_stream
ROUND_TRIP = replace(S.round_trip, expect_finish="stop")
STRUCTURED = S.structured
# only the streamed reasoning case is authored for Together (under the kit's reasoning_stream name)
REASONING = replace(S.reasoning_stream, expect_finish="stop")
# The real 401 (Mirascope's TypeScript e2e test, Polly.JS HAR): the OpenAI JS client sent max_completion_tokens.
AUTH = ErrorCase(
    "mirascope__makes-successful-api-call.yaml",
    {"model": M, "messages": ["What is 4200 + 42?"], "max_tokens": 100},
    error=E.AuthenticationError,
    status_code=401,
)
HELLO = S.hello
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
