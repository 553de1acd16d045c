"""httpx-aiohttp's transport, with the body watch of :func:`llmcore.http.direct.watch_body`.

The aiohttp transport behind an httpx client (a client from
:func:`llmcore.http.client.make_client`, or the shared one when proxy
variables are set) reads bodies through aiohttp as the direct path does, so
it needs the same guard: a malformed chunk mid-body must end the read with
an error, not leave it waiting forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
from httpx_aiohttp import AiohttpTransport

from .direct import watch_body

__all__ = ["WatchedAiohttpTransport"]


class _WatchedStream(httpx.AsyncByteStream):
    """The transport's byte stream; the watch ends when the stream is closed."""

    def __init__(self, inner: httpx.AsyncByteStream, unwatch: Callable[[], None]) -> None:
        self._inner = inner
        self._unwatch = unwatch

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        self._unwatch()
        await self._inner.aclose()


class WatchedAiohttpTransport(AiohttpTransport):
    """:class:`AiohttpTransport` whose response bodies fail when their connection is lost early."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        raw = getattr(response.stream, "_aiohttp_response", None)
        if raw is not None and isinstance(response.stream, httpx.AsyncByteStream):
            response.stream = _WatchedStream(response.stream, watch_body(raw))
        return response
