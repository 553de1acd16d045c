"""Moonshot quirks, configuration and key handling."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import moonshot_cases as K
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_moonshot.provider import MOONSHOT_DIALECT, MoonshotProvider
from llmcore_openai.chat import ChatStreamDecoder
from llmcore_testing import TEST_API_KEY, Case, make_vcr, recording_client
from llmcore_testing.openapi import load_spec


def body(res: Any, i: int = 0) -> dict[str, Any]:
    return json.loads(res.sent[i].content)


def build(**kw: Any) -> tuple[dict[str, Any], Any]:
    return MoonshotProvider(ProviderConfig(api_key="k")).build_request(ChatRequest(**kw), stream=False)


def test_max_completion_tokens_and_fixed_sampling_models() -> None:
    sent, w = build(model="kimi-k2.6", messages=["hi"], max_tokens=64, temperature=0.2, top_p=0.9)
    assert sent["max_completion_tokens"] == 64 and "max_tokens" not in sent
    assert "temperature" not in sent and "top_p" not in sent
    assert {x.feature for x in w.items} == {"temperature", "top_p"}
    with pytest.raises(E.UnsupportedFeatureError):
        build(model="kimi-k3", messages=["hi"], temperature=0.2, strict=True)
    sent, w = build(model="moonshot-v1-8k", messages=["hi"], temperature=0.3)
    assert sent["temperature"] == 0.3 and not w.items
    load_spec(K.SPEC).validate_body("POST", "/v1/chat/completions", sent)
    with pytest.raises(E.InvalidRequestError, match="0 to 1"):
        build(model="moonshot-v1-8k", messages=["hi"], temperature=1.5)


def test_moonshot_v1_sampling_is_sent() -> None:
    res = K.replay(
        Case(
            "authored__moonshot_v1_temperature.yaml",
            {"model": "moonshot-v1-8k", "messages": ["Hello"], "temperature": 0.3, "max_tokens": 64},
        )
    )
    assert res.response is not None and body(res)["temperature"] == 0.3 and not res.response.warnings


def test_reasoning_content_is_sent_back() -> None:
    sent, _ = build(
        model="kimi-k2.6",
        tools=[K.WEATHER],
        messages=[
            {"role": "user", "content": K.WQ},
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "Use the tool."},
                    {
                        "type": "tool_call",
                        "id": K.CALL_ID,
                        "name": "get_current_weather",
                        "arguments": {"city": "Paris"},
                    },
                ],
            },
            {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": K.CALL_ID, "content": "sunny"}]},
        ],
        provider_options={"moonshot": {"thinking": {"type": "enabled", "keep": "all"}}},
    )
    assert sent["messages"][1]["reasoning_content"] == "Use the tool." and sent["thinking"]["keep"] == "all"
    load_spec(K.SPEC).validate_body("POST", "/v1/chat/completions", sent)


def test_stream_usage_once_and_from_the_choice_when_alone() -> None:
    res = K.replay(K.STREAM)
    assert res.response is not None and body(res)["stream_options"] == {"include_usage": True}
    assert [e.type for e in res.events].count("usage") == 1
    # without the include_usage chunk, the usage Kimi puts on the last choice is still found
    dec = ChatStreamDecoder(MOONSHOT_DIALECT, "moonshot")
    events = dec.feed_data(json.dumps({"id": "c", "choices": [{"index": 0, "delta": {"content": "Hi"}}]}))
    events += dec.feed_data(
        json.dumps(
            {
                "id": "c",
                "choices": [
                    {
                        "index": 0,
                        "delta": {},
                        "finish_reason": "stop",
                        "usage": {"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10, "cached_tokens": 9},
                    }
                ],
            }
        )
    )
    events += dec.close()
    [u] = [e for e in events if e.type == "usage"]
    assert (u.usage.input_tokens, u.usage.cache_read_tokens) == (9, 9)  # type: ignore[attr-defined]


def test_errors_quota_is_permission_overload_is_retryable() -> None:
    quota = K.replay(K.ERRORS["quota"]).error
    assert isinstance(quota, E.PermissionDeniedError) and quota.status_code == 429 and not quota.is_retryable
    assert quota.code == "exceeded_current_quota_error"
    over = K.replay(K.ERRORS["overloaded"]).error
    assert isinstance(over, E.RateLimitError) and over.is_retryable and over.code == "engine_overloaded_error"
    ctx = K.replay(K.ERRORS["context_length"]).error
    assert isinstance(ctx, E.ContextWindowExceededError) and "262144" in ctx.message


def test_count_tokens_uses_the_estimate_endpoint() -> None:
    async def go() -> Any:
        client, sent = recording_client()
        with make_vcr(K.CASSETTES).use_cassette(K.COUNT.cassette):
            async with client:
                p = MoonshotProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client))
                return await p.count_tokens(K.COUNT.chat_request()), sent

    count, sent = asyncio.run(go())
    assert (count.input_tokens, count.method) == (14, "api")
    assert sent[0].url.path == "/v1/tokenizers/estimate-token-count"
    load_spec(K.SPEC).validate_request(sent[0])


def test_region_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOONSHOT_BASE_URL", raising=False)
    assert MoonshotProvider(ProviderConfig(api_key="k")).base_url == "https://api.moonshot.ai/v1"
    assert (
        MoonshotProvider(ProviderConfig(api_key="k", options={"region": "cn"})).base_url == "https://api.moonshot.cn/v1"
    )
    explicit = MoonshotProvider(
        ProviderConfig(api_key="k", base_url="https://proxy.example/v1", options={"region": "cn"})
    )
    assert explicit.base_url == "https://proxy.example/v1"
    with pytest.raises(E.ConfigurationError, match="global"):
        MoonshotProvider(ProviderConfig(api_key="k", options={"region": "eu"}))


def test_unknown_option_missing_key_and_no_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(E.ConfigurationError, match=r"unknown option.*thinking.*known: region"):
        MoonshotProvider(ProviderConfig(api_key="k", options={"thinking": {"type": "enabled"}}))
    monkeypatch.delenv("MOONSHOT_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="MOONSHOT_API_KEY"):
        MoonshotProvider(ProviderConfig())
    res = K.replay(K.CHAT)
    assert res.sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert TEST_API_KEY not in res.sent[0].content.decode()
    assert TEST_API_KEY not in repr(MoonshotProvider(ProviderConfig(api_key=TEST_API_KEY)))
    err = K.replay(K.ERRORS["auth"]).error
    assert isinstance(err, E.AuthenticationError) and TEST_API_KEY not in repr(err) + str(err.raw)


def test_model_name_prefixes() -> None:
    from llmcore.resolve import resolve_model

    for name in ("kimi-k2.6", "moonshot-v1-8k"):
        spec, model = resolve_model(name)
        assert spec.name == "moonshot" and model == name
