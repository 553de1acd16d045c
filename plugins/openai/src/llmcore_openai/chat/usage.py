"""Chat Completions ``usage`` → :class:`llmcore.types.Usage`.

OpenAI's ``prompt_tokens`` already includes ``prompt_tokens_details.cached_tokens``
and ``completion_tokens`` includes ``completion_tokens_details.reasoning_tokens``,
which is llmcore's convention too, so the numbers pass through. Servers that
report cached prompt tokens as a top-level ``usage.cached_tokens`` (Together,
Moonshot) are read the same way when ``prompt_tokens_details`` has none. A
missing field stays ``None``; so does a ``cached_tokens`` larger than ``prompt_tokens`` (it
cannot be part of them — Grok on Azure AI Foundry reports such counts — and
llmcore does not guess what it counts).
"""

from __future__ import annotations

from typing import Any

from llmcore.types import Usage

__all__ = ["find_usage", "map_usage"]


def _int(v: Any) -> int | None:
    return v if type(v) is int else None  # not bool (an int subclass); JSON gives no other subclass


def find_usage(obj: dict[str, Any], fallbacks: tuple[tuple[str | int, ...], ...] = ()) -> Any:
    """``obj["usage"]``, else the first of the dialect's ``usage_fallbacks``
    paths that holds a value, else ``None``. An ``int`` in a path indexes a
    list (``("choices", 0, "usage")``: Moonshot's last stream chunk)."""
    usage = obj.get("usage")
    if usage is not None or not fallbacks:
        return usage
    for path in fallbacks:
        v: Any = obj
        for key in path:
            if isinstance(key, int):
                v = v[key] if isinstance(v, list) and -len(v) <= key < len(v) else None
            else:
                v = v.get(key) if isinstance(v, dict) else None
        if v is not None:
            return v
    return None


def map_usage(raw: Any) -> Usage:
    """Map one ``usage`` object (``None`` or garbage gives an all-``None`` Usage)."""
    if not isinstance(raw, dict):
        return Usage.model_construct(
            input_tokens=None,
            output_tokens=None,
            cache_read_tokens=None,
            cache_write_tokens=None,
            reasoning_tokens=None,
        )
    pd = raw.get("prompt_tokens_details")
    cd = raw.get("completion_tokens_details")
    cached = _int(pd.get("cached_tokens")) if isinstance(pd, dict) else None
    if cached is None:
        cached = _int(raw.get("cached_tokens"))  # top-level (Together, Moonshot)
    reasoning = _int(cd.get("reasoning_tokens")) if isinstance(cd, dict) else None
    prompt = _int(raw.get("prompt_tokens"))
    if cached is not None and prompt is not None and cached > prompt:
        cached = None
    return Usage.model_construct(
        input_tokens=prompt,
        output_tokens=_int(raw.get("completion_tokens")),
        cache_read_tokens=cached,
        cache_write_tokens=None,
        reasoning_tokens=reasoning,
    )
