"""Spending limits: a :class:`Budget` (USD) checked before each call and
settled with each call's real cost.

* per model: ``llmcore.model("openai/gpt-4o", budget=5.0)`` (or a
  :class:`Budget`; pass the same object to several models — the models of a
  fallback chain or a router — to share one limit);
* per process: :func:`set_budget` (every model's calls count, embeddings too);
* per period: ``Budget(usd=5, per="day")`` (``"minute"``, ``"hour"``,
  ``"day"``, ``"week"``; UTC, weeks from Monday): the spending starts again
  at 0 each period;
* across processes and machines: ``Budget(usd=5, per="day", name="team",
  backend="redis://host:6379/0")`` — every process whose budget has the same
  ``name`` and backend shares one spending (the same Redis as the shared rate
  limits); ``backend="sqlite:///path/budgets.db"`` shares it between the
  processes of one machine. See :mod:`llmcore.usage.budget_store` for what a
  Redis outage does (fails closed, typed, bounded; ``fail_open=True`` to let
  calls through).

Before a call the request's cost is estimated (input tokens estimated at
~4 characters per token, output at ``max_tokens`` when given, else 0) at the
model's price; if what was spent plus the estimate would pass the limit,
:class:`~llmcore.errors.BudgetExceededError` is raised and nothing is sent.
After the call its real cost (the provider's, or computed from its usage)
is added. A budget needs a known price: a call whose model has none is
refused with a :class:`~llmcore.errors.ConfigurationError` saying how to
give one. Calls in flight are not reserved: concurrent calls (in this or
other processes) can each pass the check, so a limit can be passed by at
most the calls under way when it is reached.
"""

from __future__ import annotations

import logging
from typing import Any

from ..errors import BackendUnavailableError, BudgetExceededError, ConfigurationError

__all__ = ["Budget", "as_budget", "set_budget", "process_budget"]

log = logging.getLogger("llmcore.usage")


class Budget:
    """A spending limit in USD (``Budget(5)`` or ``Budget(usd=5)``), optionally per
    period (``per="day"``) and shared through a ``backend`` (see the module docstring).
    Thread-safe."""

    def __init__(
        self,
        limit: float | None = None,
        *,
        usd: float | None = None,
        per: str | None = None,
        backend: str | None = None,
        name: str = "budget",
        fail_open: bool = False,
    ) -> None:
        from .budget_store import open_store

        if limit is not None and usd is not None:
            raise ConfigurationError("give a budget's limit once: Budget(5) or Budget(usd=5)")
        value = usd if limit is None else limit
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ConfigurationError(f"a budget is a non-negative number of USD, not {value!r}")
        self.limit = float(value)
        self.name = name
        self.per = per
        self.fail_open = fail_open
        self.store = open_store(backend, name, per)

    @property
    def spent(self) -> float:
        """USD settled so far (in the current period)."""
        return self.store.spent()

    @property
    def remaining(self) -> float:
        return max(0.0, self.limit - self.spent)

    def check(self, estimate: float, *, provider: str | None = None, model: str | None = None) -> None:
        """Raise :class:`BudgetExceededError` if ``estimate`` more would pass the limit
        (a shared budget whose backend is down: :class:`~llmcore.errors.BackendUnavailableError`,
        unless ``fail_open``)."""
        try:
            spent = self.store.spent()
        except BackendUnavailableError as e:
            if not self.fail_open:
                raise
            log.warning("%s not checked (fail_open): %s", self.name, e)
            return
        if spent + estimate > self.limit:
            what = f"{provider}/{model}" if provider and model else "this call"
            period = f" per {self.per}" if self.per else ""
            err = BudgetExceededError(
                f"{self.name} of ${self.limit:.6g}{period} would be exceeded: ${spent:.6g} spent, {what} is "
                f"estimated at ${estimate:.6g}; nothing was sent. Raise the limit, reset() it, or use a cheaper model",
                provider=provider,
            )
            err.spent, err.limit, err.estimate = spent, self.limit, estimate
            raise err

    def add(self, cost: float | None) -> None:
        """Settle one call's real cost (``None``: unknown, nothing added). Never raises
        for a backend outage (a shared store keeps the cost until it answers)."""
        if cost is None:
            return
        self.store.add(cost)

    def reset(self) -> None:
        """Start counting again from 0 (the current period; for a shared budget, for everyone)."""
        self.store.reset()

    def __repr__(self) -> str:
        period = f" per {self.per}" if self.per else ""
        where = "" if self.store.where == "this process" else f", {self.store.where}"
        try:
            spent = f"${self.spent:.6g}"
        except BackendUnavailableError:
            spent = "unknown"
        return f"Budget({self.name}: {spent} of ${self.limit:.6g}{period}{where})"


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
