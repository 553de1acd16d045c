"""llmcore.jsonfast: orjson when installed, with json's results wherever orjson refuses."""

from __future__ import annotations

import json

import pytest
from llmcore import jsonfast

CASES = [
    '{"id":"chatcmpl-1","choices":[{"delta":{"content":"caf\\u00e9 \\ud83d\\ude00"}}],"usage":null}',
    b'{"a": [1, 2.5, -3e-07, true, false, null], "b": {"c": "d"}}',
    '{"x": NaN, "y": Infinity}',  # not JSON, but what json.loads has always accepted
    '{"dup": 1, "dup": 2}',
    '"\\ud800"',  # a lone surrogate escape
]


@pytest.mark.parametrize("doc", CASES)
def test_same_result_as_json(doc: str | bytes) -> None:
    got, want = jsonfast.loads(doc), json.loads(doc)
    assert repr(got) == repr(want)  # repr: NaN != NaN


@pytest.mark.parametrize("doc", ['{"a":', "", "[1, 2] 3", b"\xff\xfe{}"])
def test_invalid_json_raises_value_error(doc: str | bytes) -> None:
    with pytest.raises(ValueError):
        jsonfast.loads(doc)


def test_integers_wider_than_64_bits() -> None:
    doc = '{"big": 123456789012345678901234567890, "max": 18446744073709551615, "min": -9223372036854775808}'
    got = jsonfast.loads(doc)
    assert got["max"] == 18446744073709551615 and got["min"] == -9223372036854775808  # exact up to 64 bits
    if jsonfast.HAVE_ORJSON:  # the documented difference: orjson reads wider integers as floats
        assert got["big"] == pytest.approx(1.2345678901234568e29)
    else:
        assert got["big"] == 123456789012345678901234567890


def test_reports_whether_orjson_is_used() -> None:
    try:
        import orjson  # noqa: F401
    except ImportError:
        assert jsonfast.HAVE_ORJSON is False
    else:
        assert jsonfast.HAVE_ORJSON is True
