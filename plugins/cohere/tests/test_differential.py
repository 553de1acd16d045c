"""Differential test: the official ``cohere`` SDK (``AsyncClientV2``) replays the
same recordings, given the body we sent, and our text, reasoning, tool calls,
raw finish reason, usage and citations equal what it parses.

Usage convention: llmcore reports ``usage.tokens`` (see ``llmcore_cohere.usage``)
and ``cached_tokens`` as ``cache_read_tokens``; ``billed_units`` goes to
``provider_metadata``. The SDK's ``tool_plan`` is, for us, the text of a
tool-calling turn.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import cohere_cases as C
import httpx
import pytest
from llmcore.types import ChatResponse
from llmcore_testing import TEST_API_KEY

cohere = pytest.importorskip("cohere")

# The SDK uses pydantic v1-style APIs; its deprecation warnings are not our concern.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _sdk(http: httpx.AsyncClient) -> Any:
    return cohere.AsyncClientV2(
        api_key=TEST_API_KEY,
        base_url="https://api.cohere.com",
        httpx_client=http,
        log_warning_experimental_features=False,
    )


def _kwargs(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "stream"}


def _dump(x: Any) -> Any:
    return x.dict(exclude_none=True) if hasattr(x, "dict") else x


async def _sdk_chat(case: Any, body: dict[str, Any]) -> dict[str, Any]:
    with C.use_cassette(case):
        async with httpx.AsyncClient() as http:
            client = _sdk(http)
            if not case.stream:
                r = await client.chat(**_kwargs(body))
                msg = r.message
                text = "".join(c.text for c in msg.content or () if c.type == "text") + (msg.tool_plan or "")
                return {
                    "text": text,
                    "reasoning": "".join(c.thinking for c in msg.content or () if c.type == "thinking"),
                    "tool_calls": [
                        (t.id, t.function.name, json.loads(t.function.arguments)) for t in msg.tool_calls or ()
                    ],
                    "finish": r.finish_reason,
                    "usage": (r.usage.tokens.input_tokens, r.usage.tokens.output_tokens, r.usage.cached_tokens),
                    "citations": [_dump(c)["text"] for c in msg.citations or ()],
                    "id": r.id,
                }
            out: dict[str, Any] = {"text": "", "reasoning": "", "tool_calls": [], "citations": []}
            calls: dict[int, list[Any]] = {}
            async for ev in client.chat_stream(**_kwargs(body)):
                d = getattr(ev, "delta", None)
                if ev.type == "message-start":
                    out["id"] = ev.id
                elif ev.type == "content-delta":
                    c = d.message.content
                    out["text"] += getattr(c, "text", None) or ""
                    out["reasoning"] += getattr(c, "thinking", None) or ""
                elif ev.type == "tool-plan-delta":
                    out["text"] += d.message.tool_plan
                elif ev.type == "tool-call-start":
                    tc = d.message.tool_calls
                    calls[ev.index] = [tc.id, tc.function.name, tc.function.arguments or ""]
                elif ev.type == "tool-call-delta":
                    calls[ev.index][2] += d.message.tool_calls.function.arguments
                elif ev.type == "citation-start":
                    out["citations"].append(_dump(d.message.citations)["text"])
                elif ev.type == "message-end":
                    out["finish"] = d.finish_reason
                    u = d.usage
                    out["usage"] = (u.tokens.input_tokens, u.tokens.output_tokens, u.cached_tokens)
            out["tool_calls"] = [(i, n, json.loads(a)) for _, (i, n, a) in sorted(calls.items())]
            return out


def _ours(r: ChatResponse) -> dict[str, Any]:
    return {
        "text": r.text,
        "reasoning": r.reasoning,
        "tool_calls": [(c.id, c.name, c.arguments) for c in r.tool_calls],
        "finish": r.raw_finish_reason,
        "usage": (r.usage.input_tokens, r.usage.output_tokens, r.usage.cache_read_tokens),
        "citations": [c["text"] for c in r.provider_metadata.get("citations", ())],
        "id": r.id,
    }


@pytest.mark.parametrize("name", sorted(C.SCENARIOS))
def test_same_result_as_the_official_sdk(name: str) -> None:
    case = C.SCENARIOS[name]
    res = C.replay(case)
    assert res.error is None, res.error
    assert res.response is not None
    body = json.loads(res.sent[0].content)
    theirs = asyncio.run(_sdk_chat(case, body))
    ours = _ours(res.response)
    assert ours == theirs
    assert ours["text"] or ours["tool_calls"], "a differential on an empty answer proves little"


def test_count_tokens_same_as_the_official_sdk() -> None:
    case = C.COUNT_TOKENS
    count, sent = C.replay_count_tokens(case)
    body = json.loads(sent[0].content)

    async def sdk() -> Any:
        with C.use_cassette(case):
            async with httpx.AsyncClient() as http:
                client = cohere.AsyncClient(api_key=TEST_API_KEY, base_url="https://api.cohere.com", httpx_client=http)
                return await client.tokenize(text=body["text"], model=body["model"])

    assert count.input_tokens == len(asyncio.run(sdk()).tokens)
