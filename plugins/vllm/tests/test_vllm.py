"""vLLM-specific behaviour: configuration, structured outputs, /tokenize, errors, secrets."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import vllm_cases as V
from llmcore import errors as E
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore_testing import TEST_API_KEY, Case, make_vcr, recording_client, run_case
from llmcore_vllm.provider import VLLMProvider


def _spec() -> Any:
    spec = get_registry().get("vllm")
    assert spec is not None
    return spec


def _make(client: Any, case: Case) -> Any:
    return load_provider(_spec(), api_key=case.options.get("key"), base_url=case.base_url, http_client=client)


def _run(case: Case) -> Any:
    res = asyncio.run(run_case(case, _make, V.CASSETTES))
    if res.error is not None:
        raise res.error
    return res


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VLLM_API_KEY", raising=False)
    monkeypatch.delenv("VLLM_BASE_URL", raising=False)


def test_resolution_needs_the_provider_prefix() -> None:
    spec, model = resolve_model("vllm/meta-llama/Llama-3.1-8B-Instruct")
    assert spec.name == "vllm" and model == "meta-llama/Llama-3.1-8B-Instruct"
    assert _spec().model_prefixes == ()


def test_defaults_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    p = VLLMProvider(ProviderConfig())
    assert p.base_url == "http://localhost:8000/v1"
    assert p.auth_headers() == {}  # no key by default: no Authorization header
    assert p.tokenize_url() == "http://localhost:8000/tokenize"
    monkeypatch.setenv("VLLM_BASE_URL", "http://gpu-box.localhost:9000/v1/")
    monkeypatch.setenv("VLLM_API_KEY", "token-abc123")
    p = VLLMProvider(ProviderConfig())
    assert p.base_url == "http://gpu-box.localhost:9000/v1"
    assert p.tokenize_url() == "http://gpu-box.localhost:9000/tokenize"
    assert p.auth_headers() == {"authorization": "Bearer token-abc123"}
    assert "token-abc123" not in repr(p) and "token-abc123" not in repr(p.config)
    # a base URL without /v1 (e.g. behind a path-routing proxy): /tokenize below it
    assert VLLMProvider(ProviderConfig(base_url="https://gw.example/vllm")).tokenize_url() == (
        "https://gw.example/vllm/tokenize"
    )


def test_unknown_option_is_a_configuration_error() -> None:
    with pytest.raises(E.ConfigurationError, match="guided_json") as info:
        VLLMProvider(ProviderConfig(options={"guided_json": {}}))
    assert "known: none" in str(info.value)


def test_key_is_sent_as_bearer_and_never_leaks() -> None:
    case = Case("authored__unauthorized_401.yaml", V._HELLO, options={"key": TEST_API_KEY})
    res = asyncio.run(run_case(case, _make, V.CASSETTES))
    err = res.error
    assert isinstance(err, E.AuthenticationError) and err.status_code == 401
    assert err.message == "Unauthorized"
    assert res.sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    for text in (str(err), repr(err), str(err.raw)):
        assert TEST_API_KEY not in text


def test_structured_outputs_pass_through_untouched() -> None:
    res = _run(V.CHOICE)
    body = json.loads(res.sent[0].content)
    assert body["structured_outputs"] == {"choice": ["positive", "negative"]}
    assert "response_format" not in body
    assert res.response.text == "positive"


def test_legacy_guided_fields_pass_through() -> None:
    provider = VLLMProvider(ProviderConfig())
    from llmcore.types import ChatRequest

    body, w = provider.build_request(
        ChatRequest(model="m", messages=["x"], provider_options={"vllm": {"guided_regex": r"\d+", "top_k": 20}}),
        stream=False,
    )
    assert body["guided_regex"] == r"\d+" and body["top_k"] == 20 and not w.items


def test_json_schema_response_format_is_sent_as_openai_does() -> None:
    res = _run(V.STRUCTURED)
    rf = json.loads(res.sent[0].content)["response_format"]
    assert rf["type"] == "json_schema" and rf["json_schema"]["schema"] == V.PERSON
    assert json.loads(res.response.text) == {"name": "Emily Chen", "age": 29}


def test_reasoning_content_becomes_a_reasoning_part() -> None:
    r = _run(V.REASONING).response
    assert r.reasoning.startswith("I need to compare 9.11 and 9.8")
    assert "9.8 is greater" in r.text and "I need to compare" not in r.text
    assert r.usage.output_tokens == 102


def test_streamed_tool_call_arguments() -> None:
    res = _run(V.TOOL_CALL_STREAM)
    (call,) = res.response.tool_calls
    assert call.id == "chatcmpl-tool-6f1e2d3c4b5a49788796a5b4c3d2e1f0" and call.name == "get_weather"
    assert call.arguments == {"location": "San Francisco, CA", "unit": "fahrenheit"}
    assert res.response.usage.input_tokens == 282
    assert json.loads(res.sent[0].content)["stream_options"] == {"include_usage": True}


def test_count_tokens_posts_messages_to_tokenize() -> None:
    async def go() -> Any:
        with make_vcr(V.CASSETTES).use_cassette(V.COUNT_TOKENS.cassette, allow_playback_repeats=False):
            client, sent = recording_client()
            async with client:
                p = _make(client, V.COUNT_TOKENS)
                return await p.count_tokens(V.COUNT_TOKENS.chat_request()), sent

    count, sent = asyncio.run(go())
    assert count.input_tokens == 16 and count.method == "api"
    assert str(sent[0].url) == "http://localhost:8000/tokenize"
    assert json.loads(sent[0].content) == {
        "model": V.MODEL,
        "messages": [{"role": "user", "content": "Hello, how are you?"}],
    }


def test_error_inside_a_200_stream_keeps_the_text_so_far() -> None:
    case = V.ERRORS["server_in_stream"]
    res = asyncio.run(run_case(case, _make, V.CASSETTES))
    assert isinstance(res.error, E.ProviderServerError) and res.error.status_code == 500
    assert "EngineCore" in res.error.message
    assert [e.text for e in res.events if e.type == "text"] == ["Hello"]


def test_context_length_message_of_current_vllm() -> None:
    res = asyncio.run(run_case(V.ERRORS["context_length"], _make, V.CASSETTES))
    assert isinstance(res.error, E.ContextWindowExceededError)
    assert "context length is only 131072" in res.error.message
    assert not res.error.is_retryable
