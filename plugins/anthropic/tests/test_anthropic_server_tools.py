"""Lossless answers (issue 11) on real Anthropic recordings: server-tool blocks (web search, web fetch,
code execution) as ServerToolCallPart / ServerToolResultPart, text-block citations (and
``citations_delta`` in streams) as Citations spanning their text block, sent back next turn as the
original blocks; what has no part is kept with a warning; another provider's parts are left out.

Answers are replayed from recordings (see cassettes/SOURCES.md) over the loopback cassette server or
the kit's replay. vercel/ai's ``anthropic-*.json`` fixtures (response bodies only, no HTTP exchange)
are used as codec input where no recording holds the block (MCP, text-editor code execution); the
few tests on constructed blocks say so."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import anthropic_cases as A
import llmcore
import pytest
from llmcore.events import CitationEvent, PartEvent, StreamAccumulator, WarningEvent
from llmcore.types import (
    ChatRequest,
    ChatResponse,
    Citation,
    Message,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
)
from llmcore_anthropic.request import build_messages_body
from llmcore_anthropic.response import parse_message
from llmcore_anthropic.stream import StreamDecoder
from llmcore_testing import TEST_API_KEY, Case
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.openapi import load_spec, shared_dir

SEARCH = "ruby_llm__chat_web_search_with_anthropic_claude-haiku-4-5_searches_cites_and_reports_tool_usage.yaml"
SEARCH_REPLAY = "ruby_llm__chat_web_search_with_anthropic_claude-haiku-4-5_replays_search_turns_so_the_conversation_can_continue.yaml"
SEARCH_STREAM = (
    "ruby_llm__chat_web_search_with_anthropic_claude-haiku-4-5_streams_search_turns_and_reconstructs_them.yaml"
)
CODE = (
    "ruby_llm__chat_code_execution_with_anthropic_claude-haiku-4-5_runs_code_server-side_and_returns_the_result_blocks"
    ".yaml"
)
CITE_TEXT = "ruby_llm__chat_citations_with_anthropic_claude-haiku-4-5_cites_text_documents_in_responses.yaml"
CITE_PDF = "ruby_llm__chat_citations_with_anthropic_claude-haiku-4-5_cites_pdf_documents_with_page_numbers.yaml"
CITE_SEARCH_RESULTS = (
    "ruby_llm__chat_citations_with_anthropic_claude-haiku-4-5_cites_tool_results_returned_as_search_results.yaml"
)
CITE_STREAM = "ruby_llm__chat_citations_with_anthropic_claude-haiku-4-5_streams_citations.yaml"
WEB_FETCH = "ellmer__anthropic-web-fetch.yaml"
PYDANTIC_SEARCH_STREAM = "pydantic-ai__test_anthropic_web_search_tool_stream.yaml"
PYDANTIC_CODE_STREAM = "pydantic-ai__test_anthropic_code_execution_tool_stream.yaml"
STREAMS = (SEARCH_STREAM, CITE_STREAM, PYDANTIC_SEARCH_STREAM, PYDANTIC_CODE_STREAM)
#: vercel/ai fixtures: bare response bodies (codec input, not cassettes)
AI_FIXTURES = shared_dir() / "upstream-cassettes" / "anthropic" / "ai"


def _response_body(cassette: str, interaction: int = 0) -> str:
    body = A.recorded_interactions(cassette)[interaction]["response"]["body"]
    return body["string"] if isinstance(body, dict) else body  # type: ignore[no-any-return]


def _message(cassette: str, interaction: int = 0) -> dict[str, Any]:
    return json.loads(_response_body(cassette, interaction))  # type: ignore[no-any-return]


def _replay(cassette: str, interaction: int = 0, messages: list[Any] | None = None) -> Any:
    """Replay ``cassette`` (chat or stream as recorded) with a request of the recorded model and tools."""
    body = A.recorded_body(cassette, interaction)
    opts = {"tools": body["tools"]} if "tools" in body else {}
    req = {
        "model": body["model"],
        "max_tokens": body["max_tokens"],
        "messages": messages or ["hi"],
        "provider_options": {"anthropic": opts},
    }
    res = A.replay(Case(cassette, req, stream=bool(body.get("stream")), interaction=interaction))
    assert res.error is None, res.error
    return res


def _fold_sse(sse: str) -> dict[str, Any]:
    """An SSE recording folded into the message it streams, the way Anthropic's SDKs accumulate
    it (blocks by index, text/thinking/JSON/citation deltas appended): the non-stream form of the
    very same answer."""
    msg: dict[str, Any] = {}
    pieces: dict[int, list[str]] = {}
    for line in sse.splitlines():
        if not line.startswith("data:"):
            continue
        ev = json.loads(line[5:])
        t = ev["type"]
        if t == "message_start":
            msg = ev["message"]
        elif t == "content_block_start":
            msg["content"].append(dict(ev["content_block"]))
        elif t == "content_block_delta":
            block, d = msg["content"][ev["index"]], ev["delta"]
            if d["type"] == "text_delta":
                block["text"] += d["text"]
            elif d["type"] == "thinking_delta":
                block["thinking"] += d["thinking"]
            elif d["type"] == "signature_delta":
                block["signature"] = d["signature"]
            elif d["type"] == "citations_delta":
                block.setdefault("citations", []).append(d["citation"])
            elif d["type"] == "input_json_delta":
                pieces.setdefault(ev["index"], []).append(d["partial_json"])
        elif t == "content_block_stop" and "".join(pieces.get(ev["index"], ())).strip():
            msg["content"][ev["index"]]["input"] = json.loads("".join(pieces[ev["index"]]))
        elif t == "message_delta":
            msg["stop_reason"] = ev["delta"]["stop_reason"]
    return msg


def _same_answer(stream: ChatResponse, chat: ChatResponse) -> None:
    assert stream.message.content == chat.message.content
    assert stream.citations == chat.citations
    assert stream.text == chat.text and stream.finish_reason == chat.finish_reason


def _spans_are_their_blocks(r: ChatResponse, message: dict[str, Any]) -> None:
    """Every citation spans exactly the text of the block that carried it."""
    cited = [(b["text"], c) for b in message["content"] if b["type"] == "text" for c in b.get("citations") or ()]
    assert [c.data for c in r.citations] == [c for _, c in cited]
    assert [r.text[c.start : c.end] for c in r.citations] == [t for t, _ in cited]


# -- web search ---------------------------------------------------------------------------------


def test_web_search_becomes_parts_and_citations_through_the_facade() -> None:
    """The user's path: llmcore.model over aiohttp to a loopback server answering with the recording."""
    tools = A.recorded_body(SEARCH)["tools"]
    with CassetteServer.from_cassette(A.CASSETTES / SEARCH) as srv:
        m = llmcore.model("anthropic/claude-haiku-4-5-20251001", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        r = m.chat(
            "Search the web: what is the latest stable Ruby version?", provider_options={"anthropic": {"tools": tools}}
        )
    raw = _message(SEARCH)
    assert [p.type for p in r.message.content] == ["server_tool_call", "server_tool_result", "text"]
    call, result, text = r.message.content
    assert isinstance(call, ServerToolCallPart) and isinstance(result, ServerToolResultPart)
    assert (call.name, call.input, call.provider) == (
        "web_search",
        {"query": "latest stable Ruby version 2026"},
        "anthropic",
    )
    assert call.data == raw["content"][0] and result.data == raw["content"][1]
    assert result.call_id == call.id and result.name == "web_search" and not result.is_error
    assert [x["url"] for x in result.content] == [x["url"] for x in raw["content"][1]["content"]]
    assert [c.kind for c in r.citations] == ["web_search_result_location"] * 2
    assert r.citations[0].url == "https://www.ruby-lang.org/en/downloads/"
    assert r.citations[0].title == "Download Ruby | Ruby" and r.citations[0].cited_text
    assert all(c.provider == "anthropic" and c.source_index is None for c in r.citations)
    _spans_are_their_blocks(r, raw)
    assert isinstance(text, TextPart) and text.citations == r.citations
    assert r.warnings == [] and "unmapped" not in r.provider_metadata
    assert r.usage.input_tokens


def test_web_search_turn_goes_back_as_the_recorded_blocks() -> None:
    """Turn 2 built from turn 1's answer carries server_tool_use, web_search_tool_result and the
    cited text blocks (the uncited " " between them included) exactly as ruby_llm sent them."""
    first = _replay(SEARCH_REPLAY).response
    follow_up = A.recorded_text(SEARCH_REPLAY, 1, 2)
    res = _replay(SEARCH_REPLAY, 1, [A.recorded_text(SEARCH_REPLAY, 0, 0), first.message, follow_up])
    sent = json.loads(res.sent[0].content)
    assert sent["messages"] == A.recorded_body(SEARCH_REPLAY, 1)["messages"]
    # the messages (server-tool blocks, text blocks with citations) are valid under Anthropic's spec;
    # the recorded tool version (web_search_20260318) is newer than the spec we hold, so tools are left out
    load_spec(A.SPEC).validate_body("POST", "/v1/messages", {k: v for k, v in sent.items() if k != "tools"})
    assert res.response.text == "OK."


def test_streamed_search_turn_goes_back_as_recorded_and_equals_its_non_stream_form() -> None:
    """ruby_llm streamed turn 1 and sent it back in turn 2: our stream's answer, sent back, is that
    turn-2 request; and the non-stream codec on those recorded blocks gives the streamed answer."""
    with CassetteServer.from_cassette(A.CASSETTES / SEARCH_STREAM) as srv:
        m = llmcore.model("anthropic/claude-haiku-4-5-20251001", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        events = list(
            m.stream(
                "Search the web: what is the latest stable Ruby version?",
                provider_options={"anthropic": {"tools": A.recorded_body(SEARCH_STREAM)["tools"]}},
            )
        )
    assert [type(e).__name__ for e in events if isinstance(e, PartEvent | CitationEvent)] == [
        "PartEvent",
        "PartEvent",
        "CitationEvent",
        "CitationEvent",
    ]
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    streamed = acc.response("anthropic")
    recorded_turn = A.recorded_body(SEARCH_STREAM, 1)["messages"][1]
    _same_answer(streamed, parse_message({"content": recorded_turn["content"], "stop_reason": "end_turn"}))
    _spans_are_their_blocks(streamed, _fold_sse(_response_body(SEARCH_STREAM)))
    res = _replay(
        SEARCH_STREAM, 1, [A.recorded_text(SEARCH_STREAM, 0, 0), streamed.message, A.recorded_text(SEARCH_STREAM, 1, 2)]
    )
    sent = json.loads(res.sent[0].content)
    assert sent["messages"][1] == recorded_turn


@pytest.mark.parametrize("cassette", STREAMS)
def test_stream_equals_the_same_answer_folded_into_a_message(cassette: str) -> None:
    """Every server-tool/citation stream recording: the collected stream equals the non-stream codec
    on the message the SSE events describe (same parts in the same order, same citations)."""
    res = _replay(cassette)
    _same_answer(res.response, parse_message(_fold_sse(_response_body(cassette))))
    assert res.response.warnings == []


def test_stream_survives_any_chunking_of_the_server_tool_stream() -> None:
    """Input JSON of server_tool_use cut anywhere, as a real socket may deliver it."""
    whole = _replay(PYDANTIC_SEARCH_STREAM).response
    body = A.recorded_body(PYDANTIC_SEARCH_STREAM)
    req = {
        "model": body["model"],
        "max_tokens": body["max_tokens"],
        "messages": ["hi"],
        "provider_options": {"anthropic": {"tools": body["tools"]}},
    }
    from llmcore_testing.conformance import run_case

    res = asyncio.run(
        run_case(Case(PYDANTIC_SEARCH_STREAM, req, stream=True), A.make_provider, A.CASSETTES, chunk_sizes=(7,))
    )
    assert res.error is None and res.response is not None
    _same_answer(res.response, whole)
    assert [c.input["query"] for c in whole.server_tool_calls] == [
        "top world news today",
        "breaking news headlines August 14 2025",
    ]


# -- web fetch and code execution ----------------------------------------------------------------


def test_web_fetch_parts_and_their_round_trip() -> None:
    """ellmer's web_fetch conversation: the fetch comes back as parts and goes back in turn 2 as recorded."""
    first = _replay(WEB_FETCH).response
    call, result = first.message.content[:2]
    assert isinstance(call, ServerToolCallPart) and call.name == "web_fetch"
    assert call.input == {"url": "https://rvest.tidyverse.org/articles/starwars.html"}
    assert isinstance(result, ServerToolResultPart) and result.name == "web_fetch" and result.call_id == call.id
    assert result.content["type"] == "web_fetch_result" and result.content["url"] == call.input["url"]
    recorded = A.recorded_body(WEB_FETCH, 1)["messages"]
    res = _replay(WEB_FETCH, 1, [recorded[0]["content"][0]["text"], first.message, recorded[2]["content"][0]["text"]])
    sent = json.loads(res.sent[0].content)["messages"]
    assert sent[:2] == recorded[:2]  # (ellmer put a cache breakpoint on its last user turn: not this test's concern)


def test_code_execution_parts_chat_and_stream() -> None:
    r = _replay(CODE).response
    raw = _message(CODE)
    assert [p.type for p in r.message.content] == ["server_tool_call", "server_tool_result", "text"]
    call, result = r.server_tool_calls[0], r.message.content[1]
    assert call.name == "bash_code_execution" and call.input == raw["content"][0]["input"]
    assert isinstance(result, ServerToolResultPart) and result.name == "bash_code_execution"
    assert result.content["stdout"] == "123456789 * 987654321 = 121932631112635269\n" and not result.is_error
    assert result.data == raw["content"][1]
    s = _replay(PYDANTIC_CODE_STREAM).response
    assert [p.type for p in s.message.content] == [
        "reasoning",
        "text",
        "server_tool_call",
        "server_tool_result",
        "text",
    ]
    assert s.message.content[3].content["stdout"] == "-428330955.97745\n"
    assert s.message.content[3].data["type"] == "bash_code_execution_tool_result"


@pytest.mark.parametrize(
    ("fixture", "kinds"),
    [
        ("anthropic-mcp.1.json", ["server_tool_call", "server_tool_result", "text"]),
        (
            "anthropic-code-execution-20250825.1.json",
            [
                "text",
                "server_tool_call",
                "server_tool_result",
                "text",
                "server_tool_call",
                "server_tool_result",
                "text",
            ],
        ),
        (
            "anthropic-web-search-tool.1.json",
            ["server_tool_call", "server_tool_result", "text", "server_tool_call", "server_tool_result", "text"],
        ),
    ],
)
def test_vercel_ai_bodies_map_every_block(fixture: str, kinds: list[str]) -> None:
    """vercel/ai's recorded response bodies (codec input, not cassettes): MCP and text-editor blocks too.
    Each part goes back as the block it came from, in order (text blocks regrouped by citation)."""
    raw = json.loads((AI_FIXTURES / fixture).read_text())
    r = parse_message(raw)
    assert [p.type for p in r.message.content] == kinds and r.warnings == []
    blocks = [b for b in raw["content"] if b["type"] != "text"]
    assert [p.data for p in r.message.content if p.type != "text"] == blocks
    names = {p.call_id: p.name for p in r.message.content if isinstance(p, ServerToolResultPart)}
    assert names == {p.id: p.name for p in r.server_tool_calls}
    if fixture == "anthropic-mcp.1.json":
        assert r.server_tool_calls[0].data["type"] == "mcp_tool_use"
        assert r.message.content[1].data["type"] == "mcp_tool_result"
    body, warnings = build_messages_body(ChatRequest(model="m", messages=["q", r.message, "more"]), stream=False)
    assert warnings == []
    sent = body["messages"][1]["content"]
    assert [b for b in sent if b["type"] != "text"] == blocks
    assert "".join(b["text"] for b in sent if b["type"] == "text") == r.text
    assert [c for b in sent if b["type"] == "text" for c in b.get("citations", ())] == [c.data for c in r.citations]


# -- citations -------------------------------------------------------------------------------------


def test_document_citations_char_and_page_locations() -> None:
    r = _replay(CITE_TEXT).response
    (c,) = r.citations
    assert (c.kind, c.title, c.source_index, c.start, c.end) == ("char_location", "facts.txt", 0, 0, 72)
    assert c.cited_text.startswith("The Ruby programming language was created by Yukihiro Matsumoto in 1993.")
    assert c.data["start_char_index"] == 0 and c.data["end_char_index"] == 73
    assert r.message.content[0].citations == [c]
    _spans_are_their_blocks(r, _message(CITE_TEXT))
    p = _replay(CITE_PDF).response
    assert [(c.kind, c.title, c.source_index) for c in p.citations] == [("page_location", "sample.pdf", 0)] * 3
    assert all(c.data["start_page_number"] >= 1 for c in p.citations)
    _spans_are_their_blocks(p, _message(CITE_PDF))


def test_streamed_document_citation_matches_the_non_stream_recording_of_the_same_prompt() -> None:
    """ruby_llm asked about the same document with and without streaming (the question's wording
    differs a little): the same sentence is cited the same way."""
    doc = A.recorded_body(CITE_STREAM)["messages"][0]["content"][1]
    assert doc == A.recorded_body(CITE_TEXT)["messages"][0]["content"][1]
    s, c = _replay(CITE_STREAM).response, _replay(CITE_TEXT).response
    assert [(x.kind, x.title, x.source_index, x.cited_text, x.data) for x in s.citations] == [
        (x.kind, x.title, x.source_index, x.cited_text, x.data) for x in c.citations
    ]
    assert [s.text[x.start : x.end] for x in s.citations] == [s.text]
    assert s.message.content[0].citations == s.citations


def test_search_result_citations_from_a_tool_result() -> None:
    r = _replay(CITE_SEARCH_RESULTS, 1).response
    (c,) = r.citations
    assert (c.kind, c.url, c.title, c.source_index) == (
        "search_result_location",
        "https://example.com/ruby-facts",
        "Ruby Facts",
        0,
    )
    _spans_are_their_blocks(r, _message(CITE_SEARCH_RESULTS, 1))


# -- nothing dropped, nothing foreign --------------------------------------------------------------


def test_an_unknown_block_is_kept_with_a_warning_chat_and_stream() -> None:
    """Constructed block (no recording has one): a block type this codec does not know."""
    block = {"type": "container_upload", "file_id": "file_1"}
    r = parse_message({"content": [block, {"type": "text", "text": "done"}], "stop_reason": "end_turn"})
    assert r.text == "done" and r.provider_metadata["unmapped"] == [{"kind": "container_upload", "item": block}]
    assert [w.feature for w in r.warnings] == ["unmapped:container_upload"]
    dec = StreamDecoder()
    events = [
        ev
        for data in (
            {"type": "message_start", "message": {"id": "m", "model": "x", "usage": {}}},
            {"type": "content_block_start", "index": 0, "content_block": block},
            {"type": "content_block_delta", "index": 0, "delta": {"type": "upload_delta", "n": 1}},
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}},
            {"type": "message_stop"},
        )
        for ev in dec.feed(data)
    ]
    warns = [e.warning.feature for e in events if isinstance(e, WarningEvent)]
    assert warns == ["unmapped:container_upload"]
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    kept = acc.response("anthropic").provider_metadata["unmapped"]
    assert kept == [{"kind": "container_upload", "item": {**block, "deltas": [{"type": "upload_delta", "n": 1}]}}]


def test_another_providers_server_parts_and_citations_are_left_out() -> None:
    foreign_call = ServerToolCallPart(
        id="ws_1",
        name="web_search",
        input={"query": "q"},
        provider="openai",
        data={"type": "web_search_call", "id": "ws_1"},
    )
    cite = Citation(kind="url_citation", url="https://a.example", start=0, end=4, provider="openai", data={"x": 1})
    msg = Message(role="assistant", content=[foreign_call, TextPart(text="Blue", citations=[cite])])
    body, warnings = build_messages_body(ChatRequest(model="m", messages=["q", msg, "more"]), stream=False)
    assert body["messages"][1]["content"] == [{"type": "text", "text": "Blue"}]
    assert [w.feature for w in warnings] == ["foreign_part"] and "openai" in warnings[0].detail


def test_vertex_claude_stamps_and_takes_back_its_own_parts() -> None:
    """Vertex AI's Claude reuses this codec under its own provider name."""
    raw = _message(SEARCH_REPLAY)
    r = parse_message(raw, provider="vertexai")
    assert {p.provider for p in r.message.content if p.type != "text"} == {"vertexai"}
    assert {c.provider for c in r.citations} == {"vertexai"}
    req = ChatRequest(model="claude-haiku-4-5", messages=["q", r.message, "more"])
    body, warnings = build_messages_body(req, stream=False, provider="vertexai")
    assert (
        warnings == [] and body["messages"][1]["content"] == A.recorded_body(SEARCH_REPLAY, 1)["messages"][1]["content"]
    )
    _, warnings = build_messages_body(
        ChatRequest(model="claude-haiku-4-5", messages=["q", parse_message(raw).message, "more"]),
        stream=False,
        provider="vertexai",
    )
    assert {w.feature for w in warnings} == {"foreign_part"}


def test_the_new_cassettes_are_listed_in_sources() -> None:
    listed = (Path(A.CASSETTES) / "SOURCES.md").read_text()
    for name in (
        SEARCH,
        SEARCH_REPLAY,
        SEARCH_STREAM,
        CODE,
        CITE_TEXT,
        CITE_PDF,
        CITE_SEARCH_RESULTS,
        CITE_STREAM,
        WEB_FETCH,
    ):
        assert name in listed, name


def test_a_failed_server_tool_is_an_error_result() -> None:
    """Constructed blocks in the documented shapes (no recording has a failed search or MCP call)."""
    r = parse_message(
        {
            "content": [
                {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "q"}},
                {
                    "type": "web_search_tool_result",
                    "tool_use_id": "srvtoolu_1",
                    "content": {"type": "web_search_tool_result_error", "error_code": "max_uses_exceeded"},
                },
                {"type": "mcp_tool_use", "id": "mcptoolu_1", "name": "roll", "server_name": "dice", "input": {}},
                {"type": "mcp_tool_result", "tool_use_id": "mcptoolu_1", "is_error": True, "content": []},
            ],
            "stop_reason": "end_turn",
        }
    )
    results = [p for p in r.message.content if isinstance(p, ServerToolResultPart)]
    assert [(p.name, p.is_error) for p in results] == [("web_search", True), ("roll", True)]
    assert r.warnings == []


@pytest.mark.parametrize("cassette", [CODE, PYDANTIC_CODE_STREAM], ids=["chat", "stream"])
def test_the_code_execution_container_is_kept(cassette: str) -> None:
    """The answer's ``container`` (id and expiry: the caller passes the id back to reuse the sandbox) is in
    ``provider_metadata["anthropic"]``, in chat and streams; it was dropped."""
    raw = _response_body(cassette)
    folded = _fold_sse(raw) if cassette == PYDANTIC_CODE_STREAM else json.loads(raw)
    container = folded.get("container") or next(
        json.loads(ln[5:])["delta"]["container"]
        for ln in raw.splitlines()
        if ln.startswith("data:") and '"container"' in ln and '"message_delta"' in ln
    )
    r = _replay(cassette).response
    assert r.provider_metadata["anthropic"]["container"] == container
    assert container["id"].startswith("container_")


def test_a_streamed_stop_sequence_is_kept() -> None:
    """Which stop sequence ended a streamed answer (``message_delta``), as a non-streamed answer keeps it."""
    res = A.replay(A.PREFILL_STOP)
    assert res.error is None, res.error
    assert res.response.provider_metadata["anthropic"]["stop_sequence"] == "```"
    assert res.response.raw_finish_reason == "stop_sequence"
