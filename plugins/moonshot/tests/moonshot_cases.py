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
from llmcore_testing import scenarios as sc
from llmcore_testing.conformance import CaseResult
from llmcore_testing.openapi import load_spec, shared_dir
from llmcore_testing.scenarios import authored_scenarios

CASSETTES = Path(__file__).parent / "cassettes"
SPEC = shared_dir() / "api-specs" / "moonshot" / "openapi.yaml"
M = "kimi-k2.6"
CALL_ID = "get_current_weather:0"  # Kimi's `<name>:<n>` call-id style
#: the kit's standard conversations (``llmcore_testing.scenarios``); the authored cassettes answer exactly these
S = authored_scenarios(M, call_id=CALL_ID, reasoning_model=M)
WEATHER, WQ = sc.WEATHER_TOOL, sc.WEATHER_QUESTION  # the tests build their own tool requests from these

CHAT = S.chat
STREAM = S.stream
MULTI_TURN = S.multi_turn
TOOL_CALL = S.tool_call
TOOL_CALL_STREAM = S.tool_call_stream
ROUND_TRIP = S.round_trip
STRUCTURED = S.structured
REASONING = S.reasoning
REASONING_STREAM = S.reasoning_stream
COUNT = Case("authored__estimate_token_count.yaml", {"model": M, "messages": [sc.QUESTION]})
HELLO = S.hello
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
