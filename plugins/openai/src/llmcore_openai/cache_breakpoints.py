"""OpenAI's explicit prompt-cache breakpoints: ``Message.cache_point`` / ``cache_prompt`` on the wire.

OpenAI caches prompt prefixes by itself. Models from ``gpt-5.6`` on also take explicit
breakpoints (``api-specs/openai/openapi.yaml``: ``PromptCacheBreakpointParam``, "Supported for
``gpt-5.6`` and later models"): a content part carrying ``"prompt_cache_breakpoint": {"mode":
"explicit"}`` marks the exact end of a reusable prefix, up to four written per request, on top of
the one implicit breakpoint OpenAI still picks (``prompt_cache_options.mode = "explicit"`` turns
that off; pass it in ``provider_options["openai"]``).

* Chat Completions: the marked message's last content part carries it. Text, image, audio and file
  parts of every role can (an assistant's or tool's text is sent as a one-part list when marked);
  ``cache_prompt`` marks the system prompt's message.
* Responses: ``input_text`` / ``input_image`` / ``input_file`` parts can; a marked user, system or
  developer message's last part carries it, and a marked system prompt goes in as a ``developer``
  message instead of ``instructions`` (a string, which has no part to mark). Assistant messages and
  tool outputs have no such part: there a breakpoint is a no-op, as on providers that cannot cache.
* The lifetime is OpenAI's own (``PromptCacheTTLEnum``: ``30m``, the only ``ttl`` it has):
  ``CachePoint.ttl`` is not sent, and a ``5m`` / ``1h`` one is reported as a ``cache_point``
  warning (:func:`ttl_warning`).
* What cannot be placed is reported, not dropped silently: ``cache_prompt`` with no system prompt
  (OpenAI has no breakpoint on tools), a marked message with no part to carry it.
* Older models, and every other server speaking these APIs, get no breakpoint: the body is the one
  without it, as before.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = ["BREAKPOINT", "mark_chat_message", "mark_responses_item", "supports_breakpoints", "ttl_warning"]

BREAKPOINT: dict[str, str] = {"mode": "explicit"}

_GPT = re.compile(r"gpt-(\d+)(?:\.(\d+))?")


def supports_breakpoints(model: str) -> bool:
    """Whether ``model`` (an OpenAI model name, possibly dated or suffixed) takes explicit
    breakpoints: ``gpt-5.6`` and later (``gpt-5.6-mini``, ``gpt-6``...)."""
    m = _GPT.match(model.lower().removeprefix("openai/"))
    if m is None:
        return False
    major, minor = int(m.group(1)), int(m.group(2) or 0)
    return (major, minor) >= (5, 6)


def _mark(msg: dict[str, Any], text_type: str) -> bool:
    """Put a breakpoint on the last content part of ``msg`` (a string content becomes one part of
    ``text_type``); ``False`` when there is no content to mark."""
    content = msg.get("content")
    if isinstance(content, str):
        if not content:
            return False
        msg["content"] = content = [{"type": text_type, "text": content}]
    if not isinstance(content, list) or not content or not isinstance(content[-1], dict):
        return False
    content[-1] = {**content[-1], "prompt_cache_breakpoint": dict(BREAKPOINT)}
    return True


def mark_chat_message(msg: dict[str, Any]) -> bool:
    """Put a breakpoint on the last content part of a Chat Completions message (a string content
    becomes one text part); ``False`` when it has no content to mark (tool calls only)."""
    return _mark(msg, "text")


_RESPONSES_ROLES = frozenset({"user", "system", "developer"})


def mark_responses_item(item: dict[str, Any]) -> bool:
    """Put a breakpoint on the last input part of a Responses message item (user, system or
    developer; a string content becomes one ``input_text`` part); ``False`` for items that have no
    input part to mark (assistant messages, tool outputs, reasoning and server-tool items)."""
    if item.get("role") not in _RESPONSES_ROLES or item.get("type", "message") != "message":
        return False
    return _mark(item, "input_text")


def ttl_warning(request: ChatRequest) -> str | None:
    """The warning detail when a breakpoint asks for a lifetime (``5m``/``1h``) OpenAI does not
    take: its only ``prompt_cache_options.ttl`` is ``30m`` (``PromptCacheTTLEnum``), so the TTL is
    not sent; ``None`` when no breakpoint has one. One detail per request, not per message."""
    points = [request.cache_prompt, *(m.cache_point for m in request.messages)]
    ttls = sorted({p.ttl for p in points if p is not None and p.ttl is not None})
    if not ttls:
        return None
    return (
        f"ttl {', '.join(ttls)} is not sent: OpenAI keeps explicit prompt-cache breakpoints "
        "30 minutes (prompt_cache_options.ttl '30m', its only value)"
    )
