"""Chat Completions ``finish_reason`` → llmcore's unified finish reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmcore.types import FinishReason

__all__ = ["FINISH_REASONS", "map_finish_reason"]

FINISH_REASONS: dict[str, FinishReason] = {
    "stop": "stop",
    "eos": "stop",  # some compatible servers (Together's older models)
    "eos_token": "stop",  # TGI (Hugging Face endpoints) before 2.x
    "end_turn": "stop",
    "length": "length",
    "max_tokens": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",  # the deprecated single-function form
    "content_filter": "content_filter",
    "error": "error",
}


def map_finish_reason(raw: str | None, has_tool_calls: bool = False) -> FinishReason:
    """The unified reason for ``raw``. Unknown values are ``"other"``; a
    response that carries tool calls but says ``stop`` (some compatible
    servers do) is ``"tool_calls"``, since the caller must run them."""
    reason: FinishReason = FINISH_REASONS.get(raw or "", "other")
    if has_tool_calls and reason in ("stop", "other"):
        return "tool_calls"
    return reason
