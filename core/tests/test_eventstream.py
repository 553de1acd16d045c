"""AWS event-stream decoder: framing, CRCs, headers, splits, corruption, truncation."""

from __future__ import annotations

import asyncio
import base64
import random
import struct
import uuid
import zlib

import pytest
from llmcore.errors import ProviderResponseError
from llmcore.http import EventStreamDecoder, aiter_eventstream, encode_eventstream_message, iter_eventstream

# A real Bedrock ConverseStream response body (5 messages, 861 bytes), recorded by
# simonw/llm-bedrock @ 89c6b387f0, tests/cassettes/test_bedrock/test_prompt.yaml
# (Apache-2.0), model us.amazon.nova-micro-v1:0, answer "Paris".
REAL_STREAM = base64.b64decode(
    "AAAAqwAAAFLnsEE2CzpldmVudC10eXBlBwAMbWVzc2FnZVN0YXJ0DTpjb250ZW50LXR5cGUHABBhcHBsaWNhdGlvbi9qc29uDTpt"
    "ZXNzYWdlLXR5cGUHAAVldmVudHsicCI6ImFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1QiLCJy"
    "b2xlIjoiYXNzaXN0YW50In16qcl8AAAApAAAAFcViiJoCzpldmVudC10eXBlBwARY29udGVudEJsb2NrRGVsdGENOmNvbnRlbnQt"
    "dHlwZQcAEGFwcGxpY2F0aW9uL2pzb24NOm1lc3NhZ2UtdHlwZQcABWV2ZW50eyJjb250ZW50QmxvY2tJbmRleCI6MCwiZGVsdGEi"
    "OnsidGV4dCI6IlBhcmlzIn0sInAiOiJhYmNkZWYifcskOCEAAACLAAAAViEcqisLOmV2ZW50LXR5cGUHABBjb250ZW50QmxvY2tT"
    "dG9wDTpjb250ZW50LXR5cGUHABBhcHBsaWNhdGlvbi9qc29uDTptZXNzYWdlLXR5cGUHAAVldmVudHsiY29udGVudEJsb2NrSW5k"
    "ZXgiOjAsInAiOiJhYmNkZWZnIn1HKamJAAAAlgAAAFEnCGy7CzpldmVudC10eXBlBwALbWVzc2FnZVN0b3ANOmNvbnRlbnQtdHlw"
    "ZQcAEGFwcGxpY2F0aW9uL2pzb24NOm1lc3NhZ2UtdHlwZQcABWV2ZW50eyJwIjoiYWJjZGVmZ2hpamtsbW5vcHFyc3R1Iiwic3Rv"
    "cFJlYXNvbiI6ImVuZF90dXJuIn0ASzi6AAAA7QAAAE4kArCQCzpldmVudC10eXBlBwAIbWV0YWRhdGENOmNvbnRlbnQtdHlwZQcA"
    "EGFwcGxpY2F0aW9uL2pzb24NOm1lc3NhZ2UtdHlwZQcABWV2ZW50eyJtZXRyaWNzIjp7ImxhdGVuY3lNcyI6NDQyfSwicCI6ImFi"
    "Y2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1QiLCJ1c2FnZSI6eyJpbnB1dFRva2VucyI6MTAsIm91"
    "dHB1dFRva2VucyI6MSwidG90YWxUb2tlbnMiOjExfX3IB88Y"
)


def decode_all(data: bytes, cuts: list[int] | None = None) -> list[tuple[dict, bytes]]:
    cuts = sorted(set(cuts or []))
    pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    dec = EventStreamDecoder("test")
    out = []
    for p in pieces:
        out += [(m.headers, m.payload) for m in dec.feed(p)]
    dec.flush()
    return out


def test_real_stream_decodes() -> None:
    msgs = list(iter_eventstream([REAL_STREAM]))
    assert [m.event_type for m in msgs] == [
        "messageStart",
        "contentBlockDelta",
        "contentBlockStop",
        "messageStop",
        "metadata",
    ]
    assert all(m.message_type == "event" and m.content_type == "application/json" for m in msgs)
    assert msgs[1].json()["delta"] == {"text": "Paris"}
    assert msgs[4].json()["usage"] == {"inputTokens": 10, "outputTokens": 1, "totalTokens": 11}
    assert msgs[0].exception_type is None and msgs[0].error_code is None


def test_every_split_point_gives_the_same_messages() -> None:
    whole = decode_all(REAL_STREAM)
    for cut in range(1, len(REAL_STREAM)):
        assert decode_all(REAL_STREAM, [cut]) == whole


def test_random_multi_splits_and_byte_at_a_time() -> None:
    whole = decode_all(REAL_STREAM)
    rng = random.Random(20240930)
    for _ in range(300):
        cuts = rng.sample(range(1, len(REAL_STREAM)), rng.randint(1, 40))
        assert decode_all(REAL_STREAM, cuts) == whole
    assert decode_all(REAL_STREAM, list(range(1, len(REAL_STREAM)))) == whole


def test_every_single_bit_flip_is_a_typed_error() -> None:
    rng = random.Random(7)
    positions = range(len(REAL_STREAM) * 8)
    for bit in positions:
        data = bytearray(REAL_STREAM)
        data[bit // 8] ^= 1 << (bit % 8)
        cuts = [rng.randint(1, len(data) - 1)]
        with pytest.raises(ProviderResponseError) as ei:
            decode_all(bytes(data), cuts)
        assert ei.value.provider == "test"
        assert "event stream" in ei.value.message


def test_truncation_anywhere_inside_a_message_fails_at_end() -> None:
    # message boundaries: truncating exactly there is a clean (shorter) stream
    bounds, pos = {0}, 0
    while pos < len(REAL_STREAM):
        pos += struct.unpack_from(">I", REAL_STREAM, pos)[0]
        bounds.add(pos)
    for n in range(1, len(REAL_STREAM)):
        data = REAL_STREAM[:n]
        if n in bounds:
            assert len(decode_all(data)) == sorted(bounds).index(n)
            continue
        with pytest.raises(ProviderResponseError, match="ended inside a message"):
            decode_all(data)


def test_decoder_refuses_input_after_an_error() -> None:
    dec = EventStreamDecoder()
    bad = bytearray(REAL_STREAM)
    bad[5] ^= 0xFF
    with pytest.raises(ProviderResponseError, match="prelude CRC"):
        dec.feed(bytes(bad))
    with pytest.raises(ProviderResponseError, match="after an error"):
        dec.feed(REAL_STREAM)


def test_corrupt_length_fails_at_once_not_waiting_for_bytes() -> None:
    # a huge length with a *valid* prelude CRC: refused by the size limit
    prelude = struct.pack(">II", 0xFFFFFFF0, 10)
    dec = EventStreamDecoder()
    with pytest.raises(ProviderResponseError, match="impossible lengths"):
        dec.feed(prelude + struct.pack(">I", zlib.crc32(prelude)))
    # headers longer than the message
    prelude = struct.pack(">II", 20, 10)
    with pytest.raises(ProviderResponseError, match="impossible lengths"):
        EventStreamDecoder().feed(prelude + struct.pack(">I", zlib.crc32(prelude)))


def test_all_header_types_round_trip() -> None:
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    headers = {
        ":message-type": "event",
        "t": True,
        "f": False,
        "i32": -5,
        "i64": 2**40,
        "b": b"\x00\xff",
        "u": u,
    }
    frame = encode_eventstream_message(headers, b"{}")
    (msg,) = EventStreamDecoder().feed(frame)
    assert msg.headers == headers
    assert msg.payload == b"{}"
    assert msg.json() is not None


def test_fixed_width_header_types_decode() -> None:
    # int8 (2), int16 (3), timestamp (8) are never produced by the encoder; build them by hand
    hdr = b"\x01a\x02\xff" + b"\x01b\x03\x01\x00" + b"\x01c\x08" + struct.pack(">q", 1_700_000_000_000)
    total = 16 + len(hdr)
    prelude = struct.pack(">II", total, len(hdr))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + hdr
    (msg,) = EventStreamDecoder().feed(body + struct.pack(">I", zlib.crc32(body)))
    assert msg.headers == {"a": -1, "b": 256, "c": 1_700_000_000_000}


@pytest.mark.parametrize(
    ("hdr", "match"),
    [
        (b"\x01a\x0a", "unknown header value type 10"),
        (b"\x05ab", "runs past"),
        (b"\x01a\x07\x00\x09abc", "runs past"),
        (b"\x01a\x04\x00\x00", "runs past"),
        (b"\x01a\x07\x00\x02\xff\xfe", "not UTF-8"),
    ],
)
def test_malformed_headers_are_typed_errors(hdr: bytes, match: str) -> None:
    total = 16 + len(hdr)
    prelude = struct.pack(">II", total, len(hdr))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + hdr
    with pytest.raises(ProviderResponseError, match=match):
        EventStreamDecoder().feed(body + struct.pack(">I", zlib.crc32(body)))


def test_payload_that_is_not_json_is_a_typed_error() -> None:
    (msg,) = EventStreamDecoder().feed(encode_eventstream_message({":event-type": "x"}, b"not json"))
    with pytest.raises(ProviderResponseError, match="not JSON"):
        msg.json("p")
    (empty,) = EventStreamDecoder().feed(encode_eventstream_message({}, b""))
    assert empty.json() is None and empty.message_type == "event"


def test_exception_and_error_message_accessors() -> None:
    exc = encode_eventstream_message(
        {":message-type": "exception", ":exception-type": "throttlingException", ":content-type": "application/json"},
        b'{"message":"slow down"}',
    )
    err = encode_eventstream_message({":message-type": "error", ":error-code": "E1", ":error-message": "boom"})
    a, b = EventStreamDecoder().feed(exc + err)
    assert (a.message_type, a.exception_type, a.json()) == (
        "exception",
        "throttlingException",
        {"message": "slow down"},
    )
    assert (b.message_type, b.error_code, b.error_message) == ("error", "E1", "boom")


def test_async_decoding_and_truncated_async_stream() -> None:
    async def chunks(data: bytes, size: int):  # type: ignore[no-untyped-def]
        for i in range(0, len(data), size):
            yield data[i : i + size]

    async def collect(data: bytes) -> list[str | None]:
        return [m.event_type async for m in aiter_eventstream(chunks(data, 7), provider="p")]

    assert asyncio.run(collect(REAL_STREAM))[-1] == "metadata"
    with pytest.raises(ProviderResponseError) as ei:
        asyncio.run(collect(REAL_STREAM[:-3]))
    assert ei.value.provider == "p"


def test_encoder_rejects_what_it_cannot_encode() -> None:
    with pytest.raises(ValueError):
        encode_eventstream_message({"": "x"})
    with pytest.raises(TypeError):
        encode_eventstream_message({"x": 1.5})
