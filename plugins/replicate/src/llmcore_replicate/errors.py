"""Replicate failures → typed llmcore errors.

HTTP errors are RFC 7807 problem documents,
``{"title": "Unauthenticated", "detail": "You did not pass a valid authentication token", "status": 401}``
(``application/problem+json``); the status decides the class (core's shared
mapping), ``detail`` is the message and ``title`` the code. A throttled request
(429) says when the limit resets only in its text, ``"Request was throttled.
Your rate limit resets in ~30s."`` (https://replicate.com/docs/topics/predictions/rate-limits):
without a ``Retry-After`` header, that number becomes ``retry_after``.

A prediction that ends ``failed``, ``canceled`` or ``aborted`` is a typed
error too, carrying the prediction's ``error`` and its id (as ``request_id``);
``status_code`` stays ``None`` because the HTTP exchange itself succeeded:

* ``failed`` → :class:`ContextWindowExceededError` when the error is about
  the context length, :class:`ContentFilterError` when it is a safety refusal,
  else :class:`ProviderServerError` (the model crashed or was interrupted);
* ``canceled`` → :class:`ProviderServerError` (code ``canceled``);
* ``aborted`` (the deadline passed before it started) → :class:`ProviderTimeoutError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from llmcore import errors as E

__all__ = ["error_details", "prediction_error", "retry_after_from_detail"]

_RESETS_IN = re.compile(r"resets in ~?\s*(\d+(?:\.\d+)?)\s*s", re.IGNORECASE)
_CONTEXT_MARKERS = ("context length", "context window", "maximum input length", "too many tokens", "prompt is too long")
_SAFETY_MARKERS = ("nsfw", "safety", "flagged as sensitive")


def retry_after_from_detail(text: str) -> float | None:
    """Seconds from Replicate's ``"... resets in ~30s"`` wording, or ``None``."""
    m = _RESETS_IN.search(text)
    return float(m.group(1)) if m else None


def error_details(status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
    """``(message, code, class-override)`` for a non-2xx response."""
    if isinstance(body, Mapping):
        detail = body.get("detail")
        title = body.get("title")
        if isinstance(detail, list):  # validation errors: [{"loc", "msg", "type"}]
            detail = "; ".join(str(d.get("msg", d)) if isinstance(d, Mapping) else str(d) for d in detail)
        message = str(detail or title or text[:500] or f"HTTP {status}")
        return message, (str(title) if title else None), None
    return text[:500] or f"HTTP {status}", None, None


def prediction_error(prediction: Mapping[str, Any], provider: str) -> E.LLMCoreError:
    """The typed error of a prediction that ended ``failed``/``canceled``/``aborted``."""
    status = str(prediction.get("status"))
    detail = prediction.get("error")
    text = str(detail) if detail else ""
    pid = prediction.get("id")
    cls: type[E.LLMCoreError]
    if status == "failed":
        low = text.lower()
        if any(m in low for m in _CONTEXT_MARKERS):
            cls = E.ContextWindowExceededError
        elif any(m in low for m in _SAFETY_MARKERS):
            cls = E.ContentFilterError
        else:
            cls = E.ProviderServerError
        message = text or "the prediction failed (no error message)"
    elif status == "aborted":
        cls = E.ProviderTimeoutError
        message = text or "the prediction was aborted before it started (deadline reached)"
    else:
        cls = E.ProviderServerError
        message = text or f"the prediction was {status}"
    return cls(
        message,
        provider=provider,
        status_code=None,
        code=status,
        request_id=str(pid) if pid else None,
        raw={k: prediction.get(k) for k in ("id", "model", "version", "status", "error", "created_at")},
    )
