"""OpenAI-style error bodies → typed llmcore errors.

OpenAI (and most compatible servers) answer a failed call with
``{"error": {"message", "type", "param", "code"}}``; a streamed call may
instead fail inside a 200 stream with an ``{"error": {...}}`` chunk (OpenRouter,
vLLM) or, on the Responses API, an ``error`` event / ``response.failed``.

The HTTP status picks the error class (see :mod:`llmcore.http.errors`); the
body's ``code``/``type``/message refine it:

* ``context_length_exceeded`` (or a message about the model's maximum context
  length / context window, or vLLM's "the model's context length is only N
  tokens") → :class:`ContextWindowExceededError`;
* ``insufficient_quota`` and the billing codes (``credit_balance_exhausted``,
  ``*_spend_limit_exceeded``, ``*_usage_limit_exceeded``) → :class:`PermissionDeniedError`,
  although OpenAI sends them as HTTP 429: waiting does not help until someone
  adds credit or raises a limit, so they must not be retried like a rate
  limit (``status_code`` stays 429 and ``code`` says which);
* ``model_not_found`` → :class:`NotFoundError` (the Responses API sends it
  with HTTP 400);
* ``invalid_api_key`` → :class:`AuthenticationError`;
* ``content_filter`` / ``content_policy_violation`` /
  ``ResponsibleAIPolicyViolation`` (Azure) → :class:`ContentFilterError`;
* in a stream, where there is no status: ``rate_limit_exceeded`` →
  :class:`RateLimitError`, a numeric ``code`` is used as the status, and
  anything else is a :class:`ProviderServerError` (the server failed mid-answer).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from llmcore import errors as E

__all__ = ["error_details", "classify", "stream_error", "QUOTA_CODES"]

QUOTA_CODES = frozenset(
    {
        "insufficient_quota",
        "credit_balance_exhausted",
        "organization_spend_limit_exceeded",
        "project_spend_limit_exceeded",
        "organization_usage_limit_exceeded",
        "project_usage_limit_exceeded",
        "billing_hard_limit_reached",
    }
)
_CONTEXT_CODES = frozenset(
    {
        "context_length_exceeded",
        "context_window_exceeded",
        "string_too_long_for_context",
        "exceed_context_size_error",  # llama.cpp's llama-server (its type; the code is the HTTP status)
    }
)
_FILTER_CODES = frozenset({"content_filter", "content_policy_violation", "responsibleaipolicyviolation"})
_CONTEXT_MESSAGE = re.compile(
    r"maximum context length|context window|context_length_exceeded|exceeds the context|"
    r"context length is only|"  # vLLM (and hosts serving through it): "the model's context length is only N tokens"
    r"when context the overflows|"  # LM Studio: "Trying to keep the first N tokens when context the overflows"
    r"inputs`? tokens \+ `?max_new_tokens`? must be|"  # TGI/Together: "`inputs` tokens + `max_new_tokens` must be <= N"
    r"reduce the length of the messages|"  # Groq (400, no code): "Please reduce the length of the messages ..."
    r"prompt is too long|too many tokens in (?:the )?(?:prompt|input)",
    re.IGNORECASE,
)


def _s(v: Any) -> str | None:
    return None if v is None else str(v)


def classify(status: int | None, code: str | None, type_: str | None, message: str) -> type[E.LLMCoreError] | None:
    """The error class the body asks for, or ``None`` to use the status mapping."""
    keys = {k.lower() for k in (code, type_) if k}
    if keys & _CONTEXT_CODES or (status in (None, 400, 413, 422) and _CONTEXT_MESSAGE.search(message or "")):
        return E.ContextWindowExceededError
    if keys & QUOTA_CODES:
        return E.PermissionDeniedError
    if "model_not_found" in keys:
        return E.NotFoundError
    if "invalid_api_key" in keys:
        return E.AuthenticationError
    if keys & _FILTER_CODES:
        return E.ContentFilterError
    if status is None:
        if keys & {"rate_limit_exceeded", "rate_limit_error", "tokens", "requests"}:
            return E.RateLimitError
        if keys & {"invalid_request_error", "invalid_prompt", "bad_request"}:
            return E.InvalidRequestError
        return E.ProviderServerError
    return None


def _error_object(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, dict):
        return None
    err = body.get("error", body)
    if isinstance(err, list) and err and isinstance(err[0], dict):  # some gateways wrap it in a list
        err = err[0].get("error", err[0])
    return err if isinstance(err, dict) else None


def error_details(status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
    """``(message, code, class-override)`` for an HTTP error response
    (the :meth:`llmcore.provider.HTTPProvider.error_details` contract)."""
    err = _error_object(body)
    if err is None:
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            msg = body["error"]
            return msg, None, classify(status, None, None, msg)
        msg = text.strip()[:500] or f"HTTP {status}"
        return msg, None, classify(status, None, None, msg)
    msg = str(err.get("message") or err.get("detail") or text.strip()[:500] or f"HTTP {status}")
    code = _s(err.get("code"))
    type_ = _s(err.get("type"))
    inner = err.get("innererror")
    if isinstance(inner, dict) and inner.get("code"):  # Azure content filter
        code = code or _s(inner.get("code"))
        if str(inner.get("code")).lower() in _FILTER_CODES:
            return msg, code, E.ContentFilterError
    return msg, code or type_, classify(status, code, type_, msg)


def stream_error(payload: Mapping[str, Any], provider: str, request_id: str | None = None) -> E.LLMCoreError:
    """The typed error for a failure reported inside a 200 stream: an
    ``{"error": {...}}`` chunk, a Responses ``error`` event, or the ``error``
    of a failed response."""
    err = _error_object(payload) or {}
    msg = str(err.get("message") or payload.get("message") or "the server reported an error mid-stream")
    raw_code = err.get("code", payload.get("code"))
    type_ = _s(err.get("type")) if err.get("type") != "error" else None
    status: int | None = None
    code: str | None
    if isinstance(raw_code, int) and not isinstance(raw_code, bool) and 400 <= raw_code < 600:
        status, code = raw_code, None
    else:
        code = _s(raw_code)
    cls = classify(status, code, type_, msg)
    raw = json.dumps(payload, ensure_ascii=False)
    if cls is None:
        from llmcore.http.errors import error_for_status

        assert status is not None
        return error_for_status(status, msg, provider=provider, code=code or type_, raw=raw)
    return cls(msg, provider=provider, status_code=status, code=code or type_, request_id=request_id, raw=raw)
