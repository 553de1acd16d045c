"""The scenarios the Aleph Alpha tests replay (see ``cassettes/SOURCES.md``):
the one real recording (``/complete`` on luminous-base, from openllmetry) and
cassettes authored from the API reference for the rest."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_aleph_alpha.provider import AlephAlphaProvider
from llmcore_testing import TEST_API_KEY, Case, ErrorCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case, run_count_tokens

CASSETTES = Path(__file__).parent / "cassettes"
REAL_COMPLETE = "openllmetry__test_alephalpha_completion.yaml"

# The request openllmetry's test made (the client also sent its defaults for every other field).
JOKE = {
    "model": "luminous-base",
    "messages": ["Tell me a joke about OpenTelemetry."],
    "max_tokens": 1000,
    "temperature": 0.0,
    "top_p": 0.0,
}
CHAT = Case(REAL_COMPLETE, JOKE, expect_text="best joke", expect_finish="length")
COMPLETE_STREAM = Case(REAL_COMPLETE, JOKE, stream=True, expect_text="best joke", expect_finish="length")

TURNS = [
    {
        "role": "user",
        "content": "What is answer to the ultimate question of life, the universe, and everything? Be brief.",
    },
    {"role": "assistant", "content": "42."},
    {"role": "user", "content": "Why was that number chosen?"},
]
GUIDE = {"model": "llama-3.1-70b-instruct", "messages": TURNS}
MULTI_TURN = Case("authored__chat_multi_turn.yaml", GUIDE, expect_text="Douglas Adams", expect_finish="stop")
STREAM = Case(
    "authored__chat_stream_multi_turn.yaml", GUIDE, stream=True, expect_text="Douglas Adams", expect_finish="stop"
)
SYSTEM_PROMPT = Case(
    "authored__chat_system_prompt.yaml",
    {
        "model": "pharia-1-llm-7b-control",
        "system": "You are a helpful assistant that answers in one sentence.",
        "messages": ["What is the capital of Germany?"],
        "max_tokens": 64,
        "temperature": 0.0,
    },
    expect_text="Berlin",
)
COUNT_TOKENS = Case(
    "authored__tokenize.yaml", {"model": "luminous-base", "messages": ["Tell me a joke about OpenTelemetry."]}
)

HELLO = {"model": "luminous-base", "messages": ["Hello"], "max_tokens": 16}
ERRORS = {
    "auth": ErrorCase("authored__unauthenticated_401.yaml", HELLO, error=E.AuthenticationError, status_code=401),
    "not_found": ErrorCase(
        "authored__unknown_model_400.yaml", {**HELLO, "model": "luminous-huge"}, error=E.NotFoundError, status_code=400
    ),
    "rate_limit": ErrorCase("authored__too_many_requests_429.yaml", HELLO, error=E.RateLimitError, status_code=429),
    "context_length": ErrorCase(
        "authored__prompt_too_long_400.yaml",
        {"model": "luminous-base", "messages": ["Summarize: ..."], "max_tokens": 2000},
        error=E.ContextWindowExceededError,
        status_code=400,
    ),
    "server": ErrorCase("authored__queue_full_503.yaml", HELLO, error=E.ProviderServerError, status_code=503),
}


REC = Recordings(CASSETTES)


def recorded_body(cassette: str) -> Any:
    return REC.request_body(cassette)


def replay(
    cassette: str, request: ChatRequest | dict[str, Any], *, stream: bool = False, count: bool = False, **options: Any
) -> tuple[Any, list[Any]]:
    """Run ``request`` against ``cassette``; returns (response, count or typed error; sent requests,
    none after a count_tokens error)."""
    case = Case(cassette, request, stream=stream, options=options)

    def make(client: Any, c: Case) -> AlephAlphaProvider:
        return AlephAlphaProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client, options=dict(c.options)))

    if count:
        try:
            return asyncio.run(run_count_tokens(case, make, CASSETTES))
        except E.LLMCoreError as e:
            return e, []
    res = asyncio.run(run_case(case, make, CASSETTES))
    return res.outcome(), res.sent


def json_body(request: Any) -> Any:
    return json.loads(request.content)
