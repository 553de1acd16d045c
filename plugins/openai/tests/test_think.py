"""``dialect.think_tags``: a leading ``<think>…</think>`` block in the content is reasoning."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatStreamDecoder, parse_response
from llmcore_openai.chat.think import ThinkSplitter, split_think

THINK = replace(COMPATIBLE_DIALECT, think_tags=True)
CASES = [
    ("<think>\nLet me add.\n</think>\n\n2 + 2 = 4.", "\nLet me add.\n", "2 + 2 = 4."),
    ("  <think>a</think>b", "a", "b"),
    ("<think></think>Hi", "", "Hi"),
    ("<think>cut off mid-thought", "cut off mid-thought", ""),
    ("No thinking here. <think>x</think>", None, "No thinking here. <think>x</think>"),
    ("<thinking>not the tag</thinking> ok", None, "<thinking>not the tag</thinking> ok"),
    ("  plain", None, "  plain"),
    ("<thi", None, "<thi"),
]


@pytest.mark.parametrize(("content", "reasoning", "text"), CASES)
def test_split_think(content: str, reasoning: str | None, text: str) -> None:
    assert split_think(content) == (reasoning, text)


@pytest.mark.parametrize(("content", "reasoning", "text"), CASES)
def test_splitter_matches_split_think_at_every_cut(content: str, reasoning: str | None, text: str) -> None:
    for size in (1, 2, 3, 5, 8, len(content)):
        sp = ThinkSplitter()
        pieces = [sp.feed(content[i : i + size]) for i in range(0, len(content), size)] + [sp.flush()]
        got = {"reasoning": "", "text": ""}
        kinds = []
        for kind, piece in (p for ps in pieces for p in ps):
            assert piece, "no empty pieces"
            got[kind] += piece
            kinds.append(kind)
        assert got["text"] == text, size
        assert got["reasoning"] == (reasoning or ""), size
        assert kinds == sorted(kinds, key=lambda k: k != "reasoning"), "reasoning comes before text"


def _completion(content: str, **extra: object) -> dict[str, object]:
    return {
        "id": "x",
        "model": "m",
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content, **extra}}
        ],
    }


def test_parse_response_only_with_the_flag() -> None:
    body = _completion("<think>Hmm.</think>\nParis.")
    r = parse_response(body, THINK, provider="p")
    assert (r.reasoning, r.text) == ("Hmm.", "Paris.")
    assert [p.type for p in r.message.content] == ["reasoning", "text"]
    plain = parse_response(body, COMPATIBLE_DIALECT, provider="p")
    assert plain.text == "<think>Hmm.</think>\nParis." and not plain.reasoning
    # a reasoning field wins; the tags are still taken out of the text
    both = parse_response(_completion("<think>dup</think>Paris.", reasoning_content="field"), THINK, provider="p")
    assert (both.reasoning, both.text) == ("field", "Paris.")


def test_stream_decoder_splits_across_chunks() -> None:
    pieces = ["<th", "ink>\nStep", " one.</th", "ink>", "\n\n", "Par", "is."]
    dec = ChatStreamDecoder(THINK, "p")
    events = []
    for i, p in enumerate(pieces):
        chunk = {
            "id": "x",
            "model": "m",
            "choices": [
                {"index": 0, "delta": {"content": p}, "finish_reason": "stop" if i == len(pieces) - 1 else None}
            ],
        }
        events += dec.feed_data(json.dumps(chunk))
    events += dec.close()
    reasoning = "".join(e.text for e in events if e.type == "reasoning")  # type: ignore[attr-defined]
    text = "".join(e.text for e in events if e.type == "text")  # type: ignore[attr-defined]
    assert (reasoning, text) == ("\nStep one.", "Paris.")
    assert events[-1].type == "finish"
