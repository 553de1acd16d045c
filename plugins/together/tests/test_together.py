"""Together quirks, configuration and key handling, on the real recordings and the authored ones."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import together_cases as T
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_testing import TEST_API_KEY, Case
from llmcore_testing.openapi import load_spec
from llmcore_together.provider import TogetherProvider


def body(res: Any, i: int = 0) -> dict[str, Any]:
    return json.loads(res.sent[i].content)


def test_stream_sends_no_stream_options_and_reads_usage_from_the_last_chunk() -> None:
    res = T.replay(T.STREAM)
    assert res.error is None and res.response is not None
    sent = body(res)
    assert sent["stream"] is True and "stream_options" not in sent  # not in Together's request schema
    u = res.response.usage
    assert (u.input_tokens, u.output_tokens, u.cache_read_tokens) == (41, 15, 0)  # the real final chunk
    assert res.response.text.replace(" ", "") == "1,2,3,4,5."


def test_top_level_cached_tokens_become_cache_read_tokens() -> None:
    res = T.replay(T.CONVERSATION)
    assert res.response is not None
    u = res.response.usage
    assert (u.input_tokens, u.cache_read_tokens, u.output_tokens) == (74, 64, 8)
    assert T.TogetherProvider(ProviderConfig(api_key="k")).map_usage({"prompt_tokens": 5}).cache_read_tokens is None


def test_real_chat_usage_and_gzip_recording() -> None:
    """Mirascope's recording of api.together.xyz (gzip body, decoded by the importer)."""
    res = T.replay(
        Case(
            "mirascope__meta_llama_Llama_3_3_70B_Instruct_Turbo.yaml",
            {"model": T.M, "messages": ["What is 4200 + 42?"]},
        )
    )
    assert res.error is None and res.response is not None
    assert "4242" in res.response.text.replace(",", "")
    assert res.response.usage.input_tokens and res.response.usage.output_tokens


def test_legacy_eos_finish_reason_is_stop() -> None:
    """openllmetry's 2024 recording (Mixtral): finish_reason "eos" and usage without cached_tokens."""
    res = T.replay(
        Case(
            "openllmetry__test_together_chat_legacy.yaml",
            {"model": "mistralai/Mixtral-8x7B-Instruct-v0.1", "messages": ["Tell me a joke about OpenTelemetry."]},
        )
    )
    assert res.response is not None
    assert (res.response.finish_reason, res.response.raw_finish_reason) == ("stop", "eos")
    assert res.response.usage.cache_read_tokens is None and res.response.usage.input_tokens == 18


def test_tool_calls_sent_back_carry_their_index() -> None:
    res = T.replay(T.ROUND_TRIP)
    assert res.error is None
    assistant = body(res)["messages"][1]
    assert assistant["tool_calls"][0]["index"] == 0 and assistant["tool_calls"][0]["id"] == T.CALL_ID
    # without it the body violates Together's schema (ToolChoice requires index): the validation bites
    broken = copy.deepcopy(body(res))
    del broken["messages"][1]["tool_calls"][0]["index"]
    with pytest.raises(AssertionError, match="at /messages/1"):
        load_spec(T.SPEC).validate_body("POST", "/v1/chat/completions", broken)


def test_reasoning_field_streams_as_reasoning() -> None:
    res = T.replay(T.REASONING)
    assert res.response is not None
    assert res.response.reasoning.startswith("The user asks which is bigger")
    assert [e.type for e in res.events].index("reasoning") < [e.type for e in res.events].index("text")


def test_context_length_is_a_403() -> None:
    p = TogetherProvider(ProviderConfig(api_key="k"))
    msg = "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 8193. Given: 9000 `inputs` tokens"
    assert p.error_details(403, {"error": {"message": msg}}, "")[2] is E.ContextWindowExceededError
    assert p.error_details(403, {"error": {"message": "Forbidden"}}, "")[2] is None  # a real 403 stays PermissionDenied
    res = T.replay(T.ERRORS["context_length"])
    assert isinstance(res.error, E.ContextWindowExceededError) and not res.error.is_retryable


def test_rate_limit_retry_after_and_type() -> None:
    res = T.replay(T.ERRORS["rate_limit"])
    assert isinstance(res.error, E.RateLimitError)
    assert res.error.retry_after == 2.0 and res.error.code == "dynamic_request_limited" and res.error.is_retryable


def test_real_401_message() -> None:
    res = T.replay(T.AUTH)
    assert isinstance(res.error, E.AuthenticationError) and res.error.code == "invalid_api_key"
    assert "Invalid API key provided" in res.error.message
    assert TEST_API_KEY not in repr(res.error) and TEST_API_KEY not in str(res.error.raw)


def test_unknown_option_is_a_configuration_error() -> None:
    with pytest.raises(E.ConfigurationError, match=r"unknown option.*safety_model.*known: none"):
        TogetherProvider(ProviderConfig(api_key="k", options={"safety_model": "x"}))


def test_missing_key_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="TOGETHER_API_KEY"):
        TogetherProvider(ProviderConfig())
    monkeypatch.setenv("TOGETHER_API_KEY", "tgp-from-env-0000")
    p = TogetherProvider(ProviderConfig())
    assert p.auth_headers() == {"authorization": "Bearer tgp-from-env-0000"}
    assert "tgp-from-env" not in repr(p) and p.base_url == "https://api.together.xyz/v1"


def test_key_never_in_repr_or_sent_anywhere_but_the_header() -> None:
    res = T.replay(T.CHAT)
    req = res.sent[0]
    assert req.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert TEST_API_KEY not in req.content.decode() and TEST_API_KEY not in str(req.url)
    p = TogetherProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert TEST_API_KEY not in repr(p) and TEST_API_KEY not in repr(p.config)


def test_provider_options_pass_through_and_are_validated() -> None:
    req = ChatRequest(
        model=T.M, messages=["hi"], provider_options={"together": {"reasoning": {"enabled": False}, "top_k": 40}}
    )
    sent, _ = TogetherProvider(ProviderConfig(api_key="k")).build_request(req, stream=False)
    assert sent["reasoning"] == {"enabled": False} and sent["top_k"] == 40
    load_spec(T.SPEC).validate_body("POST", "/chat/completions", sent)


def test_model_names_resolve_only_with_the_provider_prefix() -> None:
    from llmcore.resolve import resolve_model

    spec, model = resolve_model("together/meta-llama/Llama-3.3-70B-Instruct-Turbo")
    assert spec.name == "together" and model == "meta-llama/Llama-3.3-70B-Instruct-Turbo"
    assert spec.model_prefixes == ()


def test_deepseek_r1_think_block_becomes_reasoning() -> None:
    res = T.replay(
        Case(
            "authored__deepseek_r1_think_tags_stream.yaml",
            {"model": "deepseek-ai/DeepSeek-R1", "messages": ["Which number is bigger 9.9 or 9.11?"]},
            stream=True,
        )
    )
    r = res.response
    assert r is not None and r.text == "**Answer:** 9.9 is bigger."
    assert r.reasoning.startswith("\nOkay, the user is asking") and "think>" not in r.reasoning
