"""SambaNova quirks, configuration and key handling."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sambanova_cases as F
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_sambanova.provider import SambaNovaProvider
from llmcore_testing import TEST_API_KEY


def body(res: Any, i: int = 0) -> dict[str, Any]:
    return json.loads(res.sent[i].content)


def test_stream_asks_for_usage_and_reads_the_usage_chunk() -> None:
    res = F.replay(F.STREAM)
    assert body(res)["stream_options"] == {"include_usage": True}
    assert res.response is not None and (res.response.usage.input_tokens, res.response.usage.output_tokens) == (24, 8)


def test_usage_throughput_fields_are_left_in_raw() -> None:
    res = F.replay(F.CHAT)
    r = res.response
    assert r is not None and r.usage.input_tokens == 24 and r.usage.cache_read_tokens is None
    assert r.raw["usage"]["time_to_first_token"] == 0.03  # type: ignore[index]


def test_think_tags_become_reasoning() -> None:
    for case in (F.REASONING, F.REASONING_STREAM):
        res = F.replay(case)
        r = res.response
        assert r is not None
        assert r.text == "9.9 is bigger than 9.11." and "<think>" not in r.text and "</think>" not in r.reasoning
        assert r.reasoning.strip().startswith("The user asks which is bigger")
        assert r.message.content[0].type == "reasoning"
    types = [e.type for e in F.replay(F.REASONING_STREAM).events]
    assert types.index("reasoning") < types.index("text")


@pytest.mark.parametrize("case", [F.VIA_ROUTER, F.VIA_ROUTER_STREAM], ids=["chat", "stream"])
def test_sambanova_bodies_relayed_by_the_hf_router(case: Any) -> None:
    """Real SambaNova answers (through router.huggingface.co, not api.sambanova.ai): body shape, usage."""
    res = F.replay(case)
    assert res.error is None and res.response is not None
    r = res.response
    assert r.model == "Meta-Llama-3.1-8B-Instruct" and "deep learning" in r.text.lower()
    if case.stream:  # huggingface_hub sent no stream_options: the stream has no usage, and says so
        assert r.finish_reason == "length" and r.usage.input_tokens is None
    else:
        assert r.finish_reason == "stop" and (r.usage.input_tokens, r.usage.output_tokens) == (46, 409)


def test_unknown_option_missing_key_and_no_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(E.ConfigurationError, match=r"unknown option.*top_k.*known: none"):
        SambaNovaProvider(ProviderConfig(api_key="k", options={"top_k": 5}))
    monkeypatch.delenv("SAMBANOVA_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="SAMBANOVA_API_KEY"):
        SambaNovaProvider(ProviderConfig())
    res = F.replay(F.CHAT)
    assert res.sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert TEST_API_KEY not in res.sent[0].content.decode()
    assert TEST_API_KEY not in repr(SambaNovaProvider(ProviderConfig(api_key=TEST_API_KEY)))
    err = F.replay(F.ERRORS["auth"]).error
    assert isinstance(err, E.AuthenticationError) and TEST_API_KEY not in repr(err) + str(err.raw)


def test_model_names_need_the_provider_prefix() -> None:
    from llmcore.resolve import resolve_model

    spec, model = resolve_model("sambanova/DeepSeek-R1-0528")
    assert spec.name == "sambanova" and model == "DeepSeek-R1-0528" and spec.model_prefixes == ()
