"""Groq specifics on the recordings: stream usage (x_groq.usage / usage), reasoning,
json_schema per model, reasoning options, errors, configuration. Every sent body is
validated against Groq's OpenAPI spec by the replay helper."""

from __future__ import annotations

import json
from typing import Any

import pytest
from groq_cases import CASSETTES, JOKE, recorded_request, recorded_tools, replay
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore_groq import SPEC
from llmcore_groq.provider import GroqProvider
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassettes import _stored

INSTRUCTIONS = "pydantic-ai__test_groq_model_instructions.yaml"
FRANCE = {
    "model": "llama-3.3-70b-versatile",
    "system": "You are a helpful assistant.",
    "messages": ["What is the capital of France?"],
}
TOOL_STREAM = "pydantic-ai__test_tool_use_failed_error_streaming.yaml"
PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}},
    "required": ["name"],
    "additionalProperties": False,
}


def body(sent: list[Any]) -> dict[str, Any]:
    return json.loads(sent[0].content)  # type: ignore[no-any-return]


def test_old_streams_report_usage_as_x_groq_usage() -> None:
    r, sent = replay(
        "openllmetry__test_chat_streaming_legacy.yaml", {"model": "llama3-8b-8192", "messages": [JOKE]}, stream=True
    )
    assert "stream_options" not in body(sent)  # Groq's request schema has no stream_options
    assert (r.usage.input_tokens, r.usage.output_tokens) == (18, 73)
    assert r.text.startswith("A joke about OpenTelemetry!") and r.finish_reason == "stop"


def test_new_streams_report_usage_and_reasoning_tokens() -> None:
    req = {
        "model": "openai/gpt-oss-120b",
        "messages": recorded_request(TOOL_STREAM, 2)["messages"],
        "tools": recorded_tools(TOOL_STREAM),
        "tool_choice": "auto",
    }
    r, _ = replay(TOOL_STREAM, req, stream=True, interaction=2)
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.reasoning_tokens) == (339, 58, 38)
    assert r.reasoning.startswith("The user wants to test error handling")
    assert r.text == "The tool returned the expected result for the valid call."


def test_streamed_tool_call_after_reasoning() -> None:
    req = {
        "model": "openai/gpt-oss-120b",
        "messages": recorded_request(TOOL_STREAM, 1)["messages"],
        "tools": recorded_tools(TOOL_STREAM),
        "tool_choice": "auto",
    }
    r, sent = replay(TOOL_STREAM, req, stream=True, interaction=1)
    assert body(sent)["messages"] == recorded_request(TOOL_STREAM, 1)["messages"]
    assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [
        ("fc_bfb39741-3748-4def-9886-a93fc9c64a90", "get_something_by_name", {"name": "example"})
    ]
    assert r.reasoning and r.finish_reason == "tool_calls"


def test_tool_use_failed_inside_a_200_stream() -> None:
    req = {
        "model": "openai/gpt-oss-120b",
        "messages": recorded_request(TOOL_STREAM, 0)["messages"],
        "tools": recorded_tools(TOOL_STREAM),
        "tool_choice": "auto",
    }
    err, _ = replay(TOOL_STREAM, req, stream=True)
    assert isinstance(err, E.InvalidRequestError) and err.code == "tool_use_failed"
    assert "did not match schema" in err.message and "failed_generation" in str(err.raw)


def test_tool_use_failed_400_keeps_the_failed_generation() -> None:
    cassette = "pydantic-ai__test_tool_use_failed_error.yaml"
    req = {
        "model": "openai/gpt-oss-120b",
        "messages": recorded_request(cassette)["messages"],
        "tools": recorded_tools(cassette),
        "tool_choice": "auto",
    }
    err, sent = replay(cassette, req)
    assert isinstance(err, E.InvalidRequestError) and err.status_code == 400 and err.code == "tool_use_failed"
    assert '\\"foo\\": \\"bar\\"' in str(err.raw)
    ours, recorded = body(sent), recorded_request(cassette)
    assert ours["messages"] == recorded["messages"]
    # the same function; an empty description is not sent
    assert [t["function"] for t in ours["tools"]] == [
        {k: v for k, v in t["function"].items() if v != ""} for t in recorded["tools"]
    ]


def test_reasoning_field_and_no_reasoning_sent_back() -> None:
    native = "pydantic-ai__test_groq_native_output.yaml"
    schema = recorded_request(native)["response_format"]["json_schema"]["schema"]
    req = {
        "model": "openai/gpt-oss-120b",
        "messages": ["What is the largest city in Mexico?"],
        "response_format": {"type": "json_schema", "name": "CityLocation", "schema": schema},
    }
    r, sent = replay(native, req)
    assert body(sent)["response_format"]["json_schema"]["strict"] is True  # gpt-oss: constrained decoding
    assert json.loads(r.text) == {"city": "Mexico City", "country": "Mexico"}
    assert r.reasoning.startswith('The user asks: "What is the largest city in Mexico?"')
    assert [p.provider for p in r.message.content if p.type == "reasoning"] == ["groq"]
    # the next turn: the reasoning part is not sent back
    follow = {
        **req,
        "messages": [
            {"role": "user", "content": "What is the largest city in Mexico?"},
            r.message,
            {"role": "user", "content": "And in Peru?"},
        ],
    }
    _, sent = replay(native, follow)
    assistant = body(sent)["messages"][1]
    assert assistant == {"role": "assistant", "content": '{"city":"Mexico City","country":"Mexico"}'}


def test_reasoning_format_option_is_sent() -> None:
    thinking = "pydantic-ai__test_groq_model_thinking_part.yaml"
    req = {"model": "deepseek-r1-distill-llama-70b", "messages": recorded_request(thinking, 1)["messages"]}
    r, sent = replay(thinking, req, interaction=1, reasoning_format="parsed")
    assert body(sent)["reasoning_format"] == "parsed" == recorded_request(thinking, 1)["reasoning_format"]
    assert r.reasoning and "Argentin" in r.text
    # raw: the recorded first turn answers with <think> tags inside the text
    req0 = {
        "model": "deepseek-r1-distill-llama-70b",
        "system": "You are a chef.",
        "messages": ["I want a recipe to cook Uruguayan alfajores."],
    }
    r0, sent = replay(thinking, req0, reasoning_format="raw")
    assert body(sent)["reasoning_format"] == "raw" and r0.text.startswith("<think>") and not r0.reasoning
    with pytest.raises(E.ConfigurationError, match="parsed, raw, hidden"):
        GroqProvider(ProviderConfig(api_key=TEST_API_KEY, options={"reasoning_format": "json"}))


def test_minimal_reasoning_effort_is_sent_as_low_with_a_warning() -> None:
    r, sent = replay(INSTRUCTIONS, {**FRANCE, "reasoning_effort": "minimal"})
    assert body(sent)["reasoning_effort"] == "low"
    assert [w.feature for w in r.warnings] == ["reasoning_effort"]
    err, sent = replay(INSTRUCTIONS, {**FRANCE, "reasoning_effort": "minimal", "strict": True})
    assert isinstance(err, E.UnsupportedFeatureError) and not sent


@pytest.mark.parametrize(
    ("model", "sent_format", "warned"),
    [
        ("openai/gpt-oss-20b", {"type": "json_schema", "strict": True}, False),
        ("meta-llama/llama-4-scout-17b-16e-instruct", {"type": "json_schema", "strict": False}, True),
        ("llama-3.3-70b-versatile", {"type": "json_object"}, True),
        ("compound-beta", None, True),
    ],
)
def test_json_schema_depends_on_the_model(model: str, sent_format: dict[str, Any] | None, warned: bool) -> None:
    """A json_schema ``response_format`` given to the provider directly (the facade chooses the mode
    per model first: test_groq_structured_modes) still becomes one the model accepts."""
    req = {**FRANCE, "model": model, "response_format": {"type": "json_schema", "name": "p", "schema": PERSON}}
    r, sent = replay(INSTRUCTIONS, req)
    rf = body(sent).get("response_format")
    assert (rf and rf["type"]) == (sent_format and sent_format["type"])
    if sent_format and "strict" in sent_format:
        assert rf["json_schema"]["strict"] is sent_format["strict"] and rf["json_schema"]["schema"] == PERSON
    if sent_format is None or sent_format["type"] == "json_object":  # the schema, and "JSON", in the system message
        system = body(sent)["messages"][0]
        assert system["role"] == "system" and system["content"].startswith("You are a helpful assistant.\n\n")
        assert "JSON" in system["content"] and json.dumps(PERSON, separators=(",", ":")) in system["content"]
    assert [w.feature for w in r.warnings] == (["response_format"] if warned else [])
    if warned:
        err, sent = replay(INSTRUCTIONS, {**req, "strict": True})
        assert isinstance(err, E.UnsupportedFeatureError) and not sent


def test_provider_options_override_the_response_format() -> None:
    forced = {"type": "json_schema", "json_schema": {"name": "p", "schema": PERSON}}
    req = {
        **FRANCE,
        "response_format": {"type": "json_schema", "name": "p", "schema": PERSON},
        "provider_options": {"groq": {"response_format": forced}},
    }
    _, sent = replay(INSTRUCTIONS, req)
    assert body(sent)["response_format"] == forced


def test_max_completion_tokens_and_system_prompt() -> None:
    r, sent = replay(INSTRUCTIONS, {**FRANCE, "max_tokens": 64, "temperature": 0.2})
    b = body(sent)
    assert b["max_completion_tokens"] == 64 and "max_tokens" not in b and b["temperature"] == 0.2
    assert b["messages"] == recorded_request(INSTRUCTIONS)["messages"]
    assert r.text == "The capital of France is Paris." and (r.usage.input_tokens, r.usage.output_tokens) == (48, 8)


def test_compound_web_search_answer() -> None:
    r, _ = replay(
        "pydantic-ai__test_groq_model_web_search_tool.yaml",
        {"model": "compound-beta", "messages": ["What is the weather in San Francisco today?"]},
    )
    assert "San Francisco" in r.text and r.reasoning and r.model == "groq/compound"
    assert r.usage.input_tokens == 5296


def test_errors() -> None:
    err, _ = replay(
        "authored__flex_capacity_exceeded_498.yaml", {"model": "llama-3.3-70b-versatile", "messages": ["ping"]}
    )
    assert isinstance(err, E.ProviderServerError) and err.status_code == 498 and err.retryable
    assert err.code == "capacity_exceeded"
    err, _ = replay("authored__rate_limit_429.yaml", {"model": "llama-3.3-70b-versatile", "messages": ["ping"]})
    assert isinstance(err, E.RateLimitError) and err.retry_after == 5 and err.code == "rate_limit_exceeded"
    err, _ = replay("pydantic-ai__test_tool_regular_error.yaml", {"model": "non-existent", "messages": ["hello"]})
    assert isinstance(err, E.NotFoundError) and err.code == "model_not_found" and "`non-existent`" in err.message
    for text in (str(err), repr(err), str(err.raw)):
        assert TEST_API_KEY not in text


def test_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GROQ_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="GROQ_API_KEY"):
        GroqProvider(ProviderConfig())
    with pytest.raises(E.ConfigurationError, match="reasoning_format") as info:
        GroqProvider(ProviderConfig(api_key=TEST_API_KEY, options={"reasoning": "parsed"}))
    assert "reasoning" in str(info.value)
    p = GroqProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert p.base_url == "https://api.groq.com/openai/v1" and TEST_API_KEY not in repr(p)
    assert p.auth_headers() == {"authorization": f"Bearer {TEST_API_KEY}"}


def test_model_naming() -> None:
    assert SPEC.model_prefixes == ()
    spec, model = resolve_model("groq/openai/gpt-oss-120b")
    assert spec.name == "groq" and model == "openai/gpt-oss-120b"
    spec, model = resolve_model("groq/llama-3.3-70b-versatile")
    assert spec.name == "groq" and model == "llama-3.3-70b-versatile"


def test_compound_executed_tools_become_server_tool_parts() -> None:
    """Issue 11: Groq compound's ``executed_tools`` (the search it ran) → a server-tool call and its
    result before the answer's text, the entry whole in ``data``; nothing left unmapped."""
    cassette = "pydantic-ai__test_groq_model_web_search_tool.yaml"
    r, _ = replay(cassette, {"model": "compound-beta", "messages": ["What is the weather in San Francisco today?"]})
    interaction = _stored(str(CASSETTES / cassette))["interactions"][0]
    [tool] = json.loads(interaction["response"]["body"]["string"])["choices"][0]["message"]["executed_tools"]
    assert [p.type for p in r.message.content] == ["reasoning", "server_tool_call", "server_tool_result", "text"]
    call, result = r.message.content[1], r.message.content[2]
    assert (call.name, call.input, call.provider, call.data) == ("search", json.loads(tool["arguments"]), "groq", tool)
    assert result.call_id == call.id and result.content == tool["search_results"]["results"]
    assert r.warnings == [] and "unmapped" not in r.provider_metadata and r.finish_reason == "stop"


def test_streamed_executed_tools_equal_the_answer() -> None:
    """Authored chunks (no streamed compound recording exists): the recorded answer re-sent as Groq
    streams compound answers — reasoning, the executed tool first with its arguments then with its
    output, then the text; the collected stream equals the recorded non-stream answer."""
    from llmcore.events import StreamAccumulator
    from llmcore_groq.provider import GROQ_DIALECT
    from llmcore_openai.chat.stream import ChatStreamDecoder

    cassette = "pydantic-ai__test_groq_model_web_search_tool.yaml"
    r, _ = replay(cassette, {"model": "compound-beta", "messages": ["What is the weather in San Francisco today?"]})
    answer = json.loads(_stored(str(CASSETTES / cassette))["interactions"][0]["response"]["body"]["string"])
    msg = answer["choices"][0]["message"]
    [tool] = msg["executed_tools"]
    started = {k: tool[k] for k in ("index", "type", "arguments")}
    deltas = [
        {"reasoning": msg["reasoning"]},
        {"executed_tools": [started]},
        {"executed_tools": [tool]},
        {"content": msg["content"]},
    ]
    dec = ChatStreamDecoder(GROQ_DIALECT, "groq")
    acc = StreamAccumulator()
    chunks = [{"id": "stub", "choices": [{"index": 0, "delta": d}]} for d in deltas]
    chunks[-1]["choices"][0]["finish_reason"] = "stop"
    for ev in [e for ch in chunks for e in dec.feed(ch)] + dec.close():
        acc.add(ev)
    s = acc.response("groq")
    assert [p.type for p in s.message.content] == ["reasoning", "server_tool_call", "server_tool_result", "text"]
    assert s.message.content[1:] == r.message.content[1:] and s.reasoning == r.reasoning
