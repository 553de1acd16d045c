"""Lossless answers (issue 11) on real Gemini recordings: Google Search grounding (citations at
character offsets, the search as server-tool parts), URL context, code execution (round trip with
its signatures), generated images; what has no part is kept with a warning, and parts of another
provider are left out of the request with one.

Every answer is replayed from a recording (see cassettes/SOURCES.md); the few mapper-level tests
that feed constructed chunks say so."""

from __future__ import annotations

import base64
import json
from typing import Any

import gemini_cases as G
import llmcore
from llmcore.events import StreamAccumulator
from llmcore.types import (
    ChatRequest,
    ChatResponse,
    ImagePart,
    Message,
    ReasoningPart,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
)
from llmcore_gemini.finish import map_finish_reason
from llmcore_gemini.grounding import byte_span_to_chars
from llmcore_gemini.request import CodecSettings, build_generate_body
from llmcore_gemini.response import ResponseMapper
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer

CITATIONS = (
    "ruby_llm__chat_citations_with_gemini_gemini-2_5-flash_returns_grounding_citations_when_search_is_enabled.yaml"
)
WEB_SEARCH_G3 = (
    "ruby_llm__chat_web_search_with_gemini_gemini-3_5-flash_grounds_the_answer_and_exposes_the_queries_it_ran.yaml"
)
CODE = "ruby_llm__chat_code_execution_with_gemini_gemini-3_5-flash_runs_code_server-side_and_replays_the_turn.yaml"
URL_CONTEXT = "ellmer__google-web-fetch.yaml"
IMAGE = "ellmer__google-image-gen.yaml"
SEARCH_STREAM = (
    "mirascope__python__tests__e2e__input__cassettes__test_web_search_tool_stream__google_gemini_2_5_flash.yaml"
)


def _request(cassette: str, interaction: int = 0) -> ChatRequest:
    """The recorded request again, as a ChatRequest: its user text, model and raw tools."""
    rec = G.recorded(cassette, interaction)["request"]
    body = G.recorded_body(cassette, interaction)
    model = rec["uri"].split("/models/")[1].split(":")[0]
    opts: dict[str, Any] = {"tools": body["tools"]}
    gen = {k: v for k, v in (body.get("generationConfig") or {}).items()}
    if "temperature" in gen:
        opts["generation_config"] = {"temperature": gen["temperature"], "seed": gen["seed"]}
    text = body["contents"][0]["parts"][0]["text"]
    return ChatRequest(model=model, messages=[text], provider_options={"gemini": opts})


def _grounding(cassette: str, interaction: int = 0) -> dict[str, Any]:
    return G.recorded_body(cassette, interaction, "response")["candidates"][0]["groundingMetadata"]  # type: ignore[no-any-return]


def _spans_match_segments(r: ChatResponse) -> None:
    assert r.citations, "no citations"
    for c in r.citations:
        seg = c.data["segment"]
        assert c.start is not None and c.end is not None
        assert r.text[c.start : c.end] == seg["text"], (c.start, c.end, seg)


# -- Google Search grounding --------------------------------------------------------------------


def test_grounding_becomes_citations_and_the_search_parts_through_the_facade() -> None:
    """The user's path (llmcore.model, aiohttp, a loopback server answering with the recording)."""
    with CassetteServer.from_cassette(G.CASSETTES / CITATIONS) as srv:
        m = llmcore.model("gemini/gemini-2.5-flash", api_key=TEST_API_KEY, base_url=srv.url + "/v1beta", retry=False)
        r = m.chat(
            "What is the latest stable version of Ruby?",
            provider_options={"gemini": {"tools": [{"google_search": {}}]}},
        )
    gm = _grounding(CITATIONS)
    assert r.text == "The latest stable version of Ruby is 4.0.6."
    assert [p.type for p in r.message.content] == ["text", "server_tool_call", "server_tool_result"]
    assert [(c.kind, c.source_index, c.start, c.end) for c in r.citations] == [
        ("grounding_support", i, 41, 43) for i in (0, 1, 2)
    ]
    assert [c.url for c in r.citations] == [ch["web"]["uri"] for ch in gm["groundingChunks"]]
    assert [c.title for c in r.citations] == ["ruby-lang.org", "wikipedia.org", "github.com"]
    assert r.text[41:43] == "6." and all(c.provider == "gemini" for c in r.citations)
    assert r.message.content[0].citations == r.citations  # attached to the text they support
    call, result = r.server_tool_calls[0], r.message.content[2]
    assert call.name == "google_search" and call.input == {"queries": ["latest stable version of Ruby"]}
    assert isinstance(result, ServerToolResultPart) and result.call_id == call.id
    assert result.content == [ch["web"] for ch in gm["groundingChunks"]]
    assert r.provider_metadata["grounding_metadata"] == gm  # searchEntryPoint included, whole
    assert "unmapped" not in r.provider_metadata and r.warnings == []


def test_utf8_byte_offsets_become_character_offsets() -> None:
    """gemini-3.5-flash's answer has an em dash and pydantic-ai's a degree sign: Gemini counts bytes,
    ChatResponse.text counts characters; every span lands on the segment's own text."""
    r, _, _ = G.replay(_request(WEB_SEARCH_G3), WEB_SEARCH_G3)
    _spans_match_segments(r)
    assert any(c.start != c.data["segment"].get("startIndex", 0) for c in r.citations), (
        "the recording should have a span after a multi-byte character"
    )
    assert r.server_tool_calls[0].input["queries"] == _grounding(WEB_SEARCH_G3)["webSearchQueries"]
    r2, _, _ = G.replay(G.MULTI_TURN.chat_request(), G.WEB_SEARCH, interaction=1)
    _spans_match_segments(r2)
    r1 = G.replay(_pydantic_first_turn(), G.WEB_SEARCH)[0]
    _spans_match_segments(r1)
    assert "°" in r1.text and any(c.start != c.data["segment"]["startIndex"] for c in r1.citations)


def _pydantic_first_turn() -> ChatRequest:
    body = G.recorded_body(G.WEB_SEARCH)
    return ChatRequest(
        model="gemini-2.5-pro",
        messages=[{"role": "system", "content": "You are a helpful chatbot."}, body["contents"][0]["parts"][0]["text"]],
        provider_options={"gemini": {"tools": body["tools"]}},
    )


def test_byte_span_conversion_checks_the_segment_text() -> None:
    text = "30°C — ok"
    assert byte_span_to_chars(text, 0, 5, "30°C") == (0, 4)
    assert byte_span_to_chars(text, 10, 12, "ok") == (7, 9)
    assert byte_span_to_chars(text, 0, 2, "ok") == (7, 9)  # offsets of another part: found by text
    assert byte_span_to_chars(text, 0, 99, "absent") == (None, None)  # never a wrong span


def test_byte_span_conversion_counts_bytes_not_characters() -> None:
    """The conversion itself, not the look-up by segment text that backs it up: with no
    ``segment.text`` only the byte arithmetic places the span, and with a repeated text
    only the right arithmetic picks the occurrence the offsets point at."""
    assert byte_span_to_chars("30°C — ok", 10, 12, None) == (7, 9)  # ° is 2 bytes, — is 3
    repeated = "é ok é ok"  # the second "ok" is bytes 9..11, characters 7..9
    assert byte_span_to_chars(repeated, 9, 11, "ok") == (7, 9)
    assert byte_span_to_chars(repeated, 0, 2, None) == (0, 1)


def test_streamed_grounding_equals_the_folded_answer_and_spans_index_the_whole_text() -> None:
    """The mirascope stream sends 7 text events, then the grounding in the last one; its segment
    offsets count bytes of the whole streamed text."""
    first = G.replay(
        ChatRequest(
            model="gemini-2.5-flash",
            messages=[G.recorded_body(SEARCH_STREAM)["contents"][0]["parts"][0]["text"]],
            provider_options={"gemini": {"tools": [{"googleSearch": {}}]}},
        ),
        SEARCH_STREAM,
        stream=True,
    )[0]
    req = ChatRequest(
        model="gemini-2.5-flash",
        messages=[
            G.recorded_body(SEARCH_STREAM)["contents"][0]["parts"][0]["text"],
            first.message,
            "Please also look up the price of Ethereum on that date",
        ],
        provider_options={"gemini": {"tools": [{"googleSearch": {}}]}},
    )
    r, events, sent = G.replay(req, SEARCH_STREAM, interaction=1, stream=True)
    # turn 2's request is the recorded one: the search parts of turn 1 are not content Gemini takes back
    assert json.loads(sent[0].content)["contents"] == G.recorded_body(SEARCH_STREAM, 1)["contents"]
    _spans_match_segments(r)
    assert [c.source_index for c in r.citations] == [0, 1, 2, 3]
    assert [p.type for p in r.message.content] == ["text", "server_tool_call", "server_tool_result"]
    assert [e.type for e in events].count("text") == 7
    # the same events folded again give the same answer (what chat() does with a one-chunk answer)
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    again = acc.response("gemini")
    assert again.message.content == r.message.content and again.citations == r.citations


def test_stream_and_chat_agree_on_a_grounded_answer() -> None:
    """No recorded chat/stream pair of one grounded prompt exists (see SOURCES.md): the recorded
    non-streamed answer is served as the one SSE event Gemini would send for it (codec check)."""
    data = G.recorded_body(CITATIONS, 0, "response")
    req = _request(CITATIONS)
    chat = G.replay(req, CITATIONS)[0]
    mapper = ResponseMapper("gemini", req.model)
    acc = StreamAccumulator()
    for e in [*mapper.feed(data), *mapper.end()]:
        acc.add(e)
    streamed = acc.response("gemini")
    assert streamed.message.content == chat.message.content
    assert streamed.citations == chat.citations and streamed.provider_metadata == chat.provider_metadata


# -- URL context ------------------------------------------------------------------------------


def test_url_context_result_and_its_citations() -> None:
    r, _, _ = G.replay(_request(URL_CONTEXT), URL_CONTEXT)
    result = [p for p in r.message.content if isinstance(p, ServerToolResultPart)]
    assert len(result) == 1 and result[0].name == "url_context" and not result[0].is_error
    assert result[0].content == [
        {
            "retrievedUrl": "https://rvest.tidyverse.org/articles/starwars.html",
            "urlRetrievalStatus": "URL_RETRIEVAL_STATUS_SUCCESS",
        }
    ]
    assert r.server_tool_calls == []  # no search queries: Gemini reports no call
    _spans_match_segments(r)
    assert r.citations[0].url == "https://rvest.tidyverse.org/articles/starwars.html"
    # the next turn leaves the url_context part out (it is metadata, not a content part)
    body, warnings = build_generate_body(
        ChatRequest(model="gemini-3.5-flash", messages=["q", r.message, "Who directed it?"]), CodecSettings()
    )
    assert warnings == []
    assert [list(p) for p in body["contents"][1]["parts"]] == [["text", "thoughtSignature"]]


# -- code execution -----------------------------------------------------------------------------


def test_code_execution_parts_and_their_round_trip_match_the_recorded_second_turn() -> None:
    r, _, _ = G.replay(_request(CODE), CODE)
    recorded = G.recorded_body(CODE, 0, "response")["candidates"][0]["content"]["parts"]
    call, result, text, sig = r.message.content
    assert isinstance(call, ServerToolCallPart) and call.name == "code_execution" and call.id == "call_46063"
    assert call.input == {"language": "PYTHON", "code": 'result = 123456789 * 987654321\nprint(f"{result=}")\n'}
    assert call.data == recorded[0] and "thoughtSignature" in call.data
    assert isinstance(result, ServerToolResultPart) and result.call_id == "call_46063" and not result.is_error
    assert result.content == {"outcome": "OUTCOME_OK", "output": "result=121932631112635269\n"}
    assert result.data == recorded[1]
    assert isinstance(text, TextPart) and "121,932,631,112,635,269" in text.text
    assert isinstance(sig, ReasoningPart) and sig.signature == recorded[2]["thoughtSignature"]
    assert r.warnings == [] and "unmapped" not in r.provider_metadata

    follow = _request(CODE).model_copy(
        update={
            "messages": [*_request(CODE).messages, r.message, Message(role="user", content="Thanks. Now just say OK.")]
        }
    )
    r2, _, sent = G.replay(follow, CODE, interaction=1)
    assert r2.text == "OK"
    assert json.loads(sent[0].content)["contents"] == G.recorded_body(CODE, 1)["contents"]


def test_code_execution_parts_without_data_are_rebuilt_and_foreign_ones_left_out() -> None:
    call = ServerToolCallPart(
        id="c1", name="code_execution", input={"language": "PYTHON", "code": "1"}, provider="gemini"
    )
    result = ServerToolResultPart(call_id="c1", name="code_execution", content={"outcome": "OUTCOME_OK", "output": "1"})
    foreign = ServerToolCallPart(id="srvtoolu_1", name="web_search", input={"query": "x"}, provider="anthropic")
    msg = Message(role="assistant", content=[foreign, call, result, TextPart(text="1")])
    body, warnings = build_generate_body(ChatRequest(model="gemini-2.5-flash", messages=["q", msg]), CodecSettings())
    assert body["contents"][1]["parts"] == [
        {"executableCode": {"language": "PYTHON", "code": "1", "id": "c1"}},
        {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1", "id": "c1"}},
        {"text": "1"},
    ]
    assert [w.feature for w in warnings] == ["foreign_part"] and "anthropic" in warnings[0].detail


def test_a_vertex_code_part_goes_to_gemini_without_its_signature() -> None:
    part = {"executableCode": {"language": "PYTHON", "code": "1", "id": "c1"}, "thoughtSignature": "c2ln"}
    call = ServerToolCallPart(id="c1", name="code_execution", input={}, provider="vertexai", data=part)
    msg = Message(role="assistant", content=[call])
    body, _ = build_generate_body(ChatRequest(model="gemini-2.5-flash", messages=["q", msg]), CodecSettings())
    assert body["contents"][1]["parts"] == [{"executableCode": part["executableCode"]}]
    body, _ = build_generate_body(
        ChatRequest(model="gemini-2.5-flash", messages=["q", msg]), CodecSettings(provider="vertexai")
    )
    assert body["contents"][1]["parts"] == [part]


# -- generated images -------------------------------------------------------------------------


def test_a_generated_image_comes_back_as_an_image_part_and_goes_back_as_inline_data() -> None:
    """ellmer's 2.1 MB recording of gemini-2.5-flash-image drawing a cat, over a loopback socket."""
    with CassetteServer.from_cassette(G.CASSETTES / IMAGE) as srv:
        m = llmcore.model(
            "gemini/gemini-2.5-flash-image", api_key=TEST_API_KEY, base_url=srv.url + "/v1beta", retry=False
        )
        r = m.chat("Draw a cat", provider_options={"gemini": {"generation_config": {"temperature": 0, "seed": 1014}}})
    recorded = G.recorded_body(IMAGE, 0, "response")["candidates"][0]["content"]["parts"][0]["inlineData"]
    assert r.text == "" and len(r.images) == 1 and r.warnings == []
    image = r.images[0]
    assert image.media_type == "image/png" and image.data == recorded["data"]
    png = image.to_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png == base64.b64decode(recorded["data"])
    assert int.from_bytes(png[16:20], "big") == 1024  # IHDR width
    body, _ = build_generate_body(
        ChatRequest(model="gemini-2.5-flash-image", messages=["Draw a cat", r.message, "Now a dog"]), CodecSettings()
    )
    assert body["contents"][1] == {"role": "model", "parts": [{"inlineData": recorded}]}


# -- nothing dropped silently; finish reasons -----------------------------------------------------


def _fold(chunks: list[dict[str, Any]]) -> ChatResponse:
    mapper = ResponseMapper("gemini", "gemini-2.5-flash")
    acc = StreamAccumulator()
    for c in chunks:
        for e in mapper.feed(c):
            acc.add(e)
    for e in mapper.end():
        acc.add(e)
    return acc.response("gemini")


def test_parts_without_an_llmcore_part_are_kept_whole_with_a_warning() -> None:
    """Constructed chunks (no recording has a fileData or thought-image output part)."""
    file_part = {"fileData": {"mimeType": "video/mp4", "fileUri": "gs://b/v.mp4"}}
    thought_image = {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}, "thought": True}
    chunk = {
        "candidates": [
            {
                "content": {"parts": [{"text": "a"}, file_part, thought_image, dict(file_part)]},
                "finishReason": "STOP",
            }
        ]
    }
    r = _fold([chunk])
    assert r.text == "a"
    assert [w.feature for w in r.warnings] == ["unmapped:fileData", "unmapped:thought_image"]
    assert r.provider_metadata["unmapped"] == [
        {"kind": "fileData", "item": file_part},
        {"kind": "thought_image", "item": thought_image},
        {"kind": "fileData", "item": file_part},
    ]


def test_generated_audio_is_a_file_part_and_a_signed_image_keeps_its_signature() -> None:
    """Constructed chunks: an audio blob and a signed image part (as Gemini 3 image models send)."""
    chunk = {
        "candidates": [
            {
                "content": {
                    "parts": [
                        {"inlineData": {"mimeType": "audio/L16;rate=24000", "data": "AAAA"}},
                        {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}, "thoughtSignature": "c2ln"},
                    ]
                },
                "finishReason": "STOP",
            }
        ]
    }
    r = _fold([chunk])
    audio, image, sig = r.message.content
    assert audio.type == "file" and audio.media_type == "audio/L16;rate=24000"
    assert isinstance(image, ImagePart) and isinstance(sig, ReasoningPart) and sig.signature == "c2ln"
    body, _ = build_generate_body(ChatRequest(model="gemini-3-pro-image", messages=["q", r.message]), CodecSettings())
    assert body["contents"][1]["parts"][1] == {
        "inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="},
        "thoughtSignature": "c2ln",
    }


def test_model_armor_and_the_documented_finish_reasons() -> None:
    assert map_finish_reason("MODEL_ARMOR") == "content_filter"
    for raw in (
        "SAFETY",
        "RECITATION",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
    ):
        assert map_finish_reason(raw) == "content_filter", raw
    for raw in (
        "MALFORMED_FUNCTION_CALL",
        "UNEXPECTED_TOOL_CALL",
        "TOO_MANY_TOOL_CALLS",
        "MISSING_THOUGHT_SIGNATURE",
        "MALFORMED_RESPONSE",
    ):
        assert map_finish_reason(raw) == "error", raw
    for raw in ("OTHER", "LANGUAGE", "NO_IMAGE", "IMAGE_OTHER", "FINISH_REASON_UNSPECIFIED"):
        assert map_finish_reason(raw) == "other", raw
    r = _fold([{"candidates": [{"content": {"parts": [{"text": "x"}]}, "finishReason": "MODEL_ARMOR"}]}])
    assert (r.finish_reason, r.raw_finish_reason) == ("content_filter", "MODEL_ARMOR")


def test_server_side_tool_invocations_round_trip_and_replace_the_synthesized_search() -> None:
    """Constructed chunk in the shape of the Gemini API's ``ToolCall`` / ``ToolResponse`` parts
    (``toolConfig.includeServerSideToolInvocations``; no recording has them): they are the search's
    own parts, so no second ``google_search`` call is built from the grounding, and they go back."""
    call = {
        "toolCall": {"id": "t1", "toolType": "GOOGLE_SEARCH_WEB", "args": {"queries": ["ruby"]}},
        "thoughtSignature": "c2ln",
    }
    resp = {"toolResponse": {"id": "t1", "toolType": "GOOGLE_SEARCH_WEB", "response": {"results": [1]}}}
    grounding = {
        "webSearchQueries": ["ruby"],
        "groundingChunks": [{"web": {"uri": "https://www.ruby-lang.org/", "title": "ruby-lang.org"}}],
        "groundingSupports": [{"segment": {"endIndex": 4, "text": "Ruby"}, "groundingChunkIndices": [0]}],
    }
    chunk = {
        "responseId": "r1",
        "candidates": [
            {
                "content": {"parts": [call, resp, {"text": "Ruby 4."}]},
                "finishReason": "STOP",
                "groundingMetadata": grounding,
            }
        ],
    }
    r = _fold([chunk])
    assert [p.type for p in r.message.content] == ["server_tool_call", "server_tool_result", "text"]
    sc, sr = r.message.content[0], r.message.content[1]
    assert (sc.id, sc.name, sc.input, sc.data) == ("t1", "google_search", {"queries": ["ruby"]}, call)
    assert (sr.call_id, sr.name, sr.content, sr.data) == ("t1", "google_search", {"results": [1]}, resp)
    assert [(c.start, c.end, c.url) for c in r.citations] == [(0, 4, "https://www.ruby-lang.org/")]
    body, _ = build_generate_body(ChatRequest(model="gemini-3-flash", messages=["q", r.message]), CodecSettings())
    assert body["contents"][1]["parts"] == [call, resp, {"text": "Ruby 4."}]


def test_streamed_grounding_through_the_facade() -> None:
    """The user's path for a stream: llmcore.model over aiohttp, the recorded SSE served by a
    loopback server; the collected answer carries the citations and the search parts."""
    body = G.recorded_body(SEARCH_STREAM, 1)
    history = [
        {"role": "user" if c["role"] == "user" else "assistant", "content": c["parts"][0]["text"]}
        for c in body["contents"]
    ]
    with CassetteServer.from_cassette(G.CASSETTES / SEARCH_STREAM, start=1) as srv:
        m = llmcore.model("gemini/gemini-2.5-flash", api_key=TEST_API_KEY, base_url=srv.url + "/v1beta", retry=False)
        stream = m.stream(history, provider_options={"gemini": {"tools": [{"googleSearch": {}}]}})
        events = list(stream)
        r = stream.response
    assert r is not None and json.loads(srv.received[0].content)["contents"] == body["contents"]
    _spans_match_segments(r)
    assert [e.type for e in events].count("citation") == 4 and [e.type for e in events].count("part") == 2
    assert r.server_tool_calls[0].input == {"queries": ["price of Ethereum on January 1 2026"]}
