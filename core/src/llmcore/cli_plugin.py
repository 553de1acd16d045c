"""``llmcore plugin new``: scaffold a provider plugin distribution (loaded on first use).

The plugin is written from the templates in ``llmcore/templates/plugin`` (package data;
their ``README.txt`` lists the tokens) into a new directory, then its authored cassettes
are written by the plugin's own ``tests/authored.py`` (with
:mod:`llmcore_testing.scenarios`), so the first ``pytest`` there passes the conformance kit
and the cassettes are labelled ``authored__`` in ``tests/cassettes/SOURCES.md``.

Two flavours: ``--wire`` (default: a provider with its own wire format over
:class:`llmcore.provider.HTTPProvider`, depending on core only) and
``--openai-compatible`` (a subclass of ``llmcore-openai``'s shared Chat Completions codec).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from importlib import resources
from pathlib import Path

import click

from .foreign import CORE_DISTRIBUTION

#: the conformance kit's distribution (import name ``llmcore_testing``): the generated plugin's test extra
KIT_DISTRIBUTION = "llmcore-testing"

__all__ = ["FLAVOURS", "plugin_group", "scaffold"]

#: flavour -> (template directory, extra runtime dependencies, note for the README)
FLAVOURS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "wire": ("wire", (), " (`--wire`: its own wire format over `llmcore.provider.HTTPProvider`)"),
    "openai-compatible": (
        "openai_compatible",
        ("llmcore-openai>=0.1.0",),
        " (`--openai-compatible`: a subclass of `llmcore-openai`'s shared Chat Completions codec, "
        "documented in `llmcore_openai.chat`)",
    ),
}

#: template (under templates/plugin) -> where it goes in the plugin ("<flavour>/" picks the flavour's file)
_LAYOUT: dict[str, str] = {
    "common/pyproject.toml.tmpl": "pyproject.toml",
    "common/README.md.tmpl": "README.md",
    "common/__init__.py.tmpl": "src/__PKG__/__init__.py",
    "common/py.typed.tmpl": "src/__PKG__/py.typed",
    "<flavour>/provider.py.tmpl": "src/__PKG__/provider.py",
    "<flavour>/authored.py.tmpl": "tests/authored.py",
    "common/test_conformance.py.tmpl": "tests/test_conformance.py",
    "common/test_provider.py.tmpl": "tests/test_provider.py",
    "common/test_fuzz.py.tmpl": "tests/test_fuzz.py",
}

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def provider_name(name: str) -> str:
    """The provider name for ``NAME`` (``Acme-AI``, ``llmcore-acme-ai`` → ``acme_ai``); a
    :class:`click.BadParameter` saying what is allowed otherwise."""
    n = name.strip().lower().removeprefix("llmcore-").removeprefix("llmcore_").replace("-", "_")
    if not _NAME.match(n):
        raise click.BadParameter(
            f"{name!r}: a provider name is a letter then letters, digits, '_' or '-' (e.g. acme or acme-ai)",
            param_hint="NAME",
        )
    return n


def _core_requirement() -> str:
    """``llmcore-core>=<this version>,<next minor (0.x) or major>``: what the plugin was made against."""
    from ._version import UNKNOWN, version

    v = version()
    parts = [int(p) for p in re.findall(r"\d+", v)[:2]] if v != UNKNOWN else []
    if len(parts) < 2:
        return f"{CORE_DISTRIBUTION}>=0.1.0"
    major, minor = parts
    upper = f"0.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"{CORE_DISTRIBUTION}>={major}.{minor}.0,<{upper}"


def _tokens(name: str, flavour: str, base_url: str | None, key_env: str | None) -> dict[str, str]:
    from .hookspecs import PLUGIN_API

    dist = "llmcore-" + name.replace("_", "-")
    core = _core_requirement()
    deps = [core, *FLAVOURS[flavour][1]]
    return {
        "__DEPENDENCIES__": "\n".join(f'    "{d}",' for d in deps),
        # the kit follows core's minor series: the same range as the core requirement
        "__KIT_REQ__": core.replace(CORE_DISTRIBUTION, KIT_DISTRIBUTION, 1),
        "__FLAVOUR_NOTE__": FLAVOURS[flavour][2],
        "__NAME__": name,
        "__PKG__": "llmcore_" + name,
        "__DIST__": dist,
        "__CLASS__": "".join(w.capitalize() for w in name.split("_") if w),
        "__KEY_ENV__": key_env or f"{name.upper()}_API_KEY",
        "__BASE_ENV__": f"{name.upper()}_BASE_URL",
        "__PLUGIN_API__": str(PLUGIN_API),
        "__BASE_URL__": (base_url or f"https://api.{name.replace('_', '-')}.example/v1").rstrip("/"),
    }


def _fill(text: str, tokens: dict[str, str]) -> str:
    for token in sorted(tokens, key=len, reverse=True):  # a longer token before a shorter one it contains
        text = text.replace(token, tokens[token])
    return text


def scaffold(
    name: str,
    directory: Path,
    *,
    flavour: str = "wire",
    base_url: str | None = None,
    key_env: str | None = None,
) -> list[Path]:
    """Write the plugin ``name`` (see :func:`provider_name`) of ``flavour`` into ``directory``
    (which must not exist, or be empty) and its authored cassettes; return the files written.

    Raises :class:`click.ClickException` (a one-line message) when the directory is not
    empty or the kit (``llmcore-testing``) is not installed: the cassettes are written
    with it."""
    if flavour not in FLAVOURS:
        raise click.ClickException(f"unknown flavour {flavour!r}: one of {', '.join(FLAVOURS)}")
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise click.ClickException(f"{directory} exists and is not empty: choose another --dir or name")
    if importlib.util.find_spec("llmcore_testing") is None:
        raise click.ClickException(
            f"the authored cassettes are written with llmcore's conformance kit: pip install {KIT_DISTRIBUTION}"
        )
    tokens = _tokens(name, flavour, base_url, key_env)
    root = resources.files("llmcore").joinpath("templates", "plugin")
    written = []
    for template, target in _LAYOUT.items():
        source = root.joinpath(*template.replace("<flavour>", FLAVOURS[flavour][0]).split("/"))
        path = directory / _fill(target, tokens)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_fill(source.read_text(encoding="utf-8"), tokens), encoding="utf-8")
        written.append(path)
    written += _write_cassettes(directory / "tests")
    return written


def _write_cassettes(tests: Path) -> list[Path]:
    """Run the new plugin's ``tests/authored.py`` ``write()``: the cassettes come from the file
    its author edits later, so a re-run gives the same bytes."""
    spec = importlib.util.spec_from_file_location("_llmcore_new_plugin_authored", tests / "authored.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write()
    return sorted((tests / "cassettes").iterdir())


@click.group("plugin")
def plugin_group() -> None:
    """Write provider plugins."""


@plugin_group.command("new")
@click.argument("name")
@click.option(
    "--wire",
    "flavour",
    flag_value="wire",
    default=True,
    help="A provider with its own wire format, over llmcore.provider.HTTPProvider (default).",
)
@click.option(
    "--openai-compatible",
    "flavour",
    flag_value="openai-compatible",
    help="An OpenAI-compatible provider: a subclass of llmcore-openai's shared Chat Completions codec.",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write it (default: ./llmcore-NAME).",
)
@click.option("--base-url", help="The provider's API base URL (default: a placeholder to replace).")
@click.option("--key-env", help="The environment variable holding the key (default: NAME_API_KEY).")
def new_command(name: str, flavour: str, directory: Path | None, base_url: str | None, key_env: str | None) -> None:
    """Scaffold the plugin distribution llmcore-NAME: pyproject with the entry point, spec,
    provider skeleton, conformance test, authored cassettes and their SOURCES.md, README.
    Its tests pass as written: `pip install -e './llmcore-NAME[test]' && pytest llmcore-NAME`."""
    n = provider_name(name)
    target = directory if directory is not None else Path("llmcore-" + n.replace("_", "-"))
    scaffold(n, target, flavour=flavour, base_url=base_url, key_env=key_env)
    out = sys.stdout
    out.write(
        f"wrote {target}/ ({flavour}): provider {n!r}, package llmcore_{n}\n"
        f"next: pip install -e '{target}[test]' && pytest {target}\n"
    )
