"""Bedrock ``stopReason`` → llmcore's finish reason.

``end_turn``/``stop_sequence`` → ``stop``; ``max_tokens`` → ``length``;
``tool_use`` → ``tool_calls``; ``guardrail_intervened``/``content_filtered`` →
``content_filter``; ``model_context_window_exceeded`` (the model filled its
context window while generating: the answer was cut off, like ``max_tokens``)
→ ``length``; ``malformed_model_output``/``malformed_tool_use`` (the model
produced output Bedrock could not parse) → ``error``. Anything else →
``other``; the raw value is always kept.
"""

from __future__ import annotations

from llmcore.types import FinishReason

__all__ = ["map_stop_reason"]

_STOP: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
    "malformed_model_output": "error",
    "malformed_tool_use": "error",
}


def map_stop_reason(raw: str | None) -> FinishReason:
    """The unified finish reason for Bedrock's ``stopReason``."""
    if raw is None:
        return "other"
    return _STOP.get(raw, "other")
