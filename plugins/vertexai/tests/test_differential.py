"""Differential test: Google's ``google-genai`` SDK (in Vertex mode, with the same injected
token) parses the same Vertex recordings, and our text, function calls, thought signatures,
raw finish reason and usage must equal what it reads (llmcore's usage convention:
input = prompt + tool-use prompt tokens, output = candidates + thoughts)."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
import vertex_cases as V
from llmcore.types import ReasoningPart
from llmcore_testing import Case

genai = pytest.importorskip("google.genai")
from google.genai import types as gt  # noqa: E402

CASES = [
    V.CHAT,
    V.STREAM,
    V.SYSTEM_PROMPT,
    V.TOOL_CALL,
    V.TOOL_CALL_STREAM,
    V.TOOL_ROUND_TRIP,
    V.STRUCTURED,
    V.REASONING,
    V.Case(
        V.PARALLEL,
        {"model": "gemini-2.5-flash", "messages": ["x"]},
        interaction=1,
        options=dict(V.RUBY),
        base_url=V.RUBY_ROOT,
    ),
]


def _sdk_chunks(case: Case) -> list[Any]:
    opts = case.options
    root = case.base_url or (
        "https://aiplatform.googleapis.com"
        if opts["location"] == "global"
        else f"https://{opts['location']}-aiplatform.googleapis.com"
    )
    client = genai.Client(
        vertexai=True,
        project=opts["project"],
        location=opts["location"],
        credentials=V.token_credentials(),
        http_options=gt.HttpOptions(
            httpx_client=httpx.Client(), base_url=root + "/", api_version=opts.get("api_version", "v1")
        ),
    )
    model = case.chat_request().model
    with V.use_cassette(case.cassette, case.interaction):
        if case.stream:
            return list(client.models.generate_content_stream(model=model, contents="x"))
        return [client.models.generate_content(model=model, contents="x")]


def _sdk_view(chunks: list[Any]) -> dict[str, Any]:
    text, calls, sigs = [], [], []
    finish = usage = None
    for ch in chunks:
        usage = ch.usage_metadata or usage
        for cand in (ch.candidates or [])[:1]:
            finish = cand.finish_reason.value if cand.finish_reason is not None else finish
            for part in cand.content.parts if cand.content and cand.content.parts else []:
                if part.thought_signature:
                    sigs.append(part.thought_signature)
                if part.function_call is not None:
                    calls.append((part.function_call.name, part.function_call.args or {}))
                elif part.text and not part.thought:
                    text.append(part.text)
    u = {
        "input_tokens": (usage.prompt_token_count or 0) + (usage.tool_use_prompt_token_count or 0),
        "output_tokens": (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0),
        "reasoning_tokens": usage.thoughts_token_count,
    }
    return {"text": "".join(text), "calls": calls, "signatures": sigs, "finish": finish, "usage": u}


def _our_view(case: Case) -> dict[str, Any]:
    r, _, _ = V.replay(case)
    u = r.usage
    return {
        "text": r.text,
        "calls": [(c.name, c.arguments) for c in r.tool_calls],
        "signatures": [
            base64.b64decode(p.signature) for p in r.message.content if isinstance(p, ReasoningPart) and p.signature
        ],
        "finish": r.raw_finish_reason,
        "usage": {
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "reasoning_tokens": u.reasoning_tokens,
        },
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.cassette[:60]}[{c.interaction}]")
def test_we_read_what_the_official_sdk_reads(case: Case) -> None:
    assert _our_view(case) == _sdk_view(_sdk_chunks(case))
