"""Anthropic error bodies → typed llmcore errors.

Anthropic answers every failure with
``{"type": "error", "error": {"type": ..., "message": ...}, "request_id": ...}``
(see https://docs.claude.com/en/api/errors). The HTTP status decides the class
(core's shared mapping); the error ``type`` refines it where the status alone
says too little:

* ``invalid_request_error`` whose message says the prompt is too long →
  :class:`~llmcore.errors.ContextWindowExceededError`;
* ``request_too_large`` (413: the request exceeds the byte limit, not the
  context window) → :class:`~llmcore.errors.InvalidRequestError`;
* ``overloaded_error`` (529) and ``api_error`` (500) →
  :class:`~llmcore.errors.ProviderServerError` (retryable);
* ``timeout_error`` (504) → :class:`~llmcore.errors.ProviderTimeoutError`.

The same table maps an ``event: error`` that arrives in the middle of a 200
stream (where there is no meaningful HTTP status).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmcore import errors as E
from llmcore.http.errors import request_id_from

__all__ = ["ERROR_TYPES", "error_details", "stream_error"]

#: Anthropic error ``type`` → llmcore error class (used when the status is not decisive).
ERROR_TYPES: dict[str, type[E.LLMCoreError]] = {
    "invalid_request_error": E.InvalidRequestError,
    "authentication_error": E.AuthenticationError,
    "billing_error": E.PermissionDeniedError,
    "permission_error": E.PermissionDeniedError,
    "not_found_error": E.NotFoundError,
    "request_too_large": E.InvalidRequestError,
    "rate_limit_error": E.RateLimitError,
    "api_error": E.ProviderServerError,
    "timeout_error": E.ProviderTimeoutError,
    "overloaded_error": E.ProviderServerError,
}

_CONTEXT_MARKERS = ("prompt is too long", "context window", "context length", "too many tokens")


def _parts(body: Any, text: str) -> tuple[str, str | None]:
    if isinstance(body, Mapping):
        err = body.get("error")
        if isinstance(err, Mapping):
            msg = err.get("message")
            kind = err.get("type")
            return (str(msg) if msg else text[:500]), (str(kind) if kind else None)
        if isinstance(err, str):
            return err, None
        if isinstance(body.get("message"), str):
            return body["message"], None
    return text[:500], None


def _refine(kind: str | None, message: str, status: int | None) -> type[E.LLMCoreError] | None:
    """A class override for ``(kind, message)``, or ``None`` to keep the status mapping."""
    if kind == "invalid_request_error" and any(m in message.lower() for m in _CONTEXT_MARKERS):
        return E.ContextWindowExceededError
    if kind in ("request_too_large", "timeout_error", "overloaded_error", "api_error"):
        return ERROR_TYPES[kind]
    if status is None and kind is not None:
        return ERROR_TYPES.get(kind, E.ProviderResponseError)
    return None


def error_details(status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
    """``(message, code, class-override)`` for an HTTP error response."""
    message, kind = _parts(body, text)
    return message or f"HTTP {status}", kind, _refine(kind, message, status)


def stream_error(data: Mapping[str, Any], headers: Mapping[str, str], provider: str) -> E.LLMCoreError:
    """The typed error for an ``event: error`` received inside a 200 stream.
    ``status_code`` stays ``None``: the HTTP status was 200."""
    message, kind = _parts(data, "")
    cls = _refine(kind, message, None) or E.ProviderResponseError
    body_id = data.get("request_id")
    request_id = request_id_from(headers) or (body_id if isinstance(body_id, str) else None)
    return cls(
        message or "the stream reported an error",
        provider=provider,
        status_code=None,
        code=kind,
        request_id=request_id,
        raw=data,
    )
