"""Ollama ``done_reason`` → llmcore :data:`~llmcore.types.FinishReason`.

=====================  ==============
Ollama                 llmcore
=====================  ==============
``stop``               ``stop`` (``tool_calls`` when the answer has tool calls:
                       Ollama says ``stop`` after a tool call)
``length``             ``length``
``load``, ``unload``   ``other`` (a model (un)load request, not an answer)
absent                 ``other``
anything else          ``other``, with a warning (once per value)
=====================  ==============
"""

from __future__ import annotations

from llmcore.pluginkit import unknown_finish_reason
from llmcore.types import FinishReason

__all__ = ["map_finish_reason"]


def map_finish_reason(raw: str | None, *, has_tool_calls: bool = False) -> FinishReason:
    """The unified reason for Ollama's ``done_reason``."""
    if raw == "stop":
        return "tool_calls" if has_tool_calls else "stop"
    if raw == "length":
        return "length"
    if has_tool_calls and raw is None:
        return "tool_calls"
    if raw and raw not in ("load", "unload"):
        return unknown_finish_reason(raw, "llmcore.ollama", "done_reason")
    return "other"
