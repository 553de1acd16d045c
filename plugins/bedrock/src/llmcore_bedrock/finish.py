"""Bedrock ``stopReason`` → llmcore's finish reason.

``end_turn``/``stop_sequence`` → ``stop``; ``max_tokens`` → ``length``;
``tool_use`` → ``tool_calls``; ``guardrail_intervened``/``content_filtered`` →
``content_filter``; ``model_context_window_exceeded`` (the model filled its
context window while generating: the answer was cut off, like ``max_tokens``)
→ ``length``; ``malformed_model_output``/``malformed_tool_use`` (the model
produced output Bedrock could not parse) → ``error``. Anything else →
``other`` with a warning (once per value); the raw value is always kept.

The Converse API reference lists every value above; the Smithy model in
``api-specs/bedrock`` (an older one) lists the first six, and
``tests/test_finish_reasons_match_specs.py`` keeps them all known.
"""

from __future__ import annotations

from llmcore.pluginkit import unknown_finish_reason
from llmcore.types import FinishReason

__all__ = ["STOP_REASONS", "map_stop_reason"]

STOP_REASONS: dict[str, FinishReason] = {
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
    reason = STOP_REASONS.get(raw)
    if reason is None:
        return unknown_finish_reason(raw, "llmcore.bedrock", "stopReason")
    return reason
