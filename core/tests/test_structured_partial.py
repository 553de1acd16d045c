"""The partial-JSON parser and the stream tracker."""

from __future__ import annotations

import json

from llmcore.events import TextDelta, ToolCall, ToolCallDelta
from llmcore.structured import PartialTracker, extract_json_text, parse_partial

DOC = {
    "title": "Plan",
    "steps": [{"n": 1, "do": "boil water"}, {"n": 2, "do": "add tea"}],
    "done": False,
    "note": None,
    "score": 9.5,
}


def test_every_prefix_parses_to_a_growing_value() -> None:
    text = json.dumps(DOC)
    last_keys: list[str] = []
    for i in range(len(text) + 1):
        v = parse_partial(text[:i])
        assert v is None or isinstance(v, dict)
        if isinstance(v, dict):
            keys = list(v)
            assert keys[: len(last_keys)] == last_keys  # keys only ever added, in order
            last_keys = keys
    assert parse_partial(text) == DOC


def test_unfinished_pieces() -> None:
    assert parse_partial("") is None
    assert parse_partial("   ") is None
    assert parse_partial('{"title": "Pl') == {"title": "Pl"}  # an unfinished string is kept
    assert parse_partial('{"steps": [{"n": 1, "do": "bo') == {"steps": [{"n": 1, "do": "bo"}]}
    assert parse_partial('{"done": fa') == {}  # an unfinished literal is left out
    assert parse_partial('{"tit') == {}
    assert parse_partial("[1, 2, ") == [1, 2]
    assert parse_partial("not json at all") is None
    # an unfinished number is left out until complete; digits inside a string are text
    assert parse_partial('{"score": 9') == {} and parse_partial('{"score": 9.') == {}
    assert parse_partial('{"score": -') == {} and parse_partial('{"score": 9.5,') == {"score": 9.5}
    assert parse_partial('{"a": "room 12') == {"a": "room 12"}
    assert parse_partial('{"a": "say \\"12') == {"a": 'say "12'}


def test_fences_and_prose_are_skipped() -> None:
    assert extract_json_text('```json\n{"a": 1}\n```') == '{"a": 1}'
    assert extract_json_text('Sure! {"a": 1}') == '{"a": 1}'
    assert parse_partial('```json\n{"a": [1, 2]') == {"a": [1, 2]}


def test_tracker_follows_text_or_one_tool() -> None:
    t = PartialTracker()
    for piece in ['{"a"', ': "x', 'y"}']:
        assert t.feed(TextDelta(piece))
    assert t.value == {"a": "xy"}
    assert not t.feed(ToolCallDelta(0, "c", "f", '{"z": 1}'))

    tool = PartialTracker("Out", unwrap="value")
    tool.feed(ToolCallDelta(0, "c0", "other", '{"q": 1}'))  # another tool: ignored
    tool.feed(ToolCallDelta(1, "c1", "Out", '{"value": [1'))
    assert tool.value == []  # 1 may still grow
    tool.feed(ToolCallDelta(0, None, None, ", 2]}"))  # index 0 is the other call
    tool.feed(ToolCallDelta(1, None, None, ", 3]}"))
    assert tool.value == [1, 3]

    whole = PartialTracker("Out")
    whole.feed(ToolCall("c", "Out", {"k": 1}, '{"k": 1}'))  # a provider without deltas
    assert whole.value == {"k": 1}
