"""Run nox's default sessions in parallel lanes: what CI runs (``python tools/nox_lanes.py``).

``python -m nox`` runs the sessions one after another, and most of them keep one core busy: on a 2-core
machine half of it idles. This runs the same sessions (``nox.options.sessions`` of noxfile.py, or the
names given on the command line), each as its own ``python -m nox -s NAME`` in its own venv, in
``--lanes`` lanes (default: the number of cores, at most 4). The longest sessions start first so the lanes
end together; the sessions named in ``LAST`` start only after every other one has ended (``e2e`` waits for
the llama-cpp-python wheel .ci/run builds in the background, and its live server is timing-sensitive).

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
#: started once every other session has ended
LAST = ("e2e",)


def default_sessions() -> list[str]:
    """``nox.options.sessions`` as noxfile.py sets it."""
    import nox

    runpy.run_path(str(ROOT / "noxfile.py"))
    return list(nox.options.sessions or [])


def plan(sessions: list[str]) -> tuple[list[str], list[str]]:
    """(the sessions to spread over the lanes, longest first; the ones to run after them)."""
    first = [s for s in sessions if s not in LAST]
    first.sort(key=lambda s: -EXPECTED.get(s, 0))  # stable: the rest keep noxfile order
    return first, [s for s in sessions if s in LAST]


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
        take = threading.Lock()

        def lane() -> None:
            while True:
                with take:
                    if not pending:
                        return
                    session = pending.pop(0)
                self.run(session)

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
    first, last = plan(sessions)
    print(f"nox_lanes: {len(sessions)} sessions in {opts.lanes} lane(s); logs in {logs}", flush=True)
    runner = Runner(logs, extra)
    t0 = time.monotonic()
    runner.lanes(first, opts.lanes)
    runner.lanes(last, opts.lanes)
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
