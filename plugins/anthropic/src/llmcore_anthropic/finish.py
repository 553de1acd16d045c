"""Anthropic ``stop_reason`` → llmcore finish reason.

The raw value is always kept next to the unified one
(``ChatResponse.raw_finish_reason`` / ``Finish.raw_reason``).
"""

from __future__ import annotations

from llmcore.pluginkit import unknown_finish_reason
from llmcore.types import FinishReason

__all__ = ["FINISH_REASONS", "map_finish_reason"]

#: Every stop reason the Messages API documents, and what it means to llmcore.
FINISH_REASONS: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
    "pause_turn": "other",  # a server tool loop paused; send the response back to continue
    # beta: the server compacted the context and stopped (BetaStopReason); send the answer back to go on
    "compaction": "other",
}


def map_finish_reason(raw: str | None) -> FinishReason:
    """The unified finish reason for Anthropic's ``stop_reason`` (``other``
    for ``None`` and for values this version does not know; an unknown value is logged once as a
    warning, and the caller keeps it as ``raw_finish_reason``)."""
    if raw is None:
        return "other"
    reason = FINISH_REASONS.get(raw)
    if reason is None:
        return unknown_finish_reason(raw, "llmcore.anthropic", "stop_reason")
    return reason
