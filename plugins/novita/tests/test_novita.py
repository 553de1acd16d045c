"""Novita quirks, configuration and key handling."""

from __future__ import annotations

import json
from typing import Any

import novita_cases as F
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_novita.provider import NovitaProvider
from llmcore_testing import TEST_API_KEY


def body(res: Any, i: int = 0) -> dict[str, Any]:
    return json.loads(res.sent[i].content)


def test_running_usage_on_every_chunk_is_reported_once_with_the_final_counts() -> None:
    res = F.replay(F.STREAM)
    assert res.response is not None and body(res)["stream_options"] == {"include_usage": True}
    assert [e.type for e in res.events].count("usage") == 1
    assert (res.response.usage.input_tokens, res.response.usage.output_tokens) == (24, 8)


def test_reasoning_content() -> None:
    for case in (F.REASONING, F.REASONING_STREAM):
        r = F.replay(case).response
        assert r is not None and r.text == "9.9 is bigger than 9.11."
        assert r.reasoning.startswith("The user asks which is bigger")


@pytest.mark.parametrize(
    ("kind", "cls", "reason"),
    [
        ("auth", E.AuthenticationError, "INVALID_API_KEY"),
        ("not_found", E.NotFoundError, "MODEL_NOT_FOUND"),
        ("rate_limit", E.RateLimitError, "RATE_LIMIT_EXCEEDED"),
        ("context_length", E.ContextWindowExceededError, "INVALID_REQUEST_BODY"),
        ("server", E.ProviderServerError, "MODEL_NOT_AVAILABLE"),
    ],
)
def test_flat_error_bodies_keep_the_reason(kind: str, cls: type[E.LLMCoreError], reason: str) -> None:
    err = F.replay(F.ERRORS[kind]).error
    assert isinstance(err, cls) and err.code == reason and err.message


def test_not_enough_balance_is_permission_denied() -> None:
    body_ = {"code": 403, "reason": "NOT_ENOUGH_BALANCE", "message": "not enough balance", "metadata": {}}
    p = NovitaProvider(ProviderConfig(api_key="k"))
    err = p.make_error(403, json.dumps(body_).encode(), {})
    assert isinstance(err, E.PermissionDeniedError) and err.code == "NOT_ENOUGH_BALANCE" and not err.is_retryable
    assert err.message == "not enough balance"


@pytest.mark.parametrize("case", [F.VIA_ROUTER, F.VIA_ROUTER_STREAM], ids=["chat", "stream"])
def test_novita_bodies_relayed_by_the_hf_router(case: Any) -> None:
    """Real Novita answers (through router.huggingface.co, not api.novita.ai): body shape, running usage."""
    res = F.replay(case)
    assert res.error is None and res.response is not None
    r = res.response
    assert r.model == "meta-llama/llama-3.1-8b-instruct" and "deep learning" in r.text.lower()
    if case.stream:
        assert r.finish_reason == "length" and (r.usage.input_tokens, r.usage.output_tokens) == (46, 20)
        assert [e.type for e in res.events].count("usage") == 1
    else:
        assert r.finish_reason == "stop" and (r.usage.input_tokens, r.usage.output_tokens) == (46, 584)


def test_unknown_option_missing_key_and_no_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(E.ConfigurationError, match=r"unknown option.*separate_reasoning.*known: none"):
        NovitaProvider(ProviderConfig(api_key="k", options={"separate_reasoning": True}))
    monkeypatch.delenv("NOVITA_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="NOVITA_API_KEY"):
        NovitaProvider(ProviderConfig())
    res = F.replay(F.CHAT)
    assert res.sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert str(res.sent[0].url) == "https://api.novita.ai/openai/v1/chat/completions"
    assert TEST_API_KEY not in res.sent[0].content.decode()
    assert TEST_API_KEY not in repr(NovitaProvider(ProviderConfig(api_key=TEST_API_KEY)))
    err = F.replay(F.ERRORS["auth"]).error
    assert isinstance(err, E.AuthenticationError) and TEST_API_KEY not in repr(err) + str(err.raw)


def test_model_names_need_the_provider_prefix() -> None:
    from llmcore.resolve import resolve_model

    spec, model = resolve_model("novita/deepseek/deepseek-r1")
    assert spec.name == "novita" and model == "deepseek/deepseek-r1" and spec.model_prefixes == ()
