"""Requests and endpoints of the xAI recordings (see cassettes/SOURCES.md), and a
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

RESPONSES = {"api": "responses"}
GROK = "grok-4.3"
BERLIN = "What's the weather in Berlin? (52.5200, 13.4050)"
TOOLS = "ruby_llm__chat_function_calling_xai_grok-4-1-fast-non-reasoning_can_use_tools.yaml"
PARALLEL = "ruby_llm__chat_function_calling_xai_grok-4-1-fast-non-reasoning_can_use_parallel_tool_calls.yaml"


def responses_tools(cassette: str) -> list[dict[str, Any]]:
    """The recorded Responses request's function tools as llmcore tool definitions."""
    return [
        {"name": t["name"], "description": t["description"], "parameters": t["parameters"]}
        for t in recorded_request(cassette)["tools"]
    ]


def responses_history(cassette: str, interaction: int) -> list[dict[str, Any]]:
    """The recorded Responses ``input`` of a tool round trip as llmcore messages: the
    reasoning item (summary + encrypted content) becomes a reasoning part of the assistant turn."""
    out: list[dict[str, Any]] = []
    assistant: list[dict[str, Any]] = []
    for item in recorded_request(cassette, interaction)["input"]:
        kind = item.get("type")
        if kind == "reasoning":
            text = "".join(s["text"] for s in item.get("summary", []))
            assistant.append(
                {
                    "type": "reasoning",
                    "text": text,
                    "provider": "xai",
                    "data": {"id": item.get("id", "rs_recorded"), "encrypted_content": item["encrypted_content"]},
                }
            )
        elif kind == "function_call":
            assistant.append(
                {
                    "type": "tool_call",
                    "id": item["call_id"],
                    "name": item["name"],
                    "arguments": json.loads(item["arguments"]),
                    "raw_arguments": item["arguments"],
                }
            )
        elif kind == "function_call_output":
            if assistant:
                out.append({"role": "assistant", "content": assistant})
                assistant = []
            out.append({"role": "tool", "tool_call_id": item["call_id"], "content": item["output"]})
        else:
            out.append({"role": item["role"], "content": item["content"]})
    return out


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
    """Run ``request`` through the xai provider against ``cassette``; returns
    ``(response or raised error, sent httpx requests)``."""
    req = request if isinstance(request, ChatRequest) else ChatRequest(**request)

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(CASSETTES).use_cassette(cassette, allow_playback_repeats=not interaction) as cass:
            for i in range(interaction):
                cass.play_counts[i] = 1
            async with client:
                spec = get_registry().get("xai")
                assert spec is not None
                p = load_provider(spec, api_key=api_key, base_url=base_url, http_client=client, options=options)
                try:
                    if stream:
                        acc = StreamAccumulator()
                        async for ev in p.stream_chat(req):
                            acc.add(ev)
                        return acc.response("xai"), sent
                    return await p.chat(req), sent
                except Exception as e:  # errors are results here
                    return e, sent

    return asyncio.run(go())
