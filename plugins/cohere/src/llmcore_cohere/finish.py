"""Cohere ``finish_reason`` → llmcore :data:`~llmcore.types.FinishReason`.

=================  ==============
Cohere             llmcore
=================  ==============
``COMPLETE``       ``stop``
``STOP_SEQUENCE``  ``stop``
``MAX_TOKENS``     ``length``
``TOOL_CALL``      ``tool_calls``
``ERROR``          ``error``
``TIMEOUT``        ``error``
anything else      ``other``
=================  ==============
"""

from __future__ import annotations

from llmcore.types import FinishReason

__all__ = ["map_finish_reason"]

_FINISH: dict[str, FinishReason] = {
    "COMPLETE": "stop",
    "STOP_SEQUENCE": "stop",
    "MAX_TOKENS": "length",
    "TOOL_CALL": "tool_calls",
    "ERROR": "error",
    "TIMEOUT": "error",
}


def map_finish_reason(raw: str | None) -> FinishReason:
    """The unified reason for Cohere's raw ``finish_reason`` (``other`` when unknown or absent)."""
    if raw is None:
        return "other"
    return _FINISH.get(raw, "other")
