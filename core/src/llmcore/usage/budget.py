"""Spending limits: a :class:`Budget` (USD) checked before each call and
settled with each call's real cost.

* per model: ``llmcore.model("openai/gpt-4o", budget=5.0)`` (or a
  :class:`Budget`; pass the same object to several models — the models of a
  fallback chain or a router — to share one limit);
* per process: :func:`set_budget` (every model's calls count, embeddings too).

Before a call the request's cost is estimated (input tokens estimated at
~4 characters per token, output at ``max_tokens`` when given, else 0) at the
model's price; if what was spent plus the estimate would pass the limit,
:class:`~llmcore.errors.BudgetExceededError` is raised and nothing is sent.
After the call its real cost (the provider's, or computed from its usage)
is added. A budget needs a known price: a call whose model has none is
refused with a :class:`~llmcore.errors.ConfigurationError` saying how to
give one. In-process only: calls in flight are not reserved (concurrent
calls can each pass the check), and budgets are not shared across
processes yet.
"""

from __future__ import annotations

import threading
from typing import Any

from ..errors import BudgetExceededError, ConfigurationError

__all__ = ["Budget", "as_budget", "set_budget", "process_budget"]


class Budget:
    """A spending limit in USD. Thread-safe."""

    def __init__(self, limit: float, *, name: str = "budget") -> None:
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not limit >= 0:
            raise ConfigurationError(f"a budget is a non-negative number of USD, not {limit!r}")
        self.limit = float(limit)
        self.name = name
        self._spent = 0.0
        self._lock = threading.Lock()

    @property
    def spent(self) -> float:
        """USD settled so far."""
        return self._spent

    @property
    def remaining(self) -> float:
        return max(0.0, self.limit - self._spent)

    def check(self, estimate: float, *, provider: str | None = None, model: str | None = None) -> None:
        """Raise :class:`BudgetExceededError` if ``estimate`` more would pass the limit."""
        spent = self._spent
        if spent + estimate > self.limit:
            what = f"{provider}/{model}" if provider and model else "this call"
            err = BudgetExceededError(
                f"{self.name} of ${self.limit:.6g} would be exceeded: ${spent:.6g} spent, {what} is estimated "
                f"at ${estimate:.6g}; nothing was sent. Raise the limit, reset() it, or use a cheaper model",
                provider=provider,
            )
            err.spent, err.limit, err.estimate = spent, self.limit, estimate
            raise err

    def add(self, cost: float | None) -> None:
        """Settle one call's real cost (``None``: unknown, nothing added)."""
        if cost is None:
            return
        with self._lock:
            self._spent += cost

    def reset(self) -> None:
        """Start counting again from 0."""
        with self._lock:
            self._spent = 0.0

    def __repr__(self) -> str:
        return f"Budget({self.name}: ${self._spent:.6g} of ${self.limit:.6g})"


def as_budget(value: Any, name: str) -> Budget | None:
    """``None``, a :class:`Budget`, or a number of USD (a new budget called ``name``)."""
    if value is None or isinstance(value, Budget):
        return value
    return Budget(value, name=name)


_process: list[Budget | None] = [None]


def set_budget(limit: float | Budget | None) -> Budget | None:
    """Limit this process's spending (every model's calls; ``None`` removes the limit).
    Costs are counted from this call on; returns the budget."""
    _process[0] = as_budget(limit, "the process budget")
    return _process[0]


def process_budget() -> Budget | None:
    """The process-wide budget, if any."""
    return _process[0]
