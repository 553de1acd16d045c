"""Lossless answers (issue 11) on the Responses API: built-in tool items (web search, file search,
remote MCP, code interpreter, image generation) as server-tool parts, ``output_text`` annotations as
citations at offsets into ``ChatResponse.text``, streams equal to the answer, and the next turn
carrying the items back as the recorded turn-2 requests did.

Answers are replayed from recordings over a loopback server through ``llmcore.model`` (see
cassettes/SOURCES.md). Tests marked "codec input" feed vercel/ai response-body fixtures (bodies
only, not recordings of an HTTP exchange) straight to the parser."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore.events import StreamAccumulator
from llmcore.types import (
    ChatRequest,
    ImagePart,
    Message,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
)
from llmcore_openai.responses.request import build_body
from llmcore_openai.responses.response import parse_response
from llmcore_openai.responses.stream import ResponsesStreamDecoder
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.cassettes import _stored

CASSETTES = Path(__file__).parent / "cassettes"
UPSTREAM = Path("/work/shared/upstream-cassettes/openai/ai")
WEB_SEARCH = "ruby_llm__chat_web_search_with_openai_gpt-5_2_searches_and_records_the_tool_call_items.yaml"
WEB_SEARCH_3 = "ellmer__openai-v2-web-search.yaml"
SEARCH_STREAM = (
    "mirascope__python__tests__e2e__input__cassettes__test_web_search_tool_stream__openai_gpt_4o_responses.yaml"
)
FILE_SEARCH = "logfire__test_file_search.yaml"
MCP = "activeagent__test_agent_common_format_single_server.yaml"


def interaction(cassette: str, i: int = 0) -> dict[str, Any]:
    return _stored(str(CASSETTES / cassette))["interactions"][i]  # type: ignore[no-any-return]


def sent_body(cassette: str, i: int = 0) -> dict[str, Any]:
    return json.loads(interaction(cassette, i)["request"]["body"])  # type: ignore[no-any-return]


def answer_body(cassette: str, i: int = 0) -> dict[str, Any]:
    return json.loads(interaction(cassette, i)["response"]["body"]["string"])  # type: ignore[no-any-return]


def request_of(body: dict[str, Any], **kw: Any) -> ChatRequest:
    """The recorded request as a ChatRequest: its first user text, and its tools passed through."""
    first = body["input"][0]
    text = first["content"] if isinstance(first["content"], str) else first["content"][0]["text"]
    return ChatRequest(
        model=body["model"], messages=[text], provider_options={"openai": {"tools": body["tools"]}}, **kw
    )


def chat(cassette: str, req: ChatRequest, *, stream: bool = False, start: int = 0) -> tuple[Any, dict[str, Any]]:
    """``req`` through llmcore.model (aiohttp, loopback server answering from the recording);
    the answer and the body llmcore sent."""
    with CassetteServer.from_cassette(CASSETTES / cassette, start=start) as srv:
        m = llmcore.model(
            f"openai/{req.model}", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses"
        )
        kw = req.model_dump(exclude={"model", "messages"}, exclude_defaults=True)
        if stream:
            acc = StreamAccumulator()
            for ev in m.stream(req.messages, **kw):
                acc.add(ev)
            r = acc.response(provider="openai")
        else:
            r = m.chat(req.messages, **kw)
        assert not srv.problems, srv.problems
        return r, json.loads(srv.received[-1].content)


def spans_ok(r: Any) -> None:
    """Every span lands in the answer's text (url citations: on the markdown link they cite)."""
    for c in r.citations:
        assert c.start is not None and c.end is not None and 0 <= c.start <= c.end <= len(r.text)
        if c.kind == "url_citation":
            assert c.data["url"] in r.text[c.start : c.end]


# -- web search ----------------------------------------------------------------------------------


def test_web_search_call_and_url_citation() -> None:
    body = sent_body(WEB_SEARCH)
    r, sent = chat(WEB_SEARCH, request_of(body))
    item = answer_body(WEB_SEARCH)["output"][0]
    assert [p.type for p in r.message.content] == ["server_tool_call", "text"]
    call = r.server_tool_calls[0]
    assert (call.id, call.name, call.provider, call.data) == (item["id"], "web_search", "openai", item)
    assert call.input == item["action"]
    [c] = r.citations
    assert (c.kind, c.title, c.start, c.end) == ("url_citation", "Download Ruby | Ruby", 62, 138)
    assert c.url == "https://www.ruby-lang.org/en/downloads/?utm_source=openai" and c.provider == "openai"
    assert r.message.content[1].citations == [c]
    spans_ok(r)
    assert r.warnings == [] and "unmapped" not in r.provider_metadata
    assert sent["tools"] == [{"type": "web_search"}]


def test_web_search_round_trip_sends_the_item_back_as_recorded() -> None:
    """Turn 2 built from turn 1's answer carries the web_search_call item exactly as ruby_llm sent it."""
    first, _ = chat(WEB_SEARCH, request_of(sent_body(WEB_SEARCH)))
    recorded = sent_body(WEB_SEARCH, 1)
    req = ChatRequest(
        model="gpt-5.2",
        messages=[recorded["input"][0]["content"], first.message, recorded["input"][3]["content"]],
        provider_options={"openai": {"tools": recorded["tools"]}},
    )
    r, sent = chat(WEB_SEARCH, req, start=1)
    assert sent["input"][1] == recorded["input"][1]  # the web_search_call item, whole
    assert sent["input"][2] == {"role": "assistant", "content": recorded["input"][2]["content"][0]["text"]}
    assert sent["input"][3] == recorded["input"][3] and len(sent["input"]) == 4
    assert r.text and r.warnings == []


def test_ellmer_web_search_three_turns() -> None:
    body = sent_body(WEB_SEARCH_3)
    req = ChatRequest(
        model="gpt-4.1",
        system=body["input"][0]["content"][0]["text"],
        messages=[body["input"][1]["content"][0]["text"]],
        temperature=0,
        provider_options={"openai": {"tools": body["tools"]}},
    )
    r1, _ = chat(WEB_SEARCH_3, req)
    assert [p.type for p in r1.message.content] == ["server_tool_call", "text"]
    turn2 = sent_body(WEB_SEARCH_3, 1)
    req2 = req.model_copy(update={"messages": [*req.messages, r1.message, turn2["input"][4]["content"][0]["text"]]})
    _, sent = chat(WEB_SEARCH_3, req2, start=1)
    # ellmer sends the system prompt as an input message; llmcore as instructions
    assert sent["instructions"] == turn2["input"][0]["content"][0]["text"]
    assert sent["input"][1] == turn2["input"][2]  # the web_search_call item, as ellmer sent it
    assert sent["input"][2] == {"role": "assistant", "content": turn2["input"][3]["content"][0]["text"]}


def test_stream_equals_the_answer_on_the_recorded_stream() -> None:
    """mirascope's streamed web search: the collected stream equals the answer the stream's own
    response.completed carries (the recorded non-streamed form of the same response)."""
    body = sent_body(SEARCH_STREAM)
    r, _ = chat(SEARCH_STREAM, request_of(body), stream=True)
    events = [
        json.loads(line[6:])
        for line in interaction(SEARCH_STREAM)["response"]["body"]["string"].splitlines()
        if line.startswith("data: ")
    ]
    final = next(e["response"] for e in events if e["type"] == "response.completed")
    whole = parse_response(final, provider="openai")
    assert r.message.content == whole.message.content
    assert r.citations == whole.citations and len(r.citations) == 3
    assert [p.type for p in r.message.content] == ["server_tool_call", "text"]
    spans_ok(r)
    assert (r.usage, r.finish_reason, r.warnings) == (whole.usage, whole.finish_reason, [])


def test_stream_round_trip_matches_the_recorded_second_request() -> None:
    body = sent_body(SEARCH_STREAM)
    r1, _ = chat(SEARCH_STREAM, request_of(body), stream=True)
    recorded = sent_body(SEARCH_STREAM, 1)
    req = request_of(body).model_copy(
        update={"messages": [body["input"][0]["content"], r1.message, recorded["input"][-1]["content"]]}
    )
    r2, sent = chat(SEARCH_STREAM, req, stream=True, start=1)
    want = recorded["input"][1]  # the OpenAI SDK re-serialized the item, adding "sources": null
    assert sent["input"][1] == {**want, "action": {k: v for k, v in want["action"].items() if v is not None}}
    assert sent["input"][2]["content"] == "".join(c["text"] for c in recorded["input"][2]["content"])
    assert r2.text


# -- file search, MCP ----------------------------------------------------------------------------


def test_file_search_call_and_file_citation() -> None:
    body = sent_body(FILE_SEARCH)
    r, _ = chat(
        FILE_SEARCH,
        ChatRequest(
            model="gpt-4o",
            messages=[body["input"][0]["content"]],
            provider_options={"openai": {"tools": body["tools"], "include": []}},
        ),
    )
    item = answer_body(FILE_SEARCH)["output"][0]
    call = r.server_tool_calls[0]
    assert (call.name, call.input, call.data) == ("file_search", {"queries": item["queries"]}, item)
    assert [p.type for p in r.message.content] == ["server_tool_call", "text"]  # results: null → no result part
    [c] = r.citations
    assert (c.kind, c.title, c.start, c.end) == ("file_citation", "test.txt", 27, 27)
    assert c.data["file_id"] == "file-CmKZQn5qLRRgcAjS61GSqv" and r.text == "Logfire is made by Pydantic."
    recorded = sent_body(FILE_SEARCH, 1)
    req = ChatRequest(
        model="gpt-4o",
        messages=[body["input"][0]["content"], r.message, "2+2?"],
        provider_options={"openai": {"tools": body["tools"], "include": []}},
    )
    _, sent = chat(FILE_SEARCH, req, start=1)
    assert sent["input"][1] == recorded["input"][1]  # the file_search_call item as the Agents SDK sent it


def test_mcp_list_tools_item() -> None:
    body = sent_body(MCP)
    r, _ = chat(
        MCP,
        ChatRequest(
            model=body["model"],
            messages=[body["input"]],
            provider_options={"openai": {k: v for k, v in body.items() if k not in ("model", "input", "stream")}},
        ),
    )
    out = answer_body(MCP)["output"]
    listed = next(o for o in out if o["type"] == "mcp_list_tools")
    call = next(p for p in r.server_tool_calls if p.name == "mcp_list_tools")
    assert call.input == {"server_label": listed["server_label"]} and call.data == listed
    result = r.message.content[r.message.content.index(call) + 1]
    assert isinstance(result, ServerToolResultPart) and result.content == listed["tools"]
    assert result.call_id == call.id and not result.is_error
    assert "unmapped" not in r.provider_metadata


# -- vercel/ai body fixtures (codec input, not recordings) ----------------------------------------


def _fixture(name: str) -> dict[str, Any]:
    path = UPSTREAM / name
    if not path.exists():
        pytest.skip(f"{path} (shared collection) is not on this machine")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def test_code_interpreter_and_container_file_citation_codec_input() -> None:
    data = _fixture("openai-code-interpreter-tool.1.json")
    r = parse_response(data, provider="openai")
    calls = [p for p in r.message.content if isinstance(p, ServerToolCallPart)]
    assert [c.name for c in calls] == ["code_interpreter"] * 3
    assert calls[0].input["code"].startswith("import random") and calls[0].input["container_id"].startswith("cntr_")
    results = [p for p in r.message.content if isinstance(p, ServerToolResultPart)]
    assert [x.content for x in results] == [
        [{"type": "logs", "logs": "(10000, 70024)"}],
        [],
        [{"type": "logs", "logs": "(21680, '/mnt/data/two_dice_sums_10000.txt')"}],
    ]
    [c] = r.citations
    assert c.kind == "container_file_citation" and c.title == "two_dice_sums_10000.txt"
    assert r.text[c.start : c.end] == "sandbox:/mnt/data/two_dice_sums_10000.txt"
    # stream of the same items (synthesized output_item.done events) collects to the same parts
    assert _stream_of(data).message.content == r.message.content


def test_mcp_call_codec_input() -> None:
    data = _fixture("openai-mcp-tool.1.json")
    r = parse_response(data, provider="openai")
    mcp = next(p for p in r.server_tool_calls if p.name == "mcp")
    item = next(o for o in data["output"] if o["type"] == "mcp_call")
    assert mcp.input == {
        "server_label": item["server_label"],
        "name": "web_search_exa",
        "arguments": json.loads(item["arguments"]),
    }
    result = r.message.content[r.message.content.index(mcp) + 1]
    assert isinstance(result, ServerToolResultPart) and result.content == item["output"]
    body, w = build_body(ChatRequest(model="gpt-5", messages=["q", r.message, "more"]), stream=False, provider="openai")
    sent = [i for i in body["input"] if i.get("type") in ("mcp_call", "mcp_list_tools")]
    assert sent == [o for o in data["output"] if o["type"] in ("mcp_call", "mcp_list_tools")] and w.items == []


def _stream_of(data: dict[str, Any]) -> Any:
    """A stream built from a response body: each output item as added/done (text as one delta)."""
    dec = ResponsesStreamDecoder("openai")
    acc = StreamAccumulator()
    evs: list[dict[str, Any]] = [{"type": "response.created", "response": {"id": data["id"]}}]
    for i, item in enumerate(data["output"]):
        evs.append({"type": "response.output_item.added", "output_index": i, "item": item})
        if item["type"] == "message":
            for j, c in enumerate(item["content"]):
                if c["type"] == "output_text":
                    evs.append(
                        {
                            "type": "response.output_text.delta",
                            "item_id": item["id"],
                            "output_index": i,
                            "content_index": j,
                            "delta": c["text"],
                        }
                    )
        evs.append({"type": "response.output_item.done", "output_index": i, "item": item})
    evs.append({"type": "response.completed", "response": data})
    for e in evs:
        for out in dec.feed(e):
            acc.add(out)
    for out in dec.close():
        acc.add(out)
    return acc.response(provider="openai")


# -- image generation, unmapped items, foreign parts ----------------------------------------------

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n-not-a-real-image").decode()


def _image_answer() -> dict[str, Any]:
    """A Responses answer with an image_generation_call (authored: the only recordings of one are
    truncated), a computer_call (client-run: no server tool) and an unknown content part."""
    return {
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "model": "gpt-5",
        "output": [
            {
                "id": "ig_1",
                "type": "image_generation_call",
                "status": "completed",
                "output_format": "png",
                "revised_prompt": "a cat",
                "result": PNG,
            },
            {
                "id": "cu_1",
                "type": "computer_call",
                "call_id": "call_1",
                "action": {"type": "screenshot"},
                "status": "completed",
                "pending_safety_checks": [],
            },
            {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "status": "completed",
                "content": [
                    {"type": "output_text", "text": "Here it is.", "annotations": []},
                    {"type": "output_audio", "data": "AAAA"},
                ],
            },
        ],
    }


def test_image_generation_becomes_an_image_and_goes_back_in_its_item() -> None:
    data = _image_answer()
    r = parse_response(data, provider="openai")
    assert [p.type for p in r.message.content] == ["server_tool_call", "image", "text"]
    assert r.images[0].to_bytes() == base64.b64decode(PNG) and r.images[0].media_type == "image/png"
    assert r.server_tool_calls[0].input == {"revised_prompt": "a cat", "output_format": "png"}
    assert [w.feature for w in r.warnings] == ["unmapped:computer_call", "unmapped:message.output_audio"]
    assert [u["kind"] for u in r.provider_metadata["unmapped"]] == ["computer_call", "message.output_audio"]
    assert r.provider_metadata["unmapped"][0]["item"] == data["output"][1]
    s = _stream_of(data)
    assert s.message.content == r.message.content
    assert s.provider_metadata == r.provider_metadata
    assert [w.feature for w in s.warnings] == [w.feature for w in r.warnings]
    body, w = build_body(
        ChatRequest(model="gpt-5", messages=["draw", r.message, "thanks"]), stream=False, provider="openai"
    )
    assert body["input"][1] == data["output"][0]  # the image rides in its item, not repeated
    assert body["input"][2] == {"role": "assistant", "content": "Here it is."} and len(body["input"]) == 4
    assert w.items == []


def test_another_providers_server_parts_are_left_out_with_a_warning() -> None:
    msg = Message(
        role="assistant",
        content=[
            ServerToolCallPart(
                id="srvtoolu_1",
                name="web_search",
                input={"query": "x"},
                provider="anthropic",
                data={"type": "server_tool_use"},
            ),
            ServerToolResultPart(call_id="srvtoolu_1", name="web_search", content=[], provider="anthropic"),
            ImagePart(data=PNG, media_type="image/png"),
            TextPart(text="Blue."),
        ],
    )
    body, w = build_body(ChatRequest(model="gpt-5", messages=["why?", msg, "ok"]), stream=False, provider="openai")
    assert body["input"][1] == {"role": "assistant", "content": "Blue."} and len(body["input"]) == 3
    assert [x.feature for x in w.items] == ["foreign_part", "foreign_part", "assistant.image"]
    # a hand-made OpenAI part with no item goes back by reference
    own = Message(role="assistant", content=[ServerToolCallPart(id="ws_1", name="web_search", provider="openai")])
    body, _ = build_body(ChatRequest(model="gpt-5", messages=["q", own, "again"]), stream=False, provider="openai")
    assert body["input"][1] == {"type": "item_reference", "id": "ws_1"}


def test_annotation_offsets_move_onto_the_whole_text() -> None:
    """Responses' ``start_index``/``end_index`` count within one ``output_text``; a second
    text (another part, another message) starts later in ``r.text``, so its citation must be
    moved by the length of what came before (the recordings have one text each, where the
    offset is 0 and its arithmetic goes unseen)."""

    def msg(i: int, text: str, cited: str) -> dict[str, Any]:
        at = text.index(cited)
        ann = {"type": "url_citation", "url": f"https://example.org/{i}", "title": str(i)}
        ann |= {"start_index": at, "end_index": at + len(cited)}
        part = {"type": "output_text", "text": text, "annotations": [ann]}
        return {"type": "message", "id": f"msg_{i}", "role": "assistant", "status": "completed", "content": [part]}

    data = {
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "model": "gpt-4.1",
        "output": [msg(0, "Ruby 3.4 is out. ", "Ruby 3.4"), msg(1, "Rails 8 too.", "Rails 8")],
        "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2},
    }
    r = parse_response(data, provider="openai")
    assert r.text == "Ruby 3.4 is out. Rails 8 too."
    assert [r.text[c.start : c.end] for c in r.citations] == ["Ruby 3.4", "Rails 8"]
    s = _stream_of(data)  # the stream decoder counts its own offsets
    assert s.text == r.text and [s.text[c.start : c.end] for c in s.citations] == ["Ruby 3.4", "Rails 8"]
