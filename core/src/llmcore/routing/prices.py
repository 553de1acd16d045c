"""Where the cost router gets prices: a small seam, not a price table.

Prices belong to the usage/cost accounting (:mod:`llmcore.usage`: prices
set by the user, ``LLMCORE_PRICES_*`` files, the plugins' price tables); the
router only needs "what does this model charge per token". :func:`price_for`
asks, in order: the source set with :func:`set_price_source`, then
:func:`llmcore.usage.price_for`, and finally answers ``None`` (unknown — the
router ranks such models last). :func:`coerce_price` adapts what a source
returns: a :class:`Price`, an object or dict with ``input``/``output`` (or
per-token) rates, or an ``(input, output)`` pair per million tokens.

:class:`Price` is :class:`llmcore.usage.Price` (one price class for accounting
and routing); the router estimates with :meth:`Price.estimate`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..usage.prices import Price

__all__ = ["Price", "PriceSource", "price_for", "set_price_source", "coerce_price"]


#: ``(provider, model_id) -> price or None``
PriceSource = Callable[[str, str], Any]

_source: PriceSource | None = None


def set_price_source(source: PriceSource | None) -> None:
    """Use ``source(provider, model_id)`` for prices (``None``: back to the default)."""
    global _source
    _source = source


def coerce_price(value: Any) -> Price | None:
    """A :class:`Price` from the shapes a lookup may return (``None`` if it cannot tell)."""
    if value is None or isinstance(value, Price):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return Price(input=float(value[0]), output=float(value[1]))
    get = value.get if isinstance(value, dict) else (lambda k, d=None: getattr(value, k, d))
    for inp, out, scale in (
        ("input_per_mtok", "output_per_mtok", 1.0),
        ("input_per_million", "output_per_million", 1.0),
        ("input_cost_per_mtok", "output_cost_per_mtok", 1.0),
        ("input_per_token", "output_per_token", 1e6),
        ("input_cost_per_token", "output_cost_per_token", 1e6),
        ("input", "output", 1.0),
    ):
        a, b = get(inp), get(out)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return Price(input=float(a) * scale, output=float(b) * scale)
    return None


def _from_usage(provider: str, model_id: str) -> Price | None:
    """The usage/cost accounting's price (:func:`llmcore.usage.price_for`: user
    prices, ``LLMCORE_PRICES_*``, then the plugin's price table)."""
    try:
        from ..usage import price_for as usage_price_for
    except ImportError:  # pragma: no cover - usage ships with core
        return None
    try:
        return coerce_price(usage_price_for(provider, model_id))
    except LookupError:
        return None


def price_for(provider: str, model_id: str) -> Price | None:
    """The price of ``provider``'s ``model_id``, or ``None`` when unknown."""
    if _source is not None:
        price = coerce_price(_source(provider, model_id))
        if price is not None:
            return price
    return _from_usage(provider, model_id)
