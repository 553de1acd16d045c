"""Cross-package tests: run with core and every plugin installed (nox -s tests-cross)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str, env: dict[str, str] | None = None, pythonpath: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``llmcore`` CLI in a subprocess with a clean key environment."""
    e = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_API_KEYS")) and k != "LLMCORE_PLUGINS"}
    e["AWS_EC2_METADATA_DISABLED"] = "true"  # never the cloud metadata address
    if pythonpath:
        e["PYTHONPATH"] = pythonpath
    e.update(env or {})
    exe = shutil.which("llmcore", path=str(Path(sys.executable).parent)) or "llmcore"
    return subprocess.run([exe, *args], capture_output=True, text=True, env=e, timeout=60)


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli


@pytest.fixture(scope="session", autouse=True)
def _llmcore_files_in_tmp(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The usage log and the response cache of facade calls go to a temporary
    folder, never to the user's data/cache folders."""
    base = tmp_path_factory.mktemp("llmcore-files")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LLMCORE_DATA_DIR", str(base / "data"))
        mp.setenv("LLMCORE_CACHE_DIR", str(base / "cache"))
        yield
