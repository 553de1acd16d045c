"""The codec's content-part lists: ``message.content`` / ``delta.content`` as a list of
typed parts, with reasoning parts (Databricks ``reasoning``/``summary``, Magistral ``thinking``)."""

from __future__ import annotations

import json

from llmcore.events import ReasoningDelta, StreamAccumulator, TextDelta
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatStreamDecoder, parse_response
from llmcore_openai.chat.parts import content_items

DATABRICKS_CONTENT = [
    {"type": "reasoning", "summary": [{"type": "summary_text", "text": "Rayleigh scattering.", "signature": "sig-1"}]},
    {"type": "text", "text": "Because blue light scatters most."},
]


def test_content_items_keep_order_kinds_and_signatures() -> None:
    assert content_items(DATABRICKS_CONTENT) == [
        ("reasoning", "Rayleigh scattering.", "sig-1"),
        ("text", "Because blue light scatters most.", None),
    ]
    magistral = [
        {"type": "thinking", "thinking": [{"type": "text", "text": "Let me think."}]},
        {"type": "text", "text": "42"},
        {"type": "image_url", "image_url": {"url": "x"}},
        "junk",
    ]
    assert content_items(magistral) == [("reasoning", "Let me think.", None), ("text", "42", None)]
    assert content_items([{"type": "thinking", "thinking": "short", "signature": "s"}]) == [("reasoning", "short", "s")]


def test_a_response_with_reasoning_parts() -> None:
    body = {
        "id": "r",
        "model": "databricks-claude-sonnet-4",
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": DATABRICKS_CONTENT}}
        ],
    }
    r = parse_response(body, COMPATIBLE_DIALECT, provider="databricks")
    assert r.text == "Because blue light scatters most." and r.reasoning == "Rayleigh scattering."
    (part,) = [p for p in r.message.content if p.type == "reasoning"]
    assert part.signature == "sig-1" and part.provider == "databricks"


def test_a_stream_with_reasoning_parts_and_a_late_signature() -> None:
    d = ChatStreamDecoder(COMPATIBLE_DIALECT, "databricks")
    chunks = [
        {
            "id": "c",
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "role": "assistant",
                        "content": [{"type": "reasoning", "summary": [{"type": "summary_text", "text": "Rayleigh "}]}],
                    },
                }
            ],
        },
        {
            "id": "c",
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "content": [
                            {
                                "type": "reasoning",
                                "summary": [{"type": "summary_text", "text": "scattering.", "signature": None}],
                            }
                        ]
                    },
                }
            ],
        },
        {
            "id": "c",
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "content": [
                            {
                                "type": "reasoning",
                                "summary": [{"type": "summary_text", "text": "", "signature": "sig-1"}],
                            }
                        ]
                    },
                }
            ],
        },
        {
            "id": "c",
            "choices": [
                {"index": 0, "delta": {"content": "Because blue light scatters most."}, "finish_reason": "stop"}
            ],
        },
    ]
    events = [e for c in chunks for e in d.feed_data(json.dumps(c))] + d.close()
    assert [type(e) for e in events[1:4]] == [ReasoningDelta, ReasoningDelta, ReasoningDelta]
    assert isinstance(events[4], TextDelta)
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    r = acc.response("databricks")
    assert r.reasoning == "Rayleigh scattering." and r.text == "Because blue light scatters most."
    (part,) = [p for p in r.message.content if p.type == "reasoning"]
    assert part.signature == "sig-1"


def test_reasoning_fields_of_another_type_are_neither_text_nor_signature() -> None:
    # found by the databricks codec fuzzer (nox -s pythons): {"text": 5, "signature": "sig"} became reasoning text 5
    parts = [
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": 5, "signature": "sig"}], "signature": 7},
        {"type": "reasoning", "summary": "why", "signature": ["x"]},
    ]
    assert content_items(parts) == [("reasoning", "", "sig"), ("reasoning", "why", None)]
