"""Typed errors raised by llmcore and every provider plugin.

Contract:

* Every failure of a call is an :class:`LLMCoreError` subclass; nothing returns
  ``None`` for "it failed".
* HTTP failures carry ``provider``, ``status_code``, the provider's ``code``,
  the ``request_id`` (from response headers), ``retry_after`` (seconds) and a
  short ``raw`` excerpt of the body.
* ``is_retryable`` says whether sending the same request again may succeed.
* Secrets never appear in a message or repr: every message passes through
  :func:`redact`, which removes key-shaped strings and any key registered with
  :func:`register_secret`.

This module imports nothing heavy; it is safe to import at start-up.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "LLMCoreError",
    "ConfigurationError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "InvalidRequestError",
    "ContextWindowExceededError",
    "UnsupportedFeatureError",
    "BudgetExceededError",
    "ContentFilterError",
    "ProviderTimeoutError",
    "ProviderConnectionError",
    "BackendUnavailableError",
    "ProviderServerError",
    "ProviderResponseError",
    "redact",
    "register_secret",
]

# Key shapes of the providers we know; used to scrub messages (a server may
# echo a key back, e.g. OpenAI's "Incorrect API key provided: sk-...").
_KEY_PATTERN = re.compile(
    r"(?:sk-(?:proj-|ant-(?:api\d\d-)?|or-v1-)?[A-Za-z0-9_\-*]{16,}"
    r"|AIza[0-9A-Za-z_\-]{30,}"
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"
    r"|gsk_[A-Za-z0-9]{20,}"
    r"|hf_[A-Za-z0-9]{20,}"
    r"|r8_[A-Za-z0-9]{20,}"
    r"|xai-[A-Za-z0-9]{20,}"
    r"|pplx-[A-Za-z0-9]{20,}"
    r"|(?i:bearer)\s+[A-Za-z0-9_\-.=]{16,})"
)
_REGISTERED: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret (an API key in use) so that :func:`redact` removes it
    from any text, whatever its shape. Short values (< 8 chars) are ignored:
    they are dummies such as ``"EMPTY"`` and redacting them would mangle text."""
    if value and len(value) >= 8:
        _REGISTERED.add(value)


def registered_secrets() -> frozenset[str]:
    """The secrets :func:`register_secret` has seen in this process (the keys of the
    providers built so far): the cassette recorder scrubs any header or query value
    that contains one."""
    return frozenset(_REGISTERED)


def redact(text: str) -> str:
    """Return ``text`` with registered secrets and key-shaped strings masked."""
    for secret in _REGISTERED:
        if secret in text:
            text = text.replace(secret, "[REDACTED]")
    return _KEY_PATTERN.sub("[REDACTED]", text)


class LLMCoreError(Exception):
    """Base class of every llmcore error.

    Attributes are ``None`` when unknown. ``raw`` holds at most 2,000
    characters of the response body (redacted), for debugging.
    """

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        raw: Any = None,
    ) -> None:
        self.message = redact(message)
        self.provider = provider
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.retry_after = retry_after
        if isinstance(raw, (bytes, bytearray)):
            raw = bytes(raw[:2000]).decode("utf-8", "replace")
        if isinstance(raw, str):
            raw = redact(raw[:2000])
        self.raw = raw
        super().__init__(self.message)

    @property
    def is_retryable(self) -> bool:
        """True when the same request may succeed if sent again later."""
        return self.retryable

    def __str__(self) -> str:
        where = []
        if self.provider:
            where.append(self.provider)
        if self.status_code is not None:
            where.append(str(self.status_code))
        if self.code:
            where.append(self.code)
        prefix = f"[{' '.join(where)}] " if where else ""
        suffix = f" (request id: {self.request_id})" if self.request_id else ""
        return f"{prefix}{self.message}{suffix}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, provider={self.provider!r}, "
            f"status_code={self.status_code!r}, code={self.code!r}, "
            f"request_id={self.request_id!r}, retry_after={self.retry_after!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep keyword attributes when pickled (multiprocessing workers).
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[LLMCoreError], message: str, state: dict[str, Any]) -> LLMCoreError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class ConfigurationError(LLMCoreError):
    """llmcore cannot make the call as configured: a missing key, an unknown
    or ambiguous model name, a plugin that is not installed. The message says
    what to set or install."""


class AuthenticationError(LLMCoreError):
    """The provider rejected the credentials (HTTP 401)."""


class PermissionDeniedError(LLMCoreError):
    """The credentials are valid but not allowed to do this (HTTP 403)."""


class NotFoundError(LLMCoreError):
    """The model or resource does not exist or is not available to this key (404)."""


class RateLimitError(LLMCoreError):
    """Too many requests or tokens (HTTP 429). ``retry_after`` is set when the
    provider said how long to wait."""

    retryable = True


class InvalidRequestError(LLMCoreError):
    """The provider rejected the request as malformed (HTTP 400/422), or
    llmcore rejected it before sending."""


class ContextWindowExceededError(InvalidRequestError):
    """The prompt (plus ``max_tokens``) does not fit the model's context window."""


class UnsupportedFeatureError(InvalidRequestError):
    """In strict mode: the provider cannot honour a requested parameter."""


class BudgetExceededError(LLMCoreError):
    """The call would take spending over a budget (``budget=`` of a model, or
    :func:`llmcore.usage.set_budget`); raised before any request is sent.
    ``spent``, ``limit`` and ``estimate`` are in USD."""

    spent: float | None = None
    limit: float | None = None
    estimate: float | None = None


class ContentFilterError(LLMCoreError):
    """The provider refused the input or output on content-policy grounds."""


class ProviderTimeoutError(LLMCoreError):
    """No (complete) answer in time: connect, read, total or stream-idle timeout."""

    retryable = True


class ProviderConnectionError(LLMCoreError):
    """The provider could not be reached (DNS, refused, reset, TLS)."""

    retryable = True


class BackendUnavailableError(LLMCoreError):
    """A shared-state backend llmcore depends on for a call (the Redis of a
    shared rate limit or concurrency cap) is down or did not answer in time.
    Retryable: ``retry_after`` says when llmcore will try that backend again."""

    retryable = True


class ProviderServerError(LLMCoreError):
    """The provider failed (HTTP 5xx, Anthropic 529 overloaded)."""

    retryable = True


class ProviderResponseError(LLMCoreError):
    """The provider answered with something llmcore cannot parse. ``raw`` holds
    a short excerpt of it."""
