"""The scenarios the Ollama tests replay: one :class:`Case` per recording, each
with the ChatRequest that reproduces the recorded request (see
``cassettes/SOURCES.md``). Shared by the conformance, stream, differential and
request-spec tests.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from llmcore.provider import ProviderConfig
from llmcore_ollama.provider import OllamaProvider
from llmcore_testing import Case
from llmcore_testing.cassettes import Recordings, replay_from
from llmcore_testing.conformance import CaseResult, run_case
from llmcore_testing.openapi import shared_dir

CASSETTES = Path(__file__).parent / "cassettes"
#: Ollama's official OpenAPI 3.1 spec: sent bodies are checked against it
SPEC = shared_dir() / "api-specs" / "ollama" / "openapi.yaml"
LOCAL = "http://127.0.0.1:11434"  # the host openllmetry and openinference recorded against
LOCALHOST = "http://localhost:11434"  # magentic's, and the authored local ones
CLOUD = "https://ollama.com"


REC = Recordings(CASSETTES)
#: the interactions of a cassette, as stored
recorded_interactions = REC.interactions
#: the recorded request body (parsed JSON) of one interaction
recorded_body = REC.request_body
#: the recorded response body text of one interaction
recorded_response = REC.response_text


# -- file names ------------------------------------------------------------------------

OLL_CHAT = "openllmetry__test_ollama_chat_legacy.yaml"
OLL_STREAM = "openllmetry__test_ollama_streaming_chat_legacy.yaml"
OLL_TOOL_RESULT = "openllmetry__test_ollama_chat_tool_calls_legacy.yaml"
OI_CHAT = "openinference__test_chat.yaml"
OI_TOOL = "openinference__test_chat_with_tool_call.yaml"
OI_404 = "openinference__test_chat_error_records_model_name.yaml"
MAG_STREAM = "magentic__test_litellm_chat_model_complete_ollama_Say_hello!-output_types0-str_.yaml"
MAG_ASTREAM = "magentic__test_litellm_chat_model_acomplete_ollama_Say_hello!-output_types0-str_.yaml"
AUTH_TOOL_STREAM = "authored__tool_call_stream.yaml"
AUTH_STRUCTURED = "authored__structured_output.yaml"
AUTH_401 = "authored__unauthorized_401.yaml"
AUTH_429 = "authored__rate_limit_429.yaml"
AUTH_500 = "authored__server_error_500.yaml"
AUTH_CONTEXT = "authored__context_length_400.yaml"
AUTH_MIDSTREAM = "authored__stream_error_midstream.yaml"


def _tools(cassette: str) -> list[dict[str, Any]]:
    return [t["function"] for t in recorded_body(cassette).get("tools", [])]


JOKE = "Tell me a joke about OpenTelemetry"
CHAT = Case(OLL_CHAT, {"model": "llama3", "messages": [JOKE]}, base_url=LOCAL)
STREAM = Case(OLL_STREAM, {"model": "llama3", "messages": [JOKE]}, stream=True, base_url=LOCAL)
REASONING = Case(
    OI_CHAT,
    {
        "model": "qwen3.6:latest",
        "messages": ["Why is the sky blue? Answer in one sentence."],
        "temperature": 0,
        "seed": 42,
    },
    base_url=LOCAL,
    expect_text="blue",
)
TOOL_CALL = Case(
    OI_TOOL,
    {
        "model": "qwen3.6:latest",
        "messages": ["What is the weather in Paris? Use the get_current_weather tool."],
        "tools": _tools(OI_TOOL),
        "temperature": 0,
        "seed": 42,
    },
    base_url=LOCAL,
    expect_tool="get_current_weather",
    expect_finish="tool_calls",
)
TOOL_CALL_STREAM = Case(
    AUTH_TOOL_STREAM,
    {
        "model": "llama3.2",
        "messages": ["What is the weather today in Paris?"],
        "tools": _tools(AUTH_TOOL_STREAM),
    },
    stream=True,
    base_url=LOCALHOST,
    expect_tool="get_current_weather",
    expect_finish="tool_calls",
)
# The recorded request (ollama-python 0.3) sent an assistant tool call without an id and a tool
# message without one; llmcore needs ids to pair them, so the case gives one (sent as tool_call_id).
TOOL_ROUND_TRIP = Case(
    OLL_TOOL_RESULT,
    {
        "model": "llama3.1",
        "messages": [
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_weather_sf",
                        "type": "function",
                        "function": {"name": "get_current_weather", "arguments": {"location": "San Francisco"}},
                    }
                ],
            },
            {
                "role": "tool",
                "tool_call_id": "call_weather_sf",
                "content": recorded_body(OLL_TOOL_RESULT)["messages"][1]["content"],
            },
        ],
    },
    base_url=LOCAL,
)
STRUCTURED_SCHEMA = recorded_body(AUTH_STRUCTURED)["format"]
STRUCTURED = Case(
    AUTH_STRUCTURED,
    {
        "model": "llama3.1",
        "messages": [recorded_body(AUTH_STRUCTURED)["messages"][0]["content"]],
        "response_format": {"type": "json_schema", "schema": STRUCTURED_SCHEMA},
        "temperature": 0,
    },
    base_url=LOCALHOST,
)
AUTH_VISION = "authored__vision_images.yaml"
#: the base64 PNG of the API reference's images example (read from the authored cassette built from it)
PIG_PNG: str = recorded_body(AUTH_VISION)["messages"][0]["images"][0]
VISION = Case(
    AUTH_VISION,
    {  # authored from the documented "Chat request (with images)" (no recording has one)
        "model": "llava",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "what is in this image?"},
                    {"type": "image", "data": PIG_PNG, "media_type": "image/png"},
                ],
            }
        ],
    },
    base_url=LOCALHOST,
    expect_text="pig",
)  # the documented answer has no done_reason: finish "other"
SAY_HELLO = Case(MAG_STREAM, {"model": "llama3.1", "messages": ["Say hello!"]}, stream=True, base_url=LOCALHOST)
SAY_HELLO_ASYNC = Case(
    MAG_ASTREAM, {"model": "llama3.1", "messages": ["Say hello!"]}, stream=True, base_url=LOCALHOST, interaction=1
)

#: every success scenario, by name (the differential and request-spec tests run them all)
SCENARIOS: dict[str, Case] = {
    "chat": CHAT,
    "stream": STREAM,
    "reasoning": REASONING,
    "tool_call": TOOL_CALL,
    "tool_call_stream": TOOL_CALL_STREAM,
    "tool_round_trip": TOOL_ROUND_TRIP,
    "structured": STRUCTURED,
    "say_hello_stream": SAY_HELLO,
    "say_hello_stream_async": SAY_HELLO_ASYNC,
}


def provider(
    client: Any = None, base_url: str | None = LOCAL, api_key: str | None = None, **options: Any
) -> OllamaProvider:
    """A provider for ``base_url`` using ``client``."""
    return OllamaProvider(ProviderConfig(api_key=api_key, base_url=base_url, http_client=client, options=options))


def replay(case: Case) -> CaseResult:
    """Replay ``case`` through the real provider (as the kit does)."""
    return asyncio.run(run_case(case, lambda client, c: provider(client, c.base_url, **c.options), CASSETTES))


def use_cassette(case: Case) -> AbstractContextManager[Any]:
    """vcrpy replaying ``case``'s cassette from its interaction on."""
    return replay_from(CASSETTES, case.cassette, case.interaction)
