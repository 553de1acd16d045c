"""The scenarios the Replicate tests replay (see ``cassettes/SOURCES.md``):
real recordings from replicate-python where they fit, authored cassettes for
the rest, and hybrids whose first interaction is a real recording."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_replicate.provider import ReplicateProvider
from llmcore_testing import TEST_API_KEY, Case, ErrorCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case

CASSETTES = Path(__file__).parent / "cassettes"
FAST = {"poll_interval": 0.01, "max_poll_interval": 0.05}
L3 = "meta/meta-llama-3-8b-instruct"
LLAMA2_VERSION = "meta/llama-2-70b-chat:02e509c789964a7ea8736978a43525956ef40397be9033abf9fd2badfe68c9e3"

HAIKU = {"model": L3, "messages": ["Please write a haiku about llamas"]}
CAMELIDS = {"model": LLAMA2_VERSION, "messages": ["write a sonnet about camelids"]}

# Real create (Prefer: wait → still processing) + authored poll.
CHAT = Case("authored__chat_haiku_poll.yaml", HAIKU, options=FAST, expect_text="Fuzzy", expect_finish="stop")
# Real create (version, stream: true) + authored SSE stream and final GET.
STREAM = Case("authored__stream_camelids.yaml", CAMELIDS, stream=True, options=FAST, expect_text="llama")
CHAT_CAMELIDS = Case("authored__chat_camelids.yaml", CAMELIDS, options=FAST, expect_text="llama")
SYSTEM_PROMPT = Case(
    "authored__chat_system_prompt.yaml",
    {
        "model": L3,
        "system": "You are a helpful assistant",
        "messages": ["Tell me a joke"],
        "max_tokens": 64,
        "temperature": 0.5,
    },
    options=FAST,
)
MULTI_TURN = Case(
    "authored__chat_multi_turn.yaml",
    {
        "model": L3,
        "max_tokens": 32,
        "messages": [
            {"role": "user", "content": "My name is Ada."},
            {"role": "assistant", "content": "Nice to meet you, Ada! How can I help you today?"},
            {"role": "user", "content": "What is my name?"},
        ],
    },
    options=FAST,
    expect_text="Ada",
)

HELLO = {"model": L3, "messages": ["Hello"]}
ERRORS = {
    # real: replicate-python's run with an invalid token (our body adds a prompt; vcrpy matches method + path)
    "auth": ErrorCase(
        "replicate-python__run__invalid-token.yaml",
        {"model": "73001d654114dad81ec65da3b834e2f691af1e1526453189b7bf36fb3f32d0f9", "messages": ["Hello"]},
        error=E.AuthenticationError,
        status_code=401,
    ),
    "not_found": ErrorCase(
        "authored__model_not_found_404.yaml",
        {**HELLO, "model": "meta/meta-llama-9-instruct"},
        error=E.NotFoundError,
        status_code=404,
    ),
    "rate_limit": ErrorCase(
        "authored__rate_limit_429.yaml", HELLO, error=E.RateLimitError, status_code=429, expect_retry_after=True
    ),
    "context_length": ErrorCase(
        "authored__context_length_failed.yaml",
        {"model": L3, "messages": ["Summarize this document: ..."], "max_tokens": 1000},
        error=E.ContextWindowExceededError,
        status_code=None,
    ),
    "server": ErrorCase(
        "authored__prediction_interrupted_failed.yaml", HELLO, error=E.ProviderServerError, status_code=None
    ),
}


REC = Recordings(CASSETTES)
interactions = REC.interactions


def provider(client: Any, *, timeout: float | None = None, **options: Any) -> ReplicateProvider:
    return ReplicateProvider(
        ProviderConfig(api_key=TEST_API_KEY, http_client=client, timeout=timeout, options={**FAST, **options})
    )


def replay(
    cassette: str,
    request: ChatRequest | dict[str, Any],
    *,
    stream: bool = False,
    timeout: float | None = None,
    **options: Any,
) -> tuple[Any, list[Any]]:
    """Run ``request`` against ``cassette`` (each interaction played once: polls hit the same
    path); returns (response or typed error, sent requests)."""
    res = asyncio.run(
        run_case(
            Case(cassette, request, stream=stream),
            lambda client, _: provider(client, timeout=timeout, **options),
            CASSETTES,
            repeats=False,
        )
    )
    return res.outcome(), res.sent


def body(request: Any) -> Any:
    return json.loads(request.content) if request.content else None
