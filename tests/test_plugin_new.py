"""``llmcore plugin new`` makes a plugin an outsider can publish (issue 17): scaffolded
outside the repository, installed beside core in a fresh venv (core editable from this
checkout, as ``pip install llmcore-core`` would give it), its own tests pass on the first
run, and ``llmcore providers list`` shows it. Both flavours."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def _clean_env(venv: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_API_KEY", "_API_KEYS"))
        and k not in ("LLMCORE_PLUGINS", "PYTHONPATH", "VIRTUAL_ENV", "UV_PYTHON")
    }
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return env


@pytest.mark.timeout(600)
@pytest.mark.parametrize(
    ("flavour", "name", "provider", "extra"),
    [
        ("--wire", "acme-wire", "acme_wire", []),
        ("--openai-compatible", "deepinfra", "deepinfra", [str(ROOT / "plugins" / "openai")]),
    ],
)
def test_scaffolded_plugin_passes_its_tests_in_a_fresh_venv(
    tmp_path_factory: pytest.TempPathFactory, flavour: str, name: str, provider: str, extra: list[str]
) -> None:
    work = tmp_path_factory.mktemp("outsider")  # outside the repository
    assert ROOT not in work.parents
    new = subprocess.run(
        [sys.executable, "-m", "llmcore", "plugin", "new", name, flavour],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert new.returncode == 0, new.stderr
    plugin = work / f"llmcore-{name}"
    assert (plugin / "tests" / "cassettes" / "SOURCES.md").is_file()

    venv = work / "venv"
    env = _clean_env(venv)
    subprocess.run([*_uv(), "venv", "-q", "--python", sys.executable, str(venv)], check=True, env=env, timeout=120)
    editable = [str(ROOT / "core"), str(ROOT / "testing"), *extra, f"{plugin}[test]"]
    install = subprocess.run(
        # --python: never the calling venv (nox's uv sessions export UV_PYTHON, which uv prefers to VIRTUAL_ENV)
        [
            *_uv(),
            "pip",
            "install",
            "-q",
            "--python",
            str(venv / "bin" / "python"),
            *[a for e in editable for a in ("-e", e)],
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=400,
    )
    assert install.returncode == 0, install.stderr[-3000:]

    tests = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::UserWarning"],
        cwd=plugin,
        capture_output=True,
        text=True,
        env=env,
        timeout=400,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout

    listed = subprocess.run(
        [str(venv / "bin" / "llmcore"), "providers", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows[provider]["package"] == f"llmcore-{name}"
    assert rows[provider]["status"] == f"needs {provider.upper()}_API_KEY"
