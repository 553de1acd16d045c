"""The Vertex AI recordings as kit cases (see cassettes/SOURCES.md), and replay helpers.

Two sets of recordings, two URL shapes, both reproduced exactly through options:

* ruby_llm's URLs keep its placeholders ``projects/<GOOGLE_CLOUD_PROJECT>/locations/<GOOGLE_CLOUD_LOCATION>``
  on host ``aiplatform.googleapis.com`` with API version ``v1beta1``: we pass those
  placeholders as project and location, ``api_version="v1beta1"`` and the host as
  ``base_url`` (the placeholder location would otherwise select a regional host).
  Their first interaction is ruby_llm's OAuth2 token exchange; cases replay the
  Vertex call at index 1 with an injected token, and ``test_vertexai.py`` replays
  the exchange itself through google-auth.
* pydantic-ai's are ``v1beta1/projects/pydantic-ai/locations/global`` (our URL
  builder picks ``aiplatform.googleapis.com`` for ``global`` by itself).

Authored cassettes use ``v1`` (our default) and project ``llmcore-test``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from llmcore.errors import (
    AuthenticationError,
    ContextWindowExceededError,
    NotFoundError,
    ProviderServerError,
    RateLimitError,
)
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest, ChatResponse, Message, ReasoningPart, ToolCallPart, ToolResultPart
from llmcore_testing import Case, ErrorCase
from llmcore_testing.cassettes import Recordings, replay_from
from llmcore_testing.conformance import run_case

CASSETTES = Path(__file__).parent / "cassettes"
#: the injected OAuth2 access token (long enough to be registered for redaction)
TEST_TOKEN = "vertex-test-access-token-do-not-leak"

RUBY = {"project": "<GOOGLE_CLOUD_PROJECT>", "location": "<GOOGLE_CLOUD_LOCATION>", "api_version": "v1beta1"}
RUBY_ROOT = "https://aiplatform.googleapis.com"
PYD = {"project": "pydantic-ai", "location": "global", "api_version": "v1beta1"}
AUTHORED = {"project": "llmcore-test", "location": "us-central1"}
AUTHORED_GLOBAL = {"project": "llmcore-test", "location": "global"}
CLAUDE = {"project": "llmcore-test", "location": "us-east5"}


REC = Recordings(CASSETTES)
recorded = REC.interaction


def recorded_body(cassette: str, interaction: int = 0, side: str = "request") -> Any:
    return REC.request_body(cassette, interaction) if side == "request" else REC.response_body(cassette, interaction)


# -- cassette names ----------------------------------------------------------------

_R = "ruby_llm__chat_"
BASIC = _R + "basic_chat_functionality_vertexai_gemini-2_5-flash_can_have_a_basic_conversation.yaml"
STREAMING = _R + "streaming_responses_vertexai_gemini-2_5-flash_supports_streaming_responses.yaml"
TOOLS = _R + "function_calling_vertexai_gemini-2_5-flash_can_use_tools.yaml"
PARALLEL = _R + "function_calling_vertexai_gemini-2_5-flash_can_use_parallel_tool_calls.yaml"
SCHEMA = (
    _R + "with_schema_with_vertexai_gemini-3-flash-preview_accepts_a_json_schema_and_returns_structured_output.yaml"
)
COUNT = _R + "count_tokens_with_vertexai_gemini-2_5-flash_counts_a_staged_message.yaml"
CONTEXT = _R + "real_error_scenarios_vertexai_gemini-2_5-flash_handles_context_length_exceeded_errors.yaml"
STREAM_ERROR_TOKEN_ONLY = (
    _R + "error_handling_with_vertexai_gemini-2_5-flash_faraday_version_2_vertexai_gemini-2_5-flash_"
    "supports_handling_streaming_error_events.yaml"
)
PYD_PROVIDER = "pydantic-ai__test_google_model_vertex_provider.yaml"
PYD_LOGPROBS = "pydantic-ai__test_google_vertex_logprobs.yaml"
PYD_FLEX = "pydantic-ai__test_google_vertex_service_tier_flex_stream.yaml"
PYD_COUNT_TOOLS = "pydantic-ai__test_google_vertexai_count_tokens_forwards_native_tools.yaml"
PYD_COUNT_POST = "pydantic-ai__test_google_vertexai_model_usage_limit_exceeded.yaml"
AUTH_401 = "authored__unauthenticated_401.yaml"
NOT_FOUND_404 = "authored__not_found_404.yaml"
RATE_429 = "authored__resource_exhausted_429.yaml"
SERVER_500 = "authored__server_error_500.yaml"
STREAM_TOOL = "authored__stream_tool_call.yaml"
CLAUDE_CHAT = "authored__claude_rawpredict.yaml"
CLAUDE_STREAM = "authored__claude_streamrawpredict.yaml"
CLAUDE_COUNT = "authored__claude_count_tokens.yaml"
CLAUDE_529 = "authored__claude_overloaded_529.yaml"

# -- requests ----------------------------------------------------------------------

WEATHER = {
    "name": "weather",
    "description": "Gets current weather for a location",
    "parameters": {
        "type": "object",
        "required": ["latitude", "longitude"],
        "properties": {
            "latitude": {"type": "string", "description": "Latitude (e.g., 52.5200)"},
            "longitude": {"type": "string", "description": "Longitude (e.g., 13.4050)"},
        },
    },
}
BEST_LANGUAGE = {
    "name": "best_language_to_learn",
    "description": "Gets the best language to learn",
    "parameters": {"type": "object", "properties": {}, "required": []},
}
BERLIN = "What's the weather in Berlin? (52.5200, 13.4050)"
WEATHER_RESULT = "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h"
_TOOLS_RESPONSE = recorded_body(TOOLS, 1, "response")
_TOOLS_SIG = _TOOLS_RESPONSE["candidates"][0]["content"]["parts"][0]["thoughtSignature"]


def ruby(cassette: str, request: Any, **kw: Any) -> Case:
    """A ruby_llm case: interaction 1 (after the token exchange), ruby_llm's URL."""
    return Case(cassette, request, interaction=kw.pop("interaction", 1), options=dict(RUBY), base_url=RUBY_ROOT, **kw)


CHAT = ruby(BASIC, {"model": "gemini-2.5-flash", "messages": ["What's 2 + 2?"]}, expect_text="4", expect_finish="stop")
STREAM = ruby(
    STREAMING,
    {"model": "gemini-2.5-flash", "messages": ["Count from 1 to 3"]},
    stream=True,
    expect_text="1, 2, 3",
    expect_finish="stop",
)
SYSTEM_PROMPT = Case(
    PYD_PROVIDER,
    {
        "model": "gemini-2.0-flash",
        "system": "You are a helpful chatbot.",
        "messages": ["What is the capital of France?"],
    },
    options=dict(PYD),
    expect_text="Paris",
)
TOOL_CALL = ruby(
    TOOLS,
    {"model": "gemini-2.5-flash", "messages": [BERLIN], "tools": [WEATHER]},
    expect_tool="weather",
    expect_finish="tool_calls",
)
TOOL_CALL_STREAM = Case(
    STREAM_TOOL,
    {"model": "gemini-2.5-flash", "messages": [BERLIN], "tools": [WEATHER]},
    stream=True,
    options=dict(AUTHORED_GLOBAL),
    expect_tool="weather",
    expect_finish="tool_calls",
)
TOOL_ROUND_TRIP = ruby(
    TOOLS,
    ChatRequest(
        model="gemini-2.5-flash",
        tools=[WEATHER],
        messages=[
            Message(role="user", content=BERLIN),
            Message(
                role="assistant",
                content=[
                    ToolCallPart(
                        id="call_1", name="weather", arguments={"longitude": "13.4050", "latitude": "52.5200"}
                    ),
                    ReasoningPart(
                        signature=_TOOLS_SIG, provider="vertexai", data={"thought_signature_on": "previous_part"}
                    ),
                ],
            ),
            Message(role="tool", content=[ToolResultPart(tool_call_id="call_1", content=WEATHER_RESULT)]),
        ],
    ),
    interaction=2,
    expect_text="15",
    expect_finish="stop",
)
STRUCTURED = ruby(
    SCHEMA,
    {
        "model": "gemini-3-flash-preview",
        "messages": ["Generate a person named John who is 30 years old"],
        "response_format": {
            "type": "json_schema",
            "name": "person",
            "schema": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                "required": ["name", "age"],
                "additionalProperties": False,
            },
        },
    },
)
# Vertex's only reasoning artefact on record: the thought signature Gemini 3 puts on its text
# (no thought summaries were requested). Thought-summary parsing is the shared codec's and is
# proven on the Gemini API recordings of llmcore-gemini.
REASONING = Case(
    PYD_FLEX,
    {
        "model": "gemini-3-flash-preview",
        "messages": ["Reply with exactly: OK"],
        "provider_options": {"vertexai": {"response_modalities": ["TEXT"]}},
    },
    stream=True,
    options=dict(PYD),
    expect_text="OK",
)
COUNT_TOKENS = ruby(COUNT, {"model": "gemini-2.5-flash", "messages": ["What is the capital of France?"]})
#: the Cloud Storage image of Vertex AI's "Using multimodal prompt" sample
SCONES = "gs://cloud-samples-data/generative-ai/image/scones.jpg"
VISION = Case(  # authored from that documented sample (no recording with an image exists)
    "authored__vision_file_data.yaml",
    {
        "model": "gemini-2.5-flash",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is shown in this image?"},
                    {"type": "image", "url": SCONES, "media_type": "image/jpeg"},
                ],
            }
        ],
    },
    options=dict(AUTHORED),
    expect_text="blueberry scones",
    expect_finish="stop",
)

_HELLO = {"model": "gemini-2.5-flash", "messages": ["Hello"]}
ERRORS: dict[str, ErrorCase] = {
    "auth": ErrorCase(AUTH_401, _HELLO, options=dict(AUTHORED), error=AuthenticationError, status_code=401),
    "not_found": ErrorCase(
        NOT_FOUND_404,
        {"model": "gemini-9-flash", "messages": ["Hello"]},
        options=dict(AUTHORED),
        error=NotFoundError,
        status_code=404,
    ),
    "rate_limit": ErrorCase(RATE_429, _HELLO, options=dict(AUTHORED), error=RateLimitError, status_code=429),
    "context_length": ErrorCase(
        CONTEXT,
        {"model": "gemini-2.5-flash", "messages": ["Hi"]},
        interaction=1,
        options=dict(RUBY),
        base_url=RUBY_ROOT,
        error=ContextWindowExceededError,
        status_code=400,
    ),
    "server": ErrorCase(SERVER_500, _HELLO, options=dict(AUTHORED), error=ProviderServerError, status_code=500),
    "claude_overloaded": ErrorCase(
        CLAUDE_529,
        {"model": "claude-3-opus@20240229", "messages": ["Hello"]},
        options=dict(CLAUDE),
        error=ProviderServerError,
        status_code=529,
    ),
}


# -- replay helpers --------------------------------------------------------------------


def token_credentials(token: str = TEST_TOKEN) -> Any:
    from google.oauth2.credentials import Credentials

    return Credentials(token=token)


def make_provider(client: Any, options: dict[str, Any], base_url: str | None = None) -> Any:
    from llmcore_vertexai.provider import VertexAIProvider

    opts = {"credentials": token_credentials(), **options}
    return VertexAIProvider(ProviderConfig(http_client=client, base_url=base_url, options=opts))


def use_cassette(cassette: str, interaction: int = 0) -> AbstractContextManager[Any]:
    return replay_from(CASSETTES, cassette, interaction)


def replay(
    case: Case, request: ChatRequest | dict[str, Any] | None = None, **options: Any
) -> tuple[ChatResponse, list[Any], Any]:
    """``(response, events, sent requests)`` of ``case`` (optionally with another request);
    an error the provider raises propagates."""
    case = dataclasses.replace(
        case, request=case.request if request is None else request, options={**case.options, **options}
    )
    res = asyncio.run(run_case(case, lambda client, c: make_provider(client, dict(c.options), c.base_url), CASSETTES))
    if res.error is not None:
        raise res.error
    return res.response, res.events, res.sent  # type: ignore[return-value]
