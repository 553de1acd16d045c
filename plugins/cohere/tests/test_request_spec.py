"""Every request body we send in the replayed scenarios is valid against
Cohere's official OpenAPI spec (``POST /v2/chat`` request schema,
``POST /v1/tokenize``), and matches the recording's model and stream flag."""

from __future__ import annotations

import json

import cohere_cases as C
import pytest
from llmcore_testing.openapi import load_spec


@pytest.mark.parametrize("name", sorted(C.SCENARIOS))
def test_sent_body_is_spec_valid(name: str) -> None:
    case = C.SCENARIOS[name]
    res = C.replay(case)
    assert res.error is None, res.error
    for request in res.sent:
        body = json.loads(request.content)
        load_spec(C.SPEC).validate_body("POST", request.url.path, body)
        recorded = C.recorded_body(case.cassette, case.interaction)
        assert body["model"] == recorded["model"] and body["stream"] == recorded.get("stream", False)
        assert len(body["messages"]) == len(recorded["messages"])
        assert [m["role"] for m in body["messages"]] == [m["role"] for m in recorded["messages"]]


def test_tokenize_body_is_spec_valid() -> None:
    _, sent = C.replay_count_tokens(C.COUNT_TOKENS)
    load_spec(C.SPEC).validate_body("POST", "/v1/tokenize", json.loads(sent[0].content))


def test_the_validator_rejects_a_bad_body() -> None:
    """The spec check is not vacuous."""
    schema_errors = load_spec(C.SPEC).errors
    assert schema_errors("POST", "/v2/chat", {"model": "m", "messages": [{"role": "robot", "content": "x"}]})
    assert schema_errors("POST", "/v2/chat", {"model": "m", "messages": [], "temperature": 3})
    assert schema_errors("POST", "/v2/chat", {"messages": []})
