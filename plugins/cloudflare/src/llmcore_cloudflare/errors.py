"""Cloudflare API envelopes → typed llmcore errors.

Every Cloudflare v4 API answer is an envelope
``{"result": ..., "success": bool, "errors": [{"code": int, "message": str}], "messages": [...]}``.
A failure is ``success: false`` with at least one error, normally with a 4xx/5xx
status, but Workers AI may also answer HTTP 200 with ``success: false``; both
become typed errors here.

The HTTP status picks the class (core's shared mapping); the Workers AI
internal ``code`` (https://developers.cloudflare.com/workers-ai/platform/errors/)
refines it where the status says too little — e.g. code 5007 "No such model"
arrives as a 400 but is a :class:`~llmcore.errors.NotFoundError`, and 3006
"Request is too large" is a 413 about bytes, not the context window. A message
about the model's context length becomes
:class:`~llmcore.errors.ContextWindowExceededError` whatever its code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmcore import errors as E
from llmcore.http.errors import request_id_from

__all__ = ["ERROR_CODES", "envelope_error", "error_details", "failure_of"]

#: Workers AI / Cloudflare API error code → llmcore error class.
ERROR_CODES: dict[int, type[E.LLMCoreError]] = {
    10000: E.AuthenticationError,  # "Authentication error" (bad or missing API token)
    5007: E.NotFoundError,  # No such model ${model} or task (HTTP 400)
    3042: E.NotFoundError,  # The model name is invalid (HTTP 404)
    5004: E.InvalidRequestError,  # Invalid data type for base64 input
    3003: E.InvalidRequestError,  # Request is missing headers or body
    3039: E.InvalidRequestError,  # Finetune is missing required files
    5018: E.PermissionDeniedError,  # The account is not allowed to access this model
    3041: E.PermissionDeniedError,
    5016: E.PermissionDeniedError,  # User has not agreed to the model terms
    3023: E.PermissionDeniedError,  # Service unavailable for account
    5019: E.InvalidRequestError,  # deprecated SDK version (HTTP 405)
    5005: E.InvalidRequestError,  # model does not support LoRa inference (HTTP 405)
    3006: E.InvalidRequestError,  # Request is too large (HTTP 413: bytes, not tokens)
    3007: E.ProviderTimeoutError,  # Request timeout (HTTP 408)
    3008: E.ProviderTimeoutError,  # Request was aborted (HTTP 408)
    3036: E.RateLimitError,  # daily free allocation used up (HTTP 429)
    3040: E.RateLimitError,  # Out of capacity (HTTP 429)
}

_CONTEXT_MARKERS = ("maximum context length", "context window", "context length", "too many tokens")


def failure_of(body: Any) -> tuple[str, str | None, type[E.LLMCoreError] | None] | None:
    """``(message, code, class)`` when ``body`` is a failed envelope, else ``None``.

    ``class`` is ``None`` when the code and message do not decide it (the HTTP
    status then does)."""
    if not isinstance(body, Mapping) or body.get("success") is not False:
        return None
    errors = body.get("errors")
    messages: list[str] = []
    code: int | str | None = None
    if isinstance(errors, list):
        for err in errors:
            if isinstance(err, Mapping):
                if err.get("message"):
                    messages.append(str(err["message"]))
                if code is None and err.get("code") is not None:
                    code = err["code"]
            elif isinstance(err, str):
                messages.append(err)
    message = "; ".join(messages) or "the request failed (success: false, no error message)"
    return message, (str(code) if code is not None else None), _classify(code, message)


def _classify(code: int | str | None, message: str) -> type[E.LLMCoreError] | None:
    low = message.lower()
    if any(m in low for m in _CONTEXT_MARKERS):
        return E.ContextWindowExceededError
    try:
        return ERROR_CODES.get(int(code)) if code is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):  # e.g. a code of 1e999 (inf)
        return None


def error_details(status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
    """``(message, code, class-override)`` for a non-2xx response."""
    failed = failure_of(body)
    if failed is not None:
        return failed
    if isinstance(body, Mapping):  # not an envelope, e.g. a plain {"error": "..."}
        err = body.get("error")
        if isinstance(err, str):
            return err, None, None
        if isinstance(err, Mapping) and err.get("message"):
            return str(err["message"]), None, None
    return text[:500] or f"HTTP {status}", None, None


def envelope_error(body: Mapping[str, Any], headers: Mapping[str, str], provider: str) -> E.LLMCoreError:
    """The typed error for a ``success: false`` envelope that came with HTTP 2xx.
    ``status_code`` stays ``None``: the HTTP status (200) says nothing here."""
    failed = failure_of(body)
    message, code, cls = failed if failed is not None else ("the request failed", None, None)
    return (cls or E.ProviderResponseError)(
        message,
        provider=provider,
        status_code=None,
        code=code,
        request_id=request_id_from(headers),
        raw=json.dumps(body, ensure_ascii=False)[:2000],
    )
