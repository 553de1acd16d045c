"""Differential test: the official ``openai`` SDK parses the same recordings.

For every non-error Chat Completions and Responses cassette the conformance
tests use, the SDK (``AsyncOpenAI(http_client=httpx.AsyncClient(),
max_retries=0)``) sends the body our codec builds and parses the replayed
answer; our text, reasoning (where the server sends it), tool calls (name and
arguments), finish reason and usage must equal what the SDK reports.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import test_conformance as conf
from llmcore.events import StreamAccumulator
from llmcore_openai.chat.finish import map_finish_reason
from llmcore_openai.responses.response import finish_of
from llmcore_testing import TEST_API_KEY, Case
from openai_testutil import provider_for, replay, run

openai = pytest.importorskip("openai")

_CASE_ATTRS = (
    "chat_case",
    "stream_case",
    "system_prompt_case",
    "multi_turn_case",
    "tool_call_case",
    "tool_call_stream_case",
    "tool_round_trip_case",
    "tool_round_trip_stream_case",
    "structured_case",
    "reasoning_case",
)


def _cases() -> list[Any]:
    seen: set[tuple[str, int, bool]] = set()
    out = []
    for cls in (
        conf.TestOpenAIChatConformance,
        conf.TestOpenAIResponsesConformance,
        conf.TestOpenAICompatibleConformance,
    ):
        for attr in _CASE_ATTRS:
            case = getattr(cls, attr)
            if case is None:
                continue
            key = (case.cassette, case.interaction, case.stream)
            if key in seen:
                continue
            seen.add(key)
            out.append(pytest.param(cls.provider, case, id=f"{case.cassette[:60]}#{case.interaction}"))
    return out


async def _ours(provider_name: str, case: Case) -> tuple[Any, dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        provider = provider_for(provider_name, case, client)
        req = case.chat_request()
        api = getattr(provider, "api", "chat")
        body = (
            provider.responses_request(req, case.stream)[0]
            if api == "responses"
            else provider.build_request(req, case.stream)[0]
        )
        with replay(case.cassette, case.interaction):
            if case.stream:
                acc = StreamAccumulator()
                async for ev in provider.stream_chat(req):
                    acc.add(ev)
                resp = acc.response(provider.spec.name)
            else:
                resp = await provider.chat(req)
    return resp, body


def _sdk_client(case: Case, http: httpx.AsyncClient) -> Any:
    return openai.AsyncOpenAI(
        api_key=TEST_API_KEY,
        base_url=case.base_url or "https://api.openai.com/v1",
        http_client=http,
        max_retries=0,
    )


async def _sdk_chat(case: Case, body: dict[str, Any]) -> dict[str, Any]:
    """What the SDK makes of the recording: text, reasoning, calls, raw finish, usage."""
    rest = {k: v for k, v in body.items() if k not in ("model", "messages", "stream")}
    async with httpx.AsyncClient() as http:
        client = _sdk_client(case, http)
        with replay(case.cassette, case.interaction):
            if not case.stream:
                c = await client.chat.completions.create(
                    model=body["model"], messages=body["messages"], extra_body=rest
                )
                msg = c.choices[0].message
                extra = msg.model_extra or {}
                return {
                    "text": (msg.content or "") + (msg.refusal or ""),
                    "reasoning": extra.get("reasoning_content") or extra.get("reasoning") or "",
                    "calls": [(t.function.name, t.function.arguments) for t in msg.tool_calls or ()],
                    "finish": c.choices[0].finish_reason,
                    "usage": c.usage,
                }
            text, reasoning, finish, usage = [], [], None, None
            calls: dict[int, list[str]] = {}
            stream = await client.chat.completions.create(
                model=body["model"], messages=body["messages"], stream=True, extra_body=rest
            )
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = chunk.usage
                for ch in chunk.choices:
                    d = ch.delta
                    text.append(d.content or "")
                    extra = d.model_extra or {}
                    reasoning.append(extra.get("reasoning_content") or extra.get("reasoning") or "")
                    for tc in d.tool_calls or ():
                        slot = calls.setdefault(tc.index, ["", ""])
                        if tc.function and tc.function.name and not slot[0]:
                            slot[0] = tc.function.name
                        if tc.function and tc.function.arguments:
                            slot[1] += tc.function.arguments
                    finish = ch.finish_reason or finish
            return {
                "text": "".join(text),
                "reasoning": "".join(reasoning),
                "calls": [tuple(calls[i]) for i in sorted(calls)],
                "finish": finish,
                "usage": usage,
            }


async def _sdk_responses(case: Case, body: dict[str, Any]) -> dict[str, Any]:
    rest = {k: v for k, v in body.items() if k not in ("model", "input", "stream")}
    async with httpx.AsyncClient() as http:
        client = _sdk_client(case, http)
        with replay(case.cassette, case.interaction):
            if case.stream:
                final = None
                deltas = []
                stream = await client.responses.create(
                    model=body["model"], input=body["input"], stream=True, extra_body=rest
                )
                async for ev in stream:
                    if ev.type == "response.output_text.delta":
                        deltas.append(ev.delta)
                    elif ev.type in ("response.completed", "response.incomplete"):
                        final = ev.response
                assert final is not None
                assert "".join(deltas) == final.output_text
            else:
                final = await client.responses.create(model=body["model"], input=body["input"], extra_body=rest)
    calls = [(o.name, o.arguments) for o in final.output if o.type == "function_call"]
    reasoning = "\n\n".join(s.text for o in final.output if o.type == "reasoning" for s in (o.summary or ()))
    encrypted = [o.encrypted_content for o in final.output if o.type == "reasoning"]
    return {
        "text": final.output_text,
        "reasoning": reasoning,
        "calls": calls,
        "response": final,
        "usage": final.usage,
        "encrypted": encrypted,
    }


@pytest.mark.parametrize(("provider_name", "case"), _cases())
def test_sdk_agrees(provider_name: str, case: Case) -> None:
    ours, body = run(_ours(provider_name, case))
    responses_api = case.options.get("api") == "responses"
    theirs = run(_sdk_responses(case, body) if responses_api else _sdk_chat(case, body))

    assert ours.text == theirs["text"]
    assert ours.reasoning == theirs["reasoning"]
    assert [(c.name, c.raw_arguments) for c in ours.tool_calls] == theirs["calls"]
    for c in ours.tool_calls:
        assert c.arguments == (json.loads(c.raw_arguments) if c.raw_arguments else {})
    u = theirs["usage"]
    if responses_api:
        r = theirs["response"]
        finish, raw = finish_of(r.model_dump(), bool(theirs["calls"]))
        assert (ours.finish_reason, ours.raw_finish_reason) == (finish, raw)
        assert ours.id == r.id and ours.model == r.model
        assert [p.data["encrypted_content"] for p in ours.message.content if p.type == "reasoning"] == theirs[
            "encrypted"
        ]
        expected = (
            u.input_tokens,
            u.output_tokens,
            u.input_tokens_details.cached_tokens,
            u.output_tokens_details.reasoning_tokens,
        )
    else:
        assert ours.raw_finish_reason == theirs["finish"]
        assert ours.finish_reason == map_finish_reason(theirs["finish"], bool(theirs["calls"]))
        if u is None:
            expected = (None, None, None, None)
        else:
            pd, cd = u.prompt_tokens_details, u.completion_tokens_details
            expected = (
                u.prompt_tokens,
                u.completion_tokens,
                pd.cached_tokens if pd else None,
                cd.reasoning_tokens if cd else None,
            )
    got = ours.usage
    assert (got.input_tokens, got.output_tokens, got.cache_read_tokens, got.reasoning_tokens) == expected
