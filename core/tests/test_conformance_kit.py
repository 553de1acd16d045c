"""The kit must fail bad streams, and its recorder must scrub and replay."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from llmcore.events import Finish, ResponseMetadata, StreamAccumulator, TextDelta, ToolCall, ToolCallDelta, UsageEvent
from llmcore.types import Usage
from llmcore_testing import cassettes, check_stream_invariants


def _check(events: list) -> None:  # type: ignore[type-arg]
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    check_stream_invariants(events, acc.response("p"))


GOOD = [
    ResponseMetadata("id1", "m"),
    TextDelta("a"),
    TextDelta("b"),
    UsageEvent(Usage(input_tokens=1, output_tokens=2)),
    Finish("stop", "stop"),
]


def test_a_good_stream_passes() -> None:
    _check(GOOD)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([TextDelta("a")], "exactly one finish"),
        ([TextDelta("a"), Finish("stop"), Finish("stop")], "exactly one finish"),
        ([Finish("stop"), TextDelta("a")], "must be the last"),
        ([UsageEvent(Usage()), UsageEvent(Usage()), Finish("stop")], "at most once"),
        ([TextDelta("a"), ResponseMetadata("x"), Finish("stop")], "before content"),
        (
            [
                ToolCallDelta(0, "c", "f", '{"a":'),
                ToolCallDelta(0, None, None, "1}"),
                ToolCall("c", "f", {"a": 2}, '{"a":2}'),
                Finish("tool_calls"),
            ],
            "deltas",
        ),
        ([ToolCall("c", "f", {"a": 1}, '{"a":1}'), Finish("stop")], "must finish with 'tool_calls'"),
    ],
)
def test_bad_streams_fail(events: list, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(AssertionError, match=message):
        _check(events)


def test_record_scrubs_then_replays_offline(toy_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmcore.provider import ProviderConfig

    import conftest
    import toy_provider

    key = "toy-secret-key-123"

    async def call() -> str:
        client, sent = cassettes.recording_client()
        async with client:
            p = toy_provider.ToyProvider(ProviderConfig(api_key=key, base_url=toy_server, http_client=client))
            events = [e async for e in p.stream_chat(p_req())]
        assert sent and sent[0].headers["authorization"] == f"Bearer {key}"
        return "".join(e.text for e in events if e.type == "text")  # type: ignore[union-attr]

    def p_req():  # type: ignore[no-untyped-def]
        from llmcore.types import ChatRequest

        return ChatRequest(model="toy-1", messages=["recorded words here"])

    monkeypatch.setenv("LLMCORE_RECORD_MODE", "once")
    vcr = cassettes.make_vcr(tmp_path)
    with vcr.use_cassette("toy.yaml"):
        recorded_text = asyncio.run(call())
    text = (tmp_path / "toy.yaml").read_text()
    assert key not in text and "authorization" not in text.lower()
    # SSE stored whole as text (not base64); this server's \r\n line ends force a quoted scalar
    assert "data: {" in text and "recorded" in text and "!!binary" not in text

    monkeypatch.setenv("LLMCORE_RECORD_MODE", "none")
    hits = len(conftest.HITS)
    with cassettes.make_vcr(tmp_path).use_cassette("toy.yaml"):
        replayed_text = asyncio.run(call())
    assert replayed_text == recorded_text == "recorded words here"
    assert len(conftest.HITS) == hits, "replay reached the server"
