"""Fireworks quirks, configuration and key handling."""

from __future__ import annotations

import json
from typing import Any

import fireworks_cases as F
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_fireworks.provider import FireworksProvider
from llmcore_testing import TEST_API_KEY


def body(res: Any, i: int = 0) -> dict[str, Any]:
    return json.loads(res.sent[i].content)


def test_stream_sends_no_stream_options_and_reads_usage_from_the_finish_chunk() -> None:
    res = F.replay(F.STREAM)
    assert res.response is not None and "stream_options" not in body(res)
    assert (res.response.usage.input_tokens, res.response.usage.output_tokens) == (24, 8)
    assert [e.type for e in res.events].count("usage") == 1


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("llama-v3p3-70b-instruct", "accounts/fireworks/models/llama-v3p3-70b-instruct"),
        ("accounts/fireworks/models/llama-v3p3-70b-instruct", "accounts/fireworks/models/llama-v3p3-70b-instruct"),
        ("accounts/my-team/models/my-fine-tune", "accounts/my-team/models/my-fine-tune"),
        ("accounts/my-team/deployedModels/x-abc123", "accounts/my-team/deployedModels/x-abc123"),
    ],
)
def test_bare_model_names_expand_to_the_fireworks_catalogue(given: str, sent: str) -> None:
    out, _ = FireworksProvider(ProviderConfig(api_key="k")).build_request(
        ChatRequest(model=given, messages=["hi"]), stream=False
    )
    assert out["model"] == sent


def test_reasoning_content_is_read_and_sent_back_after_a_tool_result() -> None:
    res = F.replay(F.REASONING)
    assert res.response is not None
    assert res.response.reasoning.startswith("The user asks which is bigger")
    assert res.response.message.content[0].provider == "fireworks"  # type: ignore[union-attr]
    # interleaved thinking: the assistant turn (reasoning + tool call) goes back with its reasoning_content
    follow_up = ChatRequest(
        model=F.M,
        tools=[F.WEATHER],
        messages=[
            {"role": "user", "content": F.WQ},
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "Need the weather tool."},
                    {"type": "tool_call", "id": "c1", "name": "get_current_weather", "arguments": {"city": "Paris"}},
                ],
            },
            {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": "c1", "content": "sunny"}]},
        ],
    )
    out, _ = FireworksProvider(ProviderConfig(api_key="k")).build_request(follow_up, stream=False)
    assert out["messages"][1]["reasoning_content"] == "Need the weather tool."


def test_reasoning_streams_before_text() -> None:
    res = F.replay(F.REASONING_STREAM)
    types = [e.type for e in res.events]
    assert types.index("reasoning") < types.index("text")


def test_error_codes_are_kept() -> None:
    res = F.replay(F.ERRORS["not_found"])
    assert isinstance(res.error, E.NotFoundError) and res.error.code == "NOT_FOUND"
    assert "not deployed" in res.error.message
    res = F.replay(F.ERRORS["context_length"])
    assert isinstance(res.error, E.ContextWindowExceededError) and res.error.code == "INVALID_ARGUMENT"


@pytest.mark.parametrize("case", [F.VIA_ROUTER, F.VIA_ROUTER_STREAM], ids=["chat", "stream"])
def test_fireworks_bodies_relayed_by_the_hf_router(case: Any) -> None:
    """Real Fireworks answers (through router.huggingface.co, not api.fireworks.ai): body shape and usage."""
    res = F.replay(case)
    assert res.error is None and res.response is not None
    r = res.response
    assert r.model == F.M and "deep learning" in r.text.lower()
    assert r.usage.input_tokens == 46 and r.usage.output_tokens in (586, 20)
    assert r.finish_reason == ("length" if case.stream else "stop")


def test_unknown_option_missing_key_and_no_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(E.ConfigurationError, match=r"unknown option.*max_tokens_default.*known: none"):
        FireworksProvider(ProviderConfig(api_key="k", options={"max_tokens_default": 1}))
    monkeypatch.delenv("FIREWORKS_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="FIREWORKS_API_KEY"):
        FireworksProvider(ProviderConfig())
    res = F.replay(F.CHAT)
    assert res.sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert TEST_API_KEY not in res.sent[0].content.decode()
    assert TEST_API_KEY not in repr(FireworksProvider(ProviderConfig(api_key=TEST_API_KEY)))
    err = F.replay(F.ERRORS["auth"]).error
    assert isinstance(err, E.AuthenticationError) and TEST_API_KEY not in repr(err) + str(err.raw)


def test_model_resolution() -> None:
    from llmcore.resolve import resolve_model

    assert resolve_model("accounts/fireworks/models/llama-v3p3-70b-instruct")[0].name == "fireworks"
    spec, model = resolve_model("fireworks/llama-v3p3-70b-instruct")
    assert spec.name == "fireworks" and model == "llama-v3p3-70b-instruct"  # expanded when sent
