"""Writer specifics: the wire differences from OpenAI, checked against Writer's OpenAPI spec and cassettes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import writer_cases as W
from llmcore import errors as E
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore.types import ChatRequest
from llmcore_testing import TEST_API_KEY, Case, run_case
from llmcore_writer.provider import WriterProvider
from writer_spec import spec_errors, validate_request


def _provider() -> WriterProvider:
    return WriterProvider(ProviderConfig(api_key=TEST_API_KEY))


def _make(client: Any, case: Case) -> Any:
    return load_provider(get_registry().get("writer"), api_key=TEST_API_KEY, http_client=client)


def _run(case: Case) -> Any:
    return asyncio.run(run_case(case, _make, W.CASSETTES, validate_request))


def test_resolution_and_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    spec, model = resolve_model("palmyra-x5")
    assert spec.name == "writer" and model == "palmyra-x5"
    monkeypatch.delenv("WRITER_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="WRITER_API_KEY"):
        WriterProvider(ProviderConfig())
    with pytest.raises(E.ConfigurationError, match="known: none"):
        WriterProvider(ProviderConfig(api_key="k", options={"graph_ids": ["x"]}))
    monkeypatch.setenv("WRITER_API_KEY", "wr-secret-123")
    p = WriterProvider(ProviderConfig())
    assert p.base_url == "https://api.writer.com/v1" and p.dialect.path == "chat"
    assert p.auth_headers() == {"authorization": "Bearer wr-secret-123"}
    assert "wr-secret-123" not in repr(p) + repr(p.config)


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ("auto", "auto"),
        ("required", "required"),
        ("none", "none"),
        ({"mode": "tool", "name": "get_weather"}, {"type": "function", "function": {"name": "get_weather"}}),
    ],
)
def test_tool_choice_is_wrapped_in_value(choice: Any, wire: Any) -> None:
    req = ChatRequest(model="palmyra-x5", messages=["hi"], tools=[W.GET_WEATHER], tool_choice=choice)
    body, _ = _provider().build_request(req, stream=False)
    assert body["tool_choice"] == {"value": wire}
    assert spec_errors(body) == []
    assert spec_errors({**body, "tool_choice": wire}), "the spec must reject an unwrapped tool_choice"


def test_builtin_tools_are_added_to_function_tools() -> None:
    req = ChatRequest(
        model="palmyra-x5",
        messages=["Q3 revenue?"],
        tools=[W.GET_WEATHER],
        provider_options={"writer": {"tools": [W.GRAPH_TOOL]}},
    )
    body, _ = _provider().build_request(req, stream=True)
    assert [t["type"] for t in body["tools"]] == ["function", "graph"]
    assert body["tools"][0]["function"]["name"] == "get_weather" and body["tools"][1] == W.GRAPH_TOOL
    assert spec_errors(body) == []


def test_unsupported_fields_warn() -> None:
    req = ChatRequest(
        model="palmyra-x5", messages=["hi"], seed=7, reasoning_effort="low", response_format={"type": "json_object"}
    )
    body, w = _provider().build_request(req, stream=False)
    assert not {"seed", "reasoning_effort", "response_format"} & set(body)
    assert sorted(x.feature for x in w.items) == ["reasoning_effort", "response_format", "seed"]
    assert spec_errors(body) == []
    tool = {**W.GET_WEATHER, "strict": True}
    body, _ = _provider().build_request(ChatRequest(model="m", messages=["x"], tools=[tool]), stream=False)
    assert "strict" not in body["tools"][0]["function"]


def test_graph_data_and_cached_tokens() -> None:
    res = _run(W.GRAPH)
    r = res.response
    assert r.provider_metadata["writer"]["graph_data"]["sources"][0]["snippet"].startswith("Revenue for the third")
    assert set(r.provider_metadata["writer"]) == {"graph_data"}  # null llm_data/web_search_data are not kept
    assert r.usage.input_tokens == 1320 and r.usage.cache_read_tokens == 1024  # prompt_token_details (sic)
    assert json.loads(res.sent[0].content)["tools"] == [W.GRAPH_TOOL]


def test_real_stream_without_done_and_null_placeholders() -> None:
    res = _run(W.STREAM)
    r = res.response
    assert r.text.startswith("Sure, here's a light-hearted joke about")
    assert (r.usage.input_tokens, r.usage.output_tokens) == (39, 37) and r.usage.cache_read_tokens is None
    assert r.provider_metadata == {}  # every chunk had graph_data with only nulls
    assert json.loads(res.sent[0].content)["stop"] == ["I am"]


def test_real_non_streamed_tool_call() -> None:
    r = _run(W.TOOL_CALL).response
    (call,) = r.tool_calls
    assert call.id == "chatcmpl-tool-7e03ea39417447e9a1fe7cd391b16476"
    assert call.arguments == {"location": "Zakopane"} and r.finish_reason == "tool_calls"
    assert r.usage.input_tokens == 194


@pytest.mark.parametrize(
    ("kind", "message", "code"),
    [
        ("auth", "Invalid or missing API key.", "fail.unauthorized"),
        ("not_found", "Model palmyra-x9 not found.", "fail.model.not.found"),
        ("rate_limit", "Rate limit exceeded. Please retry after some time.", "fail.rate.limit"),
    ],
)
def test_fail_response_bodies(kind: str, message: str, code: str) -> None:
    err = _run(W.ERRORS[kind]).error
    assert err.message == message and err.code == code
    if kind == "rate_limit":
        assert err.retry_after == 20 and err.is_retryable


def test_fail_response_with_several_errors_and_a_context_message() -> None:
    p = _provider()
    body = {
        "tpe": "BadRequest",
        "errors": [
            {"description": "messages: too long", "key": "fail.validation", "extras": {}},
            {
                "description": "The prompt exceeds the context window of palmyra-x5.",
                "key": "fail.context",
                "extras": {},
            },
        ],
        "extras": {},
    }
    err = p.make_error(400, json.dumps(body).encode(), {})
    assert isinstance(err, E.ContextWindowExceededError)
    assert err.message == "messages: too long; The prompt exceeds the context window of palmyra-x5."
    assert err.code == "fail.validation"
    assert isinstance(
        p.make_error(400, b'{"tpe": "BadRequest", "errors": [], "extras": {}}', {}), E.InvalidRequestError
    )
