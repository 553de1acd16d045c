"""Ollama error bodies → llmcore typed errors.

Ollama answers a failed call with ``{"error": "..."}`` (HTTP status set), and
reports a failure *during* a stream as an NDJSON line ``{"error": "..."}``
(the status stays 200). Some errors come from the model runner with its own
JSON inside the string (``{"error": "{\\"error\\": {\\"code\\": 400,
\\"message\\": ..., \\"type\\": \\"exceed_context_size_error\\"}}"}``); the inner
message and type are used.

Class overrides on top of the status mapping:

* a context-size overflow (``exceed_context_size_error``, "exceeds the
  available context size", "exceeds the context length") →
  :class:`ContextWindowExceededError` (Ollama silently *truncates* long prompts
  unless the request sets ``truncate: false``);
* 404 "model 'x' not found" → :class:`NotFoundError` whose message adds the
  hint ``ollama pull x``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from llmcore import errors as E

__all__ = ["error_details", "stream_error"]

_MODEL_NOT_FOUND = re.compile(r"model ['\"]?([^'\"\s]+)['\"]? not found")
_CONTEXT = ("exceeds the available context size", "exceeds the context length", "exceed_context_size")


def _unwrap(message: str) -> tuple[str, str | None]:
    """The inner message and type of a runner error serialized into the string."""
    s = message.strip()
    if not s.startswith("{"):
        return message, None
    try:
        inner = json.loads(s)
    except ValueError:
        return message, None
    err = inner.get("error", inner) if isinstance(inner, dict) else None
    if isinstance(err, dict) and isinstance(err.get("message"), str):
        t = err.get("type")
        return err["message"], (t if isinstance(t, str) else None)
    if isinstance(err, str):
        return err, None
    return message, None


def _classify(status: int | None, message: str, code: str | None) -> tuple[str, type[E.LLMCoreError] | None]:
    low = message.lower()
    if code == "exceed_context_size_error" or any(c in low for c in _CONTEXT):
        return message, E.ContextWindowExceededError
    m = _MODEL_NOT_FOUND.search(message)
    if m and (status in (None, 404)):
        model = m.group(1)
        if "pull" in low:  # Ollama's own hint ("try pulling it first"): just add the command
            message = f"{message} (`ollama pull {model}`)"
        else:
            message = f"{message}; pull it with `ollama pull {model}`"
        return message, E.NotFoundError
    return message, None


def error_details(status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
    """``(message, code, class override)`` for an Ollama error response."""
    message: str | None = None
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, str) and err:
            message = err
        elif isinstance(err, dict) and isinstance(err.get("message"), str):  # OpenAI-style proxies
            message = err["message"]
    if message is None:
        message = text.strip()[:500] or f"HTTP {status}"
    message, code = _unwrap(message)
    message, cls = _classify(status, message, code)
    return message, code, cls


def stream_error(chunk: dict[str, Any], provider: str) -> E.LLMCoreError:
    """The typed error for an ``{"error": ...}`` line inside a 200 stream: a
    context overflow or a missing model keep their classes, anything else is
    a (retryable) :class:`ProviderServerError`."""
    raw = chunk.get("error")
    message = raw if isinstance(raw, str) else json.dumps(raw)
    message, code = _unwrap(message)
    message, cls = _classify(None, message, code)
    return (cls or E.ProviderServerError)(message, provider=provider, code=code, raw=json.dumps(chunk)[:2000])
