"""The shared HTTP client: one ``httpx.AsyncClient`` per event loop.

httpx is the API every provider codes against (cassettes, respx and
``MockTransport`` all speak it). The transport underneath is swappable,
because httpx's own HTTP/1.1 pool costs several times the CPU per request of
aiohttp under concurrency:

* ``aiohttp`` — httpx-aiohttp's ``AiohttpTransport`` (the default: both are dependencies of llmcore-core);
* ``httpx``   — httpx's own pool, with HTTP/2 when ``h2`` is installed.

Choose with ``LLMCORE_HTTP_TRANSPORT=aiohttp|httpx`` (or
:func:`configure`); the default ``auto`` takes aiohttp when it is importable (always, in an
install of llmcore-core that is intact).
A user-supplied client always wins: providers use it for every request.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..reliability.security import install_log_redaction

if TYPE_CHECKING:
    import httpx

    from .direct import Direct

__all__ = [
    "HTTPSettings",
    "settings",
    "configure",
    "shared_client",
    "shared_direct",
    "make_client",
    "aclose_shared_clients",
    "DEFAULT_TIMEOUT",
]

TransportName = Literal["auto", "aiohttp", "httpx"]


@dataclass
class HTTPSettings:
    """Process-wide HTTP defaults. Timeouts in seconds, one attempt each (a
    retry starts only within ``RetryPolicy.max_total``, 300 s by default):

    * ``connect_timeout`` 10 s — to open a connection;
    * ``read_timeout`` 600 s — the longest gap between bytes, also the wait for
      the response headers (a silent server);
    * ``total_timeout`` 600 s — a whole non-streamed call (a server that
      trickles its body);
    * ``stream_total_timeout`` 3600 s — a whole stream;
    * ``stream_idle_timeout`` 600 s — the longest wait for a stream's next
      event (bytes that make no event, e.g. keep-alives, are no progress).

    The last three are applied by the :class:`~llmcore.reliability.Timeout`
    layer every model to an HTTP provider has; a model's ``timeout=T`` makes
    ``total`` and ``stream_idle`` T, ``timeouts=TimeoutPolicy(...)`` sets
    each; ``None`` here removes that default.
    """

    transport: TransportName = "auto"
    connect_timeout: float = 10.0
    read_timeout: float = 600.0
    write_timeout: float = 60.0
    pool_timeout: float = 60.0
    total_timeout: float | None = 600.0
    stream_total_timeout: float | None = 3600.0
    stream_idle_timeout: float | None = 600.0
    max_connections: int = 512
    max_keepalive_connections: int = 128
    keepalive_expiry: float = 30.0
    http2: bool = True
    #: the largest SSE event or NDJSON line a stream decoder accepts (bytes);
    #: a larger one is a ``ProviderResponseError`` (a broken stream, not a model's answer)
    max_event_bytes: int = 16 * 1024 * 1024


install_log_redaction()  # httpcore/hpack DEBUG logs carry header values

_settings = HTTPSettings(
    transport=os.environ.get("LLMCORE_HTTP_TRANSPORT", "auto").lower()  # type: ignore[arg-type]
)
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = weakref.WeakKeyDictionary()
_directs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Direct] = weakref.WeakKeyDictionary()
_closers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncIterator[None]] = weakref.WeakKeyDictionary()

DEFAULT_TIMEOUT = 600.0


def settings() -> HTTPSettings:
    """The process-wide HTTP settings in force (read-only use)."""
    return _settings


def configure(**changes: object) -> HTTPSettings:
    """Change the process-wide HTTP settings (affects clients made after)."""
    for k, v in changes.items():
        if not hasattr(_settings, k):
            from ..errors import ConfigurationError

            raise ConfigurationError(f"unknown HTTP setting {k!r}; known: {', '.join(vars(_settings))}")
        setattr(_settings, k, v)
    return _settings


def resolved_transport(settings: HTTPSettings | None = None) -> Literal["aiohttp", "httpx"]:
    """Which transport ``auto`` means on this machine."""
    s = settings or _settings
    if s.transport == "httpx":
        return "httpx"
    if s.transport not in ("auto", "aiohttp"):
        from ..errors import ConfigurationError

        raise ConfigurationError(f"LLMCORE_HTTP_TRANSPORT must be auto, aiohttp or httpx, not {s.transport!r}")
    try:
        import httpx_aiohttp  # noqa: F401
    except ImportError:
        if s.transport == "aiohttp":
            from ..errors import ConfigurationError

            raise ConfigurationError(
                "the aiohttp transport needs httpx-aiohttp, a dependency of llmcore-core that is missing here: "
                "pip install --force-reinstall llmcore-core"
            ) from None
        return "httpx"
    return "aiohttp"


def make_client(settings: HTTPSettings | None = None) -> httpx.AsyncClient:
    """A new AsyncClient with the configured transport, limits and timeouts."""
    return _make_client(settings)[0]


def _make_client(settings: HTTPSettings | None = None) -> tuple[httpx.AsyncClient, Any]:
    """The client and, for the aiohttp transport, its ``AiohttpTransport`` (else ``None``)."""
    import httpx

    s = settings or _settings
    limits = httpx.Limits(
        max_connections=s.max_connections,
        max_keepalive_connections=s.max_keepalive_connections,
        keepalive_expiry=s.keepalive_expiry,
    )
    timeout = httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout, write=s.write_timeout, pool=s.pool_timeout)
    if resolved_transport(s) == "aiohttp":
        from ._aiohttp_transport import WatchedAiohttpTransport

        transport = WatchedAiohttpTransport(limits=limits)
        return httpx.AsyncClient(transport=transport, timeout=timeout), transport
    http2 = s.http2
    if http2:
        try:
            import h2  # noqa: F401
        except ImportError:
            http2 = False
    return httpx.AsyncClient(http2=http2, limits=limits, timeout=timeout), None


def shared_client() -> httpx.AsyncClient:
    """The client of the running event loop, created on first use; closed
    when that loop shuts down (see :func:`_close_at_loop_shutdown`)."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client, transport = _make_client()
        _clients[loop] = client
        _closers[loop] = _close_at_loop_shutdown(client)
        _directs.pop(loop, None)
        if transport is not None and not _env_proxies():
            from .direct import Direct

            _directs[loop] = Direct(transport, client.headers, client.timeout)
    return client


async def _closer(client: httpx.AsyncClient) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await client.aclose()


def _close_at_loop_shutdown(client: httpx.AsyncClient) -> AsyncIterator[None]:
    """Close ``client`` when the running loop shuts down, without the user calling anything.

    Why this way: an aiohttp session that is never closed prints "Unclosed
    client session / Unclosed connector" when collected. A loop has one
    shutdown step that awaits: ``loop.shutdown_asyncgens()`` (``asyncio.run``
    calls it; so does llmcore's sync loop at exit, :mod:`llmcore._sync`),
    which closes every async generator still suspended on it. So an async
    generator is started here, up to its ``yield`` (synchronously: it awaits
    nothing before), which registers it with the running loop; its
    ``finally`` closes the client. The generator refers to the client, not to
    the loop (the map keyed by the loop holds it weakly).
    """
    agen = _closer(client)
    try:
        agen.__anext__().send(None)  # type: ignore[attr-defined]
    except StopIteration:
        pass
    return agen


def shared_direct() -> Direct | None:
    """The running loop's :class:`~llmcore.http.direct.Direct` sender — the
    shared client's aiohttp session without httpx's client layer — or
    ``None`` when the shared client is not aiohttp-backed (or proxies are set
    in the environment, which httpx handles)."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        shared_client()
    return _directs.get(loop)


def _env_proxies() -> bool:
    import urllib.request

    return any(k in ("http", "https", "all") for k in urllib.request.getproxies())


async def aclose_shared_clients() -> None:
    """Close the running loop's shared client (e.g. at application shutdown)."""
    loop = asyncio.get_running_loop()
    client = _clients.pop(loop, None)
    _directs.pop(loop, None)
    closer = _closers.pop(loop, None)
    if closer is not None:
        await closer.aclose()  # type: ignore[attr-defined]  # closes the client
    elif client is not None:
        await client.aclose()
