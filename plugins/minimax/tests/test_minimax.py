"""MiniMax specifics: base_resp errors inside 200s, <think> reasoning both ways, parameters, regions."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import minimax_cases as M
import pytest
from llmcore import errors as E
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore.types import ChatRequest
from llmcore_minimax.errors import BASE_RESP_ERRORS, base_resp_error
from llmcore_minimax.provider import MiniMaxProvider
from llmcore_testing import TEST_API_KEY, Case, run_case


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINIMAX_BASE_URL", raising=False)
    monkeypatch.setenv("MINIMAX_API_KEY", "mm-secret-key-0123456789")


def _run(case: Case) -> Any:
    def make(client: Any, c: Case) -> Any:
        return load_provider(get_registry().get("minimax"), api_key=TEST_API_KEY, http_client=client)

    return asyncio.run(run_case(case, make, M.CASSETTES))


def test_names_regions_and_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_model("MiniMax-M2.7")[0].name == "minimax"
    assert resolve_model("minimax-m1")[0].name == "minimax"
    assert MiniMaxProvider(ProviderConfig()).base_url == "https://api.minimax.io/v1"
    assert MiniMaxProvider(ProviderConfig(options={"region": "cn"})).base_url == "https://api.minimaxi.com/v1"
    with pytest.raises(E.ConfigurationError, match="global"):
        MiniMaxProvider(ProviderConfig(options={"region": "eu"}))
    with pytest.raises(E.ConfigurationError, match="known: group_id, region"):
        MiniMaxProvider(ProviderConfig(options={"groupid": "1"}))  # group_id is known (embeddings)
    monkeypatch.setenv("MINIMAX_BASE_URL", "https://proxy.example/minimax/v1")
    assert MiniMaxProvider(ProviderConfig(options={"region": "cn"})).base_url == "https://proxy.example/minimax/v1"
    p = MiniMaxProvider(ProviderConfig())
    assert p.auth_headers() == {"authorization": "Bearer mm-secret-key-0123456789"}
    assert "mm-secret" not in repr(p) + repr(p.config)
    monkeypatch.delenv("MINIMAX_API_KEY")
    with pytest.raises(E.ConfigurationError, match="MINIMAX_API_KEY"):
        MiniMaxProvider(ProviderConfig())


def test_parameters() -> None:
    p = MiniMaxProvider(ProviderConfig())
    body, w = p.build_request(
        ChatRequest(
            model="MiniMax-M2.7",
            messages=["x"],
            temperature=0,
            max_tokens=100,
            seed=1,
            response_format={"type": "json_object"},
        ),
        stream=False,
    )
    assert body["max_completion_tokens"] == 100 and "max_tokens" not in body
    assert not {"temperature", "seed", "response_format"} & set(body)
    assert sorted(x.feature for x in w.items) == ["response_format", "seed", "temperature"]
    body, w = p.build_request(ChatRequest(model="m", messages=["x"], temperature=1.0), stream=True)
    assert body["temperature"] == 1.0 and not w.items and body["stream_options"] == {"include_usage": True}
    with pytest.raises(E.UnsupportedFeatureError, match="temperature"):
        p.build_request(ChatRequest(model="m", messages=["x"], temperature=1.5, strict=True), stream=False)


def test_think_block_is_reasoning_and_goes_back_on_the_next_turn() -> None:
    r = _run(M.CHAT).response
    # the block's own newlines stay in the reasoning, so it can go back byte for byte
    assert r.reasoning.startswith('\nThe user just says "Hello"') and r.text == "Hello! How can I help you today?"
    assert r.usage.reasoning_tokens == 29
    s = _run(M.STREAM).response
    assert s.reasoning.startswith("\nThe user greets me.") and s.text == "Hello! How can I help you today?"
    sent = json.loads(_run(M.ROUND_TRIP).sent[0].content)
    assert sent["messages"][1]["content"] == f"<think>{M.THOUGHT}</think>\n\n"
    follow = ChatRequest(model="MiniMax-M2.7", messages=["Hello", r.message, "Thanks"])
    body, _ = MiniMaxProvider(ProviderConfig()).build_request(follow, stream=False)
    assert body["messages"][1]["content"] == (
        '<think>\nThe user just says "Hello". This is a simple greeting. I should respond with a friendly greeting '
        "and offer to help.\n</think>\n\nHello! How can I help you today?"
    )  # the documented content, restored
    assert sent["messages"][1]["tool_calls"][0]["id"] == M.CALL
    other = ChatRequest(
        model="m",
        messages=[
            "q",
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "hmm", "provider": "deepseek"},
                    {"type": "text", "text": "a"},
                ],
            },
            "q2",
        ],
    )
    body, _ = MiniMaxProvider(ProviderConfig()).build_request(other, stream=False)
    assert body["messages"][1]["content"] == "a"  # another provider's reasoning is not echoed


def test_base_resp_errors_keep_code_message_and_trace_id() -> None:
    err = _run(M.ERRORS["auth"]).error
    assert isinstance(err, E.AuthenticationError) and err.code == "1004" and err.status_code is None
    assert err.message.startswith("login fail") and err.request_id == "0638a1b2c3d4e5f6a7b8c9d0e1f2a3b4"
    assert not _run(M.ERRORS["balance"]).error.is_retryable
    assert _run(M.ERRORS["rate_limit"]).error.is_retryable
    sens = _run(M.ERRORS["output_sensitive_in_stream"])
    assert isinstance(sens.error, E.ContentFilterError) and sens.error.code == "1027"
    assert [e.text for e in sens.events if e.type == "reasoning"] == ["\nThe user asks"]


@pytest.mark.parametrize(("code", "cls"), sorted(BASE_RESP_ERRORS.items()))
def test_every_documented_code_maps(code: int, cls: type[E.LLMCoreError]) -> None:
    err = base_resp_error({"base_resp": {"status_code": code, "status_msg": "m"}}, "minimax")
    assert type(err) is cls and err.code == str(code)


def test_success_and_unknown_codes() -> None:
    assert base_resp_error({"base_resp": {"status_code": 0, "status_msg": ""}}, "minimax") is None
    assert base_resp_error({"choices": []}, "minimax") is None
    unknown = base_resp_error({"base_resp": {"status_code": 9999, "status_msg": ""}}, "minimax")
    assert isinstance(unknown, E.ProviderServerError) and unknown.message == "MiniMax error 9999"


def test_base_resp_in_an_http_error_body() -> None:
    err = MiniMaxProvider(ProviderConfig()).make_error(
        401, json.dumps({"base_resp": {"status_code": 2049, "status_msg": "invalid api key"}}).encode(), {}
    )
    assert isinstance(err, E.AuthenticationError) and err.status_code == 401 and err.code == "2049"
