"""Unit tests of the Chat Completions codec's generic seams used by the
OpenAI-compatible family (dialect data, not provider code): metadata fields,
preamble chunks without a response, inconsistent cached-token counts."""

from __future__ import annotations

import json
from dataclasses import replace

from llmcore.events import Finish, ResponseMetadata
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatStreamDecoder, find_usage, map_usage, parse_response

CITED = replace(COMPATIBLE_DIALECT, metadata_fields=("citations", "search_results"))


def _chunk(**kw: object) -> str:
    return json.dumps({"id": "c1", "model": "m", **kw})


def test_metadata_fields_are_kept_on_the_response() -> None:
    body = {
        "id": "r",
        "model": "sonar",
        "citations": ["https://a"],
        "search_results": [],
        "other": 1,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
    }
    r = parse_response(body, CITED, provider="perplexity")
    # an empty list is data (the server said: no results); absent fields are not invented
    assert r.provider_metadata == {"perplexity": {"citations": ["https://a"], "search_results": []}}
    assert parse_response(body, COMPATIBLE_DIALECT, provider="x").provider_metadata == {}


def test_metadata_fields_in_a_stream_ride_on_finish_last_value_wins() -> None:
    d = ChatStreamDecoder(CITED, "perplexity")
    events = d.feed_data(_chunk(citations=["https://a"], choices=[{"index": 0, "delta": {"content": "A"}}]))
    events += d.feed_data(
        _chunk(
            citations=["https://a", "https://b"],
            choices=[{"index": 0, "delta": {"content": "B"}, "finish_reason": "stop"}],
        )
    )
    events += d.close()
    fin = events[-1]
    assert isinstance(fin, Finish) and fin.provider_metadata == {
        "perplexity": {"citations": ["https://a", "https://b"]}
    }
    d2 = ChatStreamDecoder(COMPATIBLE_DIALECT, "x")
    d2.feed_data(_chunk(citations=["https://a"], choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]))
    assert d2.close()[-1].provider_metadata is None  # type: ignore[union-attr]


def test_a_preamble_chunk_does_not_start_the_response() -> None:
    """Azure OpenAI streams a first chunk with ``id: ""``, ``choices: []`` and its
    prompt_filter_results; the response's id and model come from the next chunk."""
    d = ChatStreamDecoder(COMPATIBLE_DIALECT, "azure")
    pre = json.dumps(
        {
            "choices": [],
            "created": 0,
            "id": "",
            "model": "",
            "object": "",
            "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}],
        }
    )
    assert d.feed_data(pre) == []
    events = d.feed_data(
        json.dumps(
            {
                "id": "chatcmpl-1",
                "model": "gpt-4o",
                "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi"}, "finish_reason": None}],
            }
        )
    )
    assert isinstance(events[0], ResponseMetadata) and (events[0].id, events[0].model) == ("chatcmpl-1", "gpt-4o")
    # a usage-only chunk (stream_options.include_usage with empty choices) still starts a response
    d3 = ChatStreamDecoder(COMPATIBLE_DIALECT, "x")
    assert d3.feed({"choices": [], "usage": {"prompt_tokens": 1}})
    # and an empty id is never reported as an id
    d4 = ChatStreamDecoder(COMPATIBLE_DIALECT, "x")
    ev = d4.feed({"id": "", "model": "", "choices": [{"index": 0, "delta": {"content": "x"}}]})[0]
    assert isinstance(ev, ResponseMetadata) and ev.id is None and ev.model is None


def test_cached_tokens_larger_than_the_prompt_are_unknown() -> None:
    """Grok on Azure AI Foundry: prompt_tokens 7, cached_tokens 163 (real recording)."""
    u = map_usage({"prompt_tokens": 7, "completion_tokens": 1, "prompt_tokens_details": {"cached_tokens": 163}})
    assert (u.input_tokens, u.output_tokens, u.cache_read_tokens) == (7, 1, None)
    u = map_usage({"prompt_tokens": 249, "completion_tokens": 40, "prompt_tokens_details": {"cached_tokens": 158}})
    assert u.cache_read_tokens == 158


def test_usage_fallbacks_find_nested_usage() -> None:
    """Groq's older streams carry usage only as ``x_groq.usage`` on the last chunk."""
    groq = replace(COMPATIBLE_DIALECT, usage_fallbacks=(("x_groq", "usage"),))
    last = {
        "id": "c",
        "model": "m",
        "x_groq": {"id": "req_1", "usage": {"prompt_tokens": 18, "completion_tokens": 73}},
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    }
    for dialect, expected in ((groq, (18, 73)), (COMPATIBLE_DIALECT, None)):
        d = ChatStreamDecoder(dialect, "groq")
        d.feed({"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": "A"}}]})
        d.feed(dict(last))
        usage = [e.usage for e in d.close() if e.type == "usage"]
        assert [(u.input_tokens, u.output_tokens) for u in usage] == ([expected] if expected else [])
    # top-level usage wins over the fallback
    both = {**last, "usage": {"prompt_tokens": 1, "completion_tokens": 2}}
    assert find_usage(both, groq.usage_fallbacks) == {"prompt_tokens": 1, "completion_tokens": 2}
    assert find_usage({"x_groq": "not a dict"}, groq.usage_fallbacks) is None


def test_groqs_context_error_without_a_code() -> None:
    """Groq answers an over-long prompt with HTTP 400 and no ``code`` (pydantic-ai's recording)."""
    from llmcore import errors as E
    from llmcore_openai.chat import error_details

    body = {
        "error": {
            "message": "Please reduce the length of the messages or completion.",
            "param": "messages",
            "type": "invalid_request_error",
        }
    }
    assert error_details(400, body, "")[2] is E.ContextWindowExceededError


GRAPH = replace(COMPATIBLE_DIALECT, message_metadata_fields=("graph_data", "web_search_data"))
_EMPTY_GRAPH = {"sources": None, "status": None, "subqueries": None}


def test_message_metadata_fields_are_kept_when_they_carry_data() -> None:
    graph = {"sources": [{"file_id": "f1", "snippet": "Q3 revenue"}], "status": "finished", "subqueries": []}
    body = {
        "id": "r",
        "model": "palmyra-x5",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {
                    "role": "assistant",
                    "content": "hi",
                    "graph_data": graph,
                    "web_search_data": None,
                    "llm_data": None,
                },
            }
        ],
    }
    assert parse_response(body, GRAPH, provider="writer").provider_metadata == {"writer": {"graph_data": graph}}
    body["choices"][0]["message"]["graph_data"] = _EMPTY_GRAPH  # all-null objects are not data
    assert parse_response(body, GRAPH, provider="writer").provider_metadata == {}
    assert parse_response(body, COMPATIBLE_DIALECT, provider="x").provider_metadata == {}


def test_message_metadata_fields_in_a_stream_last_value_with_data_wins() -> None:
    d = ChatStreamDecoder(GRAPH, "writer")
    sources = {"sources": [{"url": "https://a"}]}
    d.feed_data(_chunk(choices=[{"index": 0, "delta": {"content": "A", "graph_data": _EMPTY_GRAPH}}]))
    d.feed_data(_chunk(choices=[{"index": 0, "delta": {"content": "B", "web_search_data": sources}}]))
    d.feed_data(
        _chunk(
            choices=[
                {
                    "index": 0,
                    "delta": {"content": None, "graph_data": _EMPTY_GRAPH, "web_search_data": None},
                    "finish_reason": "stop",
                }
            ]
        )
    )
    fin = d.close()[-1]
    assert isinstance(fin, Finish) and fin.provider_metadata == {"writer": {"web_search_data": sources}}


def test_send_reasoning_on_tool_call_messages_only() -> None:
    """DeepSeek thinking mode: reasoning of tool-call turns must come back, the rest is ignored."""
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import build_body

    req = ChatRequest(
        model="m",
        tools=[{"name": "f"}],
        messages=[
            {"role": "user", "content": "q1"},
            {
                "role": "assistant",
                "content": [{"type": "reasoning", "text": "think 1"}, {"type": "text", "text": "a1"}],
            },
            {"role": "user", "content": "q2"},
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "think 2"},
                    {"type": "tool_call", "id": "c1", "name": "f", "arguments": {}},
                ],
            },
            {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": "c1", "content": "r"}]},
        ],
    )
    only = replace(COMPATIBLE_DIALECT, send_reasoning_field="reasoning_content", send_reasoning_on="tool_calls")
    msgs = build_body(req, only, stream=False, provider="x")[0]["messages"]
    assert "reasoning_content" not in msgs[1] and msgs[3]["reasoning_content"] == "think 2"
    every = replace(only, send_reasoning_on="all")
    msgs = build_body(req, every, stream=False, provider="x")[0]["messages"]
    assert msgs[1]["reasoning_content"] == "think 1" and msgs[3]["reasoning_content"] == "think 2"
    msgs = build_body(req, COMPATIBLE_DIALECT, stream=False, provider="x")[0]["messages"]
    assert not any("reasoning_content" in m for m in msgs)


OR = replace(COMPATIBLE_DIALECT, reasoning_fields=("reasoning",), reasoning_data_field="reasoning_details")


def test_reasoning_data_blocks_are_kept_merged_and_sent_back() -> None:
    """OpenRouter's reasoning_details: kept on the reasoning part, merged by index in streams, sent back."""
    from llmcore.events import ReasoningDelta, StreamAccumulator
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import build_body

    details = [
        {"type": "reasoning.text", "text": "2+2=4", "signature": "sig", "format": "anthropic-claude-v1", "index": 0}
    ]
    body = {
        "id": "g",
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "4", "reasoning": "2+2=4", "reasoning_details": details},
            }
        ],
    }
    r = parse_response(body, OR, provider="openrouter")
    assert [(p.type, getattr(p, "data", None)) for p in r.message.content] == [("reasoning", details), ("text", None)]
    # encrypted-only reasoning (no text) still gets a part, so it can go back
    enc = [{"type": "reasoning.encrypted", "data": "gAAA", "index": 0}]
    body["choices"][0]["message"].update(reasoning=None, reasoning_details=enc)
    assert parse_response(body, OR, provider="openrouter").message.content[0].data == enc  # type: ignore[union-attr]

    d = ChatStreamDecoder(OR, "openrouter")
    events = []
    for frag in (
        {"type": "reasoning.text", "text": "", "signature": "", "index": 0},
        {"type": "reasoning.text", "text": "2+2", "index": 0},
        {"type": "reasoning.text", "text": "=4", "index": 0},
        {"type": "reasoning.text", "signature": "sig", "index": 0},
    ):
        events += d.feed_data(
            _chunk(
                choices=[{"index": 0, "delta": {"reasoning": frag.get("text") or None, "reasoning_details": [frag]}}]
            )
        )
    events += d.feed_data(
        _chunk(
            choices=[
                {
                    "index": 0,
                    "delta": {"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f", "arguments": "{}"}}]},
                    "finish_reason": "tool_calls",
                }
            ]
        )
    )
    events += d.close()
    data = [e for e in events if isinstance(e, ReasoningDelta) and e.data is not None]
    assert [e.data for e in data] == [[{"type": "reasoning.text", "text": "2+2=4", "signature": "sig", "index": 0}]]
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    streamed = acc.response("openrouter")
    assert [p.type for p in streamed.message.content] == ["reasoning", "tool_call"]  # one part: text + data
    assert streamed.message.content[0].data == data[0].data  # type: ignore[union-attr]

    req = ChatRequest(
        model="m",
        tools=[{"name": "f"}],
        messages=[
            {"role": "user", "content": "q"},
            streamed.message,
            {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": "c1", "content": "r"}]},
        ],
    )
    sent = build_body(req, OR, stream=False, provider="openrouter")[0]["messages"][1]
    assert sent["reasoning_details"] == data[0].data and "reasoning" not in sent
    # another provider's opaque data is not sent; no field without the dialect setting
    other = ChatRequest(
        model="m",
        messages=[
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "t", "data": ["x"], "provider": "anthropic"},
                    {"type": "text", "text": "a"},
                ],
            },
            {"role": "user", "content": "q2"},
        ],
    )
    assert "reasoning_details" not in build_body(other, OR, stream=False, provider="openrouter")[0]["messages"][1]
    plain = build_body(req, COMPATIBLE_DIALECT, stream=False, provider="openrouter")[0]["messages"][1]
    assert "reasoning_details" not in plain


def test_an_error_chunk_next_to_choices_raises() -> None:
    """OpenRouter's recorded stream: `{"error": {"code": 400, ...}, "choices": [...]}` after finish `length`."""
    from llmcore import errors as E

    d = ChatStreamDecoder(OR, "openrouter")
    d.feed_data(_chunk(choices=[{"index": 0, "delta": {"content": ""}, "finish_reason": "length"}]))
    import pytest

    with pytest.raises(E.InvalidRequestError, match="Token limit reached") as info:
        d.feed_data(
            _chunk(
                error={"code": 400, "message": "Token limit reached"},
                choices=[{"index": 0, "delta": {"content": ""}, "finish_reason": None}],
            )
        )
    assert info.value.status_code == 400
    # a null error field is not an error
    assert d.feed_data(_chunk(error=None, choices=[{"index": 0, "delta": {"content": "x"}}]))
