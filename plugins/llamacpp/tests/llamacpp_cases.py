"""The requests of the llamacpp conformance runs, shared by the replay tests
(tests/, on the cassettes) and the live end-to-end runs (e2e/, which recorded
those cassettes against a real ``python -m llama_cpp.server`` serving
SmolLM2-135M-Instruct; see cassettes/SOURCES.md).

:func:`cases` builds the kit's cases for one configuration: the model name,
the provider name (whose ``provider_options`` namespace the 5xx case uses) and
where the server is (``base_url``: a live URL, or ``None`` to take each
cassette's own recorded URL when replaying).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore_testing import Case, ErrorCase
from llmcore_testing.cassette_format import deserialize

CASSETTES = Path(__file__).parent / "cassettes"
#: the model name that means "whatever the server has loaded"
SERVER_MODEL = "default"

WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city", "unit"],
    },
}
CITY = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
    "required": ["city", "country"],
}
QUESTION = "Why is the sky blue? Answer in one sentence."
WEATHER_QUESTION = "What is the weather in Paris? Use celsius."
CALL_ID = "call_weather_paris"
CALL_ARGS = '{"city": "Paris", "unit": "celsius"}'
TOOL_RESULT = "18 degrees celsius and sunny"


def recorded_base_url(cassette: str, cassette_dir: Path = CASSETTES) -> str | None:
    """The base URL (``http://127.0.0.1:<port>/v1``) the cassette was recorded against."""
    path = cassette_dir / cassette
    if not path.is_file():
        return None
    from urllib.parse import urlsplit

    uri = urlsplit(deserialize(path.read_text(encoding="utf-8"))["interactions"][0]["request"]["uri"])
    return f"{uri.scheme}://{uri.netloc}/v1"


def _round_trip(model: str) -> dict[str, Any]:
    return {
        "model": model,
        "tools": [WEATHER],
        "tool_choice": "none",
        "max_tokens": 60,
        "temperature": 0,
        "messages": [
            {"role": "user", "content": WEATHER_QUESTION},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_call",
                        "id": CALL_ID,
                        "name": "get_weather",
                        "arguments": json.loads(CALL_ARGS),
                        "raw_arguments": CALL_ARGS,
                    }
                ],
            },
            {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": CALL_ID, "content": TOOL_RESULT}]},
        ],
    }


def cases(
    model: str, provider: str, prefix: str, base_url: str | None = None, stream_usage: bool = False
) -> dict[str, Any]:
    """The kit's cases for one configuration, cassettes named ``<prefix>__<scenario>.yaml``.
    ``stream_usage``: whether this configuration's streams report usage."""

    def case(name: str, request: dict[str, Any], cls: type[Case] = Case, **kw: Any) -> Any:
        cassette = f"{prefix}__{name}.yaml"
        return cls(cassette, request, base_url=base_url or recorded_base_url(cassette), **kw)

    forced = {
        "model": model,
        "messages": [WEATHER_QUESTION],
        "tools": [WEATHER],
        "tool_choice": {"name": "get_weather"},
        "temperature": 0,
    }
    return {
        "chat": case("chat", {"model": model, "messages": [QUESTION], "max_tokens": 60, "temperature": 0}),
        "stream": case(
            "chat_stream",
            {"model": model, "messages": [QUESTION], "max_tokens": 60, "temperature": 0},
            stream=True,
            expect_usage=stream_usage,
        ),
        "system": case(
            "system_prompt",
            {
                "model": model,
                "system": "You are a pirate. Always answer like a pirate.",
                "messages": ["Say hello in five words."],
                "max_tokens": 30,
                "temperature": 0,
            },
        ),
        "multi_turn": case(
            "multi_turn",
            {
                "model": model,
                "max_tokens": 30,
                "temperature": 0,
                "messages": [
                    {"role": "user", "content": "My name is Ada. Remember it."},
                    {"role": "assistant", "content": "Nice to meet you, Ada! I will remember your name."},
                    {"role": "user", "content": "What is my name?"},
                ],
            },
        ),
        "tool_call": case("tool_call", forced, expect_tool="get_weather", expect_finish="tool_calls"),
        "tool_call_stream": case(
            "tool_call_stream",
            forced,
            stream=True,
            expect_tool="get_weather",
            expect_finish="tool_calls",
            expect_usage=stream_usage,
        ),
        "tool_round_trip": case("tool_round_trip", _round_trip(model)),
        "tool_round_trip_stream": case(
            "tool_round_trip_stream", _round_trip(model), stream=True, expect_usage=stream_usage
        ),
        "structured": case(
            "structured_json_schema",
            {
                "model": model,
                "messages": ["Name one city in France and its country, as JSON."],
                "temperature": 0,
                "max_tokens": 60,
                "response_format": {"type": "json_schema", "name": "city", "json_schema": CITY},
            },
        ),
        "count_tokens": case("count_tokens", {"model": model, "messages": [QUESTION]}),
        "errors": {
            "context_length": case(
                "error_context_length",
                {"model": model, "messages": ["sky " * 3000], "max_tokens": 10},
                ErrorCase,
                error=E.ContextWindowExceededError,
                status_code=400,
            ),
            "not_found": case(
                "error_model_not_found",
                {"model": "no-such-model", "messages": ["Hi"]},
                ErrorCase,
                error=E.NotFoundError,
            ),
            "auth": case(
                "error_auth",
                {"model": model, "messages": ["Hi"], "max_tokens": 5},
                ErrorCase,
                error=E.AuthenticationError,
                status_code=401,
            ),
            # the server's own 500: response_format json_schema passed through untouched
            "server": case(
                "error_server_json_schema",
                {
                    "model": model,
                    "messages": ["Hi"],
                    "max_tokens": 5,
                    "provider_options": {
                        provider: {
                            "response_format": {"type": "json_schema", "json_schema": {"name": "city", "schema": CITY}}
                        }
                    },
                },
                ErrorCase,
                error=E.ProviderServerError,
                status_code=500,
            ),
        },
    }
