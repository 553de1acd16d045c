"""Run nox's default sessions in parallel lanes: what CI runs (``python tools/nox_lanes.py``).

``python -m nox`` runs the sessions one after another, and most of them keep one core busy: on a 2-core
machine half of it idles. This runs the same sessions (``nox.options.sessions`` of noxfile.py, or the
names given on the command line), each as its own ``python -m nox -s NAME`` in its own venv, in
``--lanes`` lanes (default: the number of cores, at most 4). The longest sessions start first so the lanes
end together. A session in ``WAITS_FOR`` starts only once its file exists (``e2e`` needs the
llama-cpp-python wheel .ci/run builds in the background: ``$LLMCORE_LLAMA_WHEELHOUSE/build.rc``), so it
does not hold a lane while it waits; then it goes first, being long.

Each session's output goes to ``.nox-lanes/<session>.log``; a failed session's log is printed whole when
it ends, then a summary table. Exit status: 0 when every session passed, 1 otherwise.
``python tools/nox_lanes.py --lanes 1`` is the serial run; ``-- ARGS`` are passed to every session.
"""

from __future__ import annotations

import argparse
import os
import runpy
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: the sessions that take longest on CI's 2-core machine (seconds, from the clean-clone run of
#: 2026-12-04); they start first, the rest follow in noxfile order. Only the order depends on these.
EXPECTED = {
    "tests-cross": 300,
    "faults": 180,
    "tests-core": 70,
    "build": 70,
    "tests-openai": 65,
    "tests-bedrock": 65,
    "tests-anthropic": 55,
    "tests-cohere": 50,
    "tests-vertexai": 50,
    "tests-gemini": 46,
    "types": 35,
    "tests-writer": 33,
}
#: a session that must not start before a file exists (its name → the file's path, or None: no wait)
WAITS_FOR = {
    "e2e": (
        Path(os.environ["LLMCORE_LLAMA_WHEELHOUSE"]) / "build.rc"
        if os.environ.get("LLMCORE_LLAMA_WHEELHOUSE")
        else None
    ),
}
EXPECTED["e2e"] = 240


def default_sessions() -> list[str]:
    """``nox.options.sessions`` as noxfile.py sets it."""
    import nox

    runpy.run_path(str(ROOT / "noxfile.py"))
    return list(nox.options.sessions or [])


def plan(sessions: list[str]) -> list[str]:
    """The sessions in the order they start (when ready): longest first, the rest in noxfile order."""
    return sorted(sessions, key=lambda s: -EXPECTED.get(s, 0))  # sorted() is stable


def ready(session: str) -> bool:
    """Whether ``session`` may start now (see ``WAITS_FOR``)."""
    path = WAITS_FOR.get(session)
    return path is None or path.exists()


class Runner:
    def __init__(self, logs: Path, extra: list[str]) -> None:
        self.logs = logs
        self.extra = extra
        self.results: dict[str, tuple[int, float]] = {}
        self.lock = threading.Lock()

    def run(self, session: str) -> None:
        log = self.logs / f"{session}.log"
        cmd = [sys.executable, "-m", "nox", "-s", session, *(["--", *self.extra] if self.extra else [])]
        t0 = time.monotonic()
        with open(log, "wb") as out:
            rc = subprocess.call(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        took = time.monotonic() - t0
        with self.lock:
            self.results[session] = (rc, took)
            mark = "ok  " if rc == 0 else "FAIL"
            print(f"[{mark}] {session} ({took:.0f} s)", flush=True)
            if rc != 0:
                print(log.read_text(errors="replace"), flush=True)
                print(f"[FAIL] {session}: end of its log ({log})", flush=True)

    def lanes(self, queue: list[str], n: int) -> None:
        pending = list(queue)
        running: list[str] = []
        take = threading.Lock()

        def lane() -> None:
            while True:
                with take:
                    if not pending:
                        return
                    session = next((s for s in pending if ready(s)), None)
                    if session is None and not running:
                        # nothing else is left: start it anyway (e2e waits itself, with a timeout and a
                        # message naming the build's log)
                        session = pending[0]
                    if session is not None:
                        pending.remove(session)
                        running.append(session)
                if session is None:  # only sessions still waiting for their file are left
                    time.sleep(2)
                    continue
                try:
                    self.run(session)
                finally:
                    with take:
                        running.remove(session)

        threads = [threading.Thread(target=lane, daemon=True) for _ in range(max(1, min(n, len(queue))))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    extra: list[str] = []
    if "--" in args:
        i = args.index("--")
        args, extra = args[:i], args[i + 1 :]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sessions", nargs="*", help="sessions to run (default: nox.options.sessions)")
    p.add_argument("--lanes", type=int, default=min(4, os.cpu_count() or 1), help="sessions run at once")
    opts = p.parse_args(args)
    sessions = opts.sessions or default_sessions()
    logs = ROOT / ".nox-lanes"
    logs.mkdir(exist_ok=True)
    print(f"nox_lanes: {len(sessions)} sessions in {opts.lanes} lane(s); logs in {logs}", flush=True)
    runner = Runner(logs, extra)
    t0 = time.monotonic()
    runner.lanes(plan(sessions), opts.lanes)
    total = time.monotonic() - t0
    failed = [s for s, (rc, _) in runner.results.items() if rc != 0]
    print(f"\nnox_lanes: {len(sessions) - len(failed)} of {len(sessions)} sessions passed in {total:.0f} s")
    for s in sessions:
        rc, took = runner.results[s]
        print(f"  {'ok  ' if rc == 0 else 'FAIL'} {took:6.0f} s  {s}")
    if failed:
        print(f"nox_lanes: failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
