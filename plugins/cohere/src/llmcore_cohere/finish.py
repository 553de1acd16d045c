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
``ERROR_TOXIC``    ``content_filter``
``ERROR_LIMIT``    ``length``
``USER_CANCEL``    ``other``
anything else      ``other`` (with a warning, once per value)
=================  ==============

The first six are v2's ``ChatFinishReason``; the last three are v1's
``FinishReason`` (``api-specs/cohere``: the generation was toxic, hit the
model's context limit, or was cancelled), kept for compatible servers that
still send them. ``tests/test_finish_reasons_match_specs.py`` keeps both enums known.
"""

from __future__ import annotations

from llmcore.pluginkit import unknown_finish_reason
from llmcore.types import FinishReason

__all__ = ["FINISH_REASONS", "map_finish_reason"]

FINISH_REASONS: dict[str, FinishReason] = {
    "COMPLETE": "stop",
    "STOP_SEQUENCE": "stop",
    "MAX_TOKENS": "length",
    "TOOL_CALL": "tool_calls",
    "ERROR": "error",
    "TIMEOUT": "error",
    "ERROR_TOXIC": "content_filter",
    "ERROR_LIMIT": "length",
    "USER_CANCEL": "other",
}


def map_finish_reason(raw: str | None) -> FinishReason:
    """The unified reason for Cohere's raw ``finish_reason`` (``other`` when unknown or absent)."""
    if raw is None:
        return "other"
    reason = FINISH_REASONS.get(raw)
    if reason is None:
        return unknown_finish_reason(raw, "llmcore.cohere")
    return reason
