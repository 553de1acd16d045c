"""Ollama's final-chunk counters → llmcore :class:`~llmcore.types.Usage`.

``prompt_eval_count`` is the prompt tokens, ``eval_count`` the generated
tokens (thinking included). Ollama omits ``prompt_eval_count`` when the whole
prompt came from its cache, and reports no cache or reasoning split, so those
stay ``None`` (never an invented 0). The durations (nanoseconds) go to
``provider_metadata["timings"]``.
"""

from __future__ import annotations

from typing import Any

from llmcore.types import Usage

__all__ = ["map_usage", "timings"]

_TIMINGS = ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def map_usage(chunk: dict[str, Any]) -> Usage:
    """:class:`Usage` from a final (``done: true``) chunk or non-streamed response."""
    return Usage.model_construct(
        input_tokens=_int(chunk.get("prompt_eval_count")),
        output_tokens=_int(chunk.get("eval_count")),
        cache_read_tokens=None,
        cache_write_tokens=None,
        reasoning_tokens=None,
    )


def timings(chunk: dict[str, Any]) -> dict[str, int]:
    """The durations Ollama reports (nanoseconds), by name."""
    return {k: chunk[k] for k in _TIMINGS if _int(chunk.get(k)) is not None}
