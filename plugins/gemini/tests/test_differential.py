"""Differential test: Google's official ``google-genai`` SDK parses the same recordings,
and our text, thought text, function calls, thought signatures, raw finish reason and
usage must equal what it reads.

Usage conventions: the SDK reports Gemini's fields as they are; llmcore's
``input_tokens`` = ``prompt_token_count`` + ``tool_use_prompt_token_count`` and
``output_tokens`` = ``candidates_token_count`` + ``thoughts_token_count``.
"""

from __future__ import annotations

import base64
from typing import Any

import gemini_cases as G
import httpx
import pytest
from llmcore.types import ReasoningPart
from llmcore_testing import TEST_API_KEY, Case

genai = pytest.importorskip("google.genai")
from google.genai import types as gt  # noqa: E402

CASES = [
    G.CHAT,
    G.STREAM,
    G.TOOL_CALL,
    G.TOOL_CALL_STREAM,
    G.TOOL_ROUND_TRIP,
    G.TOOL_ROUND_TRIP_STREAM,
    G.STRUCTURED,
    G.REASONING,
    G.MULTI_TURN,
    Case(G.SAFETY, {"model": "gemini-1.5-flash", "messages": ["Tell me a joke about a Brazilians."]}),
    Case(G.ITER_STREAM, {"model": "gemini-2.0-flash", "messages": ["x"]}, stream=True, interaction=2),
    Case(G.ELLMER_TOOL, {"model": "gemini-3.5-flash", "messages": ["x"]}, interaction=1),
]


def _sdk_chunks(case: Case) -> list[Any]:
    """The SDK's parsed response chunks for the recorded interaction."""
    client = genai.Client(
        api_key=TEST_API_KEY,
        http_options=gt.HttpOptions(
            httpx_client=httpx.Client(), base_url="https://generativelanguage.googleapis.com", api_version="v1beta"
        ),
    )
    model = case.chat_request().model
    with G.use_cassette(case.cassette, case.interaction):
        if case.stream:
            return list(client.models.generate_content_stream(model=model, contents="x"))
        return [client.models.generate_content(model=model, contents="x")]


def _sdk_view(chunks: list[Any]) -> dict[str, Any]:
    text, thoughts, calls, sigs = [], [], [], []
    finish = None
    usage = None
    for ch in chunks:
        if ch.usage_metadata is not None:
            usage = ch.usage_metadata
        for cand in (ch.candidates or [])[:1]:
            if cand.finish_reason is not None:
                finish = cand.finish_reason.value
            for part in cand.content.parts if cand.content and cand.content.parts else []:
                if part.thought_signature:
                    sigs.append(part.thought_signature)
                if part.function_call is not None:
                    calls.append((part.function_call.name, part.function_call.args or {}, part.function_call.id))
                elif part.text is not None:
                    (thoughts if part.thought else text).append(part.text)
    u = {
        "input_tokens": (usage.prompt_token_count or 0) + (usage.tool_use_prompt_token_count or 0),
        "output_tokens": (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0),
        "reasoning_tokens": usage.thoughts_token_count,
        "cache_read_tokens": usage.cached_content_token_count,
    }
    return {
        "text": "".join(text),
        "thoughts": "".join(thoughts),
        "calls": calls,
        "signatures": sigs,
        "finish": finish,
        "usage": u,
    }


def _our_view(case: Case) -> dict[str, Any]:
    r, _, _ = G.replay(case.chat_request(), case.cassette, case.interaction, case.stream)
    sigs = [base64.b64decode(p.signature) for p in r.message.content if isinstance(p, ReasoningPart) and p.signature]
    calls = [(c.name, c.arguments, None if c.id.startswith("call_") else c.id) for c in r.tool_calls]
    u = r.usage
    return {
        "text": r.text,
        "thoughts": r.reasoning,
        "calls": calls,
        "signatures": sigs,
        "finish": r.raw_finish_reason,
        "usage": {
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "reasoning_tokens": u.reasoning_tokens,
            "cache_read_tokens": u.cache_read_tokens,
        },
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.cassette.removesuffix('.yaml')}[{c.interaction}]")
def test_we_read_what_the_official_sdk_reads(case: Case) -> None:
    assert _our_view(case) == _sdk_view(_sdk_chunks(case))
