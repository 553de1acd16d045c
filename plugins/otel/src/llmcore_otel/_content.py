"""Message content in the GenAI conventions' format (only when capture is on).

``gen_ai.input.messages`` / ``gen_ai.output.messages`` are JSON arrays of
``{"role", "parts": [...]}`` (``finish_reason`` on output messages);
``gen_ai.system_instructions`` a JSON array of parts. Part types used:
``text``, ``reasoning``, ``tool_call`` (``id``, ``name``, ``arguments``),
``tool_call_response`` (``id``, ``response``), ``uri``/``blob`` as
``{"type": ..., "modality"}`` without the data (an image's bytes are not
telemetry).
"""

from __future__ import annotations

import json
import os
from typing import Any

ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
#: values of the variable that turn capture on (the conventions' ``true`` and
#: the newer ``SPAN_ONLY``/``SPAN_AND_EVENT`` modes; content goes on the span)
_ON = {"true", "1", "yes", "on", "span_only", "span_and_event"}


def capture_from_env() -> bool:
    """Capture is on when the conventions' variable says so; off otherwise."""
    return os.environ.get(ENV, "").strip().lower() in _ON


def _part(p: Any) -> dict[str, Any] | None:
    kind = type(p).__name__
    if kind == "TextPart":
        return {"type": "text", "content": p.text}
    if kind == "ReasoningPart":
        return {"type": "reasoning", "content": p.text}
    if kind in ("ToolCallPart", "ServerToolCallPart"):
        return {"type": "tool_call", "id": p.id, "name": p.name, "arguments": getattr(p, "arguments", None)}
    if kind == "ToolResultPart":
        content = p.content
        if isinstance(content, list):
            content = [x for x in (_part(c) for c in content) if x is not None]
        return {"type": "tool_call_response", "id": p.tool_call_id, "response": content}
    if kind == "ImagePart":
        return {"type": "uri" if getattr(p, "url", None) else "blob", "modality": "image"}
    if kind == "FilePart":
        return {"type": "uri" if getattr(p, "url", None) else "blob", "modality": "file"}
    return None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))


def input_attributes(request: Any) -> dict[str, str]:
    """``gen_ai.input.messages`` and ``gen_ai.system_instructions`` of a chat request;
    an embedding request's texts, a rerank request's query and documents as input messages."""
    out: dict[str, str] = {}
    messages = getattr(request, "messages", None)
    if messages is not None:
        msgs = [
            {"role": m.role, "parts": [x for x in (_part(p) for p in m.content) if x is not None]} for m in messages
        ]
        out["gen_ai.input.messages"] = _dumps(msgs)
        system = getattr(request, "system", None)
        if system:
            out["gen_ai.system_instructions"] = _dumps([{"type": "text", "content": str(system)}])
        return out
    texts = getattr(request, "texts", None)
    if texts is not None:
        out["gen_ai.input.messages"] = _dumps(
            [{"role": "user", "parts": [{"type": "text", "content": t} for t in texts]}]
        )
    query = getattr(request, "query", None)
    if query is not None:
        parts = [{"type": "text", "content": query}] + [
            {"type": "text", "content": str(d)} for d in getattr(request, "documents", [])
        ]
        out["gen_ai.input.messages"] = _dumps([{"role": "user", "parts": parts}])
    return out


def output_attributes(response: Any) -> dict[str, str]:
    """``gen_ai.output.messages`` of a chat response (nothing for other answers)."""
    message = getattr(response, "message", None)
    if message is None:
        return {}
    parts = [x for x in (_part(p) for p in message.content) if x is not None]
    msg = {"role": "assistant", "parts": parts, "finish_reason": getattr(response, "finish_reason", None)}
    return {"gen_ai.output.messages": _dumps([msg])}
