"""Differential test: the official ``anthropic`` SDK parses the same recordings
and our text, tool calls, raw stop reason, reasoning and usage equal its.

The SDK gets its own plain HTTP client (``max_retries=0``) so vcrpy can replay
into it: ``httpx.AsyncClient()``, or ``httpx2.AsyncClient()`` for SDK releases
built on httpx2 (vcrpy patches both).

Usage convention: Anthropic's (and so the SDK's) ``input_tokens`` excludes
cached tokens; llmcore's includes them. So ours must equal
``input_tokens + cache_read_input_tokens + cache_creation_input_tokens`` of
the SDK, and our cache counters must equal the SDK's cache fields.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any

import httpx
import pytest
from anthropic_cases import COUNT_TOKENS_SCENARIOS, SCENARIOS, replay, replay_count_tokens, use_cassette
from llmcore.types import ChatResponse, ReasoningPart
from llmcore_testing import TEST_API_KEY, Case

anthropic = pytest.importorskip("anthropic")

# The SDK warns about the (old) models of the recordings; not our concern here.
pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")


def _sdk_http_client() -> Any:
    """A plain async client of the HTTP library this SDK release is built on."""
    import anthropic._base_client as base

    if hasattr(base, "httpx2"):
        import httpx2

        return httpx2.AsyncClient()
    return httpx.AsyncClient()


def _sdk(http: Any) -> Any:
    return anthropic.AsyncAnthropic(
        api_key=TEST_API_KEY, base_url="https://api.anthropic.com", http_client=http, max_retries=0
    )


def _split(method: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Known parameters as keywords, the rest through ``extra_body``."""
    params = set(inspect.signature(method).parameters)
    kwargs = {k: v for k, v in body.items() if k in params and k != "stream"}
    extra = {k: v for k, v in body.items() if k not in params and k != "stream"}
    if extra:
        kwargs["extra_body"] = extra
    return kwargs


async def _sdk_message(case: Case, body: dict[str, Any]) -> Any:
    with use_cassette(case):
        async with _sdk_http_client() as http:
            client = _sdk(http)
            if case.stream:
                async with client.messages.stream(**_split(client.messages.stream, body)) as stream:
                    return await stream.get_final_message()
            return await client.messages.create(**_split(client.messages.create, body))


def _sdk_usage_in_llmcore_terms(u: Any) -> dict[str, Any]:
    read = u.cache_read_input_tokens
    write = u.cache_creation_input_tokens
    return {
        "input_tokens": u.input_tokens + (read or 0) + (write or 0),
        "output_tokens": u.output_tokens,
        "cache_read_tokens": read,
        "cache_write_tokens": write,
    }


def _ours(r: ChatResponse) -> dict[str, Any]:
    return {
        "text": r.text,
        "tool_calls": [(c.id, c.name, c.arguments) for c in r.tool_calls],
        "stop_reason": r.raw_finish_reason,
        "thinking": [
            (p.text, p.signature) for p in r.message.content if isinstance(p, ReasoningPart) and not p.redacted
        ],
        "redacted": [p.data for p in r.message.content if isinstance(p, ReasoningPart) and p.redacted],
        "usage": {
            k: getattr(r.usage, k) for k in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
        },
    }


def _theirs(m: Any) -> dict[str, Any]:
    blocks = list(m.content)
    return {
        "text": "".join(b.text for b in blocks if b.type == "text"),
        "tool_calls": [(b.id, b.name, b.input) for b in blocks if b.type == "tool_use"],
        "stop_reason": m.stop_reason,
        "thinking": [(b.thinking, b.signature) for b in blocks if b.type == "thinking"],
        "redacted": [b.data for b in blocks if b.type == "redacted_thinking"],
        "usage": _sdk_usage_in_llmcore_terms(m.usage),
    }


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_same_result_as_the_official_sdk(name: str) -> None:
    case = SCENARIOS[name]
    res = replay(case)
    assert res.error is None, res.error
    assert res.response is not None
    body = json.loads(res.sent[0].content)
    sdk_message = asyncio.run(_sdk_message(case, body))
    ours, theirs = _ours(res.response), _theirs(sdk_message)
    assert ours == theirs
    assert res.response.id == sdk_message.id and res.response.model == sdk_message.model
    assert ours["text"] or ours["tool_calls"], "a differential on an empty answer proves little"


@pytest.mark.parametrize("name", sorted(COUNT_TOKENS_SCENARIOS))
def test_count_tokens_same_as_the_official_sdk(name: str) -> None:
    case = COUNT_TOKENS_SCENARIOS[name]
    count, sent = replay_count_tokens(case)
    body = json.loads(sent[0].content)

    async def sdk() -> Any:
        with use_cassette(case):
            async with _sdk_http_client() as http:
                client = _sdk(http)
                return await client.messages.count_tokens(**_split(client.messages.count_tokens, body))

    assert count.input_tokens == asyncio.run(sdk()).input_tokens
