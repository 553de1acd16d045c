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


def test_bedrock_converse_blocks() -> None:
    body = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [
                    {"reasoningContent": {"reasoningText": {"text": "hm", "signature": "s"}}},
                    {"toolUse": {"toolUseId": "t1", "name": "nova_grounding", "type": "server_tool_use", "input": {}}},
                    {"toolResult": {"toolUseId": "t1", "content": [], "type": "nova_grounding_result"}},
                    {
                        "citationsContent": {
                            "content": [{"text": "x"}],
                            "citations": [{"location": {}}, {"location": {}}],
                        }
                    },
                    {"toolUse": {"toolUseId": "t2", "name": "get_weather", "input": {}}},
                    {"image": {"format": "png", "source": {"bytes": "..."}}},
                ],
            }
        }
    }
    assert answer_item_kinds(body) == {
        "reasoning": 1,
        "server_tool_use": 1,
        "toolResult": 1,
        "text": 1,
        "bedrock_citation": 2,
        "tool_use": 1,
        "image": 1,
    }


def test_bedrock_event_stream_is_decoded() -> None:
    import json

    from llmcore.http.eventstream import encode_eventstream_message
    from llmcore_testing.lossless import decode_stream_body

    def event(kind: str, payload: dict) -> bytes:
        headers = {":message-type": "event", ":event-type": kind, ":content-type": "application/json"}
        return encode_eventstream_message(headers, json.dumps(payload).encode())

    raw = b"".join(
        [
            event("messageStart", {"role": "assistant"}),
            event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}),
            event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"citation": {"location": {}}}}),
            event("contentBlockStart", {"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "t", "name": "f"}}}),
            event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": "{}"}}}),
            event("messageStop", {"stopReason": "tool_use"}),
        ]
    )
    events = decode_stream_body(raw, "application/vnd.amazon.eventstream")
    assert [next(iter(e)) for e in events][:2] == ["messageStart", "contentBlockDelta"]
    assert answer_item_kinds(events) == {"text": 1, "bedrock_citation": 1, "tool_use": 1}


def test_response_and_choice_fields_must_be_kept_somewhere() -> None:
    body = {
        "id": "x",
        "service_tier": "flex",
        "obfuscation": "pad",  # stream padding: no kind
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"content": "hi"}, "stop_reason": 7}],
    }
    kinds = answer_item_kinds(body)
    assert (
        kinds["response.service_tier"] == 1 and kinds["choice.stop_reason"] == 1 and "response.obfuscation" not in kinds
    )
    dropped = disappeared(kinds, _answer({}))
    assert len(dropped) == 2 and all("not kept" in p for p in dropped)
    assert disappeared(kinds, _answer({"writer": {"service_tier": "flex", "stop_reason": 7}})) == []


def test_responses_top_level_fields_beyond_the_echo_must_be_kept() -> None:
    body = {
        "object": "response",
        "status": "completed",
        "model": "gpt-5",
        "temperature": 1.0,  # the request's echo: no kind
        "tool_usage": {"image_gen": {"input_tokens": 0}},
        "output": [{"type": "message", "content": [{"type": "output_text", "text": "hi", "annotations": []}]}],
    }
    kinds = answer_item_kinds(body)
    assert kinds == {"response.tool_usage": 1, "output_text": 1}
    assert disappeared(kinds, _answer({}))[0].startswith("'response.tool_usage': not kept")
    assert disappeared(kinds, _answer({"openai": {"tool_usage": {}}})) == []
