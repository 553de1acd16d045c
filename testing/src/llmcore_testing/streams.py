"""Stream-test helpers: serve a response body in pieces cut wherever a test wants.

A stream decoder must give the same events however the network cuts the bytes
(SSE lines, ``\\r\\n`` pairs, NDJSON lines, eventstream frames, multi-byte UTF-8
characters). These helpers cut a body and serve it through the real provider
over a real ``httpx.AsyncClient``::

    from llmcore_testing.streams import replay_stream, split_every

    out = replay_stream(lambda client: AcmeProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client)),
                        request, split_every(body, [7]), headers={"content-type": "text/event-stream"})
    out.events, out.response, out.sent

* :func:`split_at` cuts at given offsets, :func:`split_every` into pieces of the
  given sizes (cycled), :func:`random_sizes` draws reproducible piece sizes.
* :class:`ChunkedStream` is an ``httpx.AsyncByteStream`` that yields given pieces,
  or re-cuts another stream's bytes (:func:`rechunk_response`, an httpx response
  event hook: the conformance kit replays every stream recording again this way).
* :func:`stream_transport` is an ``httpx.MockTransport`` answering every request
  with the pieces; :func:`replay_stream` runs ``stream_chat`` against it and
  collects the events, the accumulated response and the sent requests.

Needs ``httpx`` (a dependency of core).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.provider import Provider
    from llmcore.types import ChatRequest, ChatResponse

__all__ = [
    "ChunkedStream",
    "StreamReplay",
    "random_sizes",
    "rechunk_response",
    "replay_stream",
    "split_at",
    "split_every",
    "stream_transport",
]


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """``data`` cut at the given offsets (out-of-range and repeated offsets are ignored)."""
    bounds = sorted({c for c in cuts if 0 < c < len(data)})
    return [data[a:b] for a, b in zip([0, *bounds], [*bounds, len(data)], strict=True)]


def split_every(data: bytes, sizes: Sequence[int]) -> list[bytes]:
    """``data`` in consecutive pieces of ``sizes[0]``, ``sizes[1]``, ... bytes (the sizes cycle;
    the last piece may be shorter)."""
    if not sizes or min(sizes) < 1:
        raise ValueError("piece sizes must be >= 1")
    out, pos, i = [], 0, 0
    while pos < len(data):
        n = sizes[i % len(sizes)]
        out.append(data[pos : pos + n])
        pos += n
        i += 1
    return out


def random_sizes(seed: int | str, count: int = 40, most: int = 50) -> list[int]:
    """``count`` piece sizes from 1 to ``most``, the same for the same ``seed``."""
    rng = random.Random(seed)
    return [rng.randint(1, most) for _ in range(count)]


class ChunkedStream(httpx.AsyncByteStream):
    """Yields ``source`` as pieces: a list of pieces as given, or the bytes of another
    (async) byte stream re-cut into pieces of ``sizes`` (cycled). Closing closes the source."""

    def __init__(self, source: Sequence[bytes] | AsyncIterable[bytes], sizes: Sequence[int] | None = None) -> None:
        if sizes is not None and (not sizes or min(sizes) < 1):
            raise ValueError("piece sizes must be >= 1")
        self.source = source
        self.sizes = sizes

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if isinstance(self.source, Sequence):
            for piece in self.source:
                yield piece
            return
        sizes = self.sizes or (1 << 30,)
        pending, i = b"", 0
        async for piece in self.source:
            data, pos = (pending + piece if pending else piece), 0
            while len(data) - pos >= sizes[i % len(sizes)]:
                n = sizes[i % len(sizes)]
                yield data[pos : pos + n]
                pos, i = pos + n, i + 1
            pending = data[pos:]
        if pending:
            yield pending

    async def aclose(self) -> None:
        close = getattr(self.source, "aclose", None)
        if close is not None:
            await close()


def rechunk_response(sizes: Sequence[int]) -> Callable[[httpx.Response], Any]:
    """An httpx ``response`` event hook that re-cuts every response body into pieces of
    ``sizes`` (cycled) before the provider reads it (streamed or not)."""

    async def hook(response: httpx.Response) -> None:
        response.stream = ChunkedStream(response.stream, sizes)  # type: ignore[arg-type]

    return hook


def stream_transport(
    pieces: Sequence[bytes],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    seen: list[httpx.Request] | None = None,
) -> httpx.MockTransport:
    """A transport answering every request with ``status``, ``headers`` (default: an SSE
    content type) and a body served as ``pieces``; requests are appended to ``seen``."""
    h = dict(headers) if headers is not None else {"content-type": "text/event-stream"}

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, headers=h, stream=ChunkedStream(list(pieces)))

    return httpx.MockTransport(handler)


@dataclass
class StreamReplay:
    """What :func:`replay_stream` got: every event, the accumulated response and the sent requests."""

    events: list[StreamEvent]
    response: ChatResponse
    sent: list[httpx.Request]


def replay_stream(
    make: Callable[[httpx.AsyncClient], Provider],
    request: ChatRequest,
    pieces: Sequence[bytes],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> StreamReplay:
    """Run ``make(client).stream_chat(request)`` against a server that answers with
    ``pieces`` (see :func:`stream_transport`). Errors the provider raises propagate."""
    from llmcore.events import StreamAccumulator

    seen: list[httpx.Request] = []

    async def go() -> StreamReplay:
        transport = stream_transport(pieces, status=status, headers=headers, seen=seen)
        async with httpx.AsyncClient(transport=transport) as client:
            provider = make(client)
            acc, events = StreamAccumulator(), []
            async for ev in provider.stream_chat(request):
                events.append(ev)
                acc.add(ev)
            return StreamReplay(events, acc.response(provider.spec.name), seen)

    return asyncio.run(go())
