# ruff: noqa: RUF001 -- Chinese full-width punctuation of the documented requests and answers
"""ERNIE / Qianfan v2 specifics: appid header, documented responses, error codes, configuration."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import ernie_cases as C
import pytest
from llmcore import errors as E
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore_ernie.provider import ErnieProvider
from llmcore_testing import TEST_API_KEY, Case, run_case


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QIANFAN_APPID", raising=False)
    monkeypatch.delenv("QIANFAN_BASE_URL", raising=False)
    monkeypatch.setenv("QIANFAN_API_KEY", "bce-v3/ALTAK-fake0123/abcdef0123456789")


def _run(case: Case, **options: Any) -> Any:
    def make(client: Any, c: Case) -> Any:
        return load_provider(get_registry().get("ernie"), api_key=TEST_API_KEY, http_client=client, options=options)

    return asyncio.run(run_case(case, make, C.CASSETTES))


def test_names_key_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_model("ernie-4.5-turbo-128k")[0].name == "ernie"
    spec, model = resolve_model("ernie/deepseek-v3.1-250821")
    assert spec.name == "ernie" and model == "deepseek-v3.1-250821"
    p = ErnieProvider(ProviderConfig())
    assert p.base_url == "https://qianfan.baidubce.com/v2"
    assert p.auth_headers() == {"authorization": "Bearer bce-v3/ALTAK-fake0123/abcdef0123456789"}
    assert "ALTAK-fake" not in repr(p) + repr(p.config)
    with pytest.raises(E.ConfigurationError, match="known: appid"):
        ErnieProvider(ProviderConfig(options={"secret_key": "x"}))
    monkeypatch.delenv("QIANFAN_API_KEY")
    with pytest.raises(E.ConfigurationError, match="QIANFAN_API_KEY"):
        ErnieProvider(ProviderConfig())


def test_appid_header_from_option_or_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "appid" not in _run(C.CHAT).sent[0].headers
    assert _run(C.CHAT, appid="app-123456").sent[0].headers["appid"] == "app-123456"
    monkeypatch.setenv("QIANFAN_APPID", "app-from-env")
    assert ErnieProvider(ProviderConfig()).extra_headers() == {"appid": "app-from-env"}


def test_documented_responses() -> None:
    r = _run(C.DOC_CHAT).response
    assert r.text == "你好！很高兴和你交流。请问有什么我可以帮助你的吗？" and r.usage.input_tokens == 11
    calls = _run(C.DOC_TOOL_CALLS).response.tool_calls
    assert [c.arguments["location"] for c in calls] == ["上海市", "北京市"]
    rt = _run(C.DOC_ROUND_TRIP)
    sent = json.loads(rt.sent[0].content)["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "tool"]
    assert [m["tool_call_id"] for m in sent[2:]] == [i for i, _, _ in C.CALLS]
    assert rt.response.text.startswith("根据查询结果")


def test_reasoning_and_parallel_streamed_calls() -> None:
    r = _run(C.REASONING).response
    assert r.reasoning.startswith("比较9.11和9.8") and r.text.startswith("9.8更大")
    s = _run(C.TOOL_CALLS_STREAM).response
    assert [(c.id, c.arguments["location"]) for c in s.tool_calls] == [
        ("call_8f2a1c9e4b7d", "上海市"),
        ("call_3c6e9a2f7d1b", "北京市"),
    ]
    assert s.usage.output_tokens == 64


def test_search_results_are_kept() -> None:
    from llmcore_ernie.provider import ERNIE_DIALECT
    from llmcore_openai.chat import parse_response

    body = {
        "id": "as-1",
        "model": "ernie-4.5-turbo-128k",
        "search_results": [{"index": 1, "url": "https://a", "title": "A"}],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "stop"}],
    }
    r = parse_response(body, ERNIE_DIALECT, provider="ernie")
    assert r.provider_metadata == {"ernie": {"search_results": [{"index": 1, "url": "https://a", "title": "A"}]}}


@pytest.mark.parametrize(
    ("status", "code", "message", "cls"),
    [
        (400, "tokens_too_long", "Prompt tokens too long", E.ContextWindowExceededError),
        (400, "characters_too_long", "the max input characters is 516096", E.ContextWindowExceededError),
        (400, "invalid_model", "model is empty", E.InvalidRequestError),
        (401, "invalid_model", "no permission", E.NotFoundError),
        (400, "malformed_json", "Invalid Argument", E.InvalidRequestError),
        (429, "tpm_rate_limit_exceeded", "Rate limit reached for TPM", E.RateLimitError),
    ],
)
def test_error_codes(status: int, code: str, message: str, cls: type[E.LLMCoreError]) -> None:
    body = {"error": {"code": code, "message": message, "type": "invalid_request_error"}, "id": "as-x"}
    err = ErnieProvider(ProviderConfig()).make_error(status, json.dumps(body).encode(), {})
    assert type(err) is cls and err.code == code and err.message == message
