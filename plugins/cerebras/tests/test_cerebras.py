"""Cerebras quirks on the real recordings, configuration and key handling."""

from __future__ import annotations

import json
from typing import Any

import cerebras_cases as C
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_cerebras.provider import CerebrasProvider
from llmcore_testing import TEST_API_KEY, Case
from llmcore_testing.conformance import _recorded_request_body


def body(res: Any, i: int = 0) -> dict[str, Any]:
    return json.loads(res.sent[i].content)


def test_reasoning_field_and_usage_details() -> None:
    res = C.replay(C.REASONING)
    r = res.response
    assert r is not None and r.text == "4." and r.reasoning == C.FIRST_REASONING
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.reasoning_tokens, r.usage.cache_read_tokens) == (
        79,
        37,
        25,
        0,
    )


def test_reasoning_goes_back_under_reasoning_as_recorded() -> None:
    res = C.replay(C.MULTI_TURN)
    sent, recorded = body(res), _recorded_request_body(C.CASSETTES / C.THINKING, 1)
    assert sent["messages"] == recorded["messages"]  # content, reasoning and order exactly as pydantic-ai sent them
    assert res.response is not None and res.response.reasoning.startswith('User asks "Now add 3 to that."')


def test_zai_glm_reasoning() -> None:
    res = C.replay(
        Case(
            "pydantic-ai__test_cerebras_zai_reasoning_replayed_as_think_tags.yaml",
            {"model": "zai-glm-4.7", "messages": ["What is 25 * 4? Think briefly first."]},
        )
    )
    r = res.response
    assert r is not None and r.text == "25 * 4 = 100." and "Mental Calculation" in r.reasoning
    assert r.usage.reasoning_tokens == 406


def test_reasoning_off_through_provider_options() -> None:
    """zai-glm's reasoning_effort "none" and clear_thinking are Cerebras fields: passed through untouched."""
    res = C.replay(
        Case(
            "pydantic-ai__test_cerebras_disable_reasoning_setting.yaml",
            {
                "model": "zai-glm-4.7",
                "messages": ["What is 2 + 2?"],
                "provider_options": {"cerebras": {"reasoning_effort": "none", "clear_thinking": False}},
            },
        )
    )
    assert body(res) == _recorded_request_body(
        C.CASSETTES / "pydantic-ai__test_cerebras_disable_reasoning_setting.yaml"
    )
    assert res.response is not None and res.response.text == "The answer is 4." and not res.response.reasoning


def test_second_real_chat_recording() -> None:
    res = C.replay(
        Case(
            "pydantic-ai__test_openai_model_cerebras_provider.yaml",
            {"model": "llama3.3-70b", "messages": ["What is the capital of France?"]},
        )
    )
    assert res.response is not None and "Paris" in res.response.text
    assert res.response.model == "llama-3.3-70b"  # the server's canonical id


def test_stream_usage_without_stream_options_or_done() -> None:
    res = C.replay(C.STREAM)
    assert "stream_options" not in body(res)
    assert res.response is not None and res.response.usage.input_tokens == 43
    assert [e.type for e in res.events][-1] == "finish"


def test_max_completion_tokens_and_temperature_limit() -> None:
    p = CerebrasProvider(ProviderConfig(api_key="k"))
    out, _ = p.build_request(ChatRequest(model=C.M, messages=["hi"], max_tokens=64, temperature=1.5), stream=False)
    assert out["max_completion_tokens"] == 64 and "max_tokens" not in out
    with pytest.raises(E.InvalidRequestError, match=r"0 to 1\.5"):
        p.build_request(ChatRequest(model=C.M, messages=["hi"], temperature=1.8), stream=False)


def test_top_level_error_bodies() -> None:
    for kind, code in (
        ("auth", "wrong_api_key"),
        ("not_found", "model_not_found"),
        ("rate_limit", "request_quota_exceeded"),
        ("context_length", "context_length_exceeded"),
    ):
        err = C.replay(C.ERRORS[kind]).error
        assert isinstance(err, E.LLMCoreError) and err.code == code, (kind, err)
    err = C.replay(C.ERRORS["server"]).error
    assert isinstance(err, E.ProviderServerError) and err.is_retryable and "high traffic" in err.message


def test_unknown_option_missing_key_and_no_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(E.ConfigurationError, match=r"unknown option.*clear_thinking.*known: none"):
        CerebrasProvider(ProviderConfig(api_key="k", options={"clear_thinking": False}))
    monkeypatch.delenv("CEREBRAS_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="CEREBRAS_API_KEY"):
        CerebrasProvider(ProviderConfig())
    res = C.replay(C.CHAT)
    assert res.sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert TEST_API_KEY not in res.sent[0].content.decode()
    assert TEST_API_KEY not in repr(CerebrasProvider(ProviderConfig(api_key=TEST_API_KEY)))
    err = C.replay(C.ERRORS["auth"]).error
    assert err is not None and TEST_API_KEY not in repr(err) + str(err.raw)  # type: ignore[attr-defined]


def test_model_names_need_the_provider_prefix() -> None:
    from llmcore.resolve import resolve_model

    spec, model = resolve_model("cerebras/gpt-oss-120b")
    assert spec.name == "cerebras" and model == "gpt-oss-120b" and spec.model_prefixes == ()
