"""Provider batch APIs (OpenAI Batch, Anthropic Message Batches, Gemini batch mode).

User functions (also on ``llmcore``): :func:`batch`, :func:`batch_submit`,
:func:`batch_status`, :func:`batch_retrieve` and their ``a``-prefixed async
twins (:mod:`.api`). The seam plugins implement: :class:`BatchProvider`
(:mod:`.base`), with helpers in :mod:`.http`.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "batch",
    "abatch",
    "batch_submit",
    "abatch_submit",
    "batch_status",
    "abatch_status",
    "batch_retrieve",
    "abatch_retrieve",
    "BatchWarning",
    "BatchProvider",
    "BatchRef",
    "BatchStatus",
    "BatchNotReadyError",
    "BatchCanceledError",
    "BatchExpiredError",
    "results_in_order",
    "index_of",
]

_LAZY = {
    **dict.fromkeys(__all__[:9], "api"),
    **dict.fromkeys(__all__[9:], "base"),
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'llmcore.batching' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{mod}", __name__), name)
