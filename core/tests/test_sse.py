from __future__ import annotations

import asyncio
import json
import random

import pytest
from llmcore.errors import ProviderResponseError
from llmcore.http import NDJSONDecoder, SSEDecoder, aiter_ndjson, iter_sse

STREAM = (
    b": keep-alive\n\n"
    b'event: message_start\ndata: {"a": 1}\n\n'
    b"data: line one\ndata: line two\n\n"
    b"id: 7\nretry: 1500\ndata:no-space\r\n\r\n"
    b'event: ping\ndata: {"type": "ping"}\r\r'
) + (
    'data: {"t": "h\u00e9llo \u4e16\u754c"}\n\n'.encode() + b"data: [DONE]"  # last event without a trailing blank line
)


def _decode_all(chunks: list[bytes]) -> list[tuple[str, str, str | None, int | None]]:
    return [(e.event, e.data, e.id, e.retry) for e in iter_sse(chunks)]


EXPECTED = [
    ("message_start", '{"a": 1}', None, None),
    ("message", "line one\nline two", None, None),
    ("message", "no-space", "7", 1500),
    ("ping", '{"type": "ping"}', "7", 1500),
    ("message", '{"t": "h\u00e9llo \u4e16\u754c"}', "7", 1500),
    ("message", "[DONE]", "7", 1500),
]


def test_whole_stream() -> None:
    assert _decode_all([STREAM]) == EXPECTED


@pytest.mark.parametrize("seed", range(25))
def test_split_anywhere(seed: int) -> None:
    """Chunk boundaries anywhere (inside \\r\\n, inside UTF-8 characters) change nothing."""
    rnd = random.Random(seed)
    cuts = sorted(rnd.sample(range(1, len(STREAM)), rnd.randint(1, 40)))
    chunks = [STREAM[a:b] for a, b in zip([0, *cuts], [*cuts, len(STREAM)], strict=True)]
    assert _decode_all(chunks) == EXPECTED


def test_byte_by_byte() -> None:
    assert _decode_all([STREAM[i : i + 1] for i in range(len(STREAM))]) == EXPECTED


def test_comment_only_and_empty_data_not_dispatched() -> None:
    d = SSEDecoder()
    assert d.feed(b": ping\n\nevent: x\n\n") == []
    assert d.flush() == []


def test_ndjson_split_and_bad_line() -> None:
    lines = [{"i": i, "s": "\u00e9" * i} for i in range(5)]
    raw = b"".join(json.dumps(x).encode() + b"\n" for x in lines)

    async def chunks():  # type: ignore[no-untyped-def]
        for i in range(0, len(raw), 3):
            yield raw[i : i + 3]

    async def collect() -> list[object]:
        return [x async for x in aiter_ndjson(chunks())]

    assert asyncio.run(collect()) == lines
    dec = NDJSONDecoder("ollama")
    with pytest.raises(ProviderResponseError) as ei:
        dec.feed(b'{"ok": 1}\nnot json\n')
    assert ei.value.provider == "ollama" and "not json" in str(ei.value.raw)
