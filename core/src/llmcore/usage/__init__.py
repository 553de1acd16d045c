"""Usage and cost accounting.

Every call completed through the facade (``chat``/``achat``, a consumed
``stream``/``astream``, cache hits included) becomes a :class:`UsageRecord`
that goes to three places (:func:`record`):

* the model's running totals, ``m.usage`` (:class:`UsageTotals`;
  ``m.usage.reset()`` starts again);
* the ``llmcore_usage(record)`` pluggy hook: every plugin — installed or
  registered in-process with :func:`llmcore.plugins.register` — that
  implements it receives every record (a hook that raises is logged and
  ignored);
* the SQLite usage log read by ``llmcore usage`` (:mod:`.log`).

Cost comes from the prices each plugin ships and the model catalogue
(:mod:`.prices`, :mod:`llmcore.catalogue`); a cost the provider reports
itself (OpenRouter's ``usage.cost``) wins over any price table
(:func:`reported_cost`). An unknown price gives ``cost=None`` (never a
made-up 0) and never blocks a call.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from .budget import Budget, process_budget, set_budget
from .log import UsageLog, default_log_path, disable_log, enable_log, usage_log
from .prices import Price, PriceTable, clear_prices, cost_of, load_prices, price_for, prices_for, set_prices
from .record import UsageRecord, UsageTotals

if TYPE_CHECKING:
    from ..spec import ProviderSpec
    from ..types import ChatResponse

__all__ = [
    "UsageRecord",
    "UsageTotals",
    "UsageLog",
    "usage_log",
    "default_log_path",
    "enable_log",
    "disable_log",
    "Price",
    "PriceTable",
    "set_prices",
    "clear_prices",
    "price_for",
    "prices_for",
    "cost_of",
    "load_prices",
    "Budget",
    "set_budget",
    "process_budget",
    "make_record",
    "reported_cost",
    "record",
    "emit",
]

log = logging.getLogger("llmcore.usage")

_new_record = object.__new__
_setattr = object.__setattr__


def _usd(v: object) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 else None


def reported_cost(resp: object) -> float | None:
    """The cost (USD) the provider reported for this answer, or ``None``:
    ``usage.cost`` in the raw answer (OpenRouter), or ``cost`` /
    ``usage.cost`` in its ``provider_metadata`` (top level or under the
    provider's name; where embeddings keep OpenRouter's usage extras)."""
    raw = getattr(resp, "raw", None)
    if isinstance(raw, dict) and isinstance(raw.get("usage"), dict):
        found = _usd(raw["usage"].get("cost"))
        if found is not None:
            return found
    pm = getattr(resp, "provider_metadata", None)
    if isinstance(pm, dict) and isinstance(pm.get("requests"), list) and pm["requests"]:
        # embeddings split over several requests: the sum, when every request reported one
        parts = [_meta_cost(d, getattr(resp, "provider", None)) for d in pm["requests"]]
        return None if None in parts else sum(p for p in parts if p is not None)
    return _meta_cost(pm, getattr(resp, "provider", None))


def _meta_cost(pm: object, provider: object) -> float | None:
    if isinstance(pm, dict):
        for d in (pm, pm.get(provider) if isinstance(provider, str) else None):
            if not isinstance(d, dict):
                continue
            found = _usd(d.get("cost"))
            if found is None and isinstance(d.get("usage"), dict):
                found = _usd(d["usage"].get("cost"))
            if found is not None:
                return found
    return None


def make_record(
    spec: ProviderSpec,
    model: str,
    resp: ChatResponse,
    *,
    started: float,
    stream: bool,
    cached: bool = False,
    key_id: str | None = None,
    price: Price | None = None,
    batch: bool = False,
) -> UsageRecord:
    """The record of one completed call. ``price`` overrides the lookup
    (``llmcore.model(..., prices=...)``); ``started`` is a
    ``time.perf_counter()`` value."""
    u = resp.usage
    if cached:
        cost: float | None = 0.0
    else:
        cost = reported_cost(resp)
        if cost is None:
            p = price if price is not None else price_for(spec, model, response_model=resp.model)
            cost = cost_of(p, u, batch=batch)
    # the frozen dataclass's __init__ sets each of its 16 fields through object.__setattr__
    # (once per call, on the hot path): the same record, its __dict__ set in one step
    rec = _new_record(UsageRecord)
    _setattr(
        rec,
        "__dict__",
        {
            "timestamp": time.time(),
            "provider": spec.name,
            "model": model,
            "response_model": resp.model,
            "key_id": key_id,
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "cache_read_tokens": u.cache_read_tokens,
            "cache_write_tokens": u.cache_write_tokens,
            "reasoning_tokens": u.reasoning_tokens,
            "cost": cost,
            "cached": cached,
            "latency": time.perf_counter() - started,
            "stream": stream,
            "finish_reason": resp.finish_reason,
            "batch": batch,
        },
    )
    return rec


#: (the registry, its ``llmcore_usage`` hook caller or None): the caller is looked up once per
#: registry; :func:`llmcore.plugins.register` drops the registry, so a plugin registered later
#: is a new registry here. Whether the hook has implementations is asked on every call
#: (``get_hookimpls`` is a list copy), so one added to the same plugin manager is seen too.
_hook_of: tuple[object, object] = (None, None)
_plugins: Any = None


def _usage_hook() -> object:
    """The current registry's ``llmcore_usage`` hook caller (``None`` without a plugin manager)."""
    global _hook_of, _plugins
    plugins = _plugins
    if plugins is None:  # imported on first use (llmcore.plugins imports much of llmcore)
        from .. import plugins

        _plugins = plugins
    reg = plugins._registry  # read without the lock (an atomic load); None means rediscover
    if reg is None:
        reg = plugins.get_registry()
    if _hook_of[0] is not reg:
        pm = getattr(reg, "pm", None)
        _hook_of = (reg, pm.hook.llmcore_usage if pm is not None else None)
    return _hook_of[1]


def emit(rec: UsageRecord) -> None:
    """Give ``rec`` to every ``llmcore_usage`` hook implementation and the usage log."""
    try:
        hook: Any = _usage_hook()
        if hook is not None and hook.get_hookimpls():
            hook(record=rec)
    except Exception as e:  # a hook must never fail the call that already succeeded
        log.warning("an llmcore_usage hook raised %s: %s", type(e).__name__, e)
    lg = usage_log()
    if lg is not None:
        lg.write(rec)


def record(rec: UsageRecord, totals: UsageTotals | None = None) -> None:
    """Add ``rec`` to ``totals`` (and the budgets attached to them), settle it
    with the process budget, and :func:`emit` it."""
    if totals is not None:
        totals.add(rec)
    if not rec.cached:
        pb = process_budget()
        if pb is not None:
            pb.add(rec.cost)
    emit(rec)
