"""Google API errors → llmcore's typed errors.

Google APIs answer failures with ``{"error": {"code", "message", "status",
"details": [...]}}`` (``google.rpc.Status``); the same object can also arrive
as one event of a stream. The class comes from the HTTP status, refined by:

* ``ErrorInfo.reason`` ``API_KEY_INVALID`` (sent with HTTP 400
  ``INVALID_ARGUMENT``) or ``status: UNAUTHENTICATED`` → :class:`AuthenticationError`;
* a message saying the input "exceeds the maximum number of tokens" →
  :class:`ContextWindowExceededError`;
* ``PERMISSION_DENIED`` → :class:`PermissionDeniedError`, ``NOT_FOUND`` →
  :class:`NotFoundError`, ``RESOURCE_EXHAUSTED`` → :class:`RateLimitError`,
  ``DEADLINE_EXCEEDED`` → :class:`ProviderTimeoutError`,
  ``UNAVAILABLE``/``INTERNAL``/``UNKNOWN`` → :class:`ProviderServerError`.

``code`` is the ``ErrorInfo.reason`` when there is one, else the ``status``
string. ``retry_after`` comes from a ``Retry-After`` header or, failing that,
from ``RetryInfo.retryDelay`` (``"48s"``) in the details.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from llmcore import errors as E
from llmcore.http.errors import error_for_status

__all__ = ["error_details", "error_from_status_body", "retry_delay", "retry_delay_raw"]

_CONTEXT = re.compile(
    r"exceeds the maximum number of tokens|input token count .{0,40}exceeds|context (?:window|length) exceeded",
    re.IGNORECASE,
)
_AUTH_REASONS = frozenset(
    {"API_KEY_INVALID", "API_KEY_EXPIRED", "ACCESS_TOKEN_EXPIRED", "ACCESS_TOKEN_TYPE_UNSUPPORTED"}
)
_BY_GOOGLE_STATUS: dict[str, type[E.LLMCoreError]] = {
    "UNAUTHENTICATED": E.AuthenticationError,
    "PERMISSION_DENIED": E.PermissionDeniedError,
    "NOT_FOUND": E.NotFoundError,
    "RESOURCE_EXHAUSTED": E.RateLimitError,
    "DEADLINE_EXCEEDED": E.ProviderTimeoutError,
    "UNAVAILABLE": E.ProviderServerError,
    "INTERNAL": E.ProviderServerError,
    "UNKNOWN": E.ProviderServerError,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def _details(err: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    details = err.get("details")
    if not isinstance(details, list):
        return []
    return [d for d in details if isinstance(d, Mapping)]


def _reason(err: Mapping[str, Any]) -> str | None:
    for d in _details(err):
        if str(d.get("@type", "")).endswith("google.rpc.ErrorInfo") and isinstance(d.get("reason"), str):
            return str(d["reason"])
    return None


def retry_delay(body: Any) -> float | None:
    """Seconds from ``RetryInfo.retryDelay`` in an error body, or ``None``."""
    err = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(err, Mapping):
        return None
    for d in _details(err):
        if str(d.get("@type", "")).endswith("google.rpc.RetryInfo"):
            delay = d.get("retryDelay")
            if isinstance(delay, str):
                m = _DURATION.match(delay)
                if m:
                    return float(m.group(1))
            elif isinstance(delay, Mapping):  # {"seconds": 48, "nanos": ...}
                try:
                    return float(delay.get("seconds", 0)) + float(delay.get("nanos", 0)) / 1e9
                except (TypeError, ValueError):
                    return None
    return None


def retry_delay_raw(raw: bytes | str) -> float | None:
    """:func:`retry_delay` of an unparsed error body (a JSON object, or an array holding one)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else raw
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        return None
    if isinstance(body, list) and body:
        body = body[0]
    return retry_delay(body)


def _classify(status: int, gstatus: str | None, reason: str | None, message: str) -> type[E.LLMCoreError] | None:
    if reason in _AUTH_REASONS or gstatus == "UNAUTHENTICATED":
        return E.AuthenticationError
    if _CONTEXT.search(message):
        return E.ContextWindowExceededError
    if gstatus in _BY_GOOGLE_STATUS:
        return _BY_GOOGLE_STATUS[gstatus]
    return None


def error_details(status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
    """``(message, code, class-override)`` for :meth:`HTTPProvider.error_details`.

    A body that is a JSON array (the non-SSE stream format wraps errors in
    one) is unwrapped first.
    """
    if isinstance(body, list) and body and isinstance(body[0], Mapping):
        body = body[0]
    err = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(err, Mapping):
        return (text.strip()[:500] or f"HTTP {status}"), None, None
    message = str(err.get("message") or text.strip()[:500] or f"HTTP {status}")
    gstatus = err.get("status") if isinstance(err.get("status"), str) else None
    reason = _reason(err)
    return message, reason or gstatus, _classify(status, gstatus, reason, message)


def error_from_status_body(
    provider: str, status: int, raw: bytes | str, headers: Mapping[str, str] | None = None
) -> E.LLMCoreError:
    """The typed error for an HTTP failure (or an error object inside a stream)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else raw
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
    message, code, cls = error_details(status, body, text)
    err = error_for_status(status, message, provider=provider, code=code, headers=headers or {}, raw=text, cls=cls)
    if err.retry_after is None:
        err.retry_after = retry_delay_raw(text)
    return err
