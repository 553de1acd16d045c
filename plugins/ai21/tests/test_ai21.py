"""AI21 specifics: the dialect checked against AI21's OpenAPI spec, error bodies, configuration."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import ai21_cases as A
import pytest
from ai21_spec import spec_errors, validate_request
from llmcore import errors as E
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore.types import ChatRequest
from llmcore_ai21.provider import AI21Provider
from llmcore_testing import TEST_API_KEY, Case, run_case


def _p() -> AI21Provider:
    return AI21Provider(ProviderConfig(api_key=TEST_API_KEY))


def _run(case: Case) -> Any:
    def make(client: Any, c: Case) -> Any:
        return load_provider(get_registry().get("ai21"), api_key=TEST_API_KEY, http_client=client)

    return asyncio.run(run_case(case, make, A.CASSETTES, validate_request))


def test_resolution_and_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_model("jamba-large")[0].name == "ai21"
    monkeypatch.delenv("AI21_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="AI21_API_KEY"):
        AI21Provider(ProviderConfig())
    with pytest.raises(E.ConfigurationError, match="documents"):
        AI21Provider(ProviderConfig(api_key="k", options={"documents": []}))
    monkeypatch.setenv("AI21_API_KEY", "ai21-secret-xyz")
    p = AI21Provider(ProviderConfig())
    assert p.base_url == "https://api.ai21.com/studio/v1"
    assert p.auth_headers() == {"authorization": "Bearer ai21-secret-xyz"}
    assert "ai21-secret-xyz" not in repr(p) + repr(p.config)


def test_unsupported_fields_become_warnings_and_the_body_stays_spec_valid() -> None:
    req = ChatRequest(
        model="jamba-mini",
        messages=["x"],
        tools=[A.WEATHER],
        tool_choice="required",
        seed=3,
        reasoning_effort="high",
        response_format={"type": "json_schema", "name": "n", "json_schema": {"type": "object"}},
    )
    body, w = _p().build_request(req, stream=True)
    assert not {"tool_choice", "seed", "reasoning_effort", "response_format", "stream_options"} & set(body)
    assert sorted(x.feature for x in w.items) == ["reasoning_effort", "response_format", "seed", "tool_choice"]
    assert spec_errors(body) == []
    with pytest.raises(E.UnsupportedFeatureError):
        _p().build_request(req.model_copy(update={"strict": True}), stream=False)


def test_tool_call_turn_is_sent_without_null_content() -> None:
    body, _ = _p().build_request(A.ROUND_TRIP.chat_request(), stream=False)
    assistant = body["messages"][1]
    assert assistant == {
        "role": "assistant",
        "tool_calls": [
            {
                "id": "call_4f8a2c6e9b1d",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Tel Aviv"}'},
            }
        ],
    }
    assert spec_errors(body) == []
    with_null = {**body, "messages": [body["messages"][0], {**assistant, "content": None}, body["messages"][2]]}
    assert spec_errors(with_null), "AI21's spec types assistant content as a string"


def test_documents_pass_through() -> None:
    docs = [{"content": "Q3 revenue was $12M.", "metadata": {"source": "report.pdf"}}]
    body, _ = _p().build_request(
        ChatRequest(model="jamba-large", messages=["Q3 revenue?"], provider_options={"ai21": {"documents": docs}}),
        stream=False,
    )
    assert body["documents"] == docs and spec_errors(body) == []


def test_json_mode_and_stream_usage() -> None:
    r = _run(A.JSON_MODE).response
    assert json.loads(r.text) == {"colors": ["red", "blue", "yellow"]}
    s = _run(A.STREAM)
    assert "stream_options" not in json.loads(s.sent[0].content)
    assert (s.response.usage.input_tokens, s.response.usage.output_tokens) == (15, 17)  # from the last chunk


def test_error_bodies() -> None:
    auth = _run(A.ERRORS["auth"]).error
    assert isinstance(auth, E.AuthenticationError) and auth.message == "Forbidden: Bad or missing API token."
    nf = _run(A.ERRORS["not_found"]).error
    assert isinstance(nf, E.NotFoundError) and nf.status_code == 422 and nf.code == "enum"
    assert nf.message.startswith("body.model: Input should be 'jamba-mini'")
    rl = _run(A.ERRORS["rate_limit"]).error
    assert isinstance(rl, E.RateLimitError) and rl.retry_after == 1 and rl.message == "Too many requests"
    other = _p().make_error(
        422,
        json.dumps(
            {
                "detail": [
                    {
                        "type": "less_than_equal",
                        "loc": ["body", "top_p"],
                        "msg": "Input should be less than or equal to 1",
                    }
                ]
            }
        ).encode(),
        {},
    )
    assert (
        isinstance(other, E.InvalidRequestError)
        and other.message == "body.top_p: Input should be less than or equal to 1"
    )
