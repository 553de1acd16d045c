"""End-to-end tests against live servers and in-process models (``nox -s e2e``).

Cassettes of the live runs are written to ``$LLMCORE_E2E_CASSETTES`` (a
temporary directory when unset) in record mode ``new_episodes``: each
scenario's first request goes to the live server. The llama.cpp server of
:mod:`live` is stopped by its PID when the session ends.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # live
sys.path.insert(0, str(HERE.parent / "tests"))  # llamacpp_cases

os.environ["LLMCORE_RECORD_MODE"] = os.environ.get("LLMCORE_RECORD_MODE") or "new_episodes"
os.environ.setdefault("LLMCORE_E2E_CASSETTES", tempfile.mkdtemp(prefix="llmcore-e2e-cassettes-"))
Path(os.environ["LLMCORE_E2E_CASSETTES"]).mkdir(parents=True, exist_ok=True)


def pytest_unconfigure(config: object) -> None:
    import live

    live.stop()


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    """``$LLMCORE_E2E_KEEP_CASSETTES=1`` (``nox -s e2e -- --keep-cassettes``): after a green run, the
    ``llamacpp_server__*`` recordings of this run replace the plugin's cassettes."""
    if exitstatus != 0 or os.environ.get("LLMCORE_E2E_KEEP_CASSETTES") != "1":
        return
    import shutil

    dest = HERE.parent / "tests" / "cassettes"
    for f in sorted(Path(os.environ["LLMCORE_E2E_CASSETTES"]).glob("llamacpp_server__*.yaml")):
        shutil.copyfile(f, dest / f.name)


def pytest_terminal_summary(terminalreporter: object, exitstatus: int, config: object) -> None:
    """Timings and what ran live, at the end of the run."""
    import json

    lines = []
    try:
        import live

        if live._server is not None:
            lines.append(
                f"llama_cpp.server: pid {live._server.pid}, {live._server.base_url}, "
                f"ready in {live._server.startup_seconds:.2f}s"
            )
    except ImportError:
        pass
    for mod in ("test_inprocess", "test_gpt4all_live"):
        timings = getattr(sys.modules.get(mod), "TIMINGS", None)
        if timings:
            lines.append(f"{mod}: {json.dumps(timings)}")
    if lines:
        terminalreporter.write_sep("=", "e2e: live servers and timings")  # type: ignore[attr-defined]
        for line in lines:
            terminalreporter.write_line(line)  # type: ignore[attr-defined]
