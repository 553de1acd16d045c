"""The ``llmcore`` command line.

A failure prints one line (``llmcore: error: ...``) to stderr and exits
non-zero, usage errors included; ``--traceback`` (anywhere on the command line,
before or after the subcommand) or ``LLMCORE_DEBUG=1`` shows the full traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["main", "cli"]


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"llmcore: error: {message}", err=True)
    sys.exit(code)


def _error_line(e: Exception) -> str:
    """An llmcore error as the CLI prints it: ``str(e)`` without the ``[provider]``
    prefix when the message already names the provider (``no API key for groq``)."""
    from .errors import LLMCoreError

    if not isinstance(e, LLMCoreError):
        return str(e)
    if e.provider and e.status_code is None and not e.code and e.provider in e.message:
        suffix = f" (request id: {e.request_id})" if e.request_id else ""
        return f"{e.message}{suffix}"
    return str(e)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: llmcore-core's installed version (llmcore.__version__), read only when asked."""
    if not value or ctx.resilient_parsing:
        return
    from . import __version__

    click.echo(f"llmcore, version {__version__}")
    ctx.exit()


class _Commands(click.Group):
    """The top-level group; commands in ``LAZY`` are imported when first named (or listed by ``--help``)."""

    LAZY = {
        "usage": ("llmcore.usage.cli", "usage_command"),
        "embed": ("llmcore.cli_embed", "embed_command"),
        "rerank": ("llmcore.cli_embed", "rerank_command"),
        "plugin": ("llmcore.cli_plugin", "plugin_group"),
        "models": ("llmcore.catalogue.cli", "models_group"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is None and cmd_name in self.LAZY:
            import importlib

            module, attr = self.LAZY[cmd_name]
            cmd = getattr(importlib.import_module(module), attr)
            self.add_command(cmd, cmd_name)
        return cmd


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.option("--traceback", "show_tb", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, show_tb: bool) -> None:
    """llmcore: one interface to every LLM provider."""
    ctx.obj = {"traceback": show_tb or os.environ.get("LLMCORE_DEBUG") == "1"}


# -- providers ------------------------------------------------------------------


@cli.group()
def providers() -> None:
    """Installed provider plugins."""


def _aliases_of(name: str, reg: Any) -> list[str]:
    from .names import ALIASES

    return sorted({a for a, p in {**ALIASES, **reg.aliases}.items() if p == name})


def _provider_rows() -> list[dict[str, Any]]:
    from .plugins import get_registry
    from .readiness import is_ready

    reg = get_registry()
    from .defaults import local_models

    local_models()  # calls the plugins' llmcore_local_models hooks: one that misbehaves is marked broken
    broken_by_provider = {name: p.error for p in reg.broken for name in p.providers}
    rows: list[dict[str, Any]] = []
    # each provider, then the plugins ignored for its name (a clash), right below it
    entries: list[tuple[Any, str | None]] = []
    for spec in sorted(reg.providers.values(), key=lambda s: s.name):
        clash = reg.clashes.get(spec.name)
        entries.append((spec, clash.used_note() if clash else None))
        for plugin, other in clash.ignored if clash else ():
            entries.append((other, clash.ignored_note(plugin)))  # type: ignore[union-attr]  # clash is set here
    for spec, clash_note in entries:
        ignored = clash_note is not None and clash_note.startswith("ignored:")
        status: str = clash_note if ignored and clash_note is not None else spec.status()
        if not ignored and spec.name in broken_by_provider:  # the plugin loaded it, then a hook of it failed
            status = f"broken: {broken_by_provider[spec.name]}"
        ready = is_ready(status) if not ignored else False
        if clash_note is not None and not ignored:
            status = f"{status}; {clash_note}"
        rows.append(
            {
                "name": spec.name,
                "aliases": _aliases_of(spec.name, reg) if not ignored else [],
                "routes": "org/model names whose org is no provider name or alias (e.g. meta-llama/...)"
                if spec.routes_org_models
                else None,
                "package": spec.distribution,
                "version": spec.version,
                "status": status,
                "ready": ready,
                "clash": clash_note,
                "capabilities": spec.capabilities.labels(),
                "env_keys": list(spec.env_keys),
                "model_prefixes": list(spec.model_prefixes),
                "base_url": spec.base_url,
                "docs_url": spec.docs_url,
                "description": spec.description,
            }
        )
    for info in reg.broken:
        if info.providers:  # some providers of this plugin loaded; note the failure on none of them
            continue
        rows.append(
            {
                "name": info.name,
                "aliases": [],
                "routes": None,
                "package": info.distribution,
                "version": info.version,
                "status": f"broken: {info.error}",
                "ready": False,
                "clash": None,
                "capabilities": [],
                "env_keys": [],
                "model_prefixes": [],
                "base_url": None,
                "docs_url": None,
                "description": "",
            }
        )
    return rows


def _output_width() -> int | None:
    """The terminal's width, or ``$COLUMNS``; ``None`` (no wrapping: one line per
    row, for grep) when stdout is no terminal and ``COLUMNS`` is unset."""
    import shutil

    if not os.environ.get("COLUMNS") and not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


@providers.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def providers_list(as_json: bool) -> None:
    """List providers: name, package, version, status, capabilities.

    STATUS is ``ready``, ``needs ...`` (every missing variable, package or model
    named), ``no server at URL`` (a local server, probed with one loopback
    connect of at most 0.3 s), ``not checked: ...`` (a remote server: listing
    calls no provider) or ``broken: ...``. The table fits the terminal's width."""
    import warnings

    from .foreign import ForeignPackageWarning
    from .plugins import get_registry

    with warnings.catch_warnings():  # said below, once, in the listing's own words
        warnings.simplefilter("ignore", ForeignPackageWarning)
        rows = _provider_rows()
    foreign = get_registry().foreign
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        if foreign:  # stdout stays one JSON document
            click.echo(f"llmcore: warning: {foreign}", err=True)
        return
    if not rows:
        click.echo("No provider plugins installed. Try: pip install llmcore-openai")
    else:
        from ._table import render

        click.echo(
            render(
                [[r["name"], r["package"], r["version"], r["status"], ", ".join(r["capabilities"])] for r in rows],
                ["NAME", "PACKAGE", "VERSION", "STATUS", "CAPABILITIES"],
                width=_output_width(),
                wrap=(3, 4),
                drop=(1, 2),  # PACKAGE, then VERSION, on a narrow terminal (providers show / --json have them)
            )
        )
    if foreign:
        click.echo(f"warning: {foreign}")


@providers.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def providers_show(name: str, as_json: bool) -> None:
    """Show one provider's details."""
    from .resolve import provider_name

    rows: dict[str, dict[str, Any]] = {}
    for r in _provider_rows():
        rows.setdefault(r["name"], r)  # on a name clash, the provider used (its row says what else is there)
    canonical = provider_name(name) or name  # an alias shows its provider (together_ai -> together)
    row = rows.get(name) or rows.get(canonical)
    if row is None:
        from .names import install_hint

        known = provider_name(name) is not None
        hint = f" ({install_hint(canonical)})" if known else ""
        _fail(f"no provider named {name!r}{hint}; installed: {', '.join(sorted(rows)) or 'none'}")
        return
    if as_json:
        click.echo(json.dumps(row, indent=2))
        return
    for k, v in row.items():
        if isinstance(v, list):
            v = ", ".join(v) or "-"
        click.echo(f"{k + ':':<16}{v if v not in (None, '') else '-'}")


# -- chat / tokens --------------------------------------------------------------


def _run_guarded(ctx: click.Context, fn: Callable[[], None]) -> None:
    from .errors import LLMCoreError

    try:
        fn()
    except LLMCoreError as e:
        if ctx.obj and ctx.obj.get("traceback"):
            raise
        _fail(_error_line(e))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as e:  # a bug, but still one line unless asked
        if ctx.obj and ctx.obj.get("traceback"):
            raise
        _fail(f"{type(e).__name__}: {e} (run with --traceback for details)")


def _unreachable(m: Any, e: Exception) -> None:
    """Say where a provider that could not be reached was looked for (and, for a
    local server, how to point llmcore elsewhere), in place on ``e``."""
    from .errors import ProviderConnectionError, redact

    if not isinstance(e, ProviderConnectionError) or not e.message.startswith("could not reach the provider"):
        return
    url = getattr(m.base_provider, "base_url", None)
    if not url:
        return
    env = m.spec.base_url_env
    hint = f"; is it running? set {env} or -o base_url=URL if it listens elsewhere" if env else ""
    detail = e.message.removeprefix("could not reach the provider").lstrip(": ")
    e.message = f"could not reach {m.spec.name} at {redact(url)}{hint} ({detail})"


def _default_model() -> str:
    """$LLMCORE_DEFAULT_MODEL, the config file, or an installed local model (see :mod:`llmcore.defaults`)."""
    from .defaults import default_model

    return default_model()


def _options(pairs: tuple[str, ...]) -> dict[str, Any]:
    from .errors import ConfigurationError

    out: dict[str, Any] = {}
    for p in pairs:
        k, sep, v = p.partition("=")
        if not sep:
            raise ConfigurationError(f"option {p!r} must look like key=value")
        try:
            out[k] = json.loads(v)
        except ValueError:
            out[k] = v
    return out


@cli.command()
@click.option("-m", "--model", "model_name", help="provider/model, e.g. openai/gpt-4.1-mini")
@click.option("-s", "--system", help="System prompt.")
@click.option("-o", "--option", "opts", multiple=True, help="key=value request or provider option (repeatable).")
@click.option("--no-stream", is_flag=True, help="Wait for the whole answer instead of streaming.")
@click.option("--usage", "show_usage", is_flag=True, help="Print token usage to stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Say on stderr which provider and model the name resolved to.")
@click.argument("prompt", required=False)
@click.pass_context
def chat(
    ctx: click.Context,
    model_name: str | None,
    system: str | None,
    opts: tuple[str, ...],
    no_stream: bool,
    show_usage: bool,
    verbose: bool,
    prompt: str | None,
) -> None:
    """Send PROMPT (or stdin) to a model and print the answer as it streams."""

    def go() -> None:
        from .facade import model

        text = prompt
        if text is None:
            if sys.stdin.isatty():
                from .errors import ConfigurationError

                raise ConfigurationError("no prompt: give one as an argument or pipe it on stdin")
            text = sys.stdin.read()
        options = _options(opts)
        if system:
            options["system"] = system
        m = model(model_name or _default_model(), **options)
        if verbose:  # where the prompt goes, e.g. an org/model name routed to OpenRouter
            how = " (routes org/model names that are no provider name or alias)" if m.spec.routes_org_models else ""
            click.echo(f"llmcore: {m.name} -> provider {m.spec.name}{how}, model {m.model_id}", err=True)
        try:
            if no_stream:
                resp = m.chat(text)
                click.echo(resp.text)
            else:
                stream = m.stream(text)
                for ev in stream:
                    if ev.type == "text":
                        click.echo(ev.text, nl=False)  # type: ignore[union-attr]
                        sys.stdout.flush()
                click.echo()
                resp = stream.response  # type: ignore[assignment]
        except Exception as e:
            _unreachable(m, e)
            raise
        for w in resp.warnings:
            click.echo(f"llmcore: warning: {w.feature}: {w.detail}", err=True)
        if show_usage:
            u = resp.usage
            click.echo(f"usage: input={u.input_tokens} output={u.output_tokens} finish={resp.finish_reason}", err=True)

    _run_guarded(ctx, go)


#: stands in for an API key where counting tokens sends nothing (an estimate, a local tokenizer)
_NO_KEY_NEEDED = "unused: counting locally"


@cli.command()
@click.option("-m", "--model", "model_name", help="provider/model")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with the counting method.")
@click.option("--estimate", is_flag=True, help="Estimate locally (~4 characters per token): no key, no network.")
@click.argument("text")
@click.pass_context
def tokens(ctx: click.Context, model_name: str | None, as_json: bool, estimate: bool, text: str) -> None:
    """Count the input tokens of TEXT for a model (and say how they were counted).

    A provider that counts with its API needs its key; one that counts with a
    local tokenizer or an estimate needs none (nothing is sent)."""

    def go() -> None:
        from .facade import model
        from .resolve import resolve_model

        name = model_name or _default_model()
        if estimate:
            from .tokens import estimate_tokens
            from .types import ChatRequest, coerce_messages

            resolve_model(name)  # an unknown name is still an error
            count = estimate_tokens(ChatRequest(model=name, messages=coerce_messages(text)))
        else:
            spec, _ = resolve_model(name)
            local = spec.capabilities.count_tokens != "api"
            needs_placeholder_key = local and spec.requires_key and not spec.key_from_env()
            options: dict[str, Any] = {"api_key": _NO_KEY_NEEDED} if needs_placeholder_key else {}
            m = None
            try:
                m = model(name, **options)
                count = m.count_tokens(text)
            except Exception as e:
                from .errors import ConfigurationError

                if isinstance(e, ConfigurationError) and "API key" in e.message and not options:
                    e.message += f"; {spec.name} counts tokens with its API (--estimate counts locally)"
                if m is not None:
                    _unreachable(m, e)
                raise
        if as_json:
            click.echo(count.model_dump_json())
        else:
            click.echo(f"{count.input_tokens} ({count.method})")

    _run_guarded(ctx, go)


# -- usage ----------------------------------------------------------------------
# ``llmcore usage`` lives in llmcore.usage.cli and is loaded on first use (_Commands.LAZY): importing
# the usage package (sqlite3, prices) would slow every other command, ``providers list`` included.


_GLOBAL_FLAGS = ("--traceback",)


def _hoist_global_flags(args: list[str]) -> list[str]:
    """Move ``--traceback`` given after the subcommand to the front, where the group
    reads it (``llmcore chat --traceback ...`` works like ``llmcore --traceback chat``).
    Nothing after ``--`` is touched: that is a prompt."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in _GLOBAL_FLAGS]
    rest = [a for a in args[:end] if a not in _GLOBAL_FLAGS]
    return [*dict.fromkeys(flags), *rest, *args[end:]]


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every failure, a usage error included, is one
    ``llmcore: error: ...`` line on stderr and a non-zero exit (2 for usage errors)."""
    import warnings

    args = _hoist_global_flags(list(sys.argv[1:] if argv is None else argv))
    with warnings.catch_warnings():  # restores showwarning: main() may be called in-process
        warnings.showwarning = _warning_printer(warnings.showwarning)
        code = _run_main(args)
    if isinstance(code, int) and code:
        sys.exit(code)


def _warning_printer(show: Callable[..., None]) -> Callable[..., None]:
    """``warnings.showwarning`` for the CLI: a foreign ``llmcore`` package (found at discovery)
    as one ``llmcore: warning:`` line, not Python's two lines with a source location; every
    other warning handed to ``show`` (Python's own)."""

    def show_warning(message: Warning | str, category: type[Warning], *rest: Any, **kw: Any) -> None:
        from .foreign import ForeignPackageWarning

        if issubclass(category, ForeignPackageWarning):
            click.echo(f"llmcore: warning: {message}", err=True)
        else:
            show(message, category, *rest, **kw)

    return show_warning


def _run_main(args: list[str]) -> Any:
    try:
        return cli.main(args=args, prog_name="llmcore", standalone_mode=False)
    except click.UsageError as e:
        where = f"; see '{e.ctx.command_path} --help'" if e.ctx is not None else ""
        _fail(f"{e.format_message().rstrip('.')}{where}", e.exit_code)
    except click.ClickException as e:
        _fail(e.format_message(), e.exit_code)
    except click.Abort:
        _fail("interrupted", 130)
    return None


if __name__ == "__main__":
    main()
