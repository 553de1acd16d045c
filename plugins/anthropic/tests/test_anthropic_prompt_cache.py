"""Prompt-cache breakpoints (issue 11) on real Anthropic recordings: ``cache_prompt=`` and
``Message(cache_point=...)`` become ``cache_control`` exactly where the recorded requests put it,
and the cache read of turn two lands in ``Usage`` — through ``llmcore.model`` over aiohttp to the
loopback cassette server. Recordings: ruby_llm (system prompt cached, write then read) and
openllmetry (a user message cached, non-stream and stream); see cassettes/SOURCES.md."""

from __future__ import annotations

import json
from typing import Any

import anthropic_cases as A
import llmcore
import pytest
from llmcore.errors import InvalidRequestError
from llmcore.types import ChatRequest, Message, Tool
from llmcore_anthropic.request import build_count_tokens_body, build_messages_body
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer

SYSTEM_CACHED = (
    "ruby_llm__chat_prompt_cache_round-trip_anthropic_claude-haiku-4-5_writes_then_reads_the_prompt_cache.yaml"
)
USER_CACHED = "openllmetry__test_anthropic_prompt_caching_legacy.yaml"
USER_CACHED_STREAM = "openllmetry__test_anthropic_prompt_caching_stream_legacy.yaml"


def _sent(srv: CassetteServer) -> list[dict[str, Any]]:
    return [json.loads(r.content) for r in srv.received]


def test_cache_prompt_caches_the_system_prompt_as_recorded_and_turn_two_reads_it() -> None:
    rec = A.recorded_body(SYSTEM_CACHED)
    system = rec["system"][0]["text"]
    prompt = rec["messages"][0]["content"][0]["text"]
    with CassetteServer.from_cassette(A.CASSETTES / SYSTEM_CACHED) as srv:
        m = llmcore.model("anthropic/" + rec["model"], api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        first = m.chat(prompt, system=system, max_tokens=rec["max_tokens"], cache_prompt=True)
        second = m.chat(prompt, system=system, max_tokens=rec["max_tokens"], cache_prompt=True)
    sent = _sent(srv)
    for i, body in enumerate(sent):
        recorded = A.recorded_body(SYSTEM_CACHED, i)
        assert body["system"] == recorded["system"]  # one text block with cache_control ephemeral
        assert body["messages"] == recorded["messages"]
    assert first.usage.cache_write_tokens == 7351 and not first.usage.cache_read_tokens
    assert second.usage.cache_read_tokens == 7351 and not second.usage.cache_write_tokens
    assert second.usage.input_tokens == 10 + 7351  # cached tokens are part of input_tokens
    assert first.text == second.text == "OK"


@pytest.mark.parametrize("cassette", [USER_CACHED, USER_CACHED_STREAM])
def test_a_message_breakpoint_is_placed_as_recorded_and_turn_two_reads_it(cassette: str) -> None:
    rec = A.recorded_body(cassette)
    text = rec["messages"][0]["content"][0]["text"]
    with CassetteServer.from_cassette(A.CASSETTES / cassette) as srv:
        m = llmcore.model("anthropic/" + rec["model"], api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        kw: dict[str, Any] = {"system": rec["system"][0]["text"], "max_tokens": rec["max_tokens"]}
        msgs = [Message(role="user", content=text, cache_point=True)]
        if rec.get("stream"):
            turns = [m.stream(msgs, **kw).collect() for _ in range(2)]
        else:
            turns = [m.chat(msgs, **kw) for _ in range(2)]
    for i, body in enumerate(_sent(srv)):
        assert body["messages"] == A.recorded_body(cassette, i)["messages"]  # cache_control on the user block
        assert body["system"] == rec["system"][0]["text"]  # no breakpoint there: the plain string
    assert turns[0].usage.cache_write_tokens and not turns[0].usage.cache_read_tokens
    assert turns[1].usage.cache_read_tokens == turns[0].usage.cache_write_tokens


def _body(**kw: Any) -> dict[str, Any]:
    return build_messages_body(ChatRequest(model="claude-haiku-4-5", **kw), stream=False)[0]


def test_where_cache_prompt_goes_without_a_system_prompt() -> None:
    tools = [Tool(name="lookup")]
    body = _body(messages=["hi"], tools=tools, cache_prompt="1h")
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    body = _body(messages=["a long document", "the question"], cache_prompt=True)
    assert body["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}


def test_system_message_breakpoints_and_ttls() -> None:
    body = _body(
        system="rules",
        messages=[
            Message(role="system", content="a long reference", cache_point="1h"),
            Message(role="user", content="a document", cache_point="5m"),
            "the question",
        ],
    )
    assert body["system"] == [
        {"type": "text", "text": "rules"},
        {"type": "text", "text": "a long reference", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
    ]
    # consecutive user messages are one turn: the breakpoint sits between their blocks
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "a document", "cache_control": {"type": "ephemeral", "ttl": "5m"}},
                {"type": "text", "text": "the question"},
            ],
        }
    ]
    # count_tokens takes the same blocks
    counted = build_count_tokens_body(
        ChatRequest(model="claude-haiku-4-5", messages=["x"], system="s", cache_prompt=True)
    )
    assert counted["system"] == [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}]


def test_a_breakpoint_never_lands_on_a_thinking_block() -> None:
    turn = Message(
        role="assistant",
        content=[{"type": "text", "text": "answer"}, {"type": "reasoning", "text": "t", "signature": "sig"}],
        cache_point=True,
    )
    body = _body(messages=["q", turn, "next"])
    assistant = body["messages"][1]["content"]
    assert assistant[0]["cache_control"] == {"type": "ephemeral"} and "cache_control" not in assistant[1]


def test_no_breakpoint_sends_the_body_as_before() -> None:
    body = _body(messages=["hi"], system="s", tools=[Tool(name="t")])
    assert body["system"] == "s" and "cache_control" not in json.dumps(body)


@pytest.mark.parametrize(
    ("kw", "says"),
    [
        (
            {
                "messages": [Message(role="user", content=str(i), cache_point=True) for i in range(4)],
                "system": "s",
                "cache_prompt": True,
            },
            "at most 4",
        ),
        (
            {"messages": [Message(role="user", content="doc", cache_point="1h")], "system": "s", "cache_prompt": "5m"},
            "longer TTLs first",
        ),
    ],
)
def test_what_anthropic_would_reject_is_refused_before_the_network(kw: dict[str, Any], says: str) -> None:
    with CassetteServer.from_cassette(A.CASSETTES / SYSTEM_CACHED) as srv:
        m = llmcore.model("anthropic/claude-haiku-4-5", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        messages = kw.pop("messages")
        with pytest.raises(InvalidRequestError, match=says):
            m.chat(messages, **kw)
    assert srv.received == []


def test_a_cache_key_belongs_to_the_call_not_a_message() -> None:
    with pytest.raises(ValueError, match="cache key is per call"):
        Message(role="user", content="x", cache_point={"key": "k"})
