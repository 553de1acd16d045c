"""The fast path of the default aiohttp transport: requests go straight to aiohttp.

With the ``aiohttp`` transport, the shared ``httpx.AsyncClient`` sends through
httpx-aiohttp's ``AiohttpTransport``. httpx's client layer on top of it
(building the ``Request``, URL parsing, header objects, the cookie jar, the
``Response`` and its byte-stream wrappers) costs several times what aiohttp
itself costs per request (see docs/performance.md). So for the *shared*
client only, :class:`~llmcore.provider.HTTPProvider` hands its requests to
:class:`Direct`, which uses the very same aiohttp session (same connection
pool, TLS context, limits) and returns a :class:`DirectResponse` with the part
of ``httpx.Response`` providers use: ``status_code``, ``headers`` (a
case-insensitive mapping), ``aread()``, ``aiter_bytes()``, ``aclose()``.

What stays as with httpx: the URL and query string are encoded by httpx (once
per distinct URL, cached); the client's default headers (``User-Agent``,
``Accept``, …) are sent; timeouts map to aiohttp exactly as httpx-aiohttp
maps them; aiohttp errors become httpx exceptions of the matching class
(:func:`_mapped`; every aiohttp error, also a malformed response, which
httpx-aiohttp's own mapping lets through bare), chained to the aiohttp error;
providers turn them into typed errors and scrub that chain
(:func:`llmcore.http.errors.map_transport_error`); no redirects. A
user-supplied ``http_client`` never takes this path, nor does the shared
client when proxy environment variables are set (httpx routes those).
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import ClientSession
from multidict import CIMultiDict

if TYPE_CHECKING:
    import httpx
    from httpx_aiohttp import AiohttpTransport

__all__ = ["Direct", "DirectResponse", "watch_body"]

_CACHE_MAX = 512


def _httpx_class(exc: BaseException) -> type[Exception]:
    """The httpx exception an aiohttp/socket error corresponds to (as httpx's
    own pool would raise it for the same failure)."""
    import httpx

    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError
    if isinstance(exc, getattr(aiohttp, "ConnectionTimeoutError", ())):
        return httpx.ConnectTimeout
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return httpx.ReadTimeout
    if isinstance(exc, (aiohttp.ClientResponseError, aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError)):
        return httpx.RemoteProtocolError  # malformed, truncated or absent answer
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol
    if isinstance(exc, (aiohttp.ClientOSError, ConnectionError, ssl.SSLError)):
        return httpx.ReadError
    return httpx.TransportError


def _noop() -> None:
    pass


#: the errors :func:`_mapped` turns into httpx exceptions
_MAPPED = (aiohttp.ClientError, ConnectionError, ssl.SSLError)


def _as_httpx(exc: BaseException) -> Exception:
    """The httpx exception for aiohttp (or socket) error ``exc`` (raise it ``from exc``)."""
    return _httpx_class(exc)(f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}")


@contextmanager
def _mapped() -> Iterator[None]:
    """aiohttp (and socket) errors → httpx exceptions, ``from`` the original.
    (The hot paths, ``send`` and ``aread``, do the same inline: a generator
    context manager costs more than the rest of their own work.)"""
    try:
        yield
    except _MAPPED as exc:
        raise _as_httpx(exc) from exc


def watch_body(raw: Any) -> Callable[[], None]:
    """Fail the body of aiohttp response ``raw`` if its connection is lost
    before the body ended; returns the unwatch (call it once the body is done).

    Why: with aiohttp's C parser, a malformed chunk arriving after the
    headers were parsed (a bad chunk size mid-stream) closes the connection
    but leaves the body reader neither ended nor failed, and its read timeout
    disarmed: a read would wait forever. The connection's ``closed`` future
    tells us; its callback runs after aiohttp's own ``connection_lost``
    handling, so a body aiohttp did end or fail is left alone.
    """
    content = raw.content
    protocol = getattr(raw, "_protocol", None)
    closed = getattr(protocol, "closed", None) if protocol is not None else None

    def lost(_: object = None) -> None:
        if not content.is_eof() and content.exception() is None:
            content.set_exception(
                aiohttp.ClientPayloadError(
                    "the connection closed before the response body was complete (malformed or cut short)"
                )
            )

    if closed is None:  # already lost (or not an aiohttp connection we know)
        if protocol is not None and getattr(protocol, "transport", True) is None:
            lost()
        return _noop
    closed.add_done_callback(lost)
    return lambda: closed.remove_done_callback(lost)


class DirectResponse:
    """An aiohttp response seen through the ``httpx.Response`` subset providers use."""

    __slots__ = ("_content", "_raw", "headers", "reason_phrase", "status_code", "url")

    http_version = "HTTP/1.1"

    def __init__(self, raw: Any, url: str) -> None:
        self._raw = raw
        self._content: bytes | None = None
        self.status_code: int = raw.status
        #: case-insensitive ``Mapping[str, str]`` (aiohttp's ``CIMultiDictProxy``)
        self.headers: Mapping[str, str] = raw.headers
        self.reason_phrase: str = raw.reason or ""
        self.url = url

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def content(self) -> bytes:
        if self._content is None:
            raise RuntimeError("the response body has not been read (await aread() first)")
        return self._content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        import json

        return json.loads(self.content)

    async def aread(self) -> bytes:
        """The whole body (decoded from gzip/deflate)."""
        if self._content is None:
            unwatch = watch_body(self._raw)
            try:
                self._content = await self._raw.read()
            except _MAPPED as exc:
                raise _as_httpx(exc) from exc
            finally:
                unwatch()
        return self._content

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The body as it arrives (whatever the socket delivered, decoded)."""
        if self._content is not None:
            if self._content:
                yield self._content
            return
        content = self._raw.content
        unwatch = watch_body(self._raw)
        try:
            with _mapped():
                async for chunk in content.iter_any():
                    yield chunk
        finally:
            unwatch()

    async def aclose(self) -> None:
        """Release the connection (closed instead when the body was not read to the end)."""
        with _mapped():
            self._raw.release()
            await self._raw.wait_for_close()

    def __repr__(self) -> str:
        return f"<DirectResponse [{self.status_code}]>"


class Direct:
    """Sends through the aiohttp session of one shared client (see the module docstring)."""

    __slots__ = ("_headers", "_merged", "_timeout", "_timeouts", "_transport", "_urls")

    def __init__(
        self, transport: AiohttpTransport, default_headers: Mapping[str, str], default_timeout: httpx.Timeout
    ) -> None:
        self._transport = transport
        self._headers = dict(default_headers)
        self._timeout = default_timeout
        self._urls: dict[Any, Any] = {}
        self._timeouts: dict[tuple[float | None, float | None, float | None], Any] = {}
        #: the client's default headers merged with a provider's (per distinct set of provider headers)
        self._merged: dict[tuple[tuple[str, str], ...], CIMultiDict[str]] = {}

    def _session(self) -> Any:
        t = self._transport
        if not isinstance(t.client, ClientSession):  # created on first use, as AiohttpTransport does
            t.client = t.get_client()
        return t.client

    def _url(self, url: str, params: Any) -> Any:
        """httpx's encoding of ``url`` + ``params``, as a pre-encoded yarl URL (cached)."""
        key: Any = url
        if params is not None:
            try:
                key = (url, tuple(sorted(params.items())) if isinstance(params, Mapping) else params)
                hash(key)
            except TypeError:
                key = None
        u = self._urls.get(key) if key is not None else None
        if u is None:
            import httpx
            import yarl

            # no params: the query already in ``url`` (Azure's ``?api-version=``) is kept;
            # ``httpx.URL(url, params=None)`` would drop it (``params=`` replaces the query)
            parsed = httpx.URL(url) if params is None else httpx.URL(url, params=params)
            u = yarl.URL(str(parsed), encoded=True)
            if key is not None:
                if len(self._urls) >= _CACHE_MAX:
                    self._urls.clear()
                self._urls[key] = u
        return u

    def _client_timeout(self, timeout: httpx.Timeout | None) -> Any:
        t = timeout if timeout is not None else self._timeout
        key = (t.connect, t.read, t.pool)
        ct = self._timeouts.get(key)
        if ct is None:
            from aiohttp import ClientTimeout

            # the mapping httpx-aiohttp's transport uses
            ct = self._timeouts[key] = ClientTimeout(sock_connect=t.connect, sock_read=t.read, connect=t.pool)
        return ct

    async def send(
        self,
        method: str,
        url: str,
        content: bytes | None,
        headers: Mapping[str, str],
        params: Any = None,
        timeout: httpx.Timeout | None = None,
    ) -> DirectResponse:
        """Send and return once the status and headers are in (the body is read by the caller)."""
        key: Any = tuple(headers.items())
        try:
            h = self._merged.get(key)
        except TypeError:  # an unhashable value: merged for this request only
            h = key = None
        if h is None:  # merged once per distinct provider headers (aiohttp copies them for each request)
            h = CIMultiDict(self._headers)
            h.update(headers)  # case-insensitive, as httpx merges them
            if key is not None:
                if len(self._merged) >= _CACHE_MAX:
                    self._merged.clear()
                self._merged[key] = h
        session = self._session()
        try:
            raw = await session.request(
                method,
                self._url(url, params),
                headers=h,
                data=content or None,
                allow_redirects=False,
                compress=False,
                timeout=self._client_timeout(timeout),
            )
        except _MAPPED as exc:
            raise _as_httpx(exc) from exc
        return DirectResponse(raw, url)
