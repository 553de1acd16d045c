"""Cohere ``usage`` → llmcore :class:`~llmcore.types.Usage`.

Cohere reports two sets of counts:

* ``usage.tokens`` — every token the model read and wrote, including the
  chat template, Cohere's preamble and tool/document framing;
* ``usage.billed_units`` — the tokens Cohere bills, which leave out that
  framing (so they are much smaller).

llmcore's :class:`Usage` uses ``tokens`` (what the context window and latency
depend on). ``billed_units`` is kept in ``ChatResponse.provider_metadata
["billed_units"]`` for cost accounting. ``usage.cached_tokens`` (prompt
tokens served from Cohere's cache) is a subset of ``tokens.input_tokens`` and
becomes ``cache_read_tokens``; ``tokens.reasoning_tokens`` (thinking models)
becomes ``reasoning_tokens``. Counts Cohere does not send stay ``None``.
"""

from __future__ import annotations

from typing import Any

from llmcore.types import Usage

__all__ = ["map_usage", "billed_units"]


def _int(v: Any) -> int | None:
    # The spec types counts as JSON numbers; they arrive as integers.
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return int(v)


def map_usage(usage: Any) -> Usage:
    """Build a :class:`Usage` from Cohere's ``usage`` object (``None`` → all unknown)."""
    if not isinstance(usage, dict):
        return Usage.model_construct(
            input_tokens=None,
            output_tokens=None,
            cache_read_tokens=None,
            cache_write_tokens=None,
            reasoning_tokens=None,
        )
    tokens = usage.get("tokens")
    tokens = tokens if isinstance(tokens, dict) else {}
    return Usage.model_construct(
        input_tokens=_int(tokens.get("input_tokens")),
        output_tokens=_int(tokens.get("output_tokens")),
        cache_read_tokens=_int(usage.get("cached_tokens")),
        cache_write_tokens=None,
        reasoning_tokens=_int(tokens.get("reasoning_tokens")),
    )


def billed_units(usage: Any) -> dict[str, Any] | None:
    """Cohere's ``billed_units`` (what the call costs), or ``None``."""
    if isinstance(usage, dict) and isinstance(usage.get("billed_units"), dict):
        return dict(usage["billed_units"])
    return None
