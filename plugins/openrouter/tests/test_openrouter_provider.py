"""OpenRouter specifics on the recordings: routing and attribution options, org/model
names, keep-alive comments, reasoning (and reasoning_details round trip), usage,
errors (incl. inside a 200 stream). Every sent body is validated against the spec."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.events import StreamAccumulator
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore_openai.chat.stream import ChatStreamDecoder
from llmcore_openrouter import SPEC
from llmcore_openrouter.provider import OPENROUTER_DIALECT, OpenRouterProvider
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassettes import _stored
from openrouter_cases import CASSETTES, HELLO, recorded_request, recorded_tools, replay

SYNC = "mirascope__python__tests__e2e__input__cassettes__test_openrouter_sync__openrouter_openai_gpt_4o.yaml"
STREAM = "mirascope__openrouter_openai_gpt_4o.yaml"
REASONING_STREAM = "pydantic-ai__test_openrouter_streaming_reasoning.yaml"
BASIC = "ruby_llm__chat_basic_chat_functionality_openrouter_claude-haiku-4-5_can_have_a_basic_conversation.yaml"
GPT4O = {"model": "openai/gpt-4o", "messages": [HELLO]}
ROUTING = {"order": ["openai", "azure"], "allow_fallbacks": False}


def body(sent: list[Any]) -> dict[str, Any]:
    return json.loads(sent[0].content)  # type: ignore[no-any-return]


def test_provider_routing_option_and_per_request_override() -> None:
    r, sent = replay(SYNC, GPT4O, provider=ROUTING)
    assert body(sent)["provider"] == ROUTING and r.text == "Hello!"
    override = {"sort": "throughput"}
    _, sent = replay(SYNC, {**GPT4O, "provider_options": {"openrouter": {"provider": override}}}, provider=ROUTING)
    assert body(sent)["provider"] == override
    _, sent = replay(SYNC, GPT4O)
    assert "provider" not in body(sent)
    with pytest.raises(E.ConfigurationError, match="dict"):
        OpenRouterProvider(ProviderConfig(api_key=TEST_API_KEY, options={"provider": "openai"}))


def test_attribution_headers() -> None:
    _, sent = replay(SYNC, GPT4O, http_referer="https://example.org/app", x_title="Example App")
    h = sent[0].headers
    assert h["HTTP-Referer"] == "https://example.org/app" and h["X-Title"] == "Example App"
    assert h["authorization"] == f"Bearer {TEST_API_KEY}"
    _, sent = replay(SYNC, GPT4O)
    assert "HTTP-Referer" not in sent[0].headers and "X-Title" not in sent[0].headers


def test_chat_and_stream_of_one_prompt_agree() -> None:
    chat, _ = replay(SYNC, GPT4O)
    streamed, sent = replay(STREAM, GPT4O, stream=True)
    assert body(sent) == recorded_request(STREAM)
    assert chat.text == streamed.text == "Hello!"
    assert (
        (chat.usage.input_tokens, chat.usage.output_tokens)
        == (streamed.usage.input_tokens, streamed.usage.output_tokens)
        == (12, 2)
    )
    assert streamed.id == "gen-1769672442-Z2w3cx2qa1PhMrNBv0Bm"


def test_keep_alive_comments_and_streamed_reasoning() -> None:
    req = {
        "model": "anthropic/claude-sonnet-4.5",
        "messages": ["What is 2+2?"],
        "provider_options": {"openrouter": {"reasoning": {"enabled": True}}},
    }
    r, sent = replay(REASONING_STREAM, req, stream=True)
    assert body(sent) == recorded_request(REASONING_STREAM)
    assert r.reasoning == "This is a simple arithmetic question. 2+2 equals 4."
    assert r.text == "2 + 2 = 4" and r.usage.reasoning_tokens == 13


def test_reasoning_details_are_kept_merged_and_sent_back() -> None:
    """The streamed Anthropic-format blocks (text in pieces, then the signature) become one block on the
    reasoning part; the next request sends it back as `reasoning_details` (validated by the spec)."""
    req = {
        "model": "anthropic/claude-sonnet-4.5",
        "messages": ["What is 2+2?"],
        "provider_options": {"openrouter": {"reasoning": {"enabled": True}}},
    }
    r, _ = replay(REASONING_STREAM, req, stream=True)
    blocks = [p.data for p in r.message.content if p.type == "reasoning" and p.data]  # type: ignore[union-attr]
    assert len(blocks) == 1 and len(blocks[0]) == 1
    block = blocks[0][0]
    assert block["type"] == "reasoning.text" and block["format"] == "anthropic-claude-v1"
    assert block["text"] == r.reasoning == "This is a simple arithmetic question. 2+2 equals 4."
    assert block["signature"].startswith("Et0BCkgIChACGAIqQA2s7h7tA7IG35fbwVkou9PM2hAN")
    follow = {
        **req,
        "messages": [{"role": "user", "content": "What is 2+2?"}, r.message, {"role": "user", "content": "And 3+3?"}],
    }
    _, sent = replay(REASONING_STREAM, follow, stream=True)
    assistant = body(sent)["messages"][1]
    assert assistant == {"role": "assistant", "content": "2 + 2 = 4", "reasoning_details": blocks[0]}
    # non-streamed: the answer's reasoning_details list rides on its reasoning part as is
    glm = "pydantic-ai__test_openrouter_with_reasoning.yaml"
    q = "What was the impact of Voltaire's writings on modern french culture? Think about your answer."
    r, _ = replay(glm, {"model": "z-ai/glm-4.6", "messages": [q]})
    part = r.message.content[0]
    assert part.type == "reasoning" and part.data[0]["type"] == "reasoning.text"  # type: ignore[union-attr]
    assert part.data[0]["text"] == r.reasoning  # type: ignore[union-attr]


def test_reasoning_effort_is_the_shorthand() -> None:
    _, sent = replay(SYNC, {**GPT4O, "reasoning_effort": "minimal"})
    assert body(sent)["reasoning_effort"] == "minimal"


def test_max_completion_tokens_and_preset_passthrough() -> None:
    preset = "pydantic-ai__test_openrouter_with_preset.yaml"
    req = {
        "model": "google/gemini-2.5-flash-lite",
        "messages": ["Trains"],
        "max_tokens": 64,
        "provider_options": {"openrouter": {"preset": "@preset/comedian"}},
    }
    r, sent = replay(preset, req)
    b = body(sent)
    assert b["max_completion_tokens"] == 64 and "max_tokens" not in b and b["preset"] == "@preset/comedian"
    assert r.text.startswith("Why did the train break up with the track?")


def test_cache_write_tokens() -> None:
    r, _ = replay(BASIC, {"model": "anthropic/claude-haiku-4.5", "messages": ["What's 2 + 2?"]})
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.cache_read_tokens, r.usage.cache_write_tokens) == (
        16,
        13,
        0,
        0,
    )
    assert r.model == "anthropic/claude-4.5-haiku-20251001"


def test_tool_calls_nested_schema() -> None:
    nested = "pydantic-ai__test_openrouter_google_nested_schema.yaml"
    req = {
        "model": "google/gemini-2.5-flash",
        "messages": recorded_request(nested)["messages"],
        "tools": recorded_tools(nested),
        "tool_choice": "required",
    }
    r, sent = replay(nested, req)
    assert body(sent)["tools"] == recorded_request(nested)["tools"]  # strict function schemas as recorded
    call = r.tool_calls[0]
    assert call.name == "insert_level_with_spaces" and call.arguments["level"]["level_type"] == "ground"
    assert r.finish_reason == "tool_calls" and r.raw_finish_reason == "tool_calls"


def test_errors_carry_the_upstream_provider() -> None:
    err, _ = replay(
        "pydantic-ai__test_openrouter_errors_raised.yaml",
        {"model": "google/gemini-2.0-flash-exp:free", "system": "Be helpful.", "messages": ["Tell me a joke."]},
    )
    assert isinstance(err, E.RateLimitError) and err.retryable
    assert err.message.startswith("Provider returned error (Google: google/gemini-2.0-flash-exp:free is temporarily")
    err, _ = replay("authored__upstream_error_502.yaml", {"model": "openai/gpt-4o-mini", "messages": ["Hello"]})
    assert isinstance(err, E.ProviderServerError) and err.retryable and "(OpenAI: upstream connect error" in err.message
    err, _ = replay("authored__model_not_found_400.yaml", {"model": "openai/gpt-does-not-exist", "messages": ["Hello"]})
    assert isinstance(err, E.NotFoundError) and err.message == "openai/gpt-does-not-exist is not a valid model ID"
    err, _ = replay("authored__insufficient_credits_402.yaml", {"model": "openai/gpt-4o-mini", "messages": ["Hello"]})
    assert isinstance(err, E.PermissionDeniedError) and not err.retryable
    for text in (str(err), repr(err), str(err.raw)):
        assert TEST_API_KEY not in text


def test_error_chunk_inside_a_200_stream() -> None:
    """pydantic-ai's recording: the stream finishes with `length`, then an error chunk (with choices) arrives."""
    req = {"model": "minimax/minimax-m2:free", "messages": ["Hello there"], "max_tokens": 10}
    err, sent = replay("pydantic-ai__test_openrouter_stream_error.yaml", req, stream=True)
    assert body(sent) == recorded_request("pydantic-ai__test_openrouter_stream_error.yaml")
    assert isinstance(err, E.InvalidRequestError) and err.status_code == 400 and err.message == "Token limit reached"


def test_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="OPENROUTER_API_KEY"):
        OpenRouterProvider(ProviderConfig())
    with pytest.raises(E.ConfigurationError, match="http_referer, provider, x_title") as info:
        OpenRouterProvider(ProviderConfig(api_key=TEST_API_KEY, options={"referer": "x"}))
    assert "referer" in str(info.value)
    p = OpenRouterProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert p.base_url == "https://openrouter.ai/api/v1" and TEST_API_KEY not in repr(p)


def test_model_naming() -> None:
    assert SPEC.routes_org_models and SPEC.model_prefixes == ()
    spec, model = resolve_model("openrouter/anthropic/claude-sonnet-4")
    assert spec.name == "openrouter" and model == "anthropic/claude-sonnet-4"
    for name in ("meta-llama/llama-3.3-70b-instruct", "z-ai/glm-4.6", "mistralai/mistral-small"):
        spec, model = resolve_model(name)  # an org/model no installed provider claims
        assert spec.name == "openrouter" and model == name


def test_web_plugin_annotations_become_citations() -> None:
    """Issue 11: OpenRouter's web search (``openrouter:web_search`` tool) answers with
    ``message.annotations`` url_citations → citations on the text, at its offsets."""
    cassette = "ruby_llm__chat_web_search_with_openrouter_openai_gpt-5_2_searches_transparently_returning_citations_and_usage_counters.yaml"
    req = {
        "model": "openai/gpt-5.2",
        "messages": ["Search the web: what is the latest stable Ruby version? Cite your source."],
        "provider_options": {"openrouter": {"tools": [{"type": "openrouter:web_search"}]}},
    }
    r, _ = replay(cassette, req)
    [c] = r.citations
    assert (c.kind, c.url, c.title, c.start, c.end, c.provider) == (
        "url_citation",
        "https://www.ruby-lang.org/en/downloads/",
        "Download Ruby | Ruby",
        50,
        108,
        "openrouter",
    )
    assert r.text[c.start : c.end] == "([ruby-lang.org](https://www.ruby-lang.org/en/downloads/))"
    assert r.message.content[-1].citations == [c] and r.warnings == []
    assert "unmapped" not in r.provider_metadata


def test_perplexity_sources_via_openrouter_are_whole_answer_citations() -> None:
    """Issue 11: a Perplexity model through OpenRouter lists its sources as url_citation annotations
    with an empty span (0, 0): citations of the whole answer (source_index = the [n] marker - 1), not
    attached to the text; the same through a stream (the recorded answer re-sent as chunks)."""
    cassette = "ruby_llm__chat_citations_with_openrouter_perplexity_sonar_returns_search_result_citations.yaml"
    r, _ = replay(cassette, {"model": "perplexity/sonar", "messages": ["What is the Ruby programming language?"]})
    answer = json.loads(_stored(str(CASSETTES / cassette))["interactions"][0]["response"]["body"]["string"])
    msg = answer["choices"][0]["message"]
    anns = msg["annotations"]
    assert [(c.url, c.source_index, c.start, c.end) for c in r.citations] == [
        (a["url_citation"]["url"], i, None, None) for i, a in enumerate(anns)
    ]
    assert r.message.content[-1].citations == [] and "[1]" in r.text
    assert r.warnings == [] and "unmapped" not in r.provider_metadata
    # the same answer as a stream: text in two deltas, the annotations on the last one
    half = len(msg["content"]) // 2
    chunks = [
        {"id": answer["id"], "choices": [{"index": 0, "delta": {"content": msg["content"][:half]}}]},
        {
            "id": answer["id"],
            "choices": [
                {"index": 0, "finish_reason": "stop", "delta": {"content": msg["content"][half:], "annotations": anns}}
            ],
        },
    ]
    dec = ChatStreamDecoder(OPENROUTER_DIALECT, "openrouter")
    acc = StreamAccumulator()
    for ev in [e for ch in chunks for e in dec.feed(ch)] + dec.close():
        acc.add(ev)
    s = acc.response("openrouter")
    assert s.message.content == r.message.content and s.citations == r.citations
