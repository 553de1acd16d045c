"""Aleph Alpha error bodies → typed llmcore errors.

The API answers failures with ``{"error": "<message>", "code": "<CODE>"}``
(e.g. HTTP 503 ``{"error": "Sorry we had to reject your request ...",
"code": "QUEUE_FULL"}``); the rate limiter in front of it answers 429 with a
plain-text body (``Too many requests``). The HTTP status picks the class
(core's shared mapping: 503 ``QUEUE_FULL`` is a retryable
:class:`~llmcore.errors.ProviderServerError`); a message or code about the
prompt not fitting the model's context becomes
:class:`~llmcore.errors.ContextWindowExceededError`, and an unknown model
:class:`~llmcore.errors.NotFoundError`. OpenAI-shaped bodies
(``{"error": {"message", "code"}}``), which the OpenAI-compatible chat endpoint
may send, are read too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmcore import errors as E

__all__ = ["error_details"]

_CONTEXT_MARKERS = (
    "context size",
    "context length",
    "context window",
    "maximum context",
    "prompt too long",
    "prompt is too long",
    "too many tokens",
)
_CONTEXT_CODES = ("PROMPT_TOO_LONG", "CONTEXT_LENGTH_EXCEEDED", "context_length_exceeded")
_MODEL_MARKERS = ("unknown model", "model not found", "no such model", "model does not exist")


def error_details(status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
    """``(message, code, class-override)`` for a non-2xx response."""
    message: str | None = None
    code: str | None = None
    if isinstance(body, Mapping):
        err = body.get("error")
        if isinstance(err, Mapping):  # OpenAI shape
            message = str(err.get("message") or "") or None
            raw_code = err.get("code") or err.get("type")
            code = str(raw_code) if raw_code is not None else None
        elif err is not None:
            message = str(err)
            raw_code = body.get("code")
            code = str(raw_code) if raw_code is not None else None
        elif isinstance(body.get("message"), str):
            message = body["message"]
    if not message:
        message = " ".join(text.split())[:500] or f"HTTP {status}"
    message = " ".join(message.split())  # the API wraps long messages across lines
    low = message.lower()
    cls: type[E.LLMCoreError] | None = None
    if (code in _CONTEXT_CODES) or any(m in low for m in _CONTEXT_MARKERS):
        cls = E.ContextWindowExceededError
    elif status in (400, 404) and any(m in low for m in _MODEL_MARKERS):
        cls = E.NotFoundError
    return message, code, cls
