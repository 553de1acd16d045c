"""One completed call's usage (:class:`UsageRecord`) and a model's running totals (:class:`UsageTotals`)."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..types import Usage

__all__ = ["UsageRecord", "UsageTotals"]


@dataclass(frozen=True)
class UsageRecord:
    """What one completed call used and cost, as given to the
    ``llmcore_usage`` hook, the usage log and ``m.usage``.

    Tokens follow :class:`~llmcore.types.Usage` (``None``: the provider did
    not say; ``input_tokens`` includes cached tokens). ``cost`` is in USD,
    ``None`` when the model has no known price. ``cached`` is true for an
    answer served from llmcore's response cache (no provider call; its
    tokens are those of the original call and ``cost`` is 0).
    ``key_id`` names the API key by a short hash (``sha256:1a2b3c4d``),
    never the key; ``latency`` is seconds from the call to its last event.
    """

    timestamp: float
    provider: str
    model: str
    response_model: str | None = None
    key_id: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None
    cost: float | None = None
    cached: bool = False
    latency: float | None = None
    stream: bool = False
    finish_reason: str | None = None
    batch: bool = False

    @property
    def usage(self) -> Usage:
        from ..types import Usage

        return Usage.model_construct(
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cache_read_tokens=self.cache_read_tokens,
            cache_write_tokens=self.cache_write_tokens,
            reasoning_tokens=self.reasoning_tokens,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class UsageTotals:
    """A model's cumulative usage since it was made (or :meth:`reset`).

    ``requests`` counts calls answered by the provider; ``cache_hits`` calls
    answered by the response cache (their tokens and cost are not added).
    Token totals add what the provider reported (unknown counts add
    nothing). ``cost`` is the sum of the known costs (USD), ``None`` while
    no call had a known price; ``unpriced_requests`` counts calls whose cost
    was unknown. Thread-safe.
    """

    _FIELDS = (
        "requests",
        "cache_hits",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "reasoning_tokens",
        "unpriced_requests",
    )

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: budgets settled with each counted call's cost (the model's ``budget=``)
        self.budgets: list[Any] = []
        self.reset()

    def reset(self) -> None:
        """Start counting again from zero."""
        with self._lock:
            self.requests = 0
            self.cache_hits = 0
            self.input_tokens = 0
            self.output_tokens = 0
            self.cache_read_tokens = 0
            self.cache_write_tokens = 0
            self.reasoning_tokens = 0
            self.unpriced_requests = 0
            self.cost: float | None = None

    @property
    def cached_tokens(self) -> int:
        """Input tokens read from the provider's prompt cache (``cache_read_tokens``)."""
        return self.cache_read_tokens

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def add(self, record: UsageRecord) -> None:
        """Count one completed call."""
        with self._lock:
            if record.cached:
                self.cache_hits += 1
                return
            self.requests += 1
            self.input_tokens += record.input_tokens or 0
            self.output_tokens += record.output_tokens or 0
            self.cache_read_tokens += record.cache_read_tokens or 0
            self.cache_write_tokens += record.cache_write_tokens or 0
            self.reasoning_tokens += record.reasoning_tokens or 0
            if record.cost is None:
                self.unpriced_requests += 1
            else:
                self.cost = (self.cost or 0.0) + record.cost
        for budget in self.budgets:
            budget.add(record.cost)

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            d: dict[str, Any] = {k: getattr(self, k) for k in self._FIELDS}
            d["cost"] = self.cost
        return d

    def __repr__(self) -> str:
        d = self.as_dict()
        cost = "unknown" if d["cost"] is None else f"${d['cost']:.6f}"
        return (
            f"UsageTotals(requests={d['requests']}, cache_hits={d['cache_hits']}, input={d['input_tokens']}, "
            f"output={d['output_tokens']}, cached={d['cache_read_tokens']}, "
            f"reasoning={d['reasoning_tokens']}, cost={cost})"
        )
