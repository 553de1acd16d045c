"""The Cerebras scenarios (see ``cassettes/SOURCES.md``): pydantic-ai's real recordings of api.cerebras.ai
where they exist, the rest authored from Cerebras' API reference."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_cerebras.provider import CerebrasProvider
from llmcore_testing import TEST_API_KEY, Case, ErrorCase, run_case
from llmcore_testing.conformance import CaseResult
from llmcore_testing.scenarios import authored_scenarios

CASSETTES = Path(__file__).parent / "cassettes"
M = "llama-3.3-70b"
CALL_ID = "a0b1c2d3e"
REASONING_MODEL = "gpt-oss-120b"
#: the kit's standard conversations (``llmcore_testing.scenarios``) where the authored cassettes answer them
S = authored_scenarios(M, call_id=CALL_ID, reasoning_model=REASONING_MODEL)
LOCATION = {
    "name": "final_result",
    "description": "The final response which ends this conversation",
    "parameters": {
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city", "country"],
        "title": "Location",
        "type": "object",
    },
}
THINKING = "pydantic-ai__test_cerebras_thinking_part_survives_multiturn.yaml"
FIRST_REASONING = 'User asks simple: "What is 2 + 2? Think briefly first." Answer: 4. Probably straightforward.'

CHAT = Case(
    "pydantic-ai__test_cerebras_model_simple.yaml",
    {"model": M, "messages": ["What is 2 + 2?"]},
    expect_text="4",
    expect_finish="stop",
)
STREAM = Case(
    "authored__chat_stream.yaml",
    {"model": M, "messages": ["What is 2 + 2?"]},
    stream=True,
    expect_text="4",
    expect_finish="stop",
)
SYSTEM = S.chat
REASONING = Case(
    THINKING,
    {"model": REASONING_MODEL, "messages": ["What is 2 + 2? Think briefly first."]},
    expect_text="4",
    expect_finish="stop",
)
# the recorded second turn: the first answer goes back with its reasoning (the `reasoning` field)
MULTI_TURN = Case(
    THINKING,
    {
        "model": "gpt-oss-120b",
        "messages": [
            {"role": "user", "content": "What is 2 + 2? Think briefly first."},
            {
                "role": "assistant",
                "content": [{"type": "reasoning", "text": FIRST_REASONING}, {"type": "text", "text": "4."}],
            },
            {"role": "user", "content": "Now add 3 to that."},
        ],
    },
    interaction=1,
    expect_text="7",
)
REASONING_STREAM = S.reasoning_stream
# pydantic-ai's structured-output retry: text first, then (interaction 1) the forced `final_result` call
TOOL_CALL = Case(
    "pydantic-ai__test_openai_model_cerebras_provider_qwen_3_coder.yaml",
    {
        "model": "qwen-3-coder-480b",
        "tools": [LOCATION],
        "tool_choice": "auto",
        "messages": [
            {"role": "user", "content": "What is the capital of France?"},
            {
                "role": "assistant",
                "content": "The capital of France is Paris. If you need more information about Paris or "
                "any other details, feel free to ask!",
            },
            {
                "role": "user",
                "content": "Validation feedback:\nPlain text responses are not permitted, please include your "
                "response in a tool call\n\nFix the errors and try again.",
            },
        ],
    },
    interaction=1,
    expect_tool="final_result",
    expect_finish="tool_calls",
)
TOOL_CALL_AUTHORED = S.tool_call
TOOL_CALL_STREAM = S.tool_call_stream
ROUND_TRIP = S.round_trip
STRUCTURED = S.structured
HELLO = S.hello
ERRORS = {
    "auth": ErrorCase("authored__wrong_api_key_401.yaml", HELLO, error=E.AuthenticationError, status_code=401),
    "not_found": ErrorCase(
        "authored__model_not_found_404.yaml",
        {**HELLO, "model": "no-such-model"},
        error=E.NotFoundError,
        status_code=404,
    ),
    "rate_limit": ErrorCase(
        "authored__request_quota_exceeded_429.yaml",
        HELLO,
        error=E.RateLimitError,
        status_code=429,
        expect_retry_after=True,
    ),
    "context_length": ErrorCase(
        "authored__context_length_exceeded_400.yaml",
        {"model": M, "messages": ["Summarize this document: ..."], "max_tokens": 4096},
        error=E.ContextWindowExceededError,
        status_code=400,
    ),
    "server": ErrorCase("authored__queue_exceeded_503.yaml", HELLO, error=E.ProviderServerError, status_code=503),
}


def make(client: Any, case: Case) -> CerebrasProvider:
    return CerebrasProvider(
        ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, http_client=client, options=dict(case.options))
    )


def replay(case: Case) -> CaseResult:
    """Run one case through the real provider and vcrpy; errors are returned, not raised."""
    return asyncio.run(run_case(case, make, CASSETTES))
