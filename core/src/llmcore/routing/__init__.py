"""Fallback chains and routing: models made of models.

* :func:`fallback` — try models in order; move to the next on a retryable
  error (rate limit, 5xx, timeout, connection) or on the errors you name.
* :func:`router` — per call, keep the models that can serve the request
  (tools, vision, structured output, context window, output limit) and use
  the cheapest (``by="cost"``) or the first listed (``by="order"``); the
  others are the fallback chain.

Both have the :class:`llmcore.Model` surface (``chat``/``achat``,
``stream``/``astream``, ``count_tokens``/``acount_tokens``), so they go
wherever a model goes — also into :func:`llmcore.generate`. Per-model limits
are data (:mod:`.catalog`); prices come from :mod:`.prices`.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "Fallback",
    "fallback",
    "Router",
    "router",
    "Candidate",
    "ModelInfo",
    "model_info",
    "register_model_info",
    "Price",
    "price_for",
    "set_price_source",
]

_LAZY = {
    "Fallback": "chain",
    "fallback": "chain",
    "Router": "chain",
    "router": "chain",
    "Candidate": "chain",
    "ModelInfo": "catalog",
    "model_info": "catalog",
    "register_model_info": "catalog",
    "Price": "prices",
    "price_for": "prices",
    "set_price_source": "prices",
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'llmcore.routing' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{mod}", __name__), name)
