"""Zhipu / Z.ai business error codes → llmcore error classes.

Errors come as ``{"error": {"code": "1211", "message": "..."}}``: the HTTP
status is coarse (429 covers both rate limits and an empty balance), the
string ``code`` says what happened (https://docs.z.ai/api-reference/api-code).
Codes not listed keep the class the HTTP status gives.
"""

from __future__ import annotations

from llmcore import errors as E

__all__ = ["CODE_CLASSES"]

CODE_CLASSES: dict[str, type[E.LLMCoreError]] = {
    **dict.fromkeys(("1000", "1001", "1002", "1003", "1004"), E.AuthenticationError),
    # account inactive, missing, locked, in arrears (HTTP 429 "balance exhausted"), irregular
    **dict.fromkeys(("1110", "1111", "1112", "1113", "1121"), E.PermissionDeniedError),
    "1211": E.NotFoundError,  # model does not exist
    "1220": E.PermissionDeniedError,  # no permission for this API
    "1261": E.ContextWindowExceededError,  # prompt exceeds max length
    "1301": E.ContentFilterError,  # unsafe or sensitive content in input or output
    **dict.fromkeys(("1302", "1303", "1305"), E.RateLimitError),  # concurrency / frequency / overload
}
