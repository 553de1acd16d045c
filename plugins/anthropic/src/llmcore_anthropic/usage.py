"""Anthropic usage → :class:`llmcore.types.Usage`.

Anthropic's ``input_tokens`` counts only the uncached part of the prompt:
``cache_read_input_tokens`` and ``cache_creation_input_tokens`` come on top.
llmcore's ``input_tokens`` is the whole prompt, so it is the sum of the three;
``cache_read_tokens``/``cache_write_tokens`` are taken from the two cache
fields. A field the API did not send stays ``None``.

In a stream, ``message_start`` carries the input side and ``message_delta``
the final (cumulative) counts; :func:`merge_usage` folds them field by field,
later values winning, exactly like the official SDK does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmcore.types import Usage

__all__ = ["USAGE_FIELDS", "map_usage", "merge_usage"]

USAGE_FIELDS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


def merge_usage(into: dict[str, Any], update: Mapping[str, Any] | None) -> dict[str, Any]:
    """Copy the non-``None`` counters of ``update`` into ``into`` (in place)."""
    if update and isinstance(update, Mapping):
        for k in USAGE_FIELDS:
            v = update.get(k)
            if v is not None:
                into[k] = v
    return into


def _int(v: Any) -> int | None:
    """A count, or ``None`` for anything that is not an integer (a server's garbage is unknown, not a crash)."""
    return v if type(v) is int else None  # not bool (an int subclass); JSON gives no other subclass


def map_usage(raw: Mapping[str, Any] | None) -> Usage:
    """Build llmcore usage from an Anthropic ``usage`` object (no validation)."""
    # a parsed body's usage is a dict: one type test before the (slower) ABC check
    if not raw or not (type(raw) is dict or isinstance(raw, Mapping)):
        return Usage.model_construct(
            input_tokens=None,
            output_tokens=None,
            cache_read_tokens=None,
            cache_write_tokens=None,
            reasoning_tokens=None,
        )
    uncached = _int(raw.get("input_tokens"))
    read = _int(raw.get("cache_read_input_tokens"))
    write = _int(raw.get("cache_creation_input_tokens"))
    # Without the uncached count the total is unknown, whatever the cache says.
    total = None if uncached is None else uncached + (read or 0) + (write or 0)
    return Usage.model_construct(
        input_tokens=total,
        output_tokens=_int(raw.get("output_tokens")),
        cache_read_tokens=read,
        cache_write_tokens=write,
        # Anthropic bills thinking as output tokens but does not report them apart.
        reasoning_tokens=None,
    )
