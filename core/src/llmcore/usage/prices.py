"""Prices: data shipped by each plugin, overridable by the user; cost of a call.

A plugin names a JSON file in its package with ``ProviderSpec(prices=
"llmcore_openai:prices.json")``; it is read (``importlib.resources``) the
first time a cost is needed, never at discovery. The file::

    {
      "format": "llmcore-prices/1",
      "currency": "USD", "unit": "per 1M tokens",
      "as_of": "2026-11-21", "sources": ["https://.../pricing"],
      "models": {
        "gpt-4o": {"input": 2.5, "cached_input": 1.25, "output": 10.0,
                   "batch_input": 1.25, "batch_output": 5.0},
        "claude-sonnet-4-5": {"input": 3, "cache_write": 3.75, "cached_input": 0.3, "output": 15,
                              "long_context": {"above": 200000, "input": 6, "output": 22.5, ...}}
      },
      "aliases": {"chatgpt-4o-latest": "gpt-4o"}
    }

Rates are USD per million tokens: ``input`` (uncached input), ``output``
(includes reasoning), ``cached_input`` (prompt-cache reads; default
``input``), ``cache_write`` (prompt-cache writes, 5-minute TTL; default
``input``), ``cache_write_1h`` (1-hour TTL writes, used for a usage's
``cache_write_1h_tokens`` where a provider reports them), ``reasoning``
(reasoning tokens, where priced apart from ``output``),
``batch_input``/``batch_output``/``batch_cached_input``/``batch_cache_write``
(batch API, where they differ; default the standard rates),
``long_context`` (rates above ``above`` input tokens: the whole request at
those rates). ``per_1k_searches``/``per_1k_requests`` (USD per thousand) are
kept as data; no usage counts them yet, so they are not in a cost.

A model name matches exactly, then through ``aliases``, then by the longest
name it extends with a date or version suffix (``gpt-4o-2024-08-06`` →
``gpt-4o``, ``claude-3-5-haiku-20241022`` → ``claude-3-5-haiku``,
``gemini-1.5-pro-002`` → ``gemini-1.5-pro``) — ``gpt-4o-mini`` never falls
back to ``gpt-4o``. Unknown → cost ``None`` (never an error).

User overrides, strongest first: ``llmcore.model(..., prices={...})``
(one model's rates), :func:`set_prices`, the file named by
``$LLMCORE_PRICES`` (``{"<provider>": {"models": {...}}}``), the plugin's
file, then the model catalogue (:mod:`llmcore.catalogue`: genai-prices and
models.dev data, with its own overrides) — so every provider and model the
catalogue prices gets a cost.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from .envread import EnvVars

if TYPE_CHECKING:
    from ..spec import ProviderSpec
    from ..types import Usage

__all__ = ["Price", "PriceTable", "set_prices", "clear_prices", "price_for", "prices_for", "cost_of", "load_prices"]

FORMAT = "llmcore-prices/1"
_RATE_FIELDS = (
    "input",
    "output",
    "cached_input",
    "cache_write",
    "cache_write_1h",
    "reasoning",
    "batch_input",
    "batch_output",
    "batch_cached_input",
    "batch_cache_write",
    "per_1k_searches",
    "per_1k_requests",
)

# date / version suffixes a dated model name may add to a priced name
_SUFFIX = re.compile(
    r"[-@:](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|\d{3}|latest|v\d+(?::\d+)?|\d{2}-\d{4}|\d{2}-\d{2}"
    r"|preview(?:-\d{2}-\d{2,4})?|exp(?:-\d{2}-\d{2,4}|-\d{4})?)"
    r"(?:[-@:](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|\d{3}|v\d+(?::\d+)?|\d{2}-\d{2}|\d{2}-\d{4}))*"
)


@dataclass(frozen=True)
class Price:
    """Rates for one model, USD per million tokens (see the module docstring)."""

    input: float
    output: float
    cached_input: float | None = None
    cache_write: float | None = None
    batch_input: float | None = None
    batch_output: float | None = None
    long_context_above: int | None = None
    long_context: Price | None = None
    cache_write_1h: float | None = None
    reasoning: float | None = None
    batch_cached_input: float | None = None
    batch_cache_write: float | None = None
    per_1k_searches: float | None = None
    per_1k_requests: float | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], where: str = "price") -> Price:
        """Build from a price-file entry (raises :class:`ConfigurationError` on bad data)."""
        if not isinstance(d, Mapping):
            raise ConfigurationError(f"{where} must be an object of rates, not {type(d).__name__}")
        known = {*_RATE_FIELDS, "long_context", "note", "notes"}
        unknown = set(d) - known
        if unknown:
            raise ConfigurationError(
                f"{where}: unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known - {'notes'}))}"
            )
        for req in ("input", "output"):
            if req not in d:
                raise ConfigurationError(f"{where} needs {req!r} (USD per 1M tokens)")
        rates: dict[str, float | None] = {}
        for k in _RATE_FIELDS:
            v = d.get(k)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0):
                raise ConfigurationError(f"{where}.{k} must be a non-negative number, not {v!r}")
            rates[k] = float(v) if v is not None else None
        long_ctx = None
        above = None
        lc = d.get("long_context")
        if lc is not None:
            if not isinstance(lc, Mapping) or not isinstance(lc.get("above"), int):
                raise ConfigurationError(f"{where}.long_context needs 'above' (input tokens) and rates")
            above = int(lc["above"])
            long_ctx = cls.from_dict({k: v for k, v in lc.items() if k != "above"}, f"{where}.long_context")
        return cls(
            input=rates["input"],  # type: ignore[arg-type]  # required above
            output=rates["output"],  # type: ignore[arg-type]
            cached_input=rates["cached_input"],
            cache_write=rates["cache_write"],
            batch_input=rates["batch_input"],
            batch_output=rates["batch_output"],
            long_context_above=above,
            long_context=long_ctx,
            cache_write_1h=rates["cache_write_1h"],
            reasoning=rates["reasoning"],
            batch_cached_input=rates["batch_cached_input"],
            batch_cache_write=rates["batch_cache_write"],
            per_1k_searches=rates["per_1k_searches"],
            per_1k_requests=rates["per_1k_requests"],
        )

    def cost(self, usage: Usage, *, batch: bool = False) -> float | None:
        """USD for ``usage``; ``None`` when input or output tokens are unknown."""
        inp, out = usage.input_tokens, usage.output_tokens
        if inp is None or out is None:
            return None
        p = self
        if self.long_context is not None and self.long_context_above is not None and inp > self.long_context_above:
            p = self.long_context
        read = usage.cache_read_tokens or 0
        write = usage.cache_write_tokens or 0
        # 1-hour cache writes: a subset of cache_write_tokens, where the usage says (Anthropic's TTL tiers)
        # (looked up only when there are writes: a missing attribute of a pydantic model costs an exception)
        write_1h = min(write, getattr(usage, "cache_write_1h_tokens", None) or 0) if write else 0
        reasoning = min(out, usage.reasoning_tokens or 0) if p.reasoning is not None else 0
        fresh = max(0, inp - read - write)
        in_rate = p.batch_input if batch and p.batch_input is not None else p.input
        out_rate = p.batch_output if batch and p.batch_output is not None else p.output
        if batch and p.batch_cached_input is not None:
            read_rate = p.batch_cached_input
        else:
            read_rate = p.cached_input if p.cached_input is not None else in_rate
        if batch and p.batch_cache_write is not None:
            write_rate = p.batch_cache_write
        else:
            write_rate = p.cache_write if p.cache_write is not None else in_rate
        write_1h_rate = p.cache_write_1h if p.cache_write_1h is not None else write_rate
        reasoning_rate = p.reasoning if p.reasoning is not None else out_rate
        return (
            fresh * in_rate
            + read * read_rate
            + (write - write_1h) * write_rate
            + write_1h * write_1h_rate
            + (out - reasoning) * out_rate
            + reasoning * reasoning_rate
        ) / 1_000_000

    def estimate(self, input_tokens: int, output_tokens: int) -> float:
        """USD for that many uncached input and output tokens (the cost router's estimate of a
        request before it is sent: no cache or reasoning split is known yet)."""
        p = self
        if (
            self.long_context is not None
            and self.long_context_above is not None
            and input_tokens > self.long_context_above
        ):
            p = self.long_context
        return (input_tokens * p.input + output_tokens * p.output) / 1_000_000


class PriceTable:
    """The priced models of one provider (one price file)."""

    def __init__(
        self,
        models: Mapping[str, Price],
        aliases: Mapping[str, str] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        self.models = dict(models)
        self.aliases = dict(aliases or {})
        self.meta = dict(meta or {})
        self._by_len = sorted(self.models, key=len, reverse=True)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "prices") -> PriceTable:
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"{where} must be a JSON object")
        fmt = data.get("format", FORMAT)
        if fmt != FORMAT:
            raise ConfigurationError(f"{where}: unknown price format {fmt!r} (expected {FORMAT!r})")
        models_raw = data.get("models")
        if not isinstance(models_raw, Mapping):
            raise ConfigurationError(f"{where} needs a 'models' object")
        models = {name: Price.from_dict(d, f"{where}: {name}") for name, d in models_raw.items()}
        aliases = data.get("aliases") or {}
        for a, target in aliases.items():
            if target not in models:
                raise ConfigurationError(f"{where}: alias {a!r} points to unpriced model {target!r}")
        meta = {k: v for k, v in data.items() if k not in ("models", "aliases")}
        return cls(models, aliases, meta)

    def lookup(self, model: str) -> Price | None:
        """The price of ``model`` (exact, alias, then dated-suffix match)."""
        names = [model]
        if "/" in model:
            names.append(model.rsplit("/", 1)[1])  # "models/gemini-2.5-pro", "org/model"
        for name in names:
            p = self.models.get(name)
            if p is not None:
                return p
            alias = self.aliases.get(name)
            if alias is not None:
                return self.models[alias]
        for name in names:
            for known in self._by_len:
                if name.startswith(known) and _SUFFIX.fullmatch(name[len(known) :]):
                    return self.models[known]
            for alias, target in self.aliases.items():
                if name.startswith(alias) and _SUFFIX.fullmatch(name[len(alias) :]):
                    return self.models[target]
        return None


_lock = threading.Lock()
_plugin_tables: dict[str, PriceTable | None] = {}
_user: dict[str, dict[str, Price]] = {}
_env_tables: dict[str, dict[str, PriceTable]] = {}
#: lookups already answered (cleared when prices change); the version guards against races
_found: dict[tuple[Any, ...], Price | None] = {}
_version = [0]
_MISS = object()

#: ``$LLMCORE_PRICES`` as stored (:mod:`llmcore.usage.envread`: ~0.05 µs, where ``os.environ.get``
#: costs ~1-3 µs, most of a cached :func:`price_for` call): only compared, to key the lookup
#: cache, so a change to the variable is seen on the next call
_PRICES_ENV = EnvVars("LLMCORE_PRICES")
_prices_env = _PRICES_ENV.stored


def load_prices(resource: str) -> PriceTable:
    """Read a price file named ``"package:path/in/package.json"``."""
    from importlib import resources

    package, sep, path = resource.partition(":")
    if not sep or not package or not path:
        raise ConfigurationError(f"prices resource {resource!r} must look like 'package:file.json'")
    try:
        text = resources.files(package).joinpath(path).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as e:
        raise ConfigurationError(f"cannot read prices {resource!r}: {e}") from None
    return PriceTable.from_json(json.loads(text), resource)


def _plugin_table(spec: ProviderSpec) -> PriceTable | None:
    resource = getattr(spec, "prices", None)
    if not resource:
        return None
    with _lock:
        if resource in _plugin_tables:
            return _plugin_tables[resource]
    try:
        table: PriceTable | None = load_prices(resource)
    except (ConfigurationError, ValueError) as e:
        import logging

        logging.getLogger("llmcore.usage").warning("prices of %s unusable: %s", spec.name, e)
        table = None
    with _lock:
        _plugin_tables[resource] = table
    return table


def _env_table(provider: str) -> PriceTable | None:
    path = os.environ.get("LLMCORE_PRICES")
    if not path:
        return None
    with _lock:
        cached = _env_tables.get(path)
    if cached is None:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            raise ConfigurationError(f"LLMCORE_PRICES={path!r} is not a readable JSON file: {e}") from None
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"LLMCORE_PRICES={path!r} must hold an object keyed by provider")
        cached = {}
        for prov, section in data.items():
            if isinstance(section, Mapping) and "models" not in section:
                section = {"models": section}
            cached[prov] = PriceTable.from_json(section, f"{path}: {prov}")
        with _lock:
            _env_tables[path] = cached
    return cached.get(provider)


def set_prices(provider: str, models: Mapping[str, Mapping[str, Any] | Price]) -> None:
    """Override (or add) prices for ``provider``'s models, in this process:
    ``set_prices("openai", {"gpt-4o": {"input": 2.5, "output": 10}})``."""
    parsed = {
        name: p if isinstance(p, Price) else Price.from_dict(p, f"{provider}/{name}") for name, p in models.items()
    }
    with _lock:
        _user.setdefault(provider, {}).update(parsed)
        _found.clear()
        _version[0] += 1


def clear_prices() -> None:
    """Forget :func:`set_prices` overrides and every loaded price file."""
    with _lock:
        _user.clear()
        _plugin_tables.clear()
        _env_tables.clear()
        _found.clear()
        _version[0] += 1


def prices_for(spec: ProviderSpec) -> PriceTable | None:
    """The plugin's price table of ``spec`` (``None`` if it ships none)."""
    return _plugin_table(spec)


def price_for(spec: ProviderSpec | str, model: str, *, response_model: str | None = None) -> Price | None:
    """The price of ``model`` on ``spec``'s provider (a spec or a provider
    name), or ``None``. The response's model name (often a dated snapshot) is
    tried after ``model``."""
    key = (
        spec if isinstance(spec, str) else spec.name,
        getattr(spec, "prices", None),
        model,
        response_model,
        _prices_env(),
    )
    # A read needs no lock: a dict lookup is atomic, and a stale answer racing
    # a price change is no different from one returned just before it.
    version = _version[0]
    found = _found.get(key, _MISS)
    if found is not _MISS:
        return found  # type: ignore[return-value]
    found = _price_for(spec, model, response_model)
    with _lock:
        if _version[0] == version:  # nothing changed meanwhile
            if len(_found) > 4096:
                _found.clear()
            _found[key] = found
    return found


def _price_for(spec: ProviderSpec | str, model: str, response_model: str | None) -> Price | None:
    if isinstance(spec, str):
        from ..plugins import get_registry

        found = get_registry().get(spec)
        if found is None:
            return _user_or_env(spec, [model]) or _catalogue_price(spec, [model])
        spec = found
    names = [model] + ([response_model] if response_model and response_model != model else [])
    p = _user_or_env(spec.name, names)
    if p is not None:
        return p
    table = _plugin_table(spec)
    if table is not None:
        for n in names:
            p = table.lookup(n)
            if p is not None:
                return p
    return _catalogue_price(spec.name, names)


def _catalogue_price(provider: str, names: list[str]) -> Price | None:
    """The model catalogue's price (:mod:`llmcore.catalogue`), or ``None``."""
    from .. import catalogue

    for n in names:
        info = catalogue.lookup(provider, n)
        if info is not None and info.price is not None:
            try:
                return Price.from_dict(info.price, f"catalogue {provider}/{info.id}")
            except ConfigurationError as e:  # bad data in a refreshed snapshot: unknown, never a wrong price
                import logging

                logging.getLogger("llmcore.usage").warning("%s", e)
                return None
    return None


def _user_or_env(provider: str, names: list[str]) -> Price | None:
    with _lock:
        user = dict(_user.get(provider, {}))
    for table in (PriceTable(user) if user else None, _env_table(provider)):
        if table is not None:
            for n in names:
                p = table.lookup(n)
                if p is not None:
                    return p
    return None


def cost_of(price: Price | None, usage: Usage, *, batch: bool = False) -> float | None:
    """USD for ``usage`` at ``price``; ``None`` when either is unknown."""
    if price is None:
        return None
    return price.cost(usage, batch=batch)
