"""Every request body we send in the recorded scenarios validates against
Anthropic's official API spec, and reproduces the recorded request."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from anthropic_cases import COUNT_TOKENS_SCENARIOS, ERRORS, SCENARIOS, SPEC, recorded_body, replay, replay_count_tokens
from llmcore_testing.openapi import load_spec

CHAT_CASES = {**SCENARIOS, **ERRORS}


@pytest.mark.parametrize("name", sorted(CHAT_CASES))
def test_messages_body_is_valid_and_matches_recording(name: str) -> None:
    case = CHAT_CASES[name]
    res = replay(case)
    assert len(res.sent) == 1
    load_spec(SPEC).validate_request(res.sent[0])
    assert res.sent[0].url.path == "/v1/messages"
    ours = json.loads(res.sent[0].content)
    assert _normalise(ours) == _normalise(recorded_body(case.cassette, case.interaction))


@pytest.mark.parametrize("name", sorted(COUNT_TOKENS_SCENARIOS))
def test_count_tokens_body_is_valid_and_matches_recording(name: str) -> None:
    case = COUNT_TOKENS_SCENARIOS[name]
    _, sent = replay_count_tokens(case)
    assert len(sent) == 1 and sent[0].url.path == "/v1/messages/count_tokens"
    load_spec(SPEC).validate_request(sent[0])
    ours = json.loads(sent[0].content)
    assert "max_tokens" not in ours and "stream" not in ours
    assert _normalise(ours) == _normalise(recorded_body(case.cassette, case.interaction))


def test_the_validator_rejects_what_the_api_rejects() -> None:
    """The spec check has teeth: bodies the API refuses fail it."""

    def schema_errors(path: str, body: Any) -> list[str]:
        return load_spec(SPEC).errors("POST", path, body)

    good = {"model": "claude-sonnet-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
    assert schema_errors("/v1/messages", good) == []
    assert schema_errors("/v1/messages", {k: v for k, v in good.items() if k != "max_tokens"})
    assert schema_errors("/v1/messages", {**good, "stop": ["x"]})  # OpenAI's name, not Anthropic's
    assert schema_errors("/v1/messages", {**good, "messages": [{"role": "system", "content": "x"}]})
    bad_tool = {**good, "tools": [{"name": "t", "parameters": {"type": "object"}}]}
    assert schema_errors("/v1/messages", bad_tool)
    assert schema_errors("/v1/messages/count_tokens", good)  # count_tokens takes no max_tokens
    unsigned = {**good, "messages": [{"role": "assistant", "content": [{"type": "thinking", "thinking": "x"}]}]}
    assert schema_errors("/v1/messages", unsigned)


def _normalise(body: dict[str, Any]) -> dict[str, Any]:
    """Differences between our body and another client's that mean the same
    to the API: an explicit ``stream: false``; ``system`` as a list of text
    blocks; string message content (a single text block); ``cache_control``
    markers on blocks (ellmer adds them; llmcore leaves caching to
    ``provider_options``); ``is_error: false`` on tool results; an empty tool
    ``description``."""
    b = copy.deepcopy(body)
    if b.get("stream") is False:
        del b["stream"]
    if isinstance(b.get("system"), list):
        b["system"] = "\n\n".join(block["text"] for block in b["system"])
    for m in b.get("messages", []):
        if isinstance(m["content"], str):
            m["content"] = [{"type": "text", "text": m["content"]}]
        for block in m["content"]:
            block.pop("cache_control", None)
            if block.get("type") == "tool_result" and block.get("is_error") is False:
                del block["is_error"]
    for t in b.get("tools", []):
        if t.get("description") == "":
            del t["description"]
    return b
