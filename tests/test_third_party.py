"""A third-party plugin built on the fly shows up with no change to core; a
plugin that raises on import is listed as broken and the others keep working."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_cli

PYPROJECT = """
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{dist}"
version = "{version}"
dependencies = []

[project.entry-points.llmcore]
{ep} = "{module}"

[tool.hatch.build.targets.wheel]
packages = ["{module}"]
"""


def _make_plugin(root: Path, dist: str, module: str, ep: str, version: str, body: str) -> Path:
    pkg = root / dist
    (pkg / module).mkdir(parents=True)
    (pkg / "pyproject.toml").write_text(PYPROJECT.format(dist=dist, module=module, ep=ep, version=version))
    (pkg / module / "__init__.py").write_text(textwrap.dedent(body))
    return pkg


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("third_party")
    good = _make_plugin(
        root,
        "llmcore-acme",
        "llmcore_acme",
        "acme",
        "3.2.1",
        """
        from llmcore.hookspecs import hookimpl
        from llmcore.spec import Capabilities, ProviderSpec

        @hookimpl
        def llmcore_providers():
            return [ProviderSpec(name="acme", factory="llmcore_acme.provider:Acme", env_keys=("ACME_API_KEY",),
                                 model_prefixes=("acme-",), capabilities=Capabilities(tools=True))]
        """,
    )
    broken = _make_plugin(
        root,
        "llmcore-broken",
        "llmcore_broken",
        "broken",
        "0.0.1",
        """
        raise ImportError("this plugin needs libfoo, which is not installed")
        """,
    )
    target = root / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "uv",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(good),
            str(broken),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return str(target)


def test_third_party_plugin_is_listed(site: str) -> None:
    r = run_cli("providers", "list", "--json", pythonpath=site)
    assert r.returncode == 0, r.stderr
    rows = {row["name"]: row for row in json.loads(r.stdout)}
    acme = rows["acme"]
    assert acme["package"] == "llmcore-acme" and acme["version"] == "3.2.1"
    assert acme["status"] == "needs ACME_API_KEY" and "tools" in acme["capabilities"]
    assert rows["broken"]["status"].startswith("broken: ImportError: this plugin needs libfoo")
    assert "openai" in rows and "anthropic" in rows  # the others keep working


def test_broken_plugin_does_not_break_resolution(site: str) -> None:
    r = run_cli("chat", "-m", "broken/x", "hi", pythonpath=site)
    assert r.returncode == 1 and "installed but broken" in r.stderr and "libfoo" in r.stderr
    r = run_cli("chat", "-m", "openai/gpt-4o", "hi", pythonpath=site)
    assert r.returncode == 1 and "OPENAI_API_KEY" in r.stderr


def test_llmcore_plugins_env_limits_loading(site: str) -> None:
    r = run_cli("providers", "list", "--json", pythonpath=site, env={"LLMCORE_PLUGINS": "acme,llmcore-anthropic"})
    names = {row["name"] for row in json.loads(r.stdout)}
    assert names == {"acme", "anthropic"}
