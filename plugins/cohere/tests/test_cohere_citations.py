"""Cohere citations as llmcore citations (issue 11), on ruby_llm's real recordings: document
citations (chat, through the facade), tool-result citations (chat) and streamed citations
(``citation-start`` events); spans index ``ChatResponse.text`` and land on the cited words.

No recorded chat/stream pair of one prompt exists for citations (the recordings ask two different
questions), so the stream is checked against its own recorded events instead."""

from __future__ import annotations

import json
from typing import Any

import cohere_cases as C
import llmcore
from llmcore.events import CitationEvent
from llmcore.types import ChatRequest, ChatResponse, Message, ServerToolCallPart, TextPart
from llmcore_cohere.request import build_chat_body
from llmcore_cohere.response import parse_chat_response
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.openapi import shared_dir

DOCS = "ruby_llm__chat_citations_with_cohere_command-a-plus-05-2026_cites_text_documents_in_responses.yaml"
TOOLS = "ruby_llm__chat_citations_with_cohere_command-a-plus-05-2026_cites_tool_results_returned_as_search_results.yaml"
#: vercel/ai's fixture: a response BODY only (no request, no headers), used here as codec input only
VERCEL_BODY = shared_dir() / "upstream-cassettes" / "cohere" / "ai" / "cohere-citations.json"


def _spans_land_on_the_cited_text(r: ChatResponse) -> None:
    assert r.citations
    for c in r.citations:
        assert c.start is not None and c.end is not None
        assert r.text[c.start : c.end] == c.data["text"], (c.start, c.end, c.data)


def test_document_citations_through_the_facade() -> None:
    body = C.recorded_body(DOCS)
    with CassetteServer.from_cassette(C.CASSETTES / DOCS) as srv:
        m = llmcore.model("cohere/command-a-plus-05-2026", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        r = m.chat(
            "Who created Ruby and when? Use the document.",
            provider_options={"cohere": {"documents": body["documents"]}},
        )
    recorded = C.REC.response_body(DOCS, 0)["message"]["citations"]
    assert [p.type for p in r.message.content] == ["reasoning", "text"]
    _spans_land_on_the_cited_text(r)
    # content_index 1 is the first text item: ChatResponse.text starts there, offsets unchanged
    assert [(c.start, c.end) for c in r.citations] == [(x["start"], x["end"]) for x in recorded]
    assert {(c.kind, c.title, c.url, c.provider) for c in r.citations} == {("document", "facts.txt", None, "cohere")}
    assert [c.data for c in r.citations] == recorded
    assert r.message.content[1].citations == r.citations
    # documented before ChatResponse.citations existed: kept for this release
    assert r.provider_metadata["citations"] == recorded


def test_tool_result_citations() -> None:
    r = C.replay(C._from_recording(TOOLS, 1)).response
    assert r is not None
    _spans_land_on_the_cited_text(r)
    assert len(r.citations) == 5
    assert {(c.kind, c.url, c.title) for c in r.citations} == {("tool", "https://example.com/ruby-facts", "Ruby Facts")}
    assert r.text[r.citations[3].start : r.citations[3].end] == "https://example.com/ruby-facts"


def test_streamed_citations_attach_to_the_text_and_match_the_recording() -> None:
    res = C.replay(C.CITATIONS_STREAM)
    r, events = res.response, res.events
    assert r is not None
    raw = C.recorded_response(C.RB_CITATIONS)
    starts = [
        json.loads(line[6:])["delta"]["message"]["citations"]
        for line in raw.splitlines()
        if line.startswith("data: {") and '"citation-start"' in line
    ]
    cites = [e for e in events if isinstance(e, CitationEvent)]
    assert [e.citation.data for e in cites] == starts and all(e.attach for e in cites)
    _spans_land_on_the_cited_text(r)
    text_part = next(p for p in r.message.content if isinstance(p, TextPart))
    assert text_part.citations == r.citations and r.citations[0].title == "facts.txt"
    assert r.provider_metadata["citations"] == starts
    # the citations are released when their text item ends (content-end): after all its text
    kinds = [e.type for e in events]
    last_text = max(i for i, k in enumerate(kinds) if k == "text")
    assert all(i > last_text for i, k in enumerate(kinds) if k == "citation")


def test_vercel_body_without_content_index_indexes_the_text() -> None:
    """Codec input only: vercel/ai's recorded response body (no request or headers: not a cassette)."""
    data: dict[str, Any] = json.loads(VERCEL_BODY.read_text())
    r = parse_chat_response(data, model="command-r-plus")
    _spans_land_on_the_cited_text(r)
    assert [r.text[c.start : c.end] for c in r.citations] == [  # type: ignore[misc]
        "Automation of tasks",
        "Better decision-making",
        "Cost reduction",
    ]


def test_citations_in_thinking_or_with_wrong_offsets_never_point_at_the_wrong_text() -> None:
    """Constructed body: a citation of the thinking (no span in ChatResponse.text) and one whose
    offsets do not hold the cited words (found by its text)."""
    data = {
        "id": "x",
        "finish_reason": "COMPLETE",
        "message": {
            "role": "assistant",
            "content": [{"type": "thinking", "thinking": "Ruby is by Matz"}, {"type": "text", "text": "By Matz."}],
            "citations": [
                {"start": 11, "end": 15, "text": "Matz", "type": "THINKING_CONTENT", "content_index": 0, "sources": []},
                {"start": 0, "end": 4, "text": "Matz", "type": "TEXT_CONTENT", "content_index": 1, "sources": []},
            ],
        },
    }
    r = parse_chat_response(data, model="command-a")
    thinking, text = r.citations
    assert (thinking.start, thinking.end) == (None, None) and thinking not in r.message.content[1].citations
    assert (text.start, text.end) == (3, 7) and r.message.content[1].citations == [text]


def test_another_providers_server_tool_part_is_left_out_with_a_warning() -> None:
    call = ServerToolCallPart(id="ws_1", name="web_search", input={"query": "ruby"}, provider="openai")
    req = ChatRequest(
        model="command-a-03-2025", messages=["q", Message(role="assistant", content=[call, TextPart(text="a")]), "b"]
    )
    body, warnings = build_chat_body(req, stream=False)
    assert body["messages"][1] == {"role": "assistant", "content": [{"type": "text", "text": "a"}]}
    assert [w.feature for w in warnings] == ["foreign_part"]


def test_span_arithmetic_not_only_the_text_look_up() -> None:
    """Cohere's ``start``/``end`` index the item's text and ``base`` moves them onto
    ``ChatResponse.text``. The recordings' spans are also found by the cited ``text`` and their
    item starts at 0, so only these cases see the arithmetic: a repeated word (the look-up by text
    would find the first one), a citation without ``text``, and an item that starts later."""
    from llmcore_cohere.citations import to_citations

    item = "Ruby and Ruby"
    [c] = to_citations({"start": 9, "end": 13, "text": "Ruby", "sources": []}, item, 0)
    assert (c.start, c.end) == (9, 13)
    [c] = to_citations({"start": 9, "end": 13, "sources": []}, item, 0)
    assert (c.start, c.end) == (9, 13)
    [c] = to_citations({"start": 0, "end": 4, "text": "Ruby", "sources": []}, item, 20)
    assert (c.start, c.end) == (20, 24)
