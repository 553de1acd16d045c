"""Differential test: the official ``ollama`` Python client replays the same
cassettes, given the body we sent, and our text, thinking, tool calls (name,
arguments, and the id when Ollama sent one), ``done_reason``, model and usage
equal what it parses."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import ollama_cases as C
import pytest
from llmcore.types import ChatResponse

ollama = pytest.importorskip("ollama")


async def _sdk_chat(case: Any, body: dict[str, Any]) -> dict[str, Any]:
    kwargs = {k: v for k, v in body.items() if k not in ("model", "messages", "stream")}
    with C.use_cassette(case):
        client = ollama.AsyncClient(host=case.base_url)
        if not case.stream:
            parts = [await client.chat(body["model"], body["messages"], stream=False, **kwargs)]
        else:
            parts = [p async for p in await client.chat(body["model"], body["messages"], stream=True, **kwargs)]
    last = parts[-1]
    calls = [c for p in parts for c in p.message.tool_calls or ()]
    return {
        "text": "".join(p.message.content or "" for p in parts),
        "thinking": "".join(p.message.thinking or "" for p in parts),
        "tool_calls": [(c.function.name, dict(c.function.arguments)) for c in calls],
        "ids": [getattr(c, "id", None) for c in calls],
        "done_reason": last.done_reason,
        "model": parts[0].model,
        "usage": (last.prompt_eval_count, last.eval_count),
    }


def _ours(r: ChatResponse, sdk_ids: list[Any]) -> dict[str, Any]:
    return {
        "text": r.text,
        "thinking": r.reasoning,
        "tool_calls": [(c.name, c.arguments) for c in r.tool_calls],
        # ids Ollama sent are kept; where it sent none we generate one (the SDK has None)
        "ids": [c.id if sdk_id is not None else None for c, sdk_id in zip(r.tool_calls, sdk_ids, strict=True)],
        "done_reason": r.raw_finish_reason,
        "model": r.model,
        "usage": (r.usage.input_tokens, r.usage.output_tokens),
    }


@pytest.mark.parametrize("name", sorted(C.SCENARIOS))
def test_same_result_as_the_official_client(name: str) -> None:
    case = C.SCENARIOS[name]
    res = C.replay(case)
    assert res.error is None, res.error
    assert res.response is not None
    body = json.loads(res.sent[0].content)
    theirs = asyncio.run(_sdk_chat(case, body))
    assert _ours(res.response, theirs["ids"]) == theirs
    assert theirs["text"] or theirs["tool_calls"], "a differential on an empty answer proves little"
