"""Prompt-cache breakpoints (issue 11) on Bedrock Converse: ``cache_prompt=`` and
``Message(cache_point=...)`` become ``cachePoint`` blocks where the recorded request puts them, and
the turn-two cache read lands in ``Usage`` — through ``llmcore.model`` over aiohttp to the loopback
cassette server. Recording: ruby_llm's Claude Haiku 4.5 prompt-cache round trip (cassettes/SOURCES.md)."""

from __future__ import annotations

import json
from typing import Any

import llmcore
import pytest
from bedrock_cases import CASSETTES, FAKE, REC
from llmcore.errors import InvalidRequestError
from llmcore.types import ChatRequest, Message, Tool
from llmcore_bedrock.request import build_converse_body
from llmcore_testing.cassette_server import CassetteServer

CACHED = "ruby_llm__chat_prompt_cache_round-trip_bedrock_claude-haiku-4-5_writes_then_reads_the_prompt_cache.yaml"
CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def test_cache_prompt_puts_a_cache_point_after_the_system_prompt_as_recorded() -> None:
    rec = REC.request_body(CACHED)
    system, prompt = rec["system"][0]["text"], rec["messages"][0]["content"][0]["text"]
    with CassetteServer.from_cassette(CASSETTES / CACHED) as srv:
        m = llmcore.model(f"bedrock/{CLAUDE}", base_url=srv.url, retry=False, **FAKE.options())
        first = m.chat(prompt, system=system, cache_prompt=True)
        second = m.chat(prompt, system=system, cache_prompt=True)
    for i, sent in enumerate(srv.received):
        body, recorded = json.loads(sent.content), REC.request_body(CACHED, i)
        assert body["system"] == recorded["system"]  # [{text}, {cachePoint: {type: default}}]
        assert body["messages"] == recorded["messages"]
    assert first.usage.cache_write_tokens == 7351 and not first.usage.cache_read_tokens
    assert second.usage.cache_read_tokens == 7351 and not second.usage.cache_write_tokens
    assert first.text == second.text == "OK"


def _body(**kw: Any) -> dict[str, Any]:
    return build_converse_body(ChatRequest(model=CLAUDE, **kw))[0]


def test_message_breakpoints_ttls_and_the_other_targets() -> None:
    body = _body(messages=[Message(role="user", content="a document", cache_point="1h"), "the question"])
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"text": "a document"},
                {"cachePoint": {"type": "default", "ttl": "1h"}},
                {"text": "the question"},
            ],
        }
    ]
    body = _body(messages=["hi"], tools=[Tool(name="lookup")], cache_prompt="5m")
    assert body["toolConfig"]["tools"][-1] == {"cachePoint": {"type": "default", "ttl": "5m"}}
    body = _body(messages=["the whole prompt"], cache_prompt=True)
    assert body["messages"][-1]["content"][-1] == {"cachePoint": {"type": "default"}}
    body = _body(messages=[Message(role="system", content="reference", cache_point=True), "q"], system="rules")
    assert body["system"] == [{"text": "rules"}, {"text": "reference"}, {"cachePoint": {"type": "default"}}]


def test_no_breakpoint_sends_the_body_as_before() -> None:
    body = _body(messages=["hi"], system="s", tools=[Tool(name="t")])
    assert "cachePoint" not in json.dumps(body) and body["system"] == [{"text": "s"}]


def test_what_bedrock_would_reject_is_refused_before_the_network() -> None:
    with CassetteServer.from_cassette(CASSETTES / CACHED) as srv:
        m = llmcore.model(f"bedrock/{CLAUDE}", base_url=srv.url, retry=False, **FAKE.options())
        with pytest.raises(InvalidRequestError, match="at most 4"):
            m.chat([Message(role="user", content=str(i), cache_point=True) for i in range(5)])
        with pytest.raises(InvalidRequestError, match="longer TTLs first"):
            m.chat([Message(role="user", content="d", cache_point="1h")], system="s", cache_prompt=True)
    assert srv.received == []


def test_cache_points_are_valid_for_botocores_current_model() -> None:
    """The Smithy snapshot of the shared specs predates cachePoint (smithy_check accepts it unchecked);
    botocore's current model checks every placement: tools, system, messages, with and without ttl."""
    botocore_session = pytest.importorskip("botocore.session")
    from botocore.validate import validate_parameters

    model = botocore_session.get_session().get_service_model("bedrock-runtime")
    for kw in (
        {"messages": ["hi"], "tools": [Tool(name="lookup")], "cache_prompt": "1h"},
        {"messages": [Message(role="system", content="ref", cache_point="1h"), "q"], "cache_prompt": "5m"},
        {"messages": [Message(role="user", content="doc", cache_point=True), "q"], "system": "s"},
        {"messages": ["the whole prompt"], "cache_prompt": True},
    ):
        body = _body(**kw)
        assert "cachePoint" in json.dumps(body)
        validate_parameters({"modelId": CLAUDE, **body}, model.operation_model("Converse").input_shape)
