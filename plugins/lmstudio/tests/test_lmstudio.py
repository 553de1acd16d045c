"""LM Studio specifics: configuration, dialect quirks, the Responses path on real LM Studio stream payloads."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import lmstudio_cases as L
import pytest
from llmcore import errors as E
from llmcore.events import StreamAccumulator
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore.types import ChatRequest
from llmcore_lmstudio.provider import LMStudioProvider
from llmcore_openai.responses import ResponsesStreamDecoder
from llmcore_testing import TEST_API_KEY, Case, run_case


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LMSTUDIO_API_KEY", raising=False)
    monkeypatch.delenv("LMSTUDIO_BASE_URL", raising=False)


def _make(client: Any, case: Case) -> Any:
    spec = get_registry().get("lmstudio")
    return load_provider(spec, api_key=TEST_API_KEY, http_client=client, options=dict(case.options))


def _run(case: Case) -> Any:
    return asyncio.run(run_case(case, _make, L.CASSETTES))


def _fixture_events(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (L.FIXTURES / name).read_text().splitlines() if line.strip()]


def _decode(events: list[dict[str, Any]]) -> tuple[list[Any], Any]:
    """Feed LM Studio's decoded Responses events (no SSE framing) to the shared decoder."""
    dec, acc, out = ResponsesStreamDecoder("lmstudio"), StreamAccumulator(), []
    for ev in events:
        for e in dec.feed(ev):
            out.append(e)
            acc.add(e)
    for e in dec.close():
        out.append(e)
        acc.add(e)
    return out, acc.response("lmstudio")


# -- configuration ---------------------------------------------------------------------------------


def test_defaults_env_and_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    p = LMStudioProvider(ProviderConfig())
    assert p.base_url == "http://localhost:1234/v1" and p.auth_headers() == {} and p.api == "chat"
    monkeypatch.setenv("LMSTUDIO_BASE_URL", "http://127.0.0.1:4321/v1")
    monkeypatch.setenv("LMSTUDIO_API_KEY", "sk-lm-secret-token")
    p = LMStudioProvider(ProviderConfig())
    assert p.base_url == "http://127.0.0.1:4321/v1"
    assert p.auth_headers() == {"authorization": "Bearer sk-lm-secret-token"}
    assert "sk-lm-secret-token" not in repr(p) + repr(p.config)
    spec, model = resolve_model("lmstudio/qwen2.5-7b-instruct")
    assert spec.name == "lmstudio" and model == "qwen2.5-7b-instruct" and spec.model_prefixes == ()


def test_options_are_checked() -> None:
    with pytest.raises(E.ConfigurationError, match="known: api"):
        LMStudioProvider(ProviderConfig(options={"ttl": 300}))
    with pytest.raises(E.ConfigurationError, match="responses"):
        LMStudioProvider(ProviderConfig(options={"api": "messages"}))


# -- dialect quirks -------------------------------------------------------------------------------


def test_json_object_is_not_sent_but_warned() -> None:
    p = LMStudioProvider(ProviderConfig())
    req = ChatRequest(model="m", messages=["x"], response_format={"type": "json_object"})
    body, w = p.build_request(req, stream=False)
    assert "response_format" not in body
    assert [x.feature for x in w.items] == ["response_format"]
    with pytest.raises(E.UnsupportedFeatureError):
        p.build_request(req.model_copy(update={"strict": True}), stream=False)


def test_reasoning_effort_only_on_the_responses_api() -> None:
    req = ChatRequest(model="openai/gpt-oss-20b", messages=["x"], reasoning_effort="low")
    body, w = LMStudioProvider(ProviderConfig()).build_request(req, stream=False)
    assert "reasoning_effort" not in body and [x.feature for x in w.items] == ["reasoning_effort"]
    body, w = LMStudioProvider(ProviderConfig(options=L.RESPONSES)).responses_request(req, stream=False)
    assert body["reasoning"] == {"effort": "low"} and not w.items


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_named_tool_choice_becomes_required_with_only_that_tool(api: str) -> None:
    p = LMStudioProvider(ProviderConfig(options={"api": api}))
    req = ChatRequest(
        model="m",
        messages=["x"],
        tools=[L.SEARCH, L.WEATHER],
        tool_choice={"mode": "tool", "name": "get_current_weather"},
    )
    body, w = (p.responses_request if api == "responses" else p.build_request)(req, stream=False)
    assert body["tool_choice"] == "required" and not w.items
    names = [(t.get("function") or t)["name"] for t in body["tools"]]
    assert names == ["get_current_weather"]


def test_provider_options_are_merged_last() -> None:
    req = ChatRequest(
        model="m",
        messages=["x"],
        temperature=0.2,
        provider_options={"lmstudio": {"ttl": 300, "temperature": 0.9, "draft_model": "small"}},
    )
    body, _ = LMStudioProvider(ProviderConfig()).build_request(req, stream=True)
    assert body["ttl"] == 300 and body["temperature"] == 0.9 and body["draft_model"] == "small"
    assert body["stream_options"] == {"include_usage": True}


# -- chat completions on the authored cassettes ------------------------------------------------------------


def test_reasoning_field_of_gpt_oss() -> None:
    r = _run(L.REASONING).response
    assert r.reasoning.startswith("We compare 9.11 and 9.8") and r.text == "9.8 is greater than 9.11."


def test_streamed_tool_call_pieces_join() -> None:
    res = _run(L.TOOL_CALL_STREAM)
    (call,) = res.response.tool_calls
    assert call.id == "814890118" and call.arguments == {"location": "San Francisco"}
    assert "".join(e.arguments_delta for e in res.events if e.type == "tool_call_delta") == call.raw_arguments
    assert res.response.usage.input_tokens == 196


def test_error_bodies() -> None:
    nf = _run(L.ERRORS["not_found"]).error
    assert (
        isinstance(nf, E.NotFoundError) and nf.code == "model_not_found" and 'Model "default" not found' in nf.message
    )
    ctx = _run(L.ERRORS["context_length"]).error
    assert isinstance(ctx, E.ContextWindowExceededError) and "context length of only 4096" in ctx.message
    crash = _run(L.ERRORS["server"]).error
    assert isinstance(crash, E.ProviderServerError) and crash.is_retryable and "crashed" in crash.message


# -- the Responses API: real LM Studio payloads ----------------------------------------------------------


def test_real_lmstudio_text_stream_decodes() -> None:
    events = _fixture_events("lmstudio-basic.1.chunks.txt")
    final = events[-1]["response"]
    out, r = _decode(events)
    expected = "".join(p["text"] for o in final["output"] if o["type"] == "message" for p in o["content"])
    assert r.text == expected and len(expected) > 200
    assert r.finish_reason == "stop" and r.model == "gemma-7b-it"
    assert r.usage.input_tokens == final["usage"]["input_tokens"]
    assert r.usage.output_tokens == final["usage"]["output_tokens"]
    assert [e.type for e in out].count("finish") == 1 and out[-1].type == "finish"


@pytest.mark.parametrize("name", ["lmstudio-tool-call.1.chunks.txt", "lmstudio-tool-call.2.chunks.txt"])
def test_real_lmstudio_tool_call_stream_decodes(name: str) -> None:
    """LM Studio sends a function call's arguments only with ``output_item.done``
    (no ``function_call_arguments.delta``), after reasoning text and a message."""
    events = _fixture_events(name)
    assert not any(e["type"] == "response.function_call_arguments.delta" for e in events)
    final = events[-1]["response"]
    _, r = _decode(events)
    (call,) = r.tool_calls
    fc = next(o for o in final["output"] if o["type"] == "function_call")
    assert call.id == fc["call_id"] and call.name == "weather" and call.arguments == {"location": "San Francisco"}
    reasoning = next(o for o in final["output"] if o["type"] == "reasoning")["content"][0]["text"]
    assert r.reasoning == reasoning
    assert r.text == "I'll get the current weather information for San Francisco for you."
    assert r.finish_reason == "tool_calls"
    usage = final["usage"]
    assert r.usage.input_tokens == usage["input_tokens"]
    assert r.usage.cache_read_tokens == usage["input_tokens_details"]["cached_tokens"]
    assert r.usage.reasoning_tokens == usage["output_tokens_details"]["reasoning_tokens"]


def test_responses_over_http() -> None:
    res = _run(L.RESPONSES_TOOL_CALL)
    sent = res.sent[0]
    assert sent.url.path == "/v1/responses"
    body = json.loads(sent.content)
    assert body["tool_choice"] == "required" and body["max_output_tokens"] == 512 and body["store"] is False
    assert body["tools"][0]["name"] == "weather"  # Responses-style flat function tools (LM Studio rejects nested)
    r = res.response
    assert [c.arguments for c in r.tool_calls] == [{"location": "San Francisco"}]
    assert r.usage.input_tokens == 1189 and r.usage.cache_read_tokens == 891
    stream = _run(L.RESPONSES_TOOL_CALL_STREAM)
    assert stream.response.tool_calls[0].id == "call_3466696471230001"
    assert json.loads(stream.sent[0].content)["stream"] is True
