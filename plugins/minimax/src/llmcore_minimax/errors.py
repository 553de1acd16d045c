"""MiniMax's ``base_resp`` → typed errors.

MiniMax reports failures in a ``base_resp`` object — usually inside an HTTP 200
answer (and stream chunk): ``{"base_resp": {"status_code": 1004, "status_msg":
"..."}}``; ``status_code`` 0 is success. The codes
(https://platform.minimax.io/docs/api-reference/errorcode) map to classes here;
an unknown non-zero code is a :class:`ProviderServerError`. The error's ``code``
is the MiniMax code as a string; ``status_code`` is the HTTP status only when it
was not 200.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmcore import errors as E

__all__ = ["BASE_RESP_ERRORS", "base_resp_error"]

BASE_RESP_ERRORS: dict[int, type[E.LLMCoreError]] = {
    1000: E.ProviderServerError,  # unknown error
    1001: E.ProviderTimeoutError,  # request timeout
    1002: E.RateLimitError,  # rate limit
    1004: E.AuthenticationError,  # not authorized / token not match group
    1008: E.PermissionDeniedError,  # insufficient balance (waiting does not help)
    1013: E.ProviderServerError,  # internal service error (older code)
    1024: E.ProviderServerError,  # internal error
    1026: E.ContentFilterError,  # input sensitive
    1027: E.ContentFilterError,  # output sensitive
    1033: E.ProviderServerError,  # system error
    1039: E.RateLimitError,  # token limit (TPM)
    1041: E.RateLimitError,  # connection limit
    1042: E.InvalidRequestError,  # invisible character ratio limit
    2013: E.InvalidRequestError,  # invalid params
    2045: E.RateLimitError,  # rate growth limit
    2049: E.AuthenticationError,  # invalid api key
    2056: E.PermissionDeniedError,  # usage limit exceeded for this 5-hour window
}


def _code(value: Any) -> int | None:
    """A ``status_code`` as an int: an int, or the same number sent as an integral
    float or a digit string (``1004.0``, ``"1004"``); ``None`` for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def base_resp_error(
    data: Any, provider: str, headers: Mapping[str, str] | None = None, status: int | None = None
) -> E.LLMCoreError | None:
    """The typed error ``data``'s ``base_resp`` reports, or ``None`` (no
    ``base_resp``, or ``status_code`` 0, ``null`` or absent). A ``status_code`` that is
    no number (``true``, a list, ``"x"``) is a :class:`ProviderResponseError`:
    MiniMax reported something, and it is not "success"."""
    br = data.get("base_resp") if isinstance(data, dict) else None
    if not isinstance(br, dict):
        return None
    if br.get("status_code") is None:
        return None
    code = _code(br["status_code"])
    if code == 0:
        return None
    h = headers or {}
    if code is None:  # a status code of the wrong type: say what MiniMax sent rather than guess
        return E.ProviderResponseError(
            f"MiniMax base_resp with a status_code that is not a number: {br.get('status_code')!r}"
            + (f" ({br['status_msg']})" if isinstance(br.get("status_msg"), str) and br["status_msg"] else ""),
            provider=provider,
            status_code=status if status not in (None, 200) else None,
            request_id=h.get("trace-id") or h.get("x-request-id"),
            raw=json.dumps(data, ensure_ascii=False)[:2000],
        )
    cls = BASE_RESP_ERRORS.get(code, E.ProviderServerError)
    msg = str(br.get("status_msg") or f"MiniMax error {code}")
    from llmcore.http.errors import parse_retry_after

    return cls(
        msg,
        provider=provider,
        status_code=status if status not in (None, 200) else None,
        code=str(code),
        request_id=h.get("trace-id") or h.get("x-request-id"),
        retry_after=parse_retry_after(h),
        raw=json.dumps(data, ensure_ascii=False)[:2000],
    )
