"""Chat Completions ``finish_reason`` → llmcore's unified finish reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmcore.pluginkit import unknown_finish_reason

if TYPE_CHECKING:
    from llmcore.types import FinishReason

__all__ = ["FINISH_REASONS", "map_finish_reason"]

FINISH_REASONS: dict[str, FinishReason] = {
    "stop": "stop",
    "eos": "stop",  # some compatible servers (Together's older models)
    "eos_token": "stop",  # TGI (Hugging Face endpoints) before 2.x
    "end_turn": "stop",
    "stop_sequence": "stop",  # TGI's FinishReason enum (Hugging Face spec: length, eos_token, stop_sequence)
    "length": "length",
    "max_tokens": "length",
    "model_length": "length",  # Mistral: the model's context length was reached (ChatCompletionChoice enum)
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",  # the deprecated single-function form
    "content_filter": "content_filter",
    "error": "error",
    # DeepSeek: "interrupted due to insufficient resource of the inference system" (the answer is cut short)
    "insufficient_system_resource": "error",
}


def map_finish_reason(raw: str | None, has_tool_calls: bool = False) -> FinishReason:
    """The unified reason for ``raw``. Unknown values are ``"other"``; a
    response that carries tool calls but says ``stop`` (some compatible
    servers do) is ``"tool_calls"``, since the caller must run them. An unknown non-empty value is
    logged once as a warning (the raw value itself is kept by the caller as ``raw_finish_reason``)."""
    reason: FinishReason | None = FINISH_REASONS.get(raw or "")
    if reason is None:
        reason = unknown_finish_reason(raw, "llmcore.openai")
    if has_tool_calls and reason in ("stop", "other"):
        return "tool_calls"
    return reason
