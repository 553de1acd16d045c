"""llmcore_testing.streams (cutting and serving stream bodies) and the kit's re-chunk check."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from llmcore.events import Finish, ResponseMetadata, StreamEvent, TextDelta, ToolCall
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_testing import Case, ProviderConformance, cassettes
from llmcore_testing.conformance import _generated_ids_numbered
from llmcore_testing.streams import (
    ChunkedStream,
    random_sizes,
    replay_stream,
    split_at,
    split_every,
    stream_transport,
)

KEY = "toy-secret-key-123"
REQ = ChatRequest(model="toy-1", messages=["three recorded words"])
BODY = (
    'data: {"delta": "caf\u00e9"}\r\n\r\ndata: {"delta": " au lait"}\n\ndata: {"done": true, "in": 3, "out": 2}\n\n'
).encode()


def test_split_at_and_split_every() -> None:
    assert split_at(b"abcdef", [4, 2, 2, 0, 9]) == [b"ab", b"cd", b"ef"]
    assert split_at(b"abc", []) == [b"abc"]
    assert split_every(b"abcdefg", [1, 2]) == [b"a", b"bc", b"d", b"ef", b"g"]
    assert split_every(b"", [3]) == []
    with pytest.raises(ValueError):
        split_every(b"x", [0])
    assert random_sizes(5, 10, 4) == random_sizes(5, 10, 4) and set(random_sizes(5, 200, 4)) == {1, 2, 3, 4}


def test_chunked_stream_recuts_another_stream() -> None:
    async def source() -> AsyncIterator[bytes]:
        for piece in (b"abc", b"", b"defgh", b"i"):
            yield piece

    async def pieces(sizes: list[int]) -> list[bytes]:
        return [p async for p in ChunkedStream(source(), sizes)]

    assert asyncio.run(pieces([2])) == [b"ab", b"cd", b"ef", b"gh", b"i"]
    assert asyncio.run(pieces([4, 1])) == [b"abcd", b"e", b"fghi"]
    assert asyncio.run(pieces([100])) == [b"abcdefghi"]


def _toy(client: Any, base_url: str | None = None) -> Any:
    import toy_provider

    return toy_provider.ToyProvider(
        ProviderConfig(api_key=KEY, base_url=base_url or "https://toy.test/v1", http_client=client)
    )


def test_replay_stream_gives_the_same_events_for_any_cut() -> None:
    whole = replay_stream(_toy, REQ, [BODY])
    assert whole.response.text == "caf\u00e9 au lait" and whole.response.usage.input_tokens == 3
    assert [str(r.url) for r in whole.sent] == ["https://toy.test/v1/chat"]
    for pieces in (split_every(BODY, [1]), split_every(BODY, random_sizes(1)), split_at(BODY, [6, 7, 19])):
        assert replay_stream(_toy, REQ, pieces).events == whole.events


def test_stream_transport_serves_status_and_headers() -> None:
    import httpx

    seen: list[httpx.Request] = []
    transport = stream_transport([b'{"error":', b' "no"}'], status=401, headers={"x-id": "1"}, seen=seen)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport) as client:
            r = await client.post("http://x.test/a", json={})
            await r.aread()
            return r

    r = asyncio.run(go())
    assert (r.status_code, r.headers["x-id"], r.content) == (401, "1", b'{"error": "no"}') and len(seen) == 1


def test_generated_ids_are_numbered_recorded_ids_kept() -> None:
    a = [ResponseMetadata("resp_rec", "m"), ToolCall("call_x1", "f", {}, "{}"), ToolCall("call_x2", "g", {}, "{}")]
    b = [ResponseMetadata("resp_rec", "m"), ToolCall("call_y1", "f", {}, "{}"), ToolCall("call_y2", "g", {}, "{}")]
    recorded = '{"id": "resp_rec"}'
    assert _generated_ids_numbered(a, recorded) == _generated_ids_numbered(b, recorded)
    assert _generated_ids_numbered(a, recorded)[1].id == "<generated id #0>"  # type: ignore[attr-defined]
    assert _generated_ids_numbered(a, recorded)[0].id == "resp_rec"  # type: ignore[attr-defined]
    swapped = [b[0], b[2], b[1]]  # same ids, other order: still different events
    assert _generated_ids_numbered(a, recorded) != _generated_ids_numbered(swapped, recorded)


# -- the kit's re-chunk check, on a real recording of the toy server ---------------------------------------


class _ChunkSensitiveToy:
    """A broken decoder: one text event per received piece of bytes, whatever it holds."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.spec = inner, inner.spec

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        async with self.inner.open_stream("chat", self.inner._body(request, True)) as resp:
            async for piece in resp.aiter_bytes():
                yield TextDelta(piece.decode("utf-8", "replace"))
        yield Finish("stop", "stop")


class _KitOnToy(ProviderConformance):
    provider = "toy"
    broken: ClassVar[bool] = False

    def make_provider(self, client: Any, case: Case) -> Any:
        p = _toy(client, case.base_url)
        return _ChunkSensitiveToy(p) if self.broken else p


def test_the_kit_replays_streams_rechunked(toy_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def record() -> None:
        client, _ = cassettes.recording_client()
        async with client:
            [e async for e in _toy(client, toy_server).stream_chat(REQ)]

    monkeypatch.setenv("LLMCORE_RECORD_MODE", "once")
    with cassettes.make_vcr(tmp_path).use_cassette("toy_stream.yaml"):
        asyncio.run(record())
    monkeypatch.setenv("LLMCORE_RECORD_MODE", "none")

    class Good(_KitOnToy):
        cassette_dir = tmp_path
        stream_case = Case("toy_stream.yaml", REQ, stream=True, base_url=toy_server)

    class Broken(Good):
        broken = True

    Good().test_stream_rechunked()
    with pytest.raises(
        AssertionError,
        match=r"stream_case \(toy_stream.yaml\) in pieces of \(1, 1, 1, 1, 1\)\.\.\. bytes: events differ",
    ):
        Broken().test_stream_rechunked()

    class Unplayable(_KitOnToy):  # the recording does not answer this URL: an error, not a vacuous pass
        cassette_dir = tmp_path
        stream_case = Case("toy_stream.yaml", REQ, stream=True)

    with pytest.raises(AssertionError, match="no recorded interaction answers POST /chat"):
        Unplayable().test_stream_rechunked()

    class NoStreams(_KitOnToy):
        cassette_dir = tmp_path

    with pytest.raises(pytest.skip.Exception, match="no stream recordings"):
        NoStreams().test_stream_rechunked()


def test_rechunk_cases_still_run_through_the_facade(
    toy_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the facade path the re-chunk check does not cut bodies again (the middleware sees events,
    not bytes), but every stream recording it holds is still replayed there, whole: a recording only
    ``rechunk_cases`` names (a scenario no other case replays) must reach ``llmcore.model`` too."""
    from llmcore import plugins
    from llmcore_testing import conformance

    async def record() -> None:
        client, _ = cassettes.recording_client()
        async with client:
            [e async for e in _toy(client, toy_server).stream_chat(REQ)]

    monkeypatch.setenv("LLMCORE_RECORD_MODE", "once")
    with cassettes.make_vcr(tmp_path).use_cassette("toy_stream.yaml"):
        asyncio.run(record())
    monkeypatch.setenv("LLMCORE_RECORD_MODE", "none")
    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    plugins.reset()
    import toy_provider

    plugins.register(toy_provider.plugin, "toy-for-the-facade")
    served: list[tuple[str, Any]] = []
    real = conformance.run_case_served

    async def spy(case: Case, path: str, *args: Any, **kwargs: Any) -> Any:
        served.append((path, kwargs.get("chunk_sizes")))
        return await real(case, path, *args, **kwargs)

    monkeypatch.setattr(conformance, "run_case_served", spy)

    class OnlyRechunk(_KitOnToy):
        cassette_dir = tmp_path
        rechunk_cases: ClassVar[dict[str, Case]] = {
            "only_here": Case("toy_stream.yaml", REQ, stream=True, base_url=toy_server)
        }

    try:
        kit = OnlyRechunk()
        kit.replay_path = "facade"  # type: ignore[attr-defined]
        try:
            kit.test_stream_rechunked()
        except pytest.skip.Exception as skipped:
            pytest.fail(f"the recording was not replayed through the facade: {skipped}")
        assert served == [("facade", None)], served  # replayed once, whole, through llmcore.model
    finally:
        plugins.reset()
