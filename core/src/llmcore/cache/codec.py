"""Cache entries: a call's stream events as JSON.

A cached call is stored as the events of its answer, so a cached stream
replays as the same events and a cached ``chat`` is their collected
response (``chat`` equals "collect ``stream_chat``" by contract). A call
made with ``chat`` is stored as the events that response stands for
(:func:`response_events`). ``raw`` provider payloads are not stored.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..events import StreamEvent
    from ..types import ChatResponse

__all__ = ["encode_entry", "decode_entry", "response_events", "event_to_dict", "event_from_dict"]

FORMAT_VERSION = 1


def _usage_dict(u: Any) -> dict[str, Any]:
    return {k: v for k, v in u.model_dump().items() if v is not None}


def event_to_dict(ev: StreamEvent) -> dict[str, Any]:
    """One event as a JSON-able dict tagged by ``type``."""
    # each comparison of the literal ``type`` tag narrows ``ev`` to that event's class
    if ev.type == "text":
        return {"type": ev.type, "text": ev.text}
    if ev.type == "reasoning":
        d: dict[str, Any] = {"type": ev.type, "text": ev.text}
        for k in ("signature", "data"):
            v = getattr(ev, k)
            if v is not None:
                d[k] = v
        if ev.redacted:
            d["redacted"] = True
        return d
    if ev.type == "tool_call_delta":
        return {
            "type": ev.type,
            "index": ev.index,
            "id": ev.id,
            "name": ev.name,
            "arguments_delta": ev.arguments_delta,
        }
    if ev.type == "tool_call":
        return {
            "type": ev.type,
            "id": ev.id,
            "name": ev.name,
            "arguments": ev.arguments,
            "raw_arguments": ev.raw_arguments,
            "index": ev.index,
        }
    if ev.type == "usage":
        return {"type": ev.type, "usage": _usage_dict(ev.usage)}
    if ev.type == "warning":
        return {"type": ev.type, "feature": ev.warning.feature, "detail": ev.warning.detail}
    if ev.type == "finish":
        d = {"type": ev.type, "reason": ev.reason, "raw_reason": ev.raw_reason}
        if ev.provider_metadata:
            d["provider_metadata"] = ev.provider_metadata
        return d
    if ev.type == "metadata":
        return {"type": ev.type, "id": ev.id, "model": ev.model}
    raise ValueError(f"unknown stream event type {ev.type!r}")


def event_from_dict(d: dict[str, Any]) -> StreamEvent:
    """The inverse of :func:`event_to_dict`."""
    from ..events import (
        Finish,
        ReasoningDelta,
        ResponseMetadata,
        TextDelta,
        ToolCall,
        ToolCallDelta,
        UsageEvent,
        WarningEvent,
    )
    from ..types import CallWarning, Usage

    t = d["type"]
    if t == "text":
        return TextDelta(d["text"])
    if t == "reasoning":
        return ReasoningDelta(d.get("text", ""), d.get("signature"), bool(d.get("redacted")), d.get("data"))
    if t == "tool_call_delta":
        return ToolCallDelta(d["index"], d.get("id"), d.get("name"), d.get("arguments_delta", ""))
    if t == "tool_call":
        return ToolCall(d["id"], d["name"], d["arguments"], d["raw_arguments"], d.get("index", 0))
    if t == "usage":
        return UsageEvent(Usage.model_construct(**{**Usage().model_dump(), **d["usage"]}))
    if t == "warning":
        return WarningEvent(CallWarning(feature=d["feature"], detail=d["detail"]))
    if t == "finish":
        return Finish(d["reason"], d.get("raw_reason"), d.get("provider_metadata"))
    if t == "metadata":
        return ResponseMetadata(d.get("id"), d.get("model"))
    raise ValueError(f"unknown cached event type {t!r}")


def response_events(resp: ChatResponse) -> list[StreamEvent]:
    """The events a stream of ``resp`` would have had (one delta per part)."""
    from ..events import (
        Finish,
        ReasoningDelta,
        ResponseMetadata,
        TextDelta,
        ToolCall,
        UsageEvent,
        WarningEvent,
    )
    from ..types import ReasoningPart, TextPart, ToolCallPart

    out: list[StreamEvent] = []
    if resp.id is not None or resp.model is not None:
        out.append(ResponseMetadata(resp.id, resp.model))
    index = 0
    for p in resp.message.content:
        if isinstance(p, TextPart):
            out.append(TextDelta(p.text))
        elif isinstance(p, ReasoningPart):
            out.append(ReasoningDelta(p.text, p.signature, p.redacted, p.data))
        elif isinstance(p, ToolCallPart):
            out.append(ToolCall(p.id, p.name, dict(p.arguments), p.raw_arguments, index))
            index += 1
    for w in resp.warnings:
        out.append(WarningEvent(w))
    out.append(UsageEvent(resp.usage))
    out.append(Finish(resp.finish_reason, resp.raw_finish_reason, dict(resp.provider_metadata) or None))
    return out


def encode_entry(events: list[StreamEvent], *, created: float | None = None) -> bytes:
    """Serialise ``events`` (raises ``TypeError``/``ValueError`` if something is not JSON)."""
    entry = {
        "v": FORMAT_VERSION,
        "created": time.time() if created is None else created,
        "events": [event_to_dict(e) for e in events],
    }
    return json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode()


def decode_entry(data: bytes | str) -> list[StreamEvent] | None:
    """The events of a stored entry, or ``None`` for an unreadable/old entry."""
    try:
        entry = json.loads(data)
        if entry.get("v") != FORMAT_VERSION:
            return None
        return [event_from_dict(d) for d in entry["events"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
