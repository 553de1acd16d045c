"""Requests and endpoints of the Groq recordings (see cassettes/SOURCES.md), and a
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
from llmcore_testing.openapi import load_spec, shared_dir

CASSETTES = Path(__file__).parent / "cassettes"

SPEC_PATH = shared_dir() / "api-specs" / "groq" / "openapi.yaml"
JOKE = "Tell me a joke about opentelemetry"


def validate(request: Any) -> None:
    """Check a sent request body against Groq's OpenAPI spec (parsed once per process)."""
    load_spec(SPEC_PATH).validate_request(request)


def recorded_tools(cassette: str, interaction: int = 0) -> list[dict[str, Any]]:
    """The recorded request's tools as llmcore tool definitions."""
    return [
        {
            "name": t["function"]["name"],
            "description": t["function"].get("description", ""),
            "parameters": t["function"]["parameters"],
        }
        for t in recorded_request(cassette, interaction)["tools"]
    ]


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
    """Run ``request`` through the groq provider against ``cassette``; returns
    ``(response or raised error, sent httpx requests)``; every sent body is
    validated against Groq's spec."""
    req = request if isinstance(request, ChatRequest) else ChatRequest(**request)

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(CASSETTES).use_cassette(cassette, allow_playback_repeats=not interaction) as cass:
            for i in range(interaction):
                cass.play_counts[i] = 1
            async with client:
                spec = get_registry().get("groq")
                assert spec is not None
                p = load_provider(spec, api_key=api_key, base_url=base_url, http_client=client, options=options)
                try:
                    if stream:
                        acc = StreamAccumulator()
                        async for ev in p.stream_chat(req):
                            acc.add(ev)
                        return acc.response("groq"), sent
                    return await p.chat(req), sent
                except Exception as e:  # errors are results here
                    return e, sent
                finally:
                    for r in sent:
                        validate(r)

    return asyncio.run(go())
