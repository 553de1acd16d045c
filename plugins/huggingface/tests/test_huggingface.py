"""Hugging Face quirks: router vs TGI, the TGI grammar, <think> blocks, errors, configuration and keys."""

from __future__ import annotations

import json
from typing import Any

import huggingface_cases as H
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_huggingface.provider import HuggingFaceProvider
from llmcore_testing import TEST_API_KEY, Case, check_stream_invariants
from llmcore_testing.conformance import _recorded_request_body


def body(res: Any, i: int = 0) -> dict[str, Any]:
    return json.loads(res.sent[i].content)


def provider(**kw: Any) -> HuggingFaceProvider:
    return HuggingFaceProvider(ProviderConfig(api_key="k", **kw))


def test_mode_and_path_follow_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_BASE_URL", raising=False)
    p = provider()
    assert (p.api, p.url(p.endpoint(None)), p.base_url) == (  # type: ignore[arg-type]
        "router",
        "https://router.huggingface.co/v1/chat/completions",
        "https://router.huggingface.co/v1",
    )
    e = provider(base_url="https://xyz.us-east-1.aws.endpoints.huggingface.cloud")
    assert e.api == "tgi" and e.url(e.endpoint(None)) == (  # type: ignore[arg-type]
        "https://xyz.us-east-1.aws.endpoints.huggingface.cloud/v1/chat/completions"
    )
    local = provider(base_url="http://localhost:8080/v1", options={"api": "tgi"})
    assert local.url(local.endpoint(None)) == "http://localhost:8080/v1/chat/completions"  # type: ignore[arg-type]
    with pytest.raises(E.ConfigurationError, match="router"):
        provider(options={"api": "bedrock"})


def test_provider_option_appends_the_routing_suffix() -> None:
    p = provider(options={"provider": "fastest"})
    out, _ = p.build_request(ChatRequest(model="openai/gpt-oss-120b", messages=["hi"]), stream=False)
    assert out["model"] == "openai/gpt-oss-120b:fastest"
    out, _ = p.build_request(ChatRequest(model="openai/gpt-oss-120b:groq", messages=["hi"]), stream=False)
    assert out["model"] == "openai/gpt-oss-120b:groq"  # an explicit suffix wins


def test_tgi_grammar_is_the_recorded_one() -> None:
    res = H.replay(H.STRUCTURED)
    assert res.error is None and body(res)["response_format"] == {"type": "json", "value": H.ANIMALS}
    assert (
        body(res)["response_format"] == _recorded_request_body(H.CASSETTES / H.STRUCTURED.cassette)["response_format"]
    )
    assert json.loads(res.response.text)["animals_seen"] == 3  # type: ignore[union-attr]
    router, _ = provider().build_request(H.STRUCTURED.chat_request(), stream=False)
    assert router["response_format"]["type"] == "json_schema"  # the router takes OpenAI's form
    obj, _ = provider(base_url="http://localhost:8080").build_request(
        ChatRequest(model="tgi", messages=["hi"], response_format={"type": "json_object"}), stream=False
    )
    assert obj["response_format"] == {"type": "json", "value": {"type": "object"}}


def test_tgi_chat_and_stream_agree() -> None:
    chat, stream = H.replay(H.TGI_CHAT), H.replay(H.TGI_STREAM)
    a, b = chat.response, stream.response
    assert a is not None and b is not None and a.finish_reason == b.finish_reason == "length"
    assert a.text.startswith("Deep learning is a subfield") and b.text.startswith("Deep learning is a subfield")
    assert a.usage.input_tokens == 47 and b.usage.input_tokens is None  # the old stream was asked for no usage
    check_stream_invariants(stream.events, b)


def test_old_tgi_tool_call_int_id_dict_arguments_eos_token() -> None:
    forecast = {
        "name": "get_n_day_weather_forecast",
        "description": "Get an N-day weather forecast",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string"},
                "format": {"type": "string"},
                "num_days": {"type": "integer"},
            },
            "required": ["location", "format", "num_days"],
        },
    }
    res = H.replay(
        Case(
            "huggingface_hub__InferenceClientVCRTest.test_chat_completion_with_tool.yaml",
            {
                "model": "tgi",
                "max_tokens": 500,
                "tool_choice": "auto",
                "tools": [forecast],
                "messages": ["What's the weather like the next 3 days in San Francisco, CA?"],
            },
            base_url=H.LLAMA3_70B,
        )
    )
    r = res.response
    assert r is not None and r.finish_reason == "tool_calls" and r.raw_finish_reason == "eos_token"
    [call] = r.tool_calls
    assert call.id == "call_0" and call.name == "get_n_day_weather_forecast"
    assert call.arguments == {"format": "fahrenheit", "location": "San Francisco, CA", "num_days": 3}


def test_think_blocks_become_reasoning() -> None:
    r = H.replay(H.REASONING).response
    assert r is not None and r.text.startswith("Hello!") and "<think>" not in r.text
    assert r.reasoning.strip().startswith('Hmm, the user just said "hello"')
    cut = H.replay(
        Case(
            "pydantic-ai__test_max_completion_tokens.yaml",
            {"model": H.R1, "messages": ["hello"], "max_tokens": 100},
            base_url=H.ROUTER_TOGETHER,
        )
    )
    r = cut.response
    assert r is not None and r.finish_reason == "length" and r.text == "" and "Key goals in response" in r.reasoning


def test_router_parallel_tool_calls_and_forced_tool() -> None:
    city = {
        "name": "final_result",
        "description": "The final response which ends this conversation",
        "parameters": {
            "properties": {"city": {"type": "string"}, "summary": {"type": "string"}},
            "required": ["city", "summary"],
            "title": "CityInfo",
            "type": "object",
        },
    }
    weather = {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "additionalProperties": False,
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "type": "object",
        },
    }
    res = H.replay(
        Case(
            "pydantic-ai__test_tool_choice_matrix_tools_plus_output-huggingface_.yaml",
            {
                "model": "meta-llama/Llama-4-Scout-17B-16E-Instruct",
                "tools": [weather, city],
                "tool_choice": "required",
                "messages": ["Get weather for Paris and summarize"],
            },
            base_url=H.ROUTER_TOGETHER,
        )
    )
    r = res.response
    assert r is not None and [c.name for c in r.tool_calls] == ["get_weather", "final_result"]
    primes = {
        "name": "final_result",
        "description": "The final response which ends this conversation",
        "parameters": {
            "properties": {"response": {"items": {"type": "integer"}, "type": "array"}},
            "required": ["response"],
            "type": "object",
        },
    }
    r = H.replay(
        Case(
            "pydantic-ai__test_request_structured_response.yaml",
            {
                "model": H.R1,
                "tools": [primes],
                "tool_choice": "required",
                "messages": ["What are the first three prime numbers? Return them as a list of integers."],
            },
            base_url=H.ROUTER_TOGETHER,
        )
    ).response
    assert r is not None and r.tool_calls[0].arguments == {"response": [2, 3, 5]}


def test_usage_and_other_router_recordings() -> None:
    r = H.replay(
        Case(
            "pydantic-ai__test_request_simple_usage.yaml",
            {"model": H.R1, "messages": ["Hello"]},
            base_url=H.ROUTER_TOGETHER,
        )
    ).response
    assert r is not None and (r.usage.input_tokens, r.usage.output_tokens, r.usage.cache_read_tokens) == (4, 258, 0)
    small = "microsoft/DialoGPT-small"
    r = H.replay(
        Case(
            "huggingface_hub__TestInferenceClient.test_chat_completion_with_non_tgi.yaml",
            {"model": small, "system": H.HELPFUL, "messages": [H.DL], "max_tokens": 20},
            base_url=H.ROUTER_HF_INFERENCE.format(small),
        )
    ).response
    assert r is not None and r.model == small and r.text


def test_errors() -> None:
    real_422 = H.replay(
        Case(
            "huggingface_hub__InferenceClientVCRTest.test_chat_completion_unprocessable_entity.yaml",
            {
                "model": "tgi",
                "max_tokens": 200,
                "stop": ["Observation", "Final Answer"],
                "messages": ["please output 'Observation'"],
            },
            base_url=H.LLAMA3_70B,
        )
    ).error
    assert isinstance(real_422, E.InvalidRequestError) and real_422.status_code == 422
    assert "Failed to deserialize the JSON body" in real_422.message  # TGI's plain-text body
    auth = H.replay(H.ERRORS["auth"]).error
    assert isinstance(auth, E.AuthenticationError) and auth.message == "Invalid username or password."
    loading = H.replay(H.ERRORS["server"]).error
    assert isinstance(loading, E.ProviderServerError) and loading.retry_after == 20.0 and loading.is_retryable
    ctx = H.replay(H.ERRORS["context_length"]).error
    assert isinstance(ctx, E.ContextWindowExceededError) and ctx.status_code == 422


def test_unknown_option_missing_key_and_no_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(E.ConfigurationError, match=r"unknown option.*bill_to.*known: api, provider"):
        provider(options={"bill_to": "my-org"})
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGINGFACE_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="HF_TOKEN or HUGGINGFACE_API_KEY"):
        HuggingFaceProvider(ProviderConfig())
    monkeypatch.setenv("HUGGINGFACE_API_KEY", "hf_from_env_000")
    p = HuggingFaceProvider(ProviderConfig())
    assert p.auth_headers() == {"authorization": "Bearer hf_from_env_000"} and "hf_from_env" not in repr(p)
    res = H.replay(H.CHAT)
    assert res.sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert TEST_API_KEY not in res.sent[0].content.decode()
    err = H.replay(H.ERRORS["auth"]).error
    assert err is not None and TEST_API_KEY not in repr(err) + str(err.raw)  # type: ignore[attr-defined]


def test_model_names() -> None:
    from llmcore.resolve import resolve_model

    spec, model = resolve_model("huggingface/deepseek-ai/DeepSeek-R1:together")
    assert spec.name == "huggingface" and model == "deepseek-ai/DeepSeek-R1:together" and spec.model_prefixes == ()


def test_tgi_spec_validation_bites() -> None:
    """OpenAI's response_format is not a TGI grammar: the spec check rejects it, and accepts ours."""
    import httpx

    openai_form, _ = provider().build_request(H.STRUCTURED.chat_request(), stream=False)
    tgi_form, _ = provider(base_url=H.LLAMA3_70B).build_request(H.STRUCTURED.chat_request(), stream=False)
    url = H.LLAMA3_70B + "/chat/completions"
    with pytest.raises(AssertionError, match="response_format"):
        H.validate(httpx.Request("POST", url, json=openai_form))
    H.validate(httpx.Request("POST", url, json=tgi_form))
