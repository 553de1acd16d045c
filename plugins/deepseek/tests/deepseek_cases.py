"""The DeepSeek recordings' requests (see cassettes/SOURCES.md) and a replay helper
for the provider tests (not a test module)."""

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
DICE = "pydantic-ai__test_deepseek_deferred_capability_with_thinking.yaml"
BERLIN = "ruby_llm__chat_function_calling_deepseek_deepseek-chat_can_use_parallel_tool_calls.yaml"
#: DeepSeek's Responses API with its server-side web search (ruby_llm)
WEB_SEARCH = (
    "ruby_llm__chat_web_search_with_deepseek_deepseek-v4-flash_searches_server-side_and_records_the_search_turns.yaml"
)


def recorded_request(cassette: str, interaction: int = 0) -> Any:
    """The JSON body of a recorded request."""
    data = deserialize((CASSETTES / cassette).read_text(encoding="utf-8"))
    return json.loads(data["interactions"][interaction]["request"]["body"])


def history(cassette: str, interaction: int) -> list[dict[str, Any]]:
    """The recorded messages as llmcore input: an assistant message's
    ``reasoning_content`` becomes a reasoning part (as a ChatResponse's message holds it)."""
    out = []
    for m in recorded_request(cassette, interaction)["messages"]:
        m = dict(m)
        reasoning = m.pop("reasoning_content", None)
        if reasoning:
            parts: list[dict[str, Any]] = [{"type": "reasoning", "text": reasoning, "provider": "deepseek"}]
            if m.get("content"):
                parts.append({"type": "text", "text": m["content"]})
            for tc in m.pop("tool_calls", None) or []:
                parts.append(
                    {
                        "type": "tool_call",
                        "id": tc["id"],
                        "name": tc["function"]["name"],
                        "arguments": json.loads(tc["function"]["arguments"]),
                        "raw_arguments": tc["function"]["arguments"],
                    }
                )
            m["content"] = parts
        out.append(m)
    return out


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


def replay(
    cassette: str, request: dict[str, Any] | ChatRequest, *, stream: bool = False, interaction: int = 0, **options: Any
) -> tuple[Any, list[Any]]:
    """Run ``request`` through the deepseek provider against ``cassette``; returns
    ``(response or raised error, sent httpx requests)``."""
    req = request if isinstance(request, ChatRequest) else ChatRequest(**request)

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(CASSETTES).use_cassette(cassette, allow_playback_repeats=not interaction) as cass:
            for i in range(interaction):
                cass.play_counts[i] = 1
            async with client:
                spec = get_registry().get("deepseek")
                assert spec is not None
                p = load_provider(spec, api_key=TEST_API_KEY, http_client=client, options=options)
                try:
                    if stream:
                        acc = StreamAccumulator()
                        async for ev in p.stream_chat(req):
                            acc.add(ev)
                        return acc.response("deepseek"), sent
                    return await p.chat(req), sent
                except Exception as e:  # errors are results here
                    return e, sent

    return asyncio.run(go())
