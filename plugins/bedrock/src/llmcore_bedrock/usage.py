"""Bedrock ``usage`` → :class:`llmcore.types.Usage`.

Bedrock's ``inputTokens`` counts only the input that was neither read from
nor written to the prompt cache; ``cacheReadInputTokens`` and
``cacheWriteInputTokens`` are reported beside it (``totalTokens`` is the sum of
all four). llmcore's ``input_tokens`` includes cached tokens, so it is
``inputTokens + cacheReadInputTokens + cacheWriteInputTokens``. Bedrock does
not break reasoning tokens out of ``outputTokens``: ``reasoning_tokens`` stays
``None``. A field Bedrock does not send stays ``None``.
"""

from __future__ import annotations

from typing import Any

from llmcore.types import Usage

__all__ = ["map_usage"]


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def map_usage(raw: Any) -> Usage:
    """Convert Bedrock's ``TokenUsage`` object (``None``/garbage → unknown)."""
    if not isinstance(raw, dict):
        return Usage.model_construct(
            input_tokens=None,
            output_tokens=None,
            cache_read_tokens=None,
            cache_write_tokens=None,
            reasoning_tokens=None,
        )
    fresh = _int(raw.get("inputTokens"))
    read = _int(raw.get("cacheReadInputTokens"))
    write = _int(raw.get("cacheWriteInputTokens"))
    total_in = None if fresh is None else fresh + (read or 0) + (write or 0)
    return Usage.model_construct(
        input_tokens=total_in,
        output_tokens=_int(raw.get("outputTokens")),
        cache_read_tokens=read,
        cache_write_tokens=write,
        reasoning_tokens=None,
    )
