"""Cohere error bodies → llmcore typed errors.

Cohere answers a failed call with ``{"message": "..."}`` (plus an ``id`` and,
sometimes, an ``error_type`` such as ``TOO_MANY_TOKENS``). The status decides
the class (see :func:`llmcore.http.errors.error_for_status`), with these
Cohere-specific overrides:

* 400 whose message starts with "too many tokens" (or ``error_type``
  ``TOO_MANY_TOKENS``) → :class:`ContextWindowExceededError`, except "max
  tokens must be less than ..." (``max_tokens`` above the model's output
  limit), which stays an :class:`InvalidRequestError`;
* 498 (Cohere's "invalid token") → :class:`AuthenticationError`;
* 499 (request cancelled upstream) → :class:`ProviderServerError` (retryable).
"""

from __future__ import annotations

from typing import Any

from llmcore import errors as E

__all__ = ["error_details"]


def error_details(status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
    """``(message, code, class override)`` for a Cohere error response."""
    message: str | None = None
    code: str | None = None
    if isinstance(body, dict):
        raw_msg = body.get("message")
        if isinstance(raw_msg, str) and raw_msg:
            message = raw_msg
        elif isinstance(body.get("error"), str):
            message = body["error"]
        if isinstance(body.get("error_type"), str):
            code = body["error_type"]
    if message is None:
        message = text.strip()[:500] or f"HTTP {status}"
    cls: type[E.LLMCoreError] | None = None
    lowered = message.lower()
    too_many = code == "TOO_MANY_TOKENS" or lowered.startswith("too many tokens")
    if status in (400, 413, 422) and too_many and "max tokens must be" not in lowered:
        cls = E.ContextWindowExceededError
    elif status == 498:
        cls = E.AuthenticationError
    elif status == 499:
        cls = E.ProviderServerError
    return message, code, cls
