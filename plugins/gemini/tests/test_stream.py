"""Stream decoding: recorded bodies split at arbitrary byte boundaries give the same
events; the JSON-array stream format; truncated streams and in-stream errors.

The split tests serve the recorded response bytes through ``httpx.MockTransport``
in chunks of every size from 1 byte up, so SSE lines, ``\\r\\n`` pairs, JSON
elements and multi-byte UTF-8 characters are cut everywhere; the real
provider decodes them.
"""

from __future__ import annotations

import json
from typing import Any

import gemini_cases as G
import pytest
from llmcore.errors import ProviderResponseError, ProviderServerError, RateLimitError
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_gemini.provider import GeminiProvider
from llmcore_gemini.stream import JSONArrayDecoder
from llmcore_testing import TEST_API_KEY, check_stream_invariants
from llmcore_testing.streams import random_sizes, replay_stream, split_every


def _events(body: bytes, content_type: str, sizes: list[int], request: ChatRequest) -> list[Any]:
    out = replay_stream(
        lambda client: GeminiProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client)),
        request,
        split_every(body, sizes),
        headers={"content-type": content_type},
    )
    assert out.sent[0].url.params.get("alt") == "sse" and "key" not in out.sent[0].url.params
    check_stream_invariants(out.events, out.response)
    return out.events


def _recorded_stream(cassette: str, interaction: int = 0) -> tuple[bytes, str]:
    resp = G.recorded(cassette, interaction)["response"]
    ctype = next(v[0] for k, v in resp["headers"].items() if k.lower() == "content-type")
    return resp["body"]["string"].encode("utf-8"), ctype


STREAMS = [
    (G.BASIC_STREAM, 0),  # SSE, \r\n framing, three text chunks
    (G.ITER_STREAM, 2),  # SSE with "30°C" (multi-byte UTF-8)
    (G.THINKING_STREAM, 0),  # SSE, thoughts, text with a signature
    (G.TOOL_SIG_STREAM, 0),  # SSE, signed functionCall, empty final text
    (G.LLM_DOGS, 0),  # JSON array (no alt=sse), thoughts + JSON text + signature
    (G.LLM_TOOLS, 0),  # JSON array, thought + signed functionCall
    (G.RUBY_STREAM, 0),  # SSE, a single event with text, usage and STOP
    # SSE, 7 text events, groundingMetadata in the last: citations + google_search parts (issue 11)
    ("mirascope__python__tests__e2e__input__cassettes__test_web_search_tool_stream__google_gemini_2_5_flash.yaml", 1),
]


@pytest.mark.parametrize(("cassette", "interaction"), STREAMS)
def test_split_anywhere_gives_the_same_events(cassette: str, interaction: int) -> None:
    body, ctype = _recorded_stream(cassette, interaction)
    req = ChatRequest(model="gemini-2.5-flash", messages=["x"])
    whole = _events(body, ctype, [len(body)], req)
    assert whole[-1].type == "finish"
    for sizes in ([1], [2], [3], [5], [7], [64], random_sizes(7, 50, 40)):
        assert _events(body, ctype, sizes, req) == whole, f"split {sizes[:3]}... changed the events"


def test_utf8_split_inside_a_character() -> None:
    body, ctype = _recorded_stream(G.ITER_STREAM, 2)
    cut = body.index("°".encode()) + 1  # between the two bytes of "°"
    req = ChatRequest(model="gemini-2.0-flash", messages=["x"])
    events = _events(body, ctype, [cut, len(body)], req)
    assert "".join(e.text for e in events if e.type == "text") == "The temperature in Paris is 30°C.\n"


def test_json_array_decoder_elements() -> None:
    dec = JSONArrayDecoder("gemini")
    text = b'[{"a": "x,]y"}\n,\r\n{"b": [1, 2]}\n]'
    out: list[Any] = []
    for i in range(len(text)):
        out += dec.feed(text[i : i + 1])
    dec.flush()
    assert out == [{"a": "x,]y"}, {"b": [1, 2]}]
    dec = JSONArrayDecoder("gemini")
    dec.feed(b'[{"a": 1}, {"b"')
    with pytest.raises(ProviderResponseError, match="inside a JSON element"):
        dec.flush()
    with pytest.raises(ProviderResponseError, match="neither SSE nor a JSON array"):
        JSONArrayDecoder("gemini").feed(b"<html>")


def test_truncated_stream_is_an_error_not_a_short_answer() -> None:
    body, ctype = _recorded_stream(G.BASIC_STREAM)
    cut = body.rindex(b"data:")  # drop the last event, which carries finishReason
    with pytest.raises(ProviderResponseError, match="ended before a finish reason"):
        _events(body[:cut], ctype, [len(body)], ChatRequest(model="gemini-2.0-flash-exp", messages=["x"]))


@pytest.mark.parametrize(
    ("error", "cls"),
    [
        (
            {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"},
            ProviderServerError,
        ),
        (
            {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"},
            RateLimitError,
        ),
    ],
)
def test_error_object_inside_a_stream_raises_the_typed_error(error: dict[str, Any], cls: type[Exception]) -> None:
    # A recorded first event, then a google.rpc.Status object as the next event (the shape of
    # Google's error bodies; no recording of a mid-stream failure exists).
    body, ctype = _recorded_stream(G.BASIC_STREAM)
    first = body[: body.index(b"\r\n\r\n") + 4]
    bad = first + b"data: " + json.dumps({"error": error}).encode() + b"\r\n\r\n"
    with pytest.raises(cls) as info:
        _events(bad, ctype, [len(bad)], ChatRequest(model="gemini-2.0-flash-exp", messages=["x"]))
    assert info.value.message == error["message"]  # type: ignore[attr-defined]
    assert info.value.status_code == error["code"]  # type: ignore[attr-defined]


def test_non_json_event_is_a_response_error() -> None:
    with pytest.raises(ProviderResponseError, match="not JSON"):
        _events(
            b"data: {oops\r\n\r\n", "text/event-stream", [100], ChatRequest(model="gemini-2.5-flash", messages=["x"])
        )
