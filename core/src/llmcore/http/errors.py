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

__all__ = ["error_for_status", "parse_retry_after", "request_id_from", "map_transport_error"]

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
    "x-request-id", "request-id", "x-amzn-requestid", "x-goog-request-id", "cf-ray", "apim-request-id",
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


def _is_timeout(exc: BaseException) -> bool:
    """Decide from the whole cause chain: httpx-aiohttp maps some aiohttp
    connection failures (e.g. refused) to ``httpx.ConnectTimeout``; the
    original exception, chained as ``__cause__``, tells the truth."""
    import httpx

    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 8:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    for e in chain[1:]:
        name = type(e).__name__
        if isinstance(e, TimeoutError) or "Timeout" in name:
            return True
        if isinstance(e, OSError) or name in ("ClientConnectorError", "ClientOSError", "ServerDisconnectedError"):
            return False
    return isinstance(exc, httpx.TimeoutException) or "Timeout" in type(exc).__name__


def map_transport_error(exc: BaseException, provider: str) -> E.LLMCoreError:
    """Map an httpx (or aiohttp, through httpx-aiohttp) transport exception
    to :class:`ProviderTimeoutError` / :class:`ProviderConnectionError`."""
    name = type(exc).__name__
    if _is_timeout(exc):
        return E.ProviderTimeoutError(f"request timed out ({name})", provider=provider)
    detail = str(exc) or name
    return E.ProviderConnectionError(f"could not reach the provider: {detail}", provider=provider)
