"""Response and choice fields some providers send besides the answer (moderation verdicts, timings, their
own request ids, what stopped the answer) are kept in ``provider_metadata[<provider>]`` (issue 11:
nothing a provider sends disappears). Each is checked on a 200 answer in the plugin's cassettes: real
recordings where one holds the field; on authored cassettes (labelled in their SOURCES.md) MiniMax's, AI21's and
ERNIE's documented fields (no recording of either exists), vLLM's ``stop_reason`` token id (its recordings
say ``null``) and Together's ``seed``. Codec level: the recorded body through the provider's own dialect (the transport path
these answers take is the one the plugins' conformance tests replay over loopback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from llmcore.resolve import resolve_model
from llmcore_openai.chat.response import parse_response
from llmcore_testing.cassette_format import deserialize

ROOT = Path(__file__).resolve().parent.parent

#: (provider, cassette, level, field)
CASES = [
    ("cerebras", "pydantic-ai__test_cerebras_model_simple.yaml", "top", "time_info"),
    ("zhipu", "pydantic-ai__test_zai_model_simple.yaml", "top", "request_id"),
    (
        "novita",
        "hf-router__TestInferenceClient.test_chat_completion_no_stream_novita_conversational_.yaml",
        "choice",
        "content_filter_results",
    ),
    ("vllm", "authored__tool_call.yaml", "choice", "stop_reason"),
    ("minimax", "authored__chat_documented.yaml", "top", "output_sensitive"),
    ("openai", "pydantic-ai__test_max_completion_tokens_o3-mini_.yaml", "top", "system_fingerprint"),
    ("openai", "pydantic-ai__test_openai_instructions.yaml", "top", "service_tier"),
    ("groq", "pydantic-ai__test_groq_native_output.yaml", "top", "service_tier"),
    ("groq", "openllmetry__test_chat_legacy.yaml", "top", "x_groq"),
    ("huggingface", "pydantic-ai__test_hf_model_instructions.yaml", "choice", "seed"),
    ("together", "authored__chat_multi_turn_system.yaml", "choice", "seed"),
    ("ernie", "authored__documented_chat.yaml", "choice", "flag"),
    ("ai21", "authored__chat.yaml", "top", "meta"),
    ("huggingface", "pydantic-ai__test_tool_choice_matrix_required-huggingface_.yaml", "top", "metadata"),
    ("azure", "openllmetry__test_chat.yaml", "top", "prompt_filter_results"),
    ("azure", "openllmetry__test_chat.yaml", "choice", "content_filter_results"),
]


def _answer(provider: str, cassette: str, field: str, level: str) -> dict[str, Any]:
    data = deserialize((ROOT / "plugins" / provider / "tests" / "cassettes" / cassette).read_text(encoding="utf-8"))
    for inter in data["interactions"]:
        body = inter["response"]["body"]
        try:
            answer = json.loads(body["string"] if isinstance(body, dict) else body)
        except ValueError:
            continue
        holder = (answer.get("choices") or [{}])[0] if level == "choice" else answer
        if isinstance(holder, dict) and holder.get(field) is not None:
            return answer
    raise AssertionError(f"{cassette} has no answer with {field}")


@pytest.mark.parametrize(("provider", "cassette", "level", "field"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_the_field_is_kept(provider: str, cassette: str, level: str, field: str) -> None:
    from importlib import import_module

    spec, _ = resolve_model(f"{provider}/m")
    module, _, name = spec.factory.partition(":")
    cls = getattr(import_module(module), name)
    answer = _answer(provider, cassette, field, level)
    r = parse_response(answer, cls.dialect, provider=provider)
    expected = answer["choices"][0][field] if level == "choice" else answer[field]
    assert r.provider_metadata[provider][field] == expected
    assert not any(w.feature.startswith("unmapped") for w in r.warnings)


def test_the_responses_api_keeps_the_service_tier() -> None:
    from llmcore_openai.responses.response import parse_response as parse_responses

    answer = _answer("openai", "ellmer__openai-v2-web-search.yaml", "service_tier", "top")
    r = parse_responses(answer, provider="openai")
    assert r.provider_metadata["openai"]["service_tier"] == answer["service_tier"]
