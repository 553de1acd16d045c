"""Cohere ``/v2/chat`` response (non-streamed) → :class:`~llmcore.types.ChatResponse`.

* ``message.content`` ``text`` → :class:`TextPart`; ``thinking`` →
  :class:`ReasoningPart` (``provider="cohere"``), in order;
* ``message.tool_plan`` (the model's plan before calling tools) → a
  :class:`TextPart` after the content, before the tool calls;
* ``message.tool_calls`` → :class:`ToolCallPart` (``arguments`` parsed from
  the JSON string; ``"null"``, which Cohere sends for argument-less tools,
  becomes ``{}``);
* ``message.citations`` → ``provider_metadata["citations"]`` (Cohere's
  citation objects as sent: ``start``, ``end``, ``text``, ``sources``,
  ``type``); ``usage.billed_units`` → ``provider_metadata["billed_units"]``;
* ``finish_reason`` → :func:`~llmcore_cohere.finish.map_finish_reason`;
  ``usage`` → :func:`~llmcore_cohere.usage.map_usage`.

Cohere's response has no model field: ``model`` is the requested model.
Output is built with ``model_construct`` (no re-validation).
"""

from __future__ import annotations

from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.pluginkit import parse_arguments
from llmcore.types import CallWarning, ChatResponse, Message, ReasoningPart, TextPart, ToolCallPart

from .finish import map_finish_reason
from .usage import billed_units, map_usage

__all__ = ["parse_chat_response", "tool_arguments"]

PROVIDER = "cohere"


def tool_arguments(raw: str) -> dict[str, Any]:
    """Parse tool-call arguments; Cohere's ``"null"`` (no arguments) is ``{}``."""
    if raw.strip() == "null":
        return {}
    return parse_arguments(raw, PROVIDER)


def parse_chat_response(
    data: Any, *, model: str, warnings: list[CallWarning] | None = None
) -> ChatResponse:
    """Build the :class:`ChatResponse` from a parsed ``/v2/chat`` JSON body."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise ProviderResponseError(
            "cohere response has no message", provider=PROVIDER, raw=str(data)[:500]
        )
    msg = data["message"]
    parts: list[Any] = []
    for item in msg.get("content") or ():
        if not isinstance(item, dict):
            continue
        t = item.get("type")
        if t == "text" and item.get("text"):
            parts.append(TextPart.model_construct(type="text", text=item["text"]))
        elif t == "thinking" and item.get("thinking"):
            parts.append(ReasoningPart.model_construct(
                type="reasoning", text=item["thinking"], signature=None, redacted=False, data=None,
                provider=PROVIDER,
            ))
    plan = msg.get("tool_plan")
    if isinstance(plan, str) and plan:
        parts.append(TextPart.model_construct(type="text", text=plan))
    for call in msg.get("tool_calls") or ():
        fn = call.get("function") or {}
        raw = fn.get("arguments")
        raw = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
        parts.append(ToolCallPart.model_construct(
            type="tool_call", id=call.get("id") or "", name=fn.get("name") or "",
            arguments=tool_arguments(raw), raw_arguments=raw,
        ))
    meta: dict[str, Any] = {}
    if msg.get("citations"):
        meta["citations"] = list(msg["citations"])
    billed = billed_units(data.get("usage"))
    if billed is not None:
        meta["billed_units"] = billed
    raw_finish = data.get("finish_reason")
    return ChatResponse.model_construct(
        id=data.get("id"),
        model=model,
        provider=PROVIDER,
        message=Message.model_construct(role="assistant", content=parts),
        finish_reason=map_finish_reason(raw_finish),
        raw_finish_reason=raw_finish,
        usage=map_usage(data.get("usage")),
        warnings=list(warnings or ()),
        provider_metadata=meta,
        parsed=None,
        raw=data,
    )
