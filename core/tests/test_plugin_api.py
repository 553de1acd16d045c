"""A plugin states the plugin API it speaks (``LLMCORE_PLUGIN_API`` in its top module); one
built for an API this core does not speak is listed as ``broken: <reason>`` by discovery
and ``llmcore providers list`` — not a failure at call time (issue 14).

The plugins are real distributions (``*.dist-info`` with entry points) in a temporary
directory on ``sys.path``, as in test_plugin_clashes.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from llmcore import errors as E
from llmcore import hookspecs, plugins
from llmcore.cli import cli
from llmcore.resolve import resolve_model

_MODULE = """
from llmcore.hookspecs import hookimpl
from llmcore.spec import ProviderSpec
{declaration}

@hookimpl
def llmcore_providers():
    return [ProviderSpec(name="{name}", factory="{module}:nothing", requires_key=False)]
"""

# entry point / provider name -> the declaration in its top module
PLUGINS = {
    "apinow": f"LLMCORE_PLUGIN_API = {hookspecs.PLUGIN_API}",
    "apinone": "",  # predates the declaration: API 1
    "apifuture": f"LLMCORE_PLUGIN_API = {hookspecs.PLUGIN_API + 1}",
    "apipast": f"LLMCORE_PLUGIN_API = {hookspecs.OLDEST_PLUGIN_API - 1}",
    "apitext": 'LLMCORE_PLUGIN_API = "1"',
}


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, declaration in PLUGINS.items():
        module = f"plugin_api_{name}"
        (tmp_path / f"{module}.py").write_text(_MODULE.format(declaration=declaration, name=name, module=module))
        info = tmp_path / f"llmcore_{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: llmcore-{name}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[llmcore]\n{name} = {module}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("LLMCORE_PLUGINS", ",".join(PLUGINS))  # these, not whatever else is installed
    plugins.reset()
    yield
    plugins.reset()


def test_a_plugin_for_another_api_is_broken_with_what_to_upgrade(installed: None) -> None:
    reg = plugins.get_registry(refresh=True)
    assert set(reg.providers) == {"apinow", "apinone"}  # the others register nothing
    errors = {p.name: p.error for p in reg.plugins}
    assert errors["apinow"] is None and errors["apinone"] is None
    assert errors["apifuture"] == (
        f"built for plugin API {hookspecs.PLUGIN_API + 1}; this llmcore-core speaks API {hookspecs.PLUGIN_API}: "
        "upgrade llmcore-core (pip install -U llmcore-core)"
    )
    assert errors["apipast"] is not None
    assert errors["apipast"].endswith("upgrade llmcore-apipast (pip install -U llmcore-apipast)")
    assert errors["apitext"] == "LLMCORE_PLUGIN_API must be an int (the plugin API it speaks), not '1'"


def test_providers_list_shows_them_broken(installed: None) -> None:
    r = CliRunner().invoke(cli, ["providers", "list", "--json"])
    assert r.exit_code == 0, r.output
    rows = {row["name"]: row for row in json.loads(r.stdout)}
    assert rows["apifuture"]["status"].startswith(f"broken: built for plugin API {hookspecs.PLUGIN_API + 1}")
    assert rows["apifuture"]["package"] == "llmcore-apifuture" and rows["apifuture"]["ready"] is False
    assert rows["apipast"]["status"].startswith("broken: built for plugin API")
    assert rows["apinow"]["status"].startswith("ready")
    table = CliRunner().invoke(cli, ["providers", "list"]).stdout
    assert "broken: built for plugin API" in table


def test_its_models_are_refused_before_any_call(installed: None) -> None:
    resolve_model("apinow/some-model")  # the compatible one works
    with pytest.raises(E.ConfigurationError):
        resolve_model("apifuture/some-model")


def test_every_plugin_in_the_repo_states_the_core_range_it_is_built_for() -> None:
    """``llmcore-core>=X,<next-breaking`` (and the same for another plugin it builds on)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # core depends on tomli below 3.11
        import tomli as tomllib
    from packaging.requirements import Requirement

    root = Path(__file__).resolve().parents[2] / "plugins"
    if not root.is_dir():
        pytest.skip("not a checkout")
    checked = 0
    for pyproject in sorted(root.glob("*/pyproject.toml")):
        deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"].get("dependencies", [])
        for req in map(Requirement, deps):
            if req.name.startswith("llmcore-"):
                ops = {s.operator for s in req.specifier}
                assert {">=", "<"} <= ops, f"{pyproject.parent.name}: {req} needs a floor and an upper bound"
                checked += 1
    assert checked >= 30
