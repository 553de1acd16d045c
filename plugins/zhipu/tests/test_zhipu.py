"""Zhipu / Z.ai quirks on the real recordings, configuration and key handling."""

from __future__ import annotations

import json
from typing import Any

import pytest
import zhipu_cases as Z
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_testing import TEST_API_KEY
from llmcore_testing.conformance import _recorded_request_body
from llmcore_zhipu.provider import ZhipuProvider


def body(res: Any, i: int = 0) -> dict[str, Any]:
    return json.loads(res.sent[i].content)


@pytest.mark.parametrize(
    "case", [Z.CHAT, Z.THINKING, Z.STREAM, Z.EFFORT], ids=["simple", "thinking", "stream", "effort"]
)
def test_bodies_equal_the_recorded_ones(case: Any) -> None:
    """The thinking options become exactly the `thinking` object pydantic-ai sent (and the rest matches too)."""
    res = Z.replay(case)
    assert res.error is None
    assert body(res) == _recorded_request_body(Z.CASSETTES / case.cassette)


def test_reasoning_content_and_usage() -> None:
    r = Z.replay(Z.CHAT).response
    assert r is not None and r.text == "2 + 2 is 4." and "Analyze the user's input" in r.reasoning
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.reasoning_tokens, r.usage.cache_read_tokens) == (
        13,
        437,
        427,
        0,
    )


def test_streamed_reasoning_then_text() -> None:
    res = Z.replay(Z.STREAM)
    r = res.response
    assert r is not None and r.text == "4" and r.usage.reasoning_tokens == 561
    types = [e.type for e in res.events]
    assert types.index("reasoning") < types.index("text") and types.count("usage") == 1


def test_preserved_thinking_sends_reasoning_content_back() -> None:
    res = Z.replay(Z.MULTI_TURN)
    assert body(res)["messages"] == _recorded_request_body(Z.CASSETTES / Z.PRESERVED, 1)["messages"]
    assert res.response is not None and "646" in res.response.text


def test_tool_choice_other_than_auto_is_a_warning() -> None:
    p = ZhipuProvider(ProviderConfig(api_key="k"))
    sent, w = p.build_request(
        ChatRequest(model=Z.M, messages=["hi"], tools=[Z.WEATHER], tool_choice="required"), stream=False
    )
    assert "tool_choice" not in sent and [x.feature for x in w.items] == ["tool_choice"]
    sent, w = p.build_request(
        ChatRequest(model=Z.M, messages=["hi"], tools=[Z.WEATHER], tool_choice="auto"), stream=False
    )
    assert sent["tool_choice"] == "auto" and not w.items
    with pytest.raises(E.UnsupportedFeatureError):
        p.build_request(
            ChatRequest(model=Z.M, messages=["hi"], tools=[Z.WEATHER], tool_choice="required", strict=True),
            stream=False,
        )


def test_one_stop_word() -> None:
    sent, w = ZhipuProvider(ProviderConfig(api_key="k")).build_request(
        ChatRequest(model=Z.M, messages=["hi"], stop=["END", "STOP"]), stream=False
    )
    assert sent["stop"] == ["END"] and [x.feature for x in w.items] == ["stop"]


def test_json_schema_is_not_sent() -> None:
    sent, w = ZhipuProvider(ProviderConfig(api_key="k")).build_request(
        ChatRequest(
            model=Z.M,
            messages=["hi"],
            response_format={"type": "json_schema", "name": "x", "schema": {"type": "object"}},
        ),
        stream=False,
    )
    assert "response_format" not in sent and [x.feature for x in w.items] == ["response_format"]


def test_business_codes_pick_the_class() -> None:
    arrears = Z.replay(Z.ERRORS["arrears"]).error
    assert isinstance(arrears, E.PermissionDeniedError) and arrears.status_code == 429 and arrears.code == "1113"
    assert not arrears.is_retryable
    nf = Z.replay(Z.ERRORS["not_found"]).error
    assert isinstance(nf, E.NotFoundError) and nf.status_code == 400 and nf.code == "1211"
    p = ZhipuProvider(ProviderConfig(api_key="k"))
    assert p.error_details(400, {"error": {"code": "1301", "message": "unsafe"}}, "")[2] is E.ContentFilterError
    assert p.error_details(400, {"error": {"code": "1214", "message": "bad field"}}, "")[2] is None  # status decides


def test_regions_and_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ZAI_API_KEY", "ZHIPUAI_API_KEY", "ZHIPU_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(E.ConfigurationError, match="ZAI_API_KEY or ZHIPUAI_API_KEY"):
        ZhipuProvider(ProviderConfig())
    assert ZhipuProvider(ProviderConfig(api_key="k")).base_url == "https://api.z.ai/api/paas/v4"
    assert ZhipuProvider(ProviderConfig(api_key="k", options={"region": "cn"})).base_url == (
        "https://open.bigmodel.cn/api/paas/v4"
    )
    monkeypatch.setenv("ZHIPUAI_API_KEY", "bigmodel-key-000")  # the bigmodel SDK's variable → open.bigmodel.cn
    p = ZhipuProvider(ProviderConfig())
    assert p.base_url == "https://open.bigmodel.cn/api/paas/v4" and "bigmodel-key" not in repr(p)
    monkeypatch.setenv("ZAI_API_KEY", "zai-key-000")
    assert ZhipuProvider(ProviderConfig()).base_url == "https://api.z.ai/api/paas/v4"
    with pytest.raises(E.ConfigurationError, match="region"):
        ZhipuProvider(ProviderConfig(api_key="k", options={"region": "eu"}))
    with pytest.raises(E.ConfigurationError, match="thinking"):
        ZhipuProvider(ProviderConfig(api_key="k", options={"thinking": True}))


def test_unknown_option_and_no_leak() -> None:
    with pytest.raises(
        E.ConfigurationError, match=r"unknown option.*do_sample.*known: clear_thinking, region, thinking"
    ):
        ZhipuProvider(ProviderConfig(api_key="k", options={"do_sample": False}))
    res = Z.replay(Z.CHAT)
    assert res.sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert TEST_API_KEY not in res.sent[0].content.decode()
    assert TEST_API_KEY not in repr(ZhipuProvider(ProviderConfig(api_key=TEST_API_KEY)))
    err = Z.replay(Z.ERRORS["auth"]).error
    assert isinstance(err, E.AuthenticationError) and TEST_API_KEY not in repr(err) + str(err.raw)


def test_glm_prefix() -> None:
    from llmcore.resolve import resolve_model

    spec, model = resolve_model("glm-4.7")
    assert spec.name == "zhipu" and model == "glm-4.7"
