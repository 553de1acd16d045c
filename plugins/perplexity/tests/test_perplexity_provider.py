"""Perplexity specifics on the recordings: citations and search results (chat and
stream), no tools, <think> blocks, response formats, errors, keys, names."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.events import Finish
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore.types import ChatRequest
from llmcore_perplexity.provider import PerplexityProvider
from llmcore_testing import TEST_API_KEY, make_vcr, recording_client
from perplexity_cases import (
    BASIC,
    CASSETTES,
    CITATIONS,
    STREAM,
    THINKING,
    recorded_request,
    recorded_response,
    replay,
)

RUBY = {"model": "sonar", "messages": ["What is the Ruby programming language?"]}
TOOL = {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}


def body(sent: list[Any]) -> dict[str, Any]:
    return json.loads(sent[0].content)  # type: ignore[no-any-return]


def test_citations_and_search_results_are_provider_metadata() -> None:
    r, sent = replay(CITATIONS, RUBY)
    assert body(sent) == recorded_request(CITATIONS)
    recorded = recorded_response(CITATIONS)
    meta = r.provider_metadata["perplexity"]
    assert meta["citations"] == recorded["citations"] and len(meta["citations"]) == 6
    assert meta["search_results"] == recorded["search_results"]
    assert meta["search_results"][0]["title"] == "Ruby (programming language) - Wikipedia"
    assert "Ruby" in r.text and (r.usage.input_tokens, r.usage.output_tokens) == (8, 178)


def test_streamed_citations_ride_on_finish() -> None:
    async def go() -> list[Any]:
        client, _ = recording_client()
        with make_vcr(CASSETTES).use_cassette(STREAM):
            async with client:
                spec = get_registry().get("perplexity")
                assert spec is not None
                p = load_provider(spec, api_key=TEST_API_KEY, http_client=client)
                return [ev async for ev in p.stream_chat(ChatRequest(model="sonar", messages=["Count from 1 to 3"]))]

    import asyncio

    events = asyncio.run(go())
    fin = events[-1]
    assert isinstance(fin, Finish) and fin.reason == "stop"
    assert fin.provider_metadata is not None and len(fin.provider_metadata["perplexity"]["citations"]) == 8
    r, sent = replay(STREAM, {"model": "sonar", "messages": ["Count from 1 to 3"]}, stream=True)
    assert body(sent) == recorded_request(STREAM)
    assert r.text == "1 2 3" and r.provider_metadata == fin.provider_metadata
    assert (r.usage.input_tokens, r.usage.output_tokens) == (8, 5)  # the last of the per-chunk usages


def test_tools_are_not_supported() -> None:
    r, sent = replay(BASIC, {"model": "sonar", "messages": ["What's 2 + 2?"], "tools": [TOOL], "tool_choice": "auto"})
    b = body(sent)
    assert "tools" not in b and "tool_choice" not in b
    assert [w.feature for w in r.warnings] == ["tools"] and r.text  # tool_choice goes with the tools
    err, sent = replay(BASIC, {"model": "sonar", "messages": ["What's 2 + 2?"], "tools": [TOOL], "strict": True})
    assert isinstance(err, E.UnsupportedFeatureError) and not sent


def test_response_formats() -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "integer"}}, "required": ["answer"]}
    _, sent = replay(
        BASIC,
        {
            "model": "sonar",
            "messages": ["What's 2 + 2?"],
            "response_format": {"type": "json_schema", "name": "a", "schema": schema},
        },
    )
    assert body(sent)["response_format"]["json_schema"]["schema"] == schema
    r, sent = replay(
        BASIC, {"model": "sonar", "messages": ["What's 2 + 2?"], "response_format": {"type": "json_object"}}
    )
    assert "response_format" not in body(sent) and [w.feature for w in r.warnings] == ["response_format"]


def test_reasoning_model_with_reasoning_effort() -> None:
    q = recorded_request(THINKING)["messages"][0]["content"]
    r, sent = replay(THINKING, {"model": "sonar-reasoning-pro", "messages": [q], "reasoning_effort": "medium"})
    assert body(sent) == recorded_request(THINKING)
    assert r.text.startswith("You ask the mirror:") and r.provider_metadata["perplexity"]["citations"]


def test_a_leading_think_block_is_reasoning() -> None:
    r, _ = replay(
        "authored__reasoning_think_block.yaml",
        {"model": "sonar-reasoning-pro", "messages": ["How many stars are there in our galaxy?"]},
    )
    assert [p.type for p in r.message.content] == ["reasoning", "text"]
    assert r.reasoning.strip().startswith("The user asks how many stars")
    assert r.text.startswith("Estimates range from **100 to 400 billion stars**") and "<think>" not in r.text


def test_errors() -> None:
    err, _ = replay(
        "ruby_llm__chat_real_error_scenarios_perplexity_sonar_handles_context_length_exceeded_errors.yaml",
        {"model": "sonar", "messages": ["Hi"]},
    )
    assert (
        isinstance(err, E.ContextWindowExceededError) and err.message == "The total length of all messages is too long."
    )
    err, _ = replay("authored__invalid_model_400.yaml", {"model": "sonar-ultra", "messages": ["Hello"]})
    assert isinstance(err, E.NotFoundError) and "Invalid model 'sonar-ultra'" in err.message
    err, _ = replay(
        "ruby_llm__chat_error_handling_with_perplexity_sonar_raises_appropriate_auth_error.yaml",
        {"model": "sonar", "messages": ["Hello"]},
    )
    assert isinstance(err, E.AuthenticationError) and err.message.startswith("Invalid API key provided")
    for text in (str(err), repr(err), str(err.raw)):
        assert TEST_API_KEY not in text


def test_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("PERPLEXITY_API_KEY", "PPLX_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(E.ConfigurationError, match="PERPLEXITY_API_KEY or PPLX_API_KEY"):
        PerplexityProvider(ProviderConfig())
    monkeypatch.setenv("PPLX_API_KEY", "pplx-test-key-0123456789")
    p = PerplexityProvider(ProviderConfig())
    assert p.auth_headers() == {"authorization": "Bearer pplx-test-key-0123456789"}
    assert "pplx-test-key-0123456789" not in repr(p)
    with pytest.raises(E.ConfigurationError, match="known: none"):
        PerplexityProvider(ProviderConfig(api_key=TEST_API_KEY, options={"search_mode": "web"}))


def test_sonar_names_are_auto_detected() -> None:
    for name in ("sonar", "sonar-pro", "sonar-reasoning-pro", "sonar-deep-research"):
        spec, model = resolve_model(name)
        assert spec.name == "perplexity" and model == name
