"""Requests and endpoints of the Azure recordings (see cassettes/SOURCES.md), and a
replay helper for the provider tests (not a test module)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from llmcore.events import StreamAccumulator
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.types import ChatRequest
from llmcore_testing import TEST_API_KEY, make_vcr, recording_client
from llmcore_testing.cassette_format import deserialize

CASSETTES = Path(__file__).parent / "cassettes"

#: Azure OpenAI resources (deployments API) and an Azure AI Foundry resource, as recorded
TRACELOOP = "https://traceloop-stg.openai.azure.com"
PYDANTIC = "https://pydanticai7521574644.openai.azure.com"
FOUNDRY = "https://rubyllm.services.ai.azure.com"
EXAMPLE = "https://example-resource.openai.azure.com"  # authored cassettes

GROK = "grok-4-1-fast-non-reasoning"
WEATHER = {
    "name": "weather",
    "description": "Gets current weather for a location",
    "parameters": {
        "type": "object",
        "properties": {
            "latitude": {"type": "string", "description": "Latitude (e.g., 52.5200)"},
            "longitude": {"type": "string", "description": "Longitude (e.g., 13.4050)"},
        },
        "required": ["latitude", "longitude"],
        "additionalProperties": False,
        "strict": True,
    },
}
BEST_LANGUAGE = {
    "name": "best_language_to_learn",
    "description": "Gets the best language to learn",
    "parameters": {"type": "object", "properties": {}, "required": [], "additionalProperties": False, "strict": True},
}
GET_WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
BERLIN_Q = "What's the weather in Berlin? (52.5200, 13.4050)"
BERLIN_ARGS = '{"latitude":"52.5200","longitude":"13.4050"}'
PERSON_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}
JOKE = "Tell me a joke about opentelemetry"


def recorded_request(cassette: str, interaction: int = 0) -> Any:
    """The JSON body of a recorded request."""
    data = deserialize((CASSETTES / cassette).read_text(encoding="utf-8"))
    return json.loads(data["interactions"][interaction]["request"]["body"])


def replay(
    cassette: str,
    request: dict[str, Any] | ChatRequest,
    *,
    stream: bool = False,
    interaction: int = 0,
    base_url: str | None = None,
    api_key: str | None = TEST_API_KEY,
    **options: Any,
) -> tuple[Any, list[Any]]:
    """Run ``request`` through the azure provider against ``cassette``; returns
    ``(response or raised error, sent httpx requests)``."""
    req = request if isinstance(request, ChatRequest) else ChatRequest(**request)

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(CASSETTES).use_cassette(cassette, allow_playback_repeats=not interaction) as cass:
            for i in range(interaction):
                cass.play_counts[i] = 1
            async with client:
                spec = get_registry().get("azure")
                assert spec is not None
                p = load_provider(spec, api_key=api_key, base_url=base_url, http_client=client, options=options)
                try:
                    if stream:
                        acc = StreamAccumulator()
                        async for ev in p.stream_chat(req):
                            acc.add(ev)
                        return acc.response("azure"), sent
                    return await p.chat(req), sent
                except Exception as e:  # errors are results here
                    return e, sent

    return asyncio.run(go())
