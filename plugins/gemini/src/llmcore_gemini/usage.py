"""Gemini ``usageMetadata`` → :class:`llmcore.types.Usage`.

Gemini's ``promptTokenCount`` already includes ``cachedContentTokenCount``
(the cached part of the prompt), which matches llmcore's convention.
Tokens of server-side tool prompts (``toolUsePromptTokenCount``, e.g. Google
Search grounding) are billed as input and are not part of
``promptTokenCount`` (``totalTokenCount`` = prompt + tool-use prompt +
candidates + thoughts), so they are added to ``input_tokens``.
``output_tokens`` = ``candidatesTokenCount`` + ``thoughtsTokenCount``;
``reasoning_tokens`` = ``thoughtsTokenCount``.

A count the server did not send stays ``None``; when ``candidatesTokenCount``
is absent but ``totalTokenCount`` is present (a blocked or empty answer), the
output is derived as total - input rather than invented.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmcore.types import Usage

__all__ = ["map_usage"]


def _int(raw: Mapping[str, Any], key: str) -> int | None:
    v = raw.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def map_usage(raw: Mapping[str, Any] | None) -> Usage | None:
    """The usage of a response, or ``None`` when it carries no ``usageMetadata``."""
    if not raw:
        return None
    prompt = _int(raw, "promptTokenCount")
    tool_prompt = _int(raw, "toolUsePromptTokenCount")
    candidates = _int(raw, "candidatesTokenCount")
    thoughts = _int(raw, "thoughtsTokenCount")
    total = _int(raw, "totalTokenCount")
    cached = _int(raw, "cachedContentTokenCount")

    input_tokens = None if prompt is None else prompt + (tool_prompt or 0)
    if candidates is not None:
        output_tokens: int | None = candidates + (thoughts or 0)
    elif total is not None and input_tokens is not None:
        output_tokens = max(total - input_tokens, 0)
    else:
        output_tokens = thoughts
    return Usage.model_construct(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cache_read_tokens=cached,
        cache_write_tokens=None,
        reasoning_tokens=thoughts,
    )
