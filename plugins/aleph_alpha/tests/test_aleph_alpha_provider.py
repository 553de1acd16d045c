"""Aleph Alpha specifics: the /complete mapping on the real recording, endpoint
routing, /tokenize, warnings, configuration and error bodies."""

from __future__ import annotations

import aleph_alpha_cases as A
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore.types import ChatRequest
from llmcore_aleph_alpha.complete import build_complete_body
from llmcore_aleph_alpha.provider import AlephAlphaProvider
from llmcore_testing import TEST_API_KEY
from llmcore_testing.conformance import assert_not_leaked

# -- /complete, on the real recording ------------------------------------------------------


def test_complete_body_carries_what_the_recording_sent() -> None:
    _, sent = A.replay(A.REAL_COMPLETE, A.JOKE)
    ours, recorded = A.json_body(sent[0]), A.recorded_body(A.REAL_COMPLETE)
    assert sent[0].url.path == "/complete" and sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert ours == {
        "model": "luminous-base",
        "prompt": "Tell me a joke about OpenTelemetry.",
        "maximum_tokens": 1000,
        "temperature": 0.0,
        "top_p": 0.0,
    }
    # the recorded client sent the prompt as one text item, plus its defaults for every other field
    assert recorded["prompt"][0]["data"] == ours["prompt"]
    for key in ("model", "maximum_tokens", "temperature", "top_p"):
        assert recorded[key] == ours[key]


def test_complete_answer_mapping() -> None:
    r, _ = A.replay(A.REAL_COMPLETE, A.JOKE)
    assert r.text.startswith("\n\nA:\n\nI think the best joke is the one that is not funny.")
    assert (r.usage.input_tokens, r.usage.output_tokens) == (9, 1000)
    assert (r.finish_reason, r.raw_finish_reason) == ("length", "maximum_tokens")
    assert r.provider_metadata == {"aleph_alpha": {"model_version": "2022-04"}} and r.model == "luminous-base"


def test_complete_models_stream_by_replaying_one_call() -> None:
    r, sent = A.replay(A.REAL_COMPLETE, A.JOKE, stream=True)
    assert len(sent) == 1 and "stream" not in A.json_body(sent[0])
    assert r.finish_reason == "length" and r.usage.output_tokens == 1000 and r.text.startswith("\n\nA:")


# -- /chat/completions (the shared OpenAI codec) ---------------------------------------------------


@pytest.mark.parametrize("case", [A.MULTI_TURN, A.STREAM, A.SYSTEM_PROMPT], ids=lambda c: c.cassette)
def test_chat_bodies_are_the_recorded_ones(case: A.Case) -> None:
    _, sent = A.replay(case.cassette, case.chat_request(), stream=case.stream)
    assert len(sent) == 1 and sent[0].url.path == "/chat/completions"
    assert A.json_body(sent[0]) == A.recorded_body(case.cassette)


def test_chat_stream_usage_and_text() -> None:
    r, sent = A.replay(A.STREAM.cassette, A.STREAM.chat_request(), stream=True)
    assert A.json_body(sent[0])["stream_options"] == {"include_usage": True}
    assert r.text.startswith("According to Douglas Adams") and r.text.endswith("the universe, and everything.")
    assert (r.usage.input_tokens, r.usage.output_tokens) == (67, 98) and r.finish_reason == "stop"


def test_tools_and_seed_are_warnings_on_chat() -> None:
    tool = {"name": "f", "parameters": {"type": "object", "properties": {}}}
    req = ChatRequest(**{**A.GUIDE, "tools": [tool], "seed": 1})
    r, sent = A.replay(A.MULTI_TURN.cassette, req)
    body = A.json_body(sent[0])
    assert "tools" not in body and "seed" not in body
    assert {w.feature for w in r.warnings} == {"tools", "seed"}


def test_strict_mode_raises_before_any_request() -> None:
    tool = {"name": "f", "parameters": {"type": "object", "properties": {}}}
    for model in ("llama-3.1-70b-instruct", "luminous-base"):
        err, sent = A.replay(A.MULTI_TURN.cassette, {**A.GUIDE, "model": model, "tools": [tool], "strict": True})
        assert isinstance(err, E.UnsupportedFeatureError) and not sent


# -- routing and configuration ----------------------------------------------------------------------


def test_api_routing() -> None:
    auto = AlephAlphaProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert auto.api_for("luminous-base") == "complete"
    assert auto.api_for("pharia-1-llm-7b-control") == "chat" and auto.api_for("llama-3.1-8b-instruct") == "chat"
    forced = AlephAlphaProvider(ProviderConfig(api_key=TEST_API_KEY, options={"api": "complete"}))
    assert forced.api_for("pharia-1-llm-7b-control") == "complete"


def test_forcing_chat_on_a_luminous_model_uses_chat_completions() -> None:
    req = ChatRequest(**{**A.GUIDE, "model": "luminous-base"})
    _, sent = A.replay(A.MULTI_TURN.cassette, req, api="chat")
    assert sent[0].url.path == "/chat/completions"


def test_bad_options() -> None:
    with pytest.raises(E.ConfigurationError, match="api"):
        AlephAlphaProvider(ProviderConfig(api_key=TEST_API_KEY, options={"endpoint": "chat"}))
    with pytest.raises(E.ConfigurationError, match="auto, chat, complete"):
        AlephAlphaProvider(ProviderConfig(api_key=TEST_API_KEY, options={"api": "completions"}))


def test_missing_key_names_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AA_TOKEN", raising=False)
    with pytest.raises(E.ConfigurationError, match="AA_TOKEN"):
        AlephAlphaProvider(ProviderConfig())


def test_model_prefixes_resolve_to_aleph_alpha() -> None:
    for name in ("luminous-base", "pharia-1-llm-7b-control"):
        spec, model = resolve_model(name)
        assert spec.name == "aleph_alpha" and model == name


# -- /tokenize --------------------------------------------------------------------------------------


def test_count_tokens_via_tokenize() -> None:
    count, sent = A.replay(A.COUNT_TOKENS.cassette, A.COUNT_TOKENS.chat_request(), count=True)
    assert A.json_body(sent[0]) == {
        "model": "luminous-base",
        "prompt": "Tell me a joke about OpenTelemetry.",
        "tokens": False,
        "token_ids": True,
    }
    # 9: the same number the real /complete recording reports as num_tokens_prompt_total for this prompt
    assert (count.input_tokens, count.method, count.detail) == (9, "api", None)


# -- /complete request mapping and errors -----------------------------------------------------------------


def test_complete_prompt_rendering() -> None:
    req = ChatRequest(
        model="luminous-base",
        system="Be terse.",
        stop=["\n\n"],
        messages=[
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": "Name a color."},
        ],
    )
    body, warnings = build_complete_body(req)
    assert body == {
        "model": "luminous-base",
        "prompt": "Be terse.\n\nUser: Hi\nAssistant: Hello!\nUser: Name a color.",
        "stop_sequences": ["\n\n"],
    }
    assert not warnings.items


def test_error_bodies() -> None:
    err, _ = A.replay("authored__queue_full_503.yaml", A.HELLO)
    assert isinstance(err, E.ProviderServerError) and err.retryable and err.code == "QUEUE_FULL"
    assert "  " not in err.message and err.message.startswith("Sorry we had to reject your request")
    err, _ = A.replay("authored__too_many_requests_429.yaml", A.HELLO)
    assert isinstance(err, E.RateLimitError) and err.message == "Too many requests"
    err, _ = A.replay("authored__unknown_model_400.yaml", {**A.HELLO, "model": "luminous-huge"})
    assert isinstance(err, E.NotFoundError) and err.code == "UNKNOWN_MODEL"
    assert_not_leaked(TEST_API_KEY, err)
