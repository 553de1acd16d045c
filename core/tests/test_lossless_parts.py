"""The lossless answer model (issue 11): server-tool parts, citations, generated
images, and the stream accumulator folding them like the non-stream answer."""

from __future__ import annotations

import base64

import llmcore
import pytest
from llmcore.errors import InvalidRequestError
from llmcore.events import CitationEvent, Finish, PartEvent, StreamAccumulator, TextDelta, WarningEvent
from llmcore.pluginkit import CallWarnings, foreign_part, keep_unmapped
from llmcore.types import (
    ChatRequest,
    Citation,
    ImagePart,
    Message,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
)

CALL = ServerToolCallPart(id="srvtoolu_1", name="web_search", input={"query": "sky"}, provider="anthropic")
RESULT = ServerToolResultPart(
    call_id="srvtoolu_1", name="web_search", content=[{"url": "https://a.example", "title": "A"}], provider="anthropic"
)


def cite(start: int | None, end: int | None, url: str = "https://a.example") -> Citation:
    return Citation(kind="web_search_result_location", url=url, start=start, end=end, provider="anthropic")


def test_an_answer_with_server_tools_round_trips_into_the_next_request() -> None:
    msg = Message(role="assistant", content=[CALL, RESULT, TextPart(text="Blue.", citations=[cite(0, 5)])])
    again = ChatRequest(model="m", messages=["why?", msg.model_dump(), "and at night?"])
    assert again.messages[1].content == msg.content
    assert again.messages[1].content[2].citations[0].url == "https://a.example"


def test_server_tool_parts_belong_to_assistant_messages_only() -> None:
    with pytest.raises(InvalidRequestError, match="cannot contain a 'server_tool_call' part"):
        ChatRequest(model="m", messages=[{"role": "user", "content": [CALL.model_dump()]}])


def test_the_accumulator_keeps_order_parts_and_citations() -> None:
    acc = StreamAccumulator()
    first, second = cite(None, None), cite(6, 11, "https://b.example")
    for ev in [
        PartEvent(CALL),
        PartEvent(RESULT),
        CitationEvent(first),  # announced before its text block starts
        TextDelta("Blue, "),
        TextDelta("because"),
        CitationEvent(second),
        CitationEvent(Citation(kind="search_result", url="https://c.example"), attach=False),
        Finish("stop"),
    ]:
        acc.add(ev)
    r = acc.response(provider="anthropic")
    assert [p.type for p in r.message.content] == ["server_tool_call", "server_tool_result", "text"]
    assert r.message.content[2].citations == [first, second]
    assert [c.url for c in r.citations] == ["https://a.example", "https://b.example", "https://c.example"]
    assert r.text == "Blue, because" and r.text[6:11] == "becau"
    assert r.server_tool_calls == [CALL]


def test_citations_after_the_last_text_attach_to_it() -> None:
    acc = StreamAccumulator()
    for ev in [TextDelta("Blue."), PartEvent(CALL), CitationEvent(cite(0, 5)), Finish("stop")]:
        acc.add(ev)
    r = acc.response()
    assert r.message.content[0].citations == [cite(0, 5)]


def test_a_generated_image_decodes_to_its_bytes() -> None:
    png = b"\\x89PNG\\r\\n\\x1a\\n-not-a-real-image"
    part = ImagePart(data=base64.b64encode(png).decode(), media_type="image/png")
    acc = StreamAccumulator()
    acc.add(PartEvent(part))
    acc.add(Finish("stop"))
    r = acc.response()
    assert r.images[0].to_bytes() == png
    with pytest.raises(InvalidRequestError, match="url"):
        ImagePart(url="https://a.example/x.png").to_bytes()
    with pytest.raises(InvalidRequestError, match="base64"):
        ImagePart(data="@@not base64@@").to_bytes()


def test_keep_unmapped_keeps_the_item_whole_and_warns() -> None:
    meta: dict[str, object] = {}
    warnings = CallWarnings(strict=True, provider="anthropic")  # strict never raises: the answer is here
    item = {"type": "container_upload", "file_id": "f1"}
    w = keep_unmapped(meta, warnings, "anthropic", "container_upload", item)
    assert meta == {"unmapped": [{"kind": "container_upload", "item": item}]}
    assert warnings.items == [w] and w.feature == "unmapped:container_upload"
    assert isinstance(WarningEvent(w).warning, llmcore.CallWarning)


def test_foreign_parts_are_told_by_provider() -> None:
    assert foreign_part(CALL, "openai")
    assert not foreign_part(CALL, "anthropic")
    assert not foreign_part(CALL, "vertexai", accepts=("anthropic",))
    assert not foreign_part(TextPart(text="x"), "openai")
