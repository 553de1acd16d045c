"""Lossless answers on Chat Completions (issue 11): ``message.annotations`` (search-preview models)
and streamed ``delta.annotations`` → citations; unknown message fields kept with a warning; an
old-style ``function_call`` with no name is no call; server-tool parts of an earlier answer are
left out of the next request (with a warning when another provider made them).

The non-stream answer is replayed from ruby_llm's recording over a loopback server through
``llmcore.model``; the stream and Snowflake tests feed authored chunks/bodies (no recording of a
streamed search-preview answer or of Snowflake exists in the collection) and say so."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import llmcore
from llmcore.events import StreamAccumulator
from llmcore.types import ChatRequest, Message, ServerToolCallPart, ServerToolResultPart, TextPart
from llmcore_openai.chat import COMPATIBLE_DIALECT, OPENAI_DIALECT, build_body, parse_response
from llmcore_openai.chat.stream import ChatStreamDecoder
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.cassettes import _stored

CASSETTES = Path(__file__).parent / "cassettes"
SEARCH = (
    "ruby_llm__chat_citations_with_openai_gpt-4o-mini-search-preview_returns_url_citations_when_web_search_is_enabled"
    ".yaml"
)


def recorded_answer() -> dict[str, Any]:
    return json.loads(_stored(str(CASSETTES / SEARCH))["interactions"][0]["response"]["body"]["string"])  # type: ignore[no-any-return]


def test_search_preview_annotations_become_citations() -> None:
    with CassetteServer.from_cassette(CASSETTES / SEARCH) as srv:
        m = llmcore.model(
            "openai/gpt-4o-mini-search-preview", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False
        )
        r = m.chat(
            "What is the latest stable version of Ruby? Cite your sources.",
            provider_options={"openai": {"web_search_options": {}}},
        )
        assert not srv.problems
    anns = recorded_answer()["choices"][0]["message"]["annotations"]
    assert len(r.citations) == len(anns) == 3
    for c, a in zip(r.citations, anns, strict=True):
        inner = a["url_citation"]
        assert (c.kind, c.url, c.title, c.start, c.end) == (
            "url_citation",
            inner["url"],
            inner["title"],
            inner["start_index"],
            inner["end_index"],
        )
        assert c.provider == "openai" and c.data == a
        assert inner["url"] in r.text[c.start : c.end]  # the span is the markdown link it cites
    assert r.message.content[0].citations == r.citations
    assert r.warnings == [] and r.provider_metadata == {}


def _stream(chunks: list[dict[str, Any]], dialect: Any = OPENAI_DIALECT) -> Any:
    dec = ChatStreamDecoder(dialect, "openai")
    acc = StreamAccumulator()
    for ch in chunks:
        for ev in dec.feed(ch):
            acc.add(ev)
    for ev in dec.close():
        acc.add(ev)
    return acc.response(provider="openai")


def test_streamed_annotations_equal_the_answer() -> None:
    """Authored chunks: the recorded answer's content in three deltas, its annotations on the last."""
    body = recorded_answer()
    msg = body["choices"][0]["message"]
    text = msg["content"]
    cut = [0, 40, 300, len(text)]
    chunks = [
        {
            "id": body["id"],
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "delta": {"content": text[a:b], **({"annotations": msg["annotations"]} if b == len(text) else {})},
                    "finish_reason": "stop" if b == len(text) else None,
                }
            ],
        }
        for a, b in itertools.pairwise(cut)
    ]
    s = _stream(chunks)
    r = parse_response(body, OPENAI_DIALECT, provider="openai")
    assert s.message.content == r.message.content and s.citations == r.citations and len(s.citations) == 3


def test_unknown_message_fields_are_kept_with_a_warning() -> None:
    body = {
        "id": "x",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {
                    "role": "assistant",
                    "content": "hi",
                    "audio": {"id": "audio_1", "data": "AAAA", "transcript": "hi"},
                    "refusal": None,
                    "annotations": [],
                    "channel": "final",
                },
            }
        ],
    }
    r = parse_response(body, OPENAI_DIALECT, provider="openai")
    assert [w.feature for w in r.warnings] == ["unmapped:message.audio"]
    assert r.provider_metadata["unmapped"] == [
        {"kind": "message.audio", "item": body["choices"][0]["message"]["audio"]}
    ]
    s = _stream(
        [{"id": "x", "choices": [{"index": 0, "delta": body["choices"][0]["message"], "finish_reason": "stop"}]}]
    )
    assert s.provider_metadata == r.provider_metadata and [w.feature for w in s.warnings] == ["unmapped:message.audio"]


def test_a_function_call_with_no_name_is_no_call() -> None:
    """Snowflake's OpenAI-compatible answers (authored from the shape issue 11 quotes): a plain answer
    with an empty old-style function_call next to tool_calls null."""
    body = {
        "id": "x",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {
                    "role": "assistant",
                    "content": "Hello!",
                    "tool_calls": None,
                    "function_call": {"name": "", "arguments": ""},
                },
            }
        ],
    }
    r = parse_response(body, COMPATIBLE_DIALECT, provider="openai_compatible")
    assert r.tool_calls == [] and r.finish_reason == "stop" and r.text == "Hello!"
    named = {**body["choices"][0]["message"], "function_call": {"name": "f", "arguments": "{}"}}
    r = parse_response(
        {**body, "choices": [{**body["choices"][0], "message": named}]},
        COMPATIBLE_DIALECT,
        provider="openai_compatible",
    )
    assert [c.name for c in r.tool_calls] == ["f"]  # the old form still works when it names a function


def test_server_tool_parts_are_left_out_of_chat_completions_requests() -> None:
    msg = Message(
        role="assistant",
        content=[
            ServerToolCallPart(id="srvtoolu_1", name="web_search", input={"query": "x"}, provider="anthropic"),
            ServerToolResultPart(call_id="srvtoolu_1", name="web_search", content=[], provider="anthropic"),
            ServerToolCallPart(id="ws_1", name="web_search", provider="openai"),
            TextPart(text="Blue."),
        ],
    )
    body, w = build_body(
        ChatRequest(model="gpt-4o", messages=["why?", msg, "ok"]), OPENAI_DIALECT, stream=False, provider="openai"
    )
    assert body["messages"][1] == {"role": "assistant", "content": "Blue."}
    assert [x.feature for x in w.items] == ["foreign_part", "foreign_part"]  # its own part: quietly (no field)
