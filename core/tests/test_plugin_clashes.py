"""Two installed plugins registering the same provider name: the choice is deterministic and
visible, and ``LLMCORE_PLUGINS`` picks the other one (issue 17, defect 2).

The plugins are real distributions (``*.dist-info`` with entry points) in temporary
directories on ``sys.path``, so discovery goes through ``importlib.metadata`` as for any
installed package.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from llmcore import plugins
from llmcore.cli import cli
from llmcore.resolve import resolve_model

_MODULE = """
from llmcore.hookspecs import hookimpl
from llmcore.spec import ProviderSpec


@hookimpl
def llmcore_providers():
    return [ProviderSpec(name="acme", factory="{module}:nothing", model_prefixes=("acme-",), requires_key=False,
                         description="{description}")]
"""


def _install(where: Path, dist: str, version: str, entry: str, module: str, description: str) -> None:
    """A minimal installed distribution ``dist`` whose entry point ``entry`` (group ``llmcore``) is ``module``."""
    where.mkdir(parents=True, exist_ok=True)
    (where / f"{module}.py").write_text(_MODULE.format(module=module, description=description))
    info = where / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[llmcore]\n{entry} = {module}\n")


@pytest.fixture
def clash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[None]:
    """``llmcore-acme`` (the provider's own package) and ``acme-impostor`` both register ``acme``;
    the impostor comes first on ``sys.path`` (discovery order) unless the test is parametrized otherwise."""
    _install(tmp_path / "real", "llmcore-acme", "1.0", "acme", "clash_acme_real", "the real one")
    _install(tmp_path / "fake", "acme-impostor", "0.1", "impostor", "clash_acme_fake", "the impostor")
    first_real = getattr(request, "param", False)
    for sub in ("fake", "real") if first_real else ("real", "fake"):  # the last prepended is searched first
        monkeypatch.syspath_prepend(str(tmp_path / sub))
    monkeypatch.setenv("LLMCORE_PLUGINS", "acme,impostor")  # these two, not whatever else is installed
    plugins.reset()
    yield
    plugins.reset()


@pytest.mark.parametrize("clash", [False, True], indirect=True, ids=["impostor-first", "real-first"])
def test_the_providers_own_package_wins_whatever_the_order(clash: None) -> None:
    reg = plugins.get_registry(refresh=True)
    assert reg.providers["acme"].distribution == "llmcore-acme"
    assert not reg.broken  # nobody is broken by a clash
    spec, model = resolve_model("acme-large")  # the real one's prefixes still auto-detect
    assert spec.description == "the real one" and model == "acme-large"
    c = reg.clashes["acme"]
    assert c.used_plugin == "acme" and [p for p, _ in c.ignored] == ["impostor"]


def test_both_rows_say_what_clashes_and_how_to_choose(clash: None) -> None:
    r = CliRunner().invoke(cli, ["providers", "list", "--json"])
    assert r.exit_code == 0, r.output
    rows = [row for row in json.loads(r.stdout) if row["name"] == "acme"]
    assert [row["package"] for row in rows] == ["llmcore-acme", "acme-impostor"]
    used, ignored = rows
    assert used["ready"] is True and used["status"].startswith("ready; name clash: acme-impostor 0.1 also registers")
    assert "llmcore-acme 1.0 is used: it is the provider's own package" in used["status"]
    assert "set LLMCORE_PLUGINS=-acme" in used["status"]
    assert ignored["ready"] is False
    assert ignored["status"] == (
        "ignored: name clash with llmcore-acme 1.0, which is used (it is the provider's own package, "
        "llmcore-acme); to use this one, set LLMCORE_PLUGINS=-acme"
    )
    table = CliRunner().invoke(cli, ["providers", "list"]).stdout
    assert "name clash" in table and "ignored: name clash" in table
    shown = CliRunner().invoke(cli, ["providers", "show", "acme", "--json"])
    assert json.loads(shown.stdout)["package"] == "llmcore-acme"


def test_llmcore_plugins_picks_the_other_one(clash: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMCORE_PLUGINS", "acme,impostor,-acme")  # the fix the rows name, here among these two
    reg = plugins.get_registry(refresh=True)
    assert reg.providers["acme"].distribution == "acme-impostor" and not reg.clashes
    monkeypatch.setenv("LLMCORE_PLUGINS", "-llmcore-acme")  # alone, by package name: every other plugin loads
    reg = plugins.get_registry(refresh=True)
    assert reg.providers["acme"].distribution == "acme-impostor" and "acme" not in reg.clashes


def test_in_process_plugins_clash_visibly_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from llmcore.hookspecs import hookimpl
    from llmcore.spec import ProviderSpec

    class _P:
        def __init__(self, description: str) -> None:
            self.description = description

        @hookimpl
        def llmcore_providers(self) -> list[ProviderSpec]:
            return [ProviderSpec(name="dup", factory="x:y", description=self.description)]

    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    plugins.reset()
    try:
        plugins.register(_P("b"), "zeta")
        plugins.register(_P("a"), "alpha")
        reg = plugins.get_registry()
        assert reg.providers["dup"].description == "a"  # by plugin name, not by registration order
        assert reg.clashes["dup"].used_note().startswith("name clash: in-process plugin 'zeta' also registers 'dup'")
        assert not reg.broken
    finally:
        plugins.reset()
