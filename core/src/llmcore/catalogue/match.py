"""Match rules of the catalogue (from genai-prices): compact JSON clauses
over the lower-cased model id, compiled once to plain functions.

``{"eq": s}`` equals, ``{"sw": s}`` starts with, ``{"ew": s}`` ends with,
``{"in": s}`` contains, ``{"re": pattern}`` regex (``re.match``),
``{"or": [...]}`` / ``{"and": [...]}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import ConfigurationError

__all__ = ["compile_clause"]

Matcher = Callable[[str], bool]


def compile_clause(c: Any) -> Matcher:
    """A function ``(lower_case_id) -> bool`` for clause ``c`` (raises
    :class:`ConfigurationError` on an unknown shape)."""
    if isinstance(c, dict) and len(c) == 1:
        ((kind, arg),) = c.items()
        if kind == "eq" and isinstance(arg, str):
            return arg.__eq__
        if kind == "sw" and isinstance(arg, str):
            return lambda s: s.startswith(arg)
        if kind == "ew" and isinstance(arg, str):
            return lambda s: s.endswith(arg)
        if kind == "in" and isinstance(arg, str):
            return lambda s: arg in s
        if kind == "re" and isinstance(arg, str):
            rx = re.compile(arg)
            return lambda s: rx.match(s) is not None
        if kind in ("or", "and") and isinstance(arg, list):
            parts = [compile_clause(x) for x in arg]
            if kind == "or":
                return lambda s: any(p(s) for p in parts)
            return lambda s: all(p(s) for p in parts)
    raise ConfigurationError(f"unknown catalogue match clause {c!r}")
