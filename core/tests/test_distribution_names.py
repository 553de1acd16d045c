"""The core is the distribution ``llmcore-core``: its one version source, and a foreign
distribution named ``llmcore`` (the unrelated PyPI project) detected and named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

CORE_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _llmcore(*args: str, extra_path: Path | None = None, code: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LLMCORE_PLUGINS": "", "COLUMNS": "400"}
    if extra_path is not None:  # first on sys.path, like a site-packages folder
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(extra_path), env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-c", code] if code is not None else [sys.executable, "-m", "llmcore", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture()
def foreign_llmcore(tmp_path: Path) -> Path:
    """A folder holding the dist-info of the unrelated PyPI ``llmcore`` 0.0.6 (metadata only:
    its files would overwrite ours, which is what the warning is about)."""
    info = tmp_path / "llmcore-0.0.6.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: llmcore\nVersion: 0.0.6\nSummary: not ours\n")
    (info / "RECORD").write_text("")
    return tmp_path


def test_the_core_distribution_is_llmcore_core_and_its_version_has_one_source() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    declared = tomllib.loads(CORE_PYPROJECT.read_text())["project"]
    assert declared["name"] == "llmcore-core"
    import llmcore

    # pyproject.toml is the only place the version is written; everything else reads the metadata
    assert llmcore.__version__ == version("llmcore-core") == declared["version"]
    r = _llmcore("--version")
    assert r.returncode == 0 and r.stdout == f"llmcore, version {declared['version']}\n", r


def test_no_foreign_llmcore_no_warning() -> None:
    r = _llmcore("providers", "list")
    assert r.returncode == 0 and "warning" not in r.stdout + r.stderr, r


def test_providers_list_names_a_foreign_llmcore_and_the_fix(foreign_llmcore: Path) -> None:
    r = _llmcore("providers", "list", extra_path=foreign_llmcore)
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stdout.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1, r.stdout
    line = lines[0]
    assert f"a package named 'llmcore' 0.0.6 is installed at {foreign_llmcore}" in line
    assert "'llmcore-core'" in line and "pip uninstall llmcore" in line
    assert f"pip install --force-reinstall --no-deps llmcore-core=={version('llmcore-core')}" in line
    assert r.stderr == ""  # said once, in the listing: not again as a Python warning

    j = _llmcore("providers", "list", "--json", extra_path=foreign_llmcore)
    assert j.returncode == 0 and isinstance(json.loads(j.stdout), list)  # stdout stays one JSON document
    assert j.stderr.startswith("llmcore: warning: a package named 'llmcore' 0.0.6") and len(j.stderr.splitlines()) == 1


def test_other_commands_warn_in_one_line(foreign_llmcore: Path) -> None:
    r = _llmcore("chat", "-m", "nosuch/model", "hi", extra_path=foreign_llmcore)
    assert r.returncode != 0
    warning, *rest = r.stderr.splitlines()
    assert warning.startswith("llmcore: warning: a package named 'llmcore' 0.0.6"), r.stderr
    assert "ForeignPackageWarning" not in r.stderr and "warnings.warn" not in r.stderr
    assert rest and rest[-1].startswith("llmcore: error:")


def test_library_users_get_a_warning(foreign_llmcore: Path) -> None:
    code = (
        "import warnings\nfrom llmcore.foreign import ForeignPackageWarning\nfrom llmcore.plugins import get_registry\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    reg = get_registry()\n"
        "print([(w.category.__name__, str(w.message)[:40]) for w in caught])\nprint(reg.foreign is not None)"
    )
    r = _llmcore(code=code, extra_path=foreign_llmcore)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "[('ForeignPackageWarning', \"a package named 'llmcore' 0.0.6 is insta\")]",
        "True",
    ]


def test_the_fast_transport_comes_with_every_install() -> None:
    """aiohttp and httpx-aiohttp are dependencies, not an extra: ``pip install llmcore-groq`` gets the
    aiohttp transport (the extra stays, empty, so ``llmcore-core[aiohttp]`` still resolves)."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads(CORE_PYPROJECT.read_text())["project"]
    names = {d.split(">")[0].split("<")[0].split("=")[0].strip() for d in project["dependencies"]}
    assert {"aiohttp", "httpx-aiohttp"} <= names
    assert project["optional-dependencies"]["aiohttp"] == []
    from llmcore.http.client import HTTPSettings, resolved_transport

    assert resolved_transport(HTTPSettings()) == "aiohttp"
