"""The scenarios the Cloudflare tests replay: one :class:`Case` per authored
cassette (see ``cassettes/SOURCES.md``), each with the ChatRequest that
produces exactly the request the cassette holds."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_cloudflare.provider import CloudflareProvider
from llmcore_testing import TEST_API_KEY, Case, EmbeddingCase, ErrorCase, RerankCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case

CASSETTES = Path(__file__).parent / "cassettes"
#: the example account id of the Cloudflare API reference, used by every cassette
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
OPTIONS = {"account_id": ACCOUNT}
LLAMA = "@cf/meta/llama-3.1-8b-instruct"
HERMES = "@hf/nousresearch/hermes-2-pro-mistral-7b"

WEATHER_TOOL = {
    "name": "getWeather",
    "description": "Return the weather for a latitude and longitude",
    "parameters": {
        "type": "object",
        "properties": {
            "latitude": {"type": "string", "description": "The latitude for the given location"},
            "longitude": {"type": "string", "description": "The longitude for the given location"},
        },
        "required": ["latitude", "longitude"],
    },
}
QUESTION = "what is the weather in london?"
CALL_ID = "call_8f2a7c0e41d94b6b9d1e3c55"
ROUND_TRIP_MESSAGES = [
    {"role": "user", "content": QUESTION},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": CALL_ID,
                "type": "function",
                "function": {"name": "getWeather", "arguments": '{"latitude":"51.5074","longitude":"-0.1278"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": CALL_ID, "content": '{"temperature":"14C","conditions":"light rain"}'},
]


def case(cassette: str, request: dict[str, Any], **kw: Any) -> Case:
    return Case(cassette, request, options=dict(OPTIONS), **kw)


def error_case(cassette: str, request: dict[str, Any], **kw: Any) -> ErrorCase:
    return ErrorCase(cassette, request, options=dict(OPTIONS), **kw)


HELLO = {"model": LLAMA, "messages": ["Where did the phrase Hello World come from"]}
NEW_YORK = {"model": LLAMA, "messages": ["where is new york?"]}

CHAT = case("authored__chat_hello_world.yaml", HELLO, expect_text="Kernighan", expect_finish="stop")
CHAT_NEW_YORK = case("authored__chat_new_york.yaml", NEW_YORK, expect_text="New York", expect_finish="stop")
STREAM = case("authored__stream_new_york.yaml", NEW_YORK, stream=True, expect_text="New York", expect_finish="stop")
SYSTEM_PROMPT = case(
    "authored__chat_system_prompt.yaml",
    {"model": LLAMA, "system": "You are a friendly assistant", "messages": ["Why is pizza so good"]},
)
MULTI_TURN = case(
    "authored__chat_multi_turn.yaml",
    {
        "model": LLAMA,
        "max_tokens": 64,
        "messages": [
            {"role": "user", "content": "My name is Ada."},
            {"role": "assistant", "content": "Nice to meet you, Ada! How can I help you today?"},
            {"role": "user", "content": "What is my name?"},
        ],
    },
    expect_text="Ada",
)
TOOL_REQUEST = {"model": HERMES, "messages": [QUESTION], "tools": [WEATHER_TOOL]}
TOOL_CALL = case("authored__tool_call.yaml", TOOL_REQUEST, expect_tool="getWeather", expect_finish="tool_calls")
# Streaming with tools is a non-streamed call replayed as events: same recording.
TOOL_CALL_STREAM = case(
    "authored__tool_call.yaml", TOOL_REQUEST, stream=True, expect_tool="getWeather", expect_finish="tool_calls"
)
ROUND_TRIP_REQUEST = {"model": HERMES, "messages": ROUND_TRIP_MESSAGES, "tools": [WEATHER_TOOL]}
TOOL_ROUND_TRIP = case("authored__tool_round_trip.yaml", ROUND_TRIP_REQUEST, expect_text="London")
TOOL_ROUND_TRIP_STREAM = case("authored__tool_round_trip.yaml", ROUND_TRIP_REQUEST, stream=True, expect_text="London")

SIMPLE = {"model": LLAMA, "messages": ["Hello"]}
ERRORS = {
    "auth": error_case("authored__auth_error_401.yaml", SIMPLE, error=E.AuthenticationError, status_code=401),
    "not_found": error_case(
        "authored__no_such_model_400.yaml",
        {**SIMPLE, "model": "@cf/meta/llama-9-instruct"},
        error=E.NotFoundError,
        status_code=400,
    ),
    "invalid_model_id": error_case(
        "authored__invalid_model_id_404.yaml",
        {**SIMPLE, "model": "cf/meta/llama-3.1-8b-instruct"},
        error=E.NotFoundError,
        status_code=404,
    ),
    "rate_limit": error_case("authored__account_limited_429.yaml", SIMPLE, error=E.RateLimitError, status_code=429),
    "context_length": error_case(
        "authored__context_length_400.yaml",
        {
            "model": "@cf/google/gemma-4-26b-a4b-it",
            "max_tokens": 16000,
            "messages": ["Summarize the attached document."],
        },
        error=E.ContextWindowExceededError,
        status_code=400,
    ),
    "server": error_case("authored__server_error_500.yaml", SIMPLE, error=E.ProviderServerError, status_code=500),
    "success_false_200": error_case(
        "authored__out_of_capacity_200.yaml", SIMPLE, error=E.RateLimitError, status_code=None
    ),
}


#: the bge-base curl example's three texts, on bge-small (authored: every number of the vectors is invented)
STORIES = [
    "This is a story about an orange cloud",
    "This is a story about a llama",
    "This is a story about a hugging emoji",
]
EMBED = EmbeddingCase(
    "authored__embed_bge_small_stories.yaml",
    "@cf/baai/bge-small-en-v1.5",
    STORIES,
    options=OPTIONS,
    expect_dimensions=384,
    expect_usage=False,
)
#: the reranker page's curl example (authored: the scores are invented)
RERANK = RerankCase(
    "authored__rerank_bge_reranker_base.yaml",
    "@cf/baai/bge-reranker-base",
    "Which one is better?",
    ["a cyberpunk lizzard", "a cyberpunk cat"],
    options=OPTIONS,
)

REC = Recordings(CASSETTES)


def recorded_request(cassette: str, interaction: int = 0) -> dict[str, Any]:
    return REC.interaction(cassette, interaction)["request"]


def provider(client: Any, **options: Any) -> CloudflareProvider:
    return CloudflareProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client, options={**OPTIONS, **options}))


def replay(cassette: str, request: ChatRequest | dict[str, Any], *, stream: bool = False) -> tuple[Any, list[Any]]:
    """Run ``request`` against ``cassette``; returns (response or error, sent requests)."""
    res = asyncio.run(run_case(Case(cassette, request, stream=stream), lambda client, _: provider(client), CASSETTES))
    return res.outcome(), res.sent


def sent_json(sent: list[Any], i: int = 0) -> Any:
    return json.loads(sent[i].content)
