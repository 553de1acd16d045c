"""The kit's lossless accounting (``llmcore_testing.lossless``): placeholders that hold no data are
not kinds, and a kind a plugin keeps documented in ``provider_metadata`` is checked by presence."""

from __future__ import annotations

from llmcore.types import ChatResponse, Message, TextPart, Usage
from llmcore_testing.lossless import answer_item_kinds, disappeared


def _body(message: dict) -> dict:
    return {"choices": [{"index": 0, "finish_reason": "stop", "message": message}]}


def _answer(metadata: dict) -> ChatResponse:
    return ChatResponse(
        model="m",
        provider="writer",
        message=Message(role="assistant", content=[TextPart(text="hi")]),
        finish_reason="stop",
        usage=Usage(),
        provider_metadata=metadata,
    )


def test_an_object_of_nulls_is_no_kind() -> None:
    placeholder = {"sources": None, "status": None, "subqueries": None}
    assert answer_item_kinds(_body({"role": "assistant", "content": "hi", "graph_data": placeholder})) == {"content": 1}


def test_a_kind_kept_as_metadata_is_checked_by_presence() -> None:
    kinds = answer_item_kinds(_body({"role": "assistant", "content": "hi", "graph_data": {"sources": [{"id": 1}]}}))
    assert kinds["message.graph_data"] == 1
    extra = {"message.graph_data": ("metadata",)}
    assert disappeared(kinds, _answer({"writer": {"graph_data": {"sources": [{"id": 1}]}}}), extra) == []
    assert disappeared(kinds, _answer({}), extra) == ["metadata: the recording has some, the answer has none"]
    # "unmapped" is not the documented metadata a kind becomes
    assert disappeared(kinds, _answer({"unmapped": [{"kind": "x"}]}), extra)[0].startswith("metadata:")
