"""A plugin hook that returns the wrong shape makes its plugin ``broken: <reason>``, like one
that raises, and never crashes the caller (issue 17, defect 3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from llmcore import plugins
from llmcore.cli import cli
from llmcore.defaults import local_models
from llmcore.hookspecs import hookimpl
from llmcore.spec import ProviderSpec


class _Offering:
    """A plugin with one keyless provider whose ``llmcore_local_models`` returns ``value``
    (or raises it, when it is an exception)."""

    def __init__(self, name: str, value: Any) -> None:
        self.name, self.value = name, value

    @hookimpl
    def llmcore_providers(self) -> list[ProviderSpec]:
        return [ProviderSpec(name=self.name, factory="x:y", requires_key=False)]

    @hookimpl
    def llmcore_local_models(self) -> Any:
        if isinstance(self.value, BaseException):
            raise self.value
        return self.value


class _BadProviders:
    @hookimpl
    def llmcore_providers(self) -> Any:
        return {"name": "dict-not-spec"}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")  # no installed plugin: only the ones registered here
    monkeypatch.delenv("LLMCORE_DEFAULT_MODEL", raising=False)
    monkeypatch.delenv("LLMCORE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    plugins.reset()
    yield
    plugins.reset()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (42, "llmcore_local_models() returned int, not a list of 'provider/model' strings"),
        ("weird/one", "llmcore_local_models() returned str, not a list of 'provider/model' strings"),
        (["weird/one", 3], "llmcore_local_models() returned a list of int, str, not a list of 'provider/model'"),
        (["no-slash"], "llmcore_local_models() returned a list of str, not a list of 'provider/model'"),
        (RuntimeError("disk gone"), "llmcore_local_models() raised RuntimeError: disk gone"),
    ],
)
def test_a_wrong_hook_result_marks_its_plugin_broken(value: Any, reason: str) -> None:
    plugins.register(_Offering("weird", value), "weird")
    plugins.register(_Offering("fine", ["fine/tiny"]), "fine")
    assert local_models() == ["fine/tiny"]  # the others keep working
    info = plugins.get_registry().plugin("weird")
    assert info is not None and info.error is not None and info.error.startswith(reason), info


def test_providers_list_shows_the_broken_hook() -> None:
    plugins.register(_Offering("weird", 42), "weird")
    plugins.register(_BadProviders(), "badspecs")
    r = CliRunner().invoke(cli, ["providers", "list", "--json"])
    assert r.exit_code == 0, r.output
    rows = {row["name"]: row for row in json.loads(r.stdout)}
    assert rows["weird"]["status"].startswith("broken: llmcore_local_models() returned int"), rows["weird"]
    assert rows["weird"]["ready"] is False
    assert rows["badspecs"]["status"] == (
        "broken: llmcore_providers() returned dict: it must return a list of ProviderSpec"
    )


def test_chat_without_a_model_does_not_crash_on_a_bad_hook() -> None:
    plugins.register(_Offering("weird", 42), "weird")
    r = CliRunner().invoke(cli, ["chat", "hi"])
    assert not isinstance(r.exception, TypeError), r.exception
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("llmcore: error: no model given") and r.stderr.count("\n") == 1, r.stderr
    assert "plugin 'weird' offers no local model: broken: llmcore_local_models() returned int" in r.stderr
