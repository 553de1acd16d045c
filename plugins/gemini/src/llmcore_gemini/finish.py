"""Gemini ``finishReason`` / ``promptFeedback.blockReason`` → llmcore finish reasons.

* ``STOP`` → ``stop``, or ``tool_calls`` when the response holds function
  calls (Gemini says ``STOP`` for both);
* ``MAX_TOKENS`` → ``length``;
* safety and policy stops (``SAFETY``, ``RECITATION``, ``BLOCKLIST``,
  ``PROHIBITED_CONTENT``, ``SPII``, ``IMAGE_SAFETY``,
  ``IMAGE_PROHIBITED_CONTENT``, ``IMAGE_RECITATION``, ``MODEL_ARMOR`` — Vertex
  AI's Model Armor blocked the response) and any prompt ``blockReason``
  (``SAFETY``, ``BLOCKLIST``, ``PROHIBITED_CONTENT``, ``IMAGE_SAFETY``,
  ``MODEL_ARMOR``, ``JAILBREAK``, ``OTHER``) → ``content_filter``; ``ESCALATION``
  ("the request was filtered by an escalation rule") is one too;
* failed tool use (``MALFORMED_FUNCTION_CALL``, ``UNEXPECTED_TOOL_CALL``,
  ``TOO_MANY_TOOL_CALLS``, ``MISSING_THOUGHT_SIGNATURE``,
  ``MALFORMED_RESPONSE``) → ``error``;
* the documented rest (``OTHER``, ``LANGUAGE``, ``NO_IMAGE``, ``IMAGE_OTHER``,
  ``FINISH_REASON_UNSPECIFIED``) → ``other``; a value this table does not know
  → ``other`` with a warning (once per value).

Checked against the ``Candidate.finishReason`` enum of the Gemini API's OpenAPI
spec (``api-specs/gemini/openapi.json``, 2026) and Vertex AI's reference
(``MODEL_ARMOR``): ``tests/test_finish_reasons_match_specs.py`` keeps every
value the spec lists in one of the lists above.

The raw value is always kept next to the unified one.
"""

from __future__ import annotations

from llmcore.pluginkit import unknown_finish_reason
from llmcore.types import FinishReason

__all__ = ["CONTENT_FILTER_REASONS", "ERROR_REASONS", "OTHER_REASONS", "map_finish_reason"]

CONTENT_FILTER_REASONS = frozenset(
    {
        "SAFETY",
        "RECITATION",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
        "MODEL_ARMOR",
        "ESCALATION",
    }
)
ERROR_REASONS = frozenset(
    {
        "MALFORMED_FUNCTION_CALL",
        "UNEXPECTED_TOOL_CALL",
        "TOO_MANY_TOOL_CALLS",
        "MISSING_THOUGHT_SIGNATURE",
        "MALFORMED_RESPONSE",
    }
)
#: documented values that mean neither a stop, a cut-off, a block nor an error
OTHER_REASONS = frozenset({"OTHER", "LANGUAGE", "NO_IMAGE", "IMAGE_OTHER", "FINISH_REASON_UNSPECIFIED"})


def map_finish_reason(raw: str | None, *, has_tool_calls: bool = False, blocked: bool = False) -> FinishReason:
    """The unified reason for a candidate's ``finishReason`` (``raw``).

    ``blocked`` means the prompt itself was blocked (``promptFeedback.blockReason``).
    """
    if blocked:
        return "content_filter"
    if raw == "STOP":
        return "tool_calls" if has_tool_calls else "stop"
    if raw == "MAX_TOKENS":
        return "length"
    if raw in CONTENT_FILTER_REASONS:
        return "content_filter"
    if raw in ERROR_REASONS:
        return "error"
    if raw is None and has_tool_calls:
        return "tool_calls"
    if raw is not None and raw not in OTHER_REASONS:
        return unknown_finish_reason(raw, "llmcore.gemini", "finishReason")
    return "other"
