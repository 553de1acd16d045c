"""Lossless answers (issue 11) on real Bedrock recordings: ``citationsContent`` blocks and ConverseStream
``citation`` deltas as Citations on the text, Nova web grounding's ``toolUse``/``toolResult``
(``type: server_tool_use`` / ``nova_grounding_result``) as server-tool parts (streamed ``toolResult``
blocks included), all sent back next turn in Converse's own form; what has no part is kept with a
warning; another provider's parts are left out.

Answers are replayed from recordings (see cassettes/SOURCES.md): ruby_llm (Claude document citations,
Nova web grounding, chat and stream) and langchain-aws (a streamed citation turn sent back in a
non-stream second turn). Tests on constructed blocks say so."""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
from typing import Any

import llmcore
import pytest
import yaml
from bedrock_cases import CASSETTES, FAKE, REC, collect, replay
from llmcore.events import CitationEvent, PartEvent, StreamAccumulator, WarningEvent
from llmcore.http.eventstream import aiter_eventstream
from llmcore.types import (
    ChatRequest,
    ChatResponse,
    Citation,
    Message,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
)
from llmcore_bedrock.request import build_converse_body
from llmcore_bedrock.response import parse_converse
from llmcore_bedrock.stream import decode_stream
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.openapi import shared_dir

CITE = "ruby_llm__chat_citations_with_bedrock_claude-haiku-4-5_cites_text_documents_in_responses.yaml"
CITE_STREAM = "ruby_llm__chat_citations_with_bedrock_claude-haiku-4-5_streams_citations.yaml"
NOVA = "ruby_llm__chat_web_search_with_bedrock_amazon_nova-2-lite-v1_0_grounds_the_answer_with_web_citations.yaml"
NOVA_STREAM = "ruby_llm__chat_web_search_with_bedrock_amazon_nova-2-lite-v1_0_streams_grounded_turns.yaml"
#: langchain-aws's recording, read from the shared collection as codec input (its format is not importable,
#: see cassettes/SOURCES.md): interaction 0 a ConverseStream citation turn, 1 the Converse turn sending it back
LANGCHAIN = shared_dir() / "upstream-cassettes" / "bedrock" / "langchain-aws" / "test_citations[document0].yaml.gz"
STREAMS = (CITE_STREAM, NOVA_STREAM, "langchain-aws")
CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
NOVA_MODEL = "us.amazon.nova-2-lite-v1:0"


def _chat(cassette: str, model: str, messages: list[Any], interaction: int = 0) -> tuple[ChatResponse, dict[str, Any]]:
    async def go(p: Any) -> Any:
        return await p.chat(ChatRequest(model=model, messages=messages))

    r, sent = replay(cassette, go, interaction=interaction)
    return r, json.loads(sent[0].content)


def _stream(cassette: str, model: str, messages: list[Any]) -> tuple[list[Any], ChatResponse]:
    async def go(p: Any) -> Any:
        return await collect(p.stream_chat(ChatRequest(model=model, messages=messages)))

    events, _ = replay(cassette, go)
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    return events, acc.response("bedrock")


@functools.cache
def _langchain() -> dict[str, Any]:
    """langchain-tests' persisted cassette: ``requests`` and ``responses`` (bodies as bytes)."""
    return yaml.safe_load(gzip.decompress(LANGCHAIN.read_bytes()))  # type: ignore[no-any-return]


def _response_bytes(cassette: str, interaction: int = 0) -> bytes:
    if cassette == "langchain-aws":
        return _langchain()["responses"][interaction]["body"]["string"]  # type: ignore[no-any-return]
    return REC.response_bytes(cassette, interaction)  # type: ignore[no-any-return]


def _converse_body(cassette: str, interaction: int = 0) -> dict[str, Any]:
    return json.loads(_response_bytes(cassette, interaction))  # type: ignore[no-any-return]


async def _events(cassette: str, interaction: int) -> list[tuple[str | None, dict[str, Any]]]:
    async def chunks() -> Any:
        yield _response_bytes(cassette, interaction)

    return [(m.event_type, m.json("bedrock")) async for m in aiter_eventstream(chunks(), "bedrock")]


def _fold(cassette: str, interaction: int = 0) -> dict[str, Any]:
    """A ConverseStream recording folded into the Converse body it streams, block by block, the way an
    SDK accumulates it (a block with citation deltas is a ``citationsContent`` block): the non-stream
    form of the very same answer."""
    blocks: dict[int, dict[str, Any]] = {}
    stop = None
    for et, ev in asyncio.run(_events(cassette, interaction)):
        i = ev.get("contentBlockIndex", 0)
        if et == "contentBlockStart":
            start = ev["start"]
            if "toolUse" in start:
                blocks[i] = {"toolUse": {**start["toolUse"], "input": ""}}
            elif "toolResult" in start:
                blocks[i] = {"toolResult": {**start["toolResult"], "content": []}}
        elif et == "contentBlockDelta":
            b, d = blocks.setdefault(i, {"text": "", "citations": []}), ev["delta"]
            if "text" in d:
                b["text"] += d["text"]
            elif "citation" in d:
                b["citations"].append(d["citation"])
            elif "toolUse" in d:
                b["toolUse"]["input"] += d["toolUse"]["input"]
            elif "toolResult" in d:
                b["toolResult"]["content"].extend(d["toolResult"])
        elif et == "messageStop":
            stop = ev["stopReason"]
    content = []
    for _, b in sorted(blocks.items()):
        if "toolUse" in b:
            b["toolUse"]["input"] = json.loads(b["toolUse"]["input"] or "{}")
            content.append(b)
        elif "toolResult" in b:
            content.append(b)
        elif b["citations"]:
            cc: dict[str, Any] = {"citations": b["citations"]}
            if b["text"]:
                cc["content"] = [{"text": b["text"]}]
            content.append({"citationsContent": cc})
        else:
            content.append({"text": b["text"]})
    return {"output": {"message": {"role": "assistant", "content": content}}, "stopReason": stop}


def _botocore_problems(body: dict[str, Any]) -> str:
    """What botocore's current Bedrock Runtime model finds wrong in a Converse body ("" when nothing):
    the Smithy snapshot the other tests use predates citationsContent and toolUse.type."""
    import botocore.session
    from botocore.validate import ParamValidator

    shape = botocore.session.get_session().get_service_model("bedrock-runtime").operation_model("Converse").input_shape
    report = ParamValidator().validate({"modelId": "m", **body}, shape)
    return report.generate_report() if report.has_errors() else ""


def _parse(body: dict[str, Any]) -> ChatResponse:
    return parse_converse(body, model="m", request_id=None, warnings=[])


def _same_answer(a: ChatResponse, b: ChatResponse) -> None:
    assert a.message.content == b.message.content
    assert a.citations == b.citations and a.text == b.text and a.finish_reason == b.finish_reason


# -- document citations -----------------------------------------------------------------------------


def test_document_citation_through_the_facade() -> None:
    """The user's path: llmcore.model over aiohttp to a loopback server answering with the recording."""
    path = REC.interactions(CITE)[0]["request"]["uri"].split(".com", 1)[1]
    assert path.endswith("/converse")
    with CassetteServer.from_cassette(CASSETTES / CITE) as srv:
        m = llmcore.model(f"bedrock/{CLAUDE}", base_url=srv.url, retry=False, **FAKE.options())
        r = m.chat("Who created Ruby and when? Use the document.")
    raw = _converse_body(CITE)["output"]["message"]["content"]
    cited = [b["citationsContent"] for b in raw if "citationsContent" in b]
    assert [c.kind for c in r.citations] == ["documentChar"] * len(cited) and cited
    for c, block in zip(r.citations, cited, strict=True):
        assert c.data == block["citations"][0] and c.provider == "bedrock"
        assert r.text[c.start : c.end] == block["content"][0]["text"]
        assert (
            c.title == "facts"
            and c.source_index == 0
            and c.cited_text == block["citations"][0]["sourceContent"][0]["text"]
        )
    assert [p.type for p in r.message.content] == ["text"] and r.message.content[0].citations == r.citations
    assert r.warnings == [] and "unmapped" not in r.provider_metadata


def test_streamed_document_citation_matches_the_chat_recording() -> None:
    """ruby_llm asked about the same document with and without streaming."""
    events, s = _stream(CITE_STREAM, CLAUDE, ["Who created Ruby? Use the document."])
    c = _chat(CITE, CLAUDE, ["Who created Ruby and when? Use the document."])[0]
    assert any(isinstance(e, CitationEvent) for e in events)
    assert [(x.kind, x.title, x.source_index, x.data) for x in s.citations] == [
        (x.kind, x.title, x.source_index, x.data) for x in c.citations
    ][: len(s.citations)]
    assert s.citations and all(s.text[x.start : x.end] for x in s.citations)


def _decoded(cassette: str, interaction: int) -> ChatResponse:
    """A recorded ConverseStream body through the stream codec, collected."""

    async def go() -> ChatResponse:
        async def chunks() -> Any:
            yield _response_bytes(cassette, interaction)

        acc = StreamAccumulator()
        for e in await collect(decode_stream(chunks(), model="m")):
            acc.add(e)
        return acc.response("bedrock")

    return asyncio.run(go())


@pytest.mark.parametrize("cassette", STREAMS)
def test_stream_equals_the_same_answer_folded_into_a_converse_body(cassette: str) -> None:
    """Every citation / grounding stream recording: the collected stream equals the non-stream codec on
    the Converse body its events describe (same parts in the same order, same citations)."""
    streamed = _decoded(cassette, 0)
    _same_answer(streamed, _parse(_fold(cassette, 0)))
    assert streamed.warnings == [] and streamed.citations


def test_streamed_citation_turn_goes_back_as_langchain_sent_it() -> None:
    """langchain-aws streamed turn 1 and sent it back in turn 2 as text and citationsContent blocks
    (Bedrock accepted it). Our stream codec's answer, sent back, is that assistant turn; the turn-2
    answer's citations span their text. (Read from the collection: see LANGCHAIN.)"""
    recorded = json.loads(_langchain()["requests"][1]["body"])
    assert recorded["messages"][0]["content"][0]["document"]["citations"] == {"enabled": True}
    turn1 = _decoded("langchain-aws", 0)
    assert [c.kind for c in turn1.citations] == ["documentChar", "documentChar"]
    assert [turn1.text[c.start : c.end] for c in turn1.citations] == [
        "employees get 20 days annual leave.",
        "consult with your manager for details.",
    ]
    assert [c.source_index for c in turn1.citations] == [0, 0]
    follow_up = recorded["messages"][2]["content"][0]["text"]
    body, warnings = build_converse_body(ChatRequest(model="m", messages=["x", turn1.message, follow_up]))
    assert warnings == [] and body["messages"][1] == recorded["messages"][1]
    assert _botocore_problems(body) == ""
    turn2 = _parse(_converse_body("langchain-aws", 1))
    assert turn2.citations and [turn2.text[c.start : c.end] for c in turn2.citations] == [
        b["citationsContent"]["content"][0]["text"]
        for b in _converse_body("langchain-aws", 1)["output"]["message"]["content"]
        if "citationsContent" in b
    ]


# -- Nova web grounding --------------------------------------------------------------------------


def test_nova_grounding_is_a_server_tool_not_a_call_for_the_caller() -> None:
    """Before: the grounding toolUse came back as a ToolCallPart (a call the caller would have to run)."""
    r, _ = _chat(NOVA, NOVA_MODEL, ["Search the web: what is the latest stable Ruby version? Cite your source."])
    raw = _converse_body(NOVA)["output"]["message"]["content"]
    assert [p.type for p in r.message.content] == ["server_tool_call", "server_tool_result", "text"]
    assert r.tool_calls == [] and r.finish_reason == "stop"
    call, result, text = r.message.content
    assert isinstance(call, ServerToolCallPart) and isinstance(result, ServerToolResultPart)
    assert (call.name, call.input, call.provider, call.data) == (
        "nova_grounding",
        {"query": "latest stable Ruby version"},
        "bedrock",
        raw[0],
    )
    assert (result.call_id, result.name, result.content, result.is_error, result.data) == (
        call.id,
        "nova_grounding",
        [{"text": "[HIDDEN]"}],
        False,
        raw[1],
    )
    assert [(c.kind, c.url, c.start, c.end) for c in r.citations] == [
        ("web", b["citationsContent"]["citations"][0]["location"]["web"]["url"], None, None)
        for b in raw
        if "citationsContent" in b
    ]
    assert isinstance(text, TextPart) and text.citations == r.citations and text.text.endswith("projects\u200b.")
    # the next turn sends the grounding blocks back as they came, and the text (web citations have no span)
    body, warnings = build_converse_body(ChatRequest(model=NOVA_MODEL, messages=["q", r.message, "more"]))
    assert warnings == [] and body["messages"][1]["content"] == [raw[0], raw[1], {"text": r.text}]
    assert _botocore_problems(body) == ""


def test_nova_grounding_stream_emits_the_parts_and_citations() -> None:
    """The streamed toolResult block (dropped before) and the citation deltas."""
    events, s = _stream(NOVA_STREAM, NOVA_MODEL, ["Search the web: what is the latest stable Ruby version?"])
    kinds = [type(e).__name__ for e in events if isinstance(e, PartEvent | CitationEvent)]
    assert kinds == ["PartEvent", "PartEvent", "CitationEvent", "CitationEvent", "CitationEvent"]
    assert [p.type for p in s.message.content] == ["server_tool_call", "server_tool_result", "text"]
    assert s.message.content[1].content == [{"text": "[HIDDEN]"}] and s.tool_calls == []
    assert s.server_tool_calls[0].input == {"query": "latest stable Ruby version"}
    assert [c.url for c in s.citations] == [
        "https://www.ruby-lang.org/en/downloads/",
        "https://mac.install.guide/ruby/",
        "https://www.ruby-lang.org/en/downloads/",
    ]


# -- nothing dropped, nothing foreign ----------------------------------------------------------------


def test_an_unknown_block_is_kept_with_a_warning_chat_and_stream() -> None:
    """Constructed blocks (no recording has one): a generated image block and its stream events."""
    image = {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}
    r = _parse({"output": {"message": {"content": [{"text": "here"}, image]}}, "stopReason": "end_turn"})
    assert r.text == "here" and r.provider_metadata["unmapped"] == [{"kind": "image", "item": image}]
    assert [w.feature for w in r.warnings] == ["unmapped:image"]
    from llmcore.http.eventstream import encode_eventstream_message

    def ev(et: str, payload: dict[str, Any]) -> bytes:
        return encode_eventstream_message(
            {":event-type": et, ":message-type": "event", ":content-type": "application/json"},
            json.dumps(payload).encode(),
        )

    wire = b"".join(
        [
            ev("messageStart", {"role": "assistant"}),
            ev("contentBlockStart", {"contentBlockIndex": 0, "start": {"image": {"format": "png"}}}),
            ev("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"image": {"source": {"bytes": "iVBO"}}}}),
            ev("contentBlockStop", {"contentBlockIndex": 0}),
            ev("messageStop", {"stopReason": "end_turn"}),
        ]
    )

    async def chunks() -> Any:
        yield wire

    events = asyncio.run(collect(decode_stream(chunks(), model="m")))
    assert [e.warning.feature for e in events if isinstance(e, WarningEvent)] == ["unmapped:image"]
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    assert acc.response("bedrock").provider_metadata["unmapped"] == [
        {
            "kind": "image",
            "item": {"start": {"image": {"format": "png"}}, "deltas": [{"image": {"source": {"bytes": "iVBO"}}}]},
        }
    ]


def test_another_providers_server_parts_and_citations_are_left_out() -> None:
    call = ServerToolCallPart(
        id="srvtoolu_1",
        name="web_search",
        input={"query": "q"},
        provider="anthropic",
        data={"type": "server_tool_use", "id": "srvtoolu_1"},
    )
    cite = Citation(
        kind="web_search_result_location",
        url="https://a.example",
        start=0,
        end=4,
        provider="anthropic",
        data={"type": "web_search_result_location"},
    )
    msg = Message(role="assistant", content=[call, TextPart(text="Blue", citations=[cite])])
    body, warnings = build_converse_body(ChatRequest(model="m", messages=["q", msg, "more"]))
    assert body["messages"][1]["content"] == [{"text": "Blue"}]
    assert [w.feature for w in warnings] == ["foreign_part"] and "anthropic" in warnings[0].detail
