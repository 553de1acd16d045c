"""Cohere ``/v2/chat`` response (non-streamed) → :class:`~llmcore.types.ChatResponse`.

* ``message.content`` ``text`` → :class:`TextPart`; ``thinking`` →
  :class:`ReasoningPart` (``provider="cohere"``), in order;
* ``message.tool_plan`` (the model's plan before calling tools) → a
  :class:`TextPart` after the content, before the tool calls;
* ``message.tool_calls`` → :class:`ToolCallPart` (``arguments`` parsed from
  the JSON string; ``"null"``, which Cohere sends for argument-less tools,
  becomes ``{}``);
* ``message.citations`` → :class:`~llmcore.types.Citation` s (one per source,
  see :mod:`llmcore_cohere.citations`) on the text part they index and in
  ``ChatResponse.citations``; the objects as sent also stay in
  ``provider_metadata["citations"]`` (documented before llmcore had citations;
  kept for this release); ``usage.billed_units`` → ``provider_metadata["billed_units"]``;
* ``finish_reason`` → :func:`~llmcore_cohere.finish.map_finish_reason`;
  ``usage`` → :func:`~llmcore_cohere.usage.map_usage`.

Cohere's response has no model field: ``model`` is the requested model.
Output is built with ``model_construct`` (no re-validation).
"""

from __future__ import annotations

from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.pluginkit import SHAPE_ERRORS, malformed, parse_arguments
from llmcore.types import CallWarning, ChatResponse, Message, ReasoningPart, TextPart, ToolCallPart

from .citations import in_text, to_citations
from .finish import map_finish_reason
from .usage import billed_units, map_usage

__all__ = ["parse_chat_response", "text_of", "tool_arguments"]

PROVIDER = "cohere"


def tool_arguments(raw: str) -> dict[str, Any]:
    """Parse tool-call arguments; Cohere's ``"null"`` (no arguments) is ``{}``."""
    if raw.strip() == "null":
        return {}
    return parse_arguments(raw, PROVIDER)


def text_of(value: Any) -> str:
    """A text field: a string (``None`` → ``""``); anything else is a :class:`TypeError`."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    raise TypeError(f"expected a string, got {type(value).__name__}")


def parse_chat_response(data: Any, *, model: str, warnings: list[CallWarning] | None = None) -> ChatResponse:
    """Build the :class:`ChatResponse` from a parsed ``/v2/chat`` JSON body.

    A body of the wrong shape (a field of the wrong type, or no content, no tool
    call and no known finish reason) is a :class:`ProviderResponseError`."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise ProviderResponseError("cohere response has no message", provider=PROVIDER, raw=str(data)[:500])
    try:
        response = _parse(data, model, warnings)
    except SHAPE_ERRORS as e:  # free on good bodies; wrong field types end here
        raise malformed(PROVIDER, "cohere chat response", data, e) from None
    if not response.message.content and response.finish_reason == "other":
        raise malformed(PROVIDER, "cohere chat response with no content and no finish reason", data)
    return response


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _parse(data: dict[str, Any], model: str, warnings: list[CallWarning] | None) -> ChatResponse:
    msg = data["message"]
    parts: list[Any] = []
    # content index (or "plan") → (its text, where it starts in ChatResponse.text, its TextPart)
    items: dict[Any, tuple[str, int, TextPart | None]] = {}
    offset = 0
    for index, item in enumerate(_list(msg.get("content"))):
        if not isinstance(item, dict):
            raise TypeError(f"a content block is a {type(item).__name__}")
        t = item.get("type")
        if t == "text":
            text = text_of(item.get("text"))
            part = TextPart.model_construct(type="text", text=text, citations=[]) if text else None
            items[index] = (text, offset, part)
            offset += len(text)
            if part is not None:
                parts.append(part)
        elif t == "thinking" and item.get("thinking"):
            parts.append(
                ReasoningPart.model_construct(
                    type="reasoning",
                    text=text_of(item["thinking"]),
                    signature=None,
                    redacted=False,
                    data=None,
                    provider=PROVIDER,
                )
            )
    plan = msg.get("tool_plan")
    if isinstance(plan, str) and plan:
        part = TextPart.model_construct(type="text", text=plan, citations=[])
        items["plan"] = (plan, offset, part)
        parts.append(part)
    for call in _list(msg.get("tool_calls")):
        fn = call.get("function") or {}
        raw = fn.get("arguments")
        raw = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
        name = text_of(fn.get("name"))
        if not name:
            raise ValueError("a tool call has no name")
        parts.append(
            ToolCallPart.model_construct(
                type="tool_call",
                id=text_of(call.get("id")),
                name=name,
                arguments=tool_arguments(raw),
                raw_arguments=raw,
            )
        )
    meta: dict[str, Any] = {}
    citations = []
    # a citation without content_index (older answers, one text item) indexes the first text item
    first_text = next((k for k in items if k != "plan"), None)
    if isinstance(msg.get("citations"), list) and msg["citations"]:
        meta["citations"] = list(msg["citations"])
        for c in msg["citations"]:
            if not isinstance(c, dict):
                raise TypeError(f"a citation is a {type(c).__name__}")
            key = "plan" if c.get("type") == "PLAN" else c.get("content_index", first_text)
            item_text, base, part = items.get(key, (None, None, None)) if in_text(c) else (None, None, None)
            found = to_citations(c, item_text, base)
            citations.extend(found)
            if part is not None:
                part.citations.extend(found)
    billed = billed_units(data.get("usage"))
    if billed is not None:
        meta["billed_units"] = billed
    raw_finish = data.get("finish_reason")
    if raw_finish is not None and not isinstance(raw_finish, str):
        raise TypeError(f"finish_reason is a {type(raw_finish).__name__}")
    rid = data.get("id")
    return ChatResponse.model_construct(
        id=rid if isinstance(rid, str) else None,
        model=model,
        provider=PROVIDER,
        message=Message.model_construct(role="assistant", content=parts),
        finish_reason=map_finish_reason(raw_finish),
        raw_finish_reason=raw_finish,
        usage=map_usage(data.get("usage")),
        warnings=list(warnings or ()),
        citations=citations,
        provider_metadata=meta,
        parsed=None,
        raw=data,
    )
