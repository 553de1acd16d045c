"""The Novita scenarios (see ``cassettes/SOURCES.md``). No recording of Novita's own API exists in
the collection we draw from, so the conformance cases are authored from Novita' docs; two recordings of
Novita answers relayed by the Hugging Face router are replayed as a labelled extra check."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_novita.provider import NovitaProvider
from llmcore_testing import TEST_API_KEY, Case, ErrorCase, run_case
from llmcore_testing.conformance import CaseResult
from llmcore_testing.scenarios import WEATHER_TOOL, authored_scenarios

CASSETTES = Path(__file__).parent / "cassettes"
M = "meta-llama/llama-3.3-70b-instruct"
CALL_ID = "call_0a0b0c0d0e0f40a1b2c3"
# the standard authored conversations, shared with the other plugins that have no recording
S = authored_scenarios(
    M,
    call_id=CALL_ID,
    reasoning_model="deepseek/deepseek-r1",
    reasoning_cassettes=("authored__reasoning.yaml", "authored__reasoning_stream.yaml"),
)
WEATHER = WEATHER_TOOL
CHAT, STREAM, MULTI_TURN = S.chat, S.stream, S.multi_turn
TOOL_CALL, TOOL_CALL_STREAM, ROUND_TRIP = S.tool_call, S.tool_call_stream, S.round_trip
STRUCTURED, REASONING, REASONING_STREAM = S.structured, S.reasoning, S.reasoning_stream
HELLO = S.hello
ERRORS = {
    "auth": ErrorCase("authored__invalid_api_key_401.yaml", HELLO, error=E.AuthenticationError, status_code=401),
    "not_found": ErrorCase(
        "authored__model_not_found_404.yaml",
        {**HELLO, "model": "no-such/model"},
        error=E.NotFoundError,
        status_code=404,
    ),
    "rate_limit": ErrorCase(
        "authored__rate_limit_exceeded_429.yaml",
        HELLO,
        error=E.RateLimitError,
        status_code=429,
        expect_retry_after=True,
    ),
    "context_length": ErrorCase(
        "authored__context_length_400.yaml",
        {"model": M, "messages": ["Summarize this document: ..."], "max_tokens": 4096},
        error=E.ContextWindowExceededError,
        status_code=400,
    ),
    "server": ErrorCase("authored__model_not_available_500.yaml", HELLO, error=E.ProviderServerError, status_code=500),
}
# Novita answers relayed by the Hugging Face router (huggingface_hub's recordings): not Novita's own API.
ROUTER = "https://router.huggingface.co/novita/v3/openai"
DEEP_LEARNING = {
    "model": "meta-llama/llama-3.1-8b-instruct",
    "system": "You are a helpful assistant.",
    "messages": ["What is deep learning?"],
}
VIA_ROUTER = Case(
    "hf-router__TestInferenceClient.test_chat_completion_no_stream_novita_conversational_.yaml",
    DEEP_LEARNING,
    base_url=ROUTER,
)
VIA_ROUTER_STREAM = Case(
    "hf-router__TestInferenceClient.test_chat_completion_with_stream_novita_conversational_.yaml",
    {**DEEP_LEARNING, "max_tokens": 20},
    stream=True,
    base_url=ROUTER,
)


def make(client: Any, case: Case) -> NovitaProvider:
    return NovitaProvider(
        ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, http_client=client, options=dict(case.options))
    )


def replay(case: Case) -> CaseResult:
    """Run one case through the real provider and vcrpy; errors are returned, not raised."""
    return asyncio.run(run_case(case, make, CASSETTES))
