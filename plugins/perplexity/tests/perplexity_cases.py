"""Requests and endpoints of the Perplexity recordings (see cassettes/SOURCES.md), and a
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

BASIC = "ruby_llm__chat_basic_chat_functionality_perplexity_sonar_can_have_a_basic_conversation.yaml"
CITATIONS = "ruby_llm__chat_citations_with_perplexity_sonar_returns_search_result_citations.yaml"
STREAM = "ruby_llm__chat_streaming_responses_perplexity_sonar_supports_streaming_responses.yaml"
EMBED_ONE = (
    "ruby_llm__embedding_perplexity_int8_embeddings_perplexity_pplx-embed-v1-0_6b_decodes_a_single_text_into_"
    "int8_vectors.yaml"
)
EMBED_DIMS = (
    "ruby_llm__embedding_perplexity_int8_embeddings_perplexity_pplx-embed-v1-0_6b_handles_multiple_texts_with_"
    "custom_dimensions.yaml"
)
THINKING = "ruby_llm__chat_with_extended_thinking_perplexity_sonar-reasoning-pro_returns_thinking_when_available.yaml"


def recorded_response(cassette: str, interaction: int = 0) -> Any:
    """The recorded response body (JSON, or the raw SSE text)."""
    data = deserialize((CASSETTES / cassette).read_text(encoding="utf-8"))
    text = data["interactions"][interaction]["response"]["body"]["string"]
    return text if text.startswith("data:") else json.loads(text)


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
    """Run ``request`` through the perplexity provider against ``cassette``; returns
    ``(response or raised error, sent httpx requests)``."""
    req = request if isinstance(request, ChatRequest) else ChatRequest(**request)

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(CASSETTES).use_cassette(cassette, allow_playback_repeats=not interaction) as cass:
            for i in range(interaction):
                cass.play_counts[i] = 1
            async with client:
                spec = get_registry().get("perplexity")
                assert spec is not None
                p = load_provider(spec, api_key=api_key, base_url=base_url, http_client=client, options=options)
                try:
                    if stream:
                        acc = StreamAccumulator()
                        async for ev in p.stream_chat(req):
                            acc.add(ev)
                        return acc.response("perplexity"), sent
                    return await p.chat(req), sent
                except Exception as e:  # errors are results here
                    return e, sent

    return asyncio.run(go())
