"""Ollama ``/api/chat`` response (non-streamed) → :class:`~llmcore.types.ChatResponse`,
and the pieces the stream decoder shares.

* ``message.thinking`` → a :class:`ReasoningPart` (``provider="ollama"``),
  first (the model thinks before it answers);
* ``message.content`` → a :class:`TextPart`;
* ``message.tool_calls`` → :class:`ToolCallPart`; Ollama sends ``arguments``
  as a JSON *object* (``raw_arguments`` is its compact JSON text) and only
  recent servers send an ``id``: a missing id is generated, stably — see
  :func:`tool_call_id`;
* ``done_reason`` → :func:`~llmcore_ollama.finish.map_finish_reason`;
  ``prompt_eval_count``/``eval_count`` → usage; durations →
  ``provider_metadata["timings"]``.

Ollama's response has no id (``ChatResponse.id`` is ``None``); ``model`` is the
model Ollama reports.

A response of the wrong shape (``tool_calls: "x"``, a content that is no
string…) is a :class:`~llmcore.errors.ProviderResponseError` with an excerpt
(a ``try`` around the parse: free on success), and so is one with no content,
no tool call and no ``done_reason``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.pluginkit import SHAPE_ERRORS, malformed
from llmcore.types import CallWarning, ChatResponse, Message, ReasoningPart, TextPart, ToolCallPart

from .finish import map_finish_reason
from .usage import map_usage, timings

__all__ = ["opt_str", "parse_chat_response", "text_of", "tool_call_id", "tool_calls_of"]

PROVIDER = "ollama"


def text_of(v: Any, field: str) -> str:
    """``v`` when it is a string; else a ``TypeError`` naming ``field`` (the parse guard reports it)."""
    if not isinstance(v, str):
        raise TypeError(f"{field} is {type(v).__name__}, not a string")
    return v


def opt_str(v: Any) -> str | None:
    """``v`` when it is a non-empty string, else ``None`` (optional metadata)."""
    return v if isinstance(v, str) and v else None


def tool_call_id(created_at: Any, index: int, name: str, raw_arguments: str) -> str:
    """A stable id for a tool call Ollama sent without one: a hash of the
    message's ``created_at``, the call's position in the answer, its name and
    arguments. The same answer always gets the same ids (chat or stream,
    replayed or not), and two turns calling the same function with the same
    arguments still differ (their ``created_at`` does)."""
    digest = hashlib.sha256(f"{created_at}|{index}|{name}|{raw_arguments}".encode()).hexdigest()
    return f"call_{digest[:16]}"


def tool_calls_of(
    message: dict[str, Any], created_at: Any, start: int
) -> list[tuple[int, str, str, dict[str, Any], str]]:
    """``(index, id, name, arguments, raw_arguments)`` of the tool calls in an
    Ollama ``message``, numbered from ``start`` within the answer."""
    out = []
    for i, call in enumerate(message.get("tool_calls") or (), start):
        fn = call.get("function") or {}
        name = text_of(fn.get("name") or "", "tool_calls.function.name")
        args = fn.get("arguments")
        if isinstance(args, str):  # tolerate servers/proxies that send a JSON string
            raw = args
            try:
                args = json.loads(args) if args.strip() else {}
            except ValueError:
                raise ProviderResponseError(
                    "tool call arguments are not valid JSON", provider=PROVIDER, raw=raw[:500]
                ) from None
        elif args is None:
            args = {}
        if not isinstance(args, dict):
            raise ProviderResponseError(
                "tool call arguments are not a JSON object", provider=PROVIDER, raw=str(args)[:500]
            )
        raw = json.dumps(args, separators=(",", ":"), ensure_ascii=False)
        cid = text_of(call.get("id") or tool_call_id(created_at, i, name, raw), "tool_calls.id")
        out.append((i, cid, name, args, raw))
    return out


def parse_chat_response(data: Any, *, warnings: list[CallWarning] | None = None) -> ChatResponse:
    """Build the :class:`ChatResponse` from a parsed ``/api/chat`` JSON body (``stream: false``)."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise ProviderResponseError("ollama response has no message", provider=PROVIDER, raw=str(data)[:500])
    try:
        return _parse(data, warnings)
    except SHAPE_ERRORS as e:
        raise malformed(PROVIDER, "chat response", data, e) from None


def _parse(data: dict[str, Any], warnings: list[CallWarning] | None) -> ChatResponse:
    msg = data["message"]
    parts: list[Any] = []
    if msg.get("thinking"):
        parts.append(
            ReasoningPart.model_construct(
                type="reasoning",
                text=text_of(msg["thinking"], "message.thinking"),
                signature=None,
                redacted=False,
                data=None,
                provider=PROVIDER,
            )
        )
    if msg.get("content"):
        parts.append(TextPart.model_construct(type="text", text=text_of(msg["content"], "message.content")))
    calls = tool_calls_of(msg, data.get("created_at"), 0)
    for _, cid, name, args, raw in calls:
        parts.append(
            ToolCallPart.model_construct(
                type="tool_call",
                id=cid,
                name=name,
                arguments=args,
                raw_arguments=raw,
            )
        )
    raw_finish = data.get("done_reason")
    if raw_finish is not None:
        text_of(raw_finish, "done_reason")
    elif not parts:
        raise ProviderResponseError(
            "the response has no content, no tool call and no done_reason", provider=PROVIDER, raw=str(data)[:500]
        )
    meta: dict[str, Any] = {}
    t = timings(data)
    if t:
        meta["timings"] = t
    return ChatResponse.model_construct(
        id=None,
        model=opt_str(data.get("model")),
        provider=PROVIDER,
        message=Message.model_construct(role="assistant", content=parts),
        finish_reason=map_finish_reason(raw_finish, has_tool_calls=bool(calls)),
        raw_finish_reason=raw_finish,
        usage=map_usage(data),
        warnings=list(warnings or ()),
        provider_metadata=meta,
        parsed=None,
        raw=data,
    )
