"""Bedrock errors → llmcore's typed errors.

HTTP errors carry the AWS error type in the ``x-amzn-ErrorType`` header
(``ValidationException:http://internal.amazon.com/...``) or a ``__type`` body
field, and the message in ``{"message": ...}``. Stream errors arrive as
event-stream messages with ``:message-type`` ``exception`` (and
``:exception-type``, e.g. ``throttlingException``, payload ``{"message"}``)
or ``error`` (``:error-code``/``:error-message`` headers).

The type decides the class; a ``ValidationException`` (or a bare 400) whose
message says the input is too long becomes
:class:`ContextWindowExceededError`, and one saying the model identifier is
invalid becomes :class:`NotFoundError` (Bedrock answers 400, not 404, for an
unknown model id).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from llmcore import errors as E
from llmcore.http.errors import error_for_status, request_id_from

__all__ = ["error_from_http", "error_from_stream_message", "error_class", "CONTEXT_PATTERN"]

_BY_TYPE: dict[str, type[E.LLMCoreError]] = {
    "throttlingexception": E.RateLimitError,
    "servicequotaexceededexception": E.RateLimitError,
    "toomanyrequestsexception": E.RateLimitError,
    "modelnotreadyexception": E.ProviderServerError,
    "internalserverexception": E.ProviderServerError,
    "serviceunavailableexception": E.ProviderServerError,
    "modelstreamerrorexception": E.ProviderServerError,
    "modelerrorexception": E.ProviderServerError,
    "modeltimeoutexception": E.ProviderTimeoutError,
    "accessdeniedexception": E.PermissionDeniedError,
    "unrecognizedclientexception": E.AuthenticationError,
    "invalidsignatureexception": E.AuthenticationError,
    "incompletesignatureexception": E.AuthenticationError,
    "missingauthenticationtokenexception": E.AuthenticationError,
    "expiredtokenexception": E.AuthenticationError,
    "signaturedoesnotmatch": E.AuthenticationError,
    "resourcenotfoundexception": E.NotFoundError,
    "validationexception": E.InvalidRequestError,
}

#: Messages Bedrock and its models use when the prompt does not fit.
CONTEXT_PATTERN = re.compile(
    r"(?:input|prompt|request|context)\b[^.]{0,40}\btoo long|input tokens exceed|tokens? exceeds? (?:the )?max"
    r"|too many (?:input )?tokens|context (?:window|length|limit)|maximum context length",
    re.IGNORECASE,
)
_BAD_MODEL = re.compile(r"model identifier is invalid|invalid model identifier|model id.* is not valid", re.I)


def error_class(error_type: str | None, status: int | None, message: str) -> type[E.LLMCoreError] | None:
    """The class for an AWS error type and message; ``None`` lets the HTTP
    status decide (or, in a stream, means "unknown")."""
    cls = _BY_TYPE.get(error_type.lower()) if error_type else None
    if cls is E.InvalidRequestError or (cls is None and status in (None, 400)):
        if CONTEXT_PATTERN.search(message):
            return E.ContextWindowExceededError
        if _BAD_MODEL.search(message):
            return E.NotFoundError
    return cls


def _error_type(headers: Mapping[str, str], body: Any) -> str | None:
    raw = headers.get("x-amzn-errortype")
    if not raw and isinstance(body, dict):
        raw = body.get("__type") or body.get("code")
    if not raw or not isinstance(raw, str):
        return None
    raw = raw.split(":", 1)[0]
    return raw.rsplit("#", 1)[-1] or None


def error_from_http(status: int, raw: bytes, headers: Mapping[str, str], provider: str) -> E.LLMCoreError:
    """The typed error for a non-2xx Bedrock response."""
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
    message = None
    if isinstance(body, dict):
        message = body.get("message") or body.get("Message")
    if not isinstance(message, str) or not message.strip():
        message = text[:500].strip() or f"HTTP {status}"
    etype = _error_type(headers, body)
    cls = error_class(etype, status, message)
    return error_for_status(status, message, provider=provider, code=etype, headers=headers, raw=text, cls=cls)


def error_from_stream_message(msg: Any, provider: str, request_id: str | None = None) -> E.LLMCoreError:
    """The typed error for an ``exception`` or ``error`` event-stream message
    received after a 200 (``status_code`` stays ``None``: HTTP said 200)."""
    if msg.message_type == "exception":
        etype = msg.exception_type or msg.event_type or "exception"
        try:
            body = json.loads(msg.payload) if msg.payload else {}
        except ValueError:
            body = {}
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, str) or not message.strip():
            message = msg.payload[:300].decode("utf-8", "replace") or etype
        if isinstance(body, dict) and body.get("originalMessage"):
            original = body["originalMessage"]
            code = body.get("originalStatusCode")
            message = f"{message} (model said{f' {code}' if code else ''}: {original})"
    else:
        etype = msg.error_code or "error"
        message = msg.error_message or etype
    cls = error_class(etype, None, message) or E.ProviderServerError
    return cls(
        f"{etype}: {message}", provider=provider, code=etype, request_id=request_id, raw=msg.payload[:2000] or None
    )


def request_id(headers: Mapping[str, str]) -> str | None:
    """Bedrock's ``x-amzn-RequestId`` (or another known request-id header)."""
    return request_id_from(headers)
