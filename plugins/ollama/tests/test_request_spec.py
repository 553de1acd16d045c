"""Every request body we send in the replayed scenarios is valid against
Ollama's official OpenAPI spec (``ChatRequest``), and matches the recording's
model, stream flag and message roles."""

from __future__ import annotations

import json

import ollama_cases as C
import pytest
from llmcore_testing.openapi import load_spec


@pytest.mark.parametrize("name", sorted(C.SCENARIOS))
def test_sent_body_is_spec_valid(name: str) -> None:
    case = C.SCENARIOS[name]
    res = C.replay(case)
    assert res.error is None, res.error
    body = json.loads(res.sent[0].content)
    load_spec(C.SPEC).validate_body("POST", "/api/chat", body)
    recorded = C.recorded_body(case.cassette, case.interaction)
    assert body["model"] == recorded["model"] and body["stream"] == recorded.get("stream", True)
    assert [m["role"] for m in body["messages"]] == [m["role"] for m in recorded["messages"]]
    assert [t["function"]["name"] for t in body.get("tools", ())] == [
        t["function"]["name"] for t in recorded.get("tools", ())
    ]
    if recorded.get("format"):
        assert body["format"] == recorded["format"]


def test_the_validator_rejects_a_bad_body() -> None:
    """The spec check is not vacuous."""
    schema_errors = load_spec(C.SPEC).errors
    assert schema_errors("POST", "/api/chat", {"model": "m", "messages": [{"role": "robot", "content": "x"}]})
    assert schema_errors("POST", "/api/chat", {"model": "m", "messages": [], "format": "yaml"})
    assert schema_errors("POST", "/api/chat", {"messages": []})
