"""Turning HTTP failures into typed errors.

Plugins parse their own error bodies (message, code) and call
:func:`error_for_status`; this module owns the status → class mapping, the
``Retry-After`` parsing and the request-id lookup, so that every plugin maps
the same status the same way.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping

from .. import errors as E

__all__ = [
    "error_for_status",
    "parse_retry_after",
    "request_id_from",
    "map_transport_error",
    "is_transport_error",
    "scrub_exception",
]

_BY_STATUS: dict[int, type[E.LLMCoreError]] = {
    400: E.InvalidRequestError,
    401: E.AuthenticationError,
    402: E.PermissionDeniedError,  # payment required / out of credits
    403: E.PermissionDeniedError,
    404: E.NotFoundError,
    408: E.ProviderTimeoutError,
    409: E.InvalidRequestError,
    413: E.ContextWindowExceededError,
    422: E.InvalidRequestError,
    429: E.RateLimitError,
}

_REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-goog-request-id",
    "cf-ray",
    "apim-request-id",
)


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait, from ``retry-after-ms``, ``Retry-After`` (seconds or
    an HTTP date) — ``None`` when absent or unparseable. Never negative."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    ra = headers.get("retry-after")
    if not ra:
        return None
    try:
        return max(0.0, float(ra))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(ra)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def request_id_from(headers: Mapping[str, str]) -> str | None:
    """The provider's request id, from the usual headers."""
    for h in _REQUEST_ID_HEADERS:
        v = headers.get(h)
        if v:
            return v
    return None


def error_for_status(
    status: int,
    message: str,
    *,
    provider: str,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
    raw: object = None,
    cls: type[E.LLMCoreError] | None = None,
) -> E.LLMCoreError:
    """Build the typed error for an HTTP failure. ``cls`` overrides the
    status mapping (a plugin that recognised e.g. a context-length code).
    ``retry_after`` comes from ``retry-after-ms``/``Retry-After``; a 429
    without them falls back to the rate-limit reset headers
    (``x-ratelimit-reset-*``, ``anthropic-ratelimit-*-reset``)."""
    headers = headers or {}
    if cls is None:
        cls = _BY_STATUS.get(status)
        if cls is None:
            cls = E.ProviderServerError if status >= 500 else E.InvalidRequestError
    retry_after = parse_retry_after(headers)
    if retry_after is None and status == 429:
        # no Retry-After: the rate-limit reset headers say when the window reopens
        from ..reliability.headers import reset_delay

        retry_after = reset_delay(headers)
    return cls(
        message or f"HTTP {status}",
        provider=provider,
        status_code=status,
        code=code,
        request_id=request_id_from(headers),
        retry_after=retry_after,
        raw=raw,
    )


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from (cause or context), at most 8 deep."""
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 8 and cur not in chain:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    return chain


def _is_timeout(exc: BaseException) -> bool:
    """Decide from the whole cause chain: httpx-aiohttp maps some aiohttp
    connection failures (e.g. refused) to ``httpx.ConnectTimeout``; the
    original exception, chained as ``__cause__``, tells the truth."""
    import httpx

    chain = _chain(exc)
    for e in chain[1:]:
        name = type(e).__name__
        if isinstance(e, TimeoutError) or "Timeout" in name:
            return True
        if isinstance(e, OSError) or name in ("ClientConnectorError", "ClientOSError", "ServerDisconnectedError"):
            return False
    return isinstance(exc, httpx.TimeoutException) or "Timeout" in type(exc).__name__


#: exception class names (any module) that mean "the server's HTTP was malformed or cut short"
_PROTOCOL_NAMES = frozenset(
    {
        "RemoteProtocolError",
        "ClientResponseError",
        "HttpProcessingError",
        "BadStatusLine",
        "BadHttpMessage",
        "BadHttpMethod",
        "LineTooLong",
        "InvalidHeader",
        "InvalidURLError",
        "TransferEncodingError",
        "ContentLengthError",
        "ContentEncodingError",
        "ClientPayloadError",
        "DecodingError",
        "ProtocolError",
        "ServerDisconnectedError",
    }
)


def is_transport_error(exc: BaseException) -> bool:
    """True for an exception of the HTTP stack (httpx, httpcore via httpx,
    aiohttp, a socket or TLS error): what :func:`map_transport_error` maps.
    Called on the error path only (it looks modules up each time)."""
    import ssl
    import sys

    import httpx

    if isinstance(exc, (httpx.HTTPError, ConnectionError, ssl.SSLError)):
        return True
    aiohttp = sys.modules.get("aiohttp")  # not loaded: none of its errors can occur
    return aiohttp is not None and isinstance(exc, aiohttp.ClientError)


def _detail(exc: BaseException) -> str:
    """A short description of ``exc`` without request data: aiohttp's
    ``ClientResponseError.__str__`` includes the URL, so its ``message`` is used."""
    msg = getattr(exc, "message", None)
    text = msg if isinstance(msg, str) and msg else str(exc)
    text = " ".join(text.split())
    if len(text) > 300:
        text = text[:300] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def scrub_exception(exc: BaseException) -> BaseException:
    """Make a transport exception safe to chain under an llmcore error, in place:
    its ``args`` redacted, its request (httpx ``request``, aiohttp
    ``request_info``/``history``/``headers`` — they hold the auth headers)
    dropped, its own cause/context chain and traceback (whose frames hold the
    headers as locals) cut. Returns ``exc``."""
    exc.args = tuple(E.redact(a) if isinstance(a, str) else E.redact(repr(a)) for a in exc.args)
    for name, value in list(vars(exc).items()):  # e.g. aiohttp's ``message``: the server's text
        if isinstance(value, str):
            setattr(exc, name, E.redact(value))
    if hasattr(exc, "_request"):  # httpx.RequestError
        exc._request = None
    if hasattr(exc, "request_info"):  # aiohttp.ClientResponseError
        try:
            from aiohttp import RequestInfo
            from multidict import CIMultiDict, CIMultiDictProxy
            from yarl import URL

            info = exc.request_info
            url = URL(E.redact(str(info.real_url)), encoded=True)
            exc.request_info = RequestInfo(url, info.method, CIMultiDictProxy(CIMultiDict()), url)
        except Exception:
            exc.request_info = None
        if hasattr(exc, "history"):
            exc.history = ()
        if hasattr(exc, "headers"):
            exc.headers = None
    exc.__cause__ = None
    exc.__context__ = None
    exc.__suppress_context__ = True
    exc.__traceback__ = None
    return exc


def map_transport_error(exc: BaseException, provider: str) -> E.LLMCoreError:
    """Map a transport exception (httpx, aiohttp directly or through
    httpx-aiohttp, a socket/TLS error) to a retryable
    :class:`ProviderTimeoutError` / :class:`ProviderConnectionError`.

    A malformed or truncated HTTP answer (bad status line, invalid header,
    bad chunk, connection closed mid-body) is a ``ProviderConnectionError``
    saying so: it is what a broken proxy or a restarting server produces, and
    a retry can help. ``exc`` is scrubbed in place (:func:`scrub_exception`),
    so raising the result ``from exc`` chains nothing that holds a key."""
    chain = _chain(exc)
    names = {type(e).__name__ for e in chain}
    err: E.LLMCoreError
    if _is_timeout(exc):
        err = E.ProviderTimeoutError(f"request timed out ({type(exc).__name__})", provider=provider)
    elif names & _PROTOCOL_NAMES:
        root = next((e for e in reversed(chain) if type(e).__name__ in _PROTOCOL_NAMES), exc)
        err = E.ProviderConnectionError(
            f"the provider sent a malformed or incomplete HTTP response ({_detail(root)})", provider=provider
        )
    else:
        detail = str(exc) or type(exc).__name__
        err = E.ProviderConnectionError(f"could not reach the provider: {detail}", provider=provider)
    scrub_exception(exc)
    return err
