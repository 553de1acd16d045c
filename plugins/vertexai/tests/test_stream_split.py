"""SSE split tests on the Vertex stream recordings (Gemini and Claude paths): the recorded
bytes served through ``httpx.MockTransport`` in chunks of 1, 2, 3, 7 and 64 bytes and at
random sizes must decode to exactly the events of the whole body."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import vertex_cases as V
from llmcore.events import StreamAccumulator
from llmcore.testing import check_stream_invariants
from llmcore.types import ChatRequest

STREAMS = [
    (V.STREAMING, 1, "gemini-2.5-flash"),
    (V.PYD_FLEX, 0, "gemini-3-flash-preview"),
    (V.STREAM_TOOL, 0, "gemini-2.5-flash"),
    (V.CLAUDE_STREAM, 0, "claude-haiku-4-5@20251001"),
]


def _events(body: bytes, ctype: str, sizes: list[int], model: str) -> list[tuple[str, str]]:
    async def chunks() -> AsyncIterator[bytes]:
        pos, i = 0, 0
        while pos < len(body):
            yield body[pos:pos + sizes[i % len(sizes)]]
            pos += sizes[i % len(sizes)]
            i += 1

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {V.TEST_TOKEN}"
        return httpx.Response(200, headers={"content-type": ctype}, content=chunks())

    async def go() -> list[Any]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            p = V.make_provider(client, {"project": "p", "location": "us-east5"})
            out = [ev async for ev in p.stream_chat(ChatRequest(model=model, messages=["x"]))]
        acc = StreamAccumulator()
        for ev in out:
            acc.add(ev)
        check_stream_invariants(out, acc.response("vertexai"))
        return out

    out = asyncio.run(go())
    return [(e.type, json.dumps({k: getattr(e, k) for k in e.__slots__ if k != "type"}, default=str, sort_keys=True))
            for e in out]


@pytest.mark.parametrize(("cassette", "interaction", "model"), STREAMS)
def test_split_anywhere_gives_the_same_events(cassette: str, interaction: int, model: str) -> None:
    resp = V.recorded(cassette, interaction)["response"]
    ctype = next(v[0] for k, v in resp["headers"].items() if k.lower() == "content-type")
    body = resp["body"]["string"].encode()
    whole = _events(body, ctype, [len(body)], model)
    assert whole[-1][0] == "finish"
    rng = random.Random(11)
    for sizes in ([1], [2], [3], [7], [64], [rng.randint(1, 50) for _ in range(40)]):
        assert _events(body, ctype, sizes, model) == whole
