"""Run the benchmark: ``python bench/run.py [--quick] [--repeat N] ...`` (or ``nox -s bench``).

Starts nginx (see :mod:`server`) on free loopback ports in a temp dir, runs
every client's jobs (see :mod:`worker`), each in a fresh process, stops nginx
by its PID, and writes ``bench/results/<stamp>.json`` (plus ``latest.json``) and
the tables of ``docs/performance.md`` (see :mod:`report`). ``--repeat N`` runs
the whole set N times, interleaved, so the spread shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import clients  # noqa: E402
import report  # noqa: E402
import server  # noqa: E402

FULL = {
    "cpu": {"warmup": 3, "n_c1": 1000, "n_c64": 2000, "n_s20": 200, "n_s500": 20, "n_ttft": 30, "max_seconds": 6.0},
    "load": {"seconds": 2.0, "max_requests": 50000, "concurrency": [64, 256]},
    "rss": {"streams": 256},
    "protos": ["h1", "h1-tls", "h2-tls", "h2c"],
    "embed": {"warmup": 3, "n_c1": 1000, "n_c64": 2000, "n_batch": 10, "max_seconds": 6.0},
    "import_repeats": 3,
    "cli_repeats": 5,
}
QUICK = {
    "cpu": {"warmup": 2, "n_c1": 200, "n_c64": 400, "n_s20": 40, "n_s500": 4, "n_ttft": 10, "max_seconds": 2.0},
    "load": {"seconds": 1.0, "max_requests": 20000, "concurrency": [64, 256]},
    "rss": {"streams": 256},
    "protos": ["h1", "h1-tls", "h2-tls"],
    "embed": {"warmup": 2, "n_c1": 300, "n_c64": 600, "n_batch": 4, "max_seconds": 3.0},
    "import_repeats": 2,
    "cli_repeats": 2,
}
JOBS = ["import", "cold", "cpu", "load", "rss", "cli", "embeddings", "otel"]
#: the API the load, RSS and cold jobs use (the CPU job runs for every API a client speaks)
MAIN_API = "openai"
MAIN_API_OF = {"anthropic": "anthropic"}  # clients that speak only one other API


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def child_env(srv: server.Server | None, tmp: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if tmp is not None:  # llmcore's usage log and cache in the run's temp dir: measured, but not the user's files
        env["LLMCORE_DATA_DIR"] = str(tmp / "llmcore-data")
        env["LLMCORE_CACHE_DIR"] = str(tmp / "llmcore-cache")
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # litellm fetches a price list at import otherwise
    env.pop("LLMCORE_HTTP_TRANSPORT", None)
    for k in (
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_BASE_URL",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        env.pop(k, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    if srv is not None:
        env["SSL_CERT_FILE"] = str(srv.cert)
    return env


def run_worker(spec: dict[str, Any], env: dict[str, str], timeout: float = 600) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        try:
            p = subprocess.run(
                [sys.executable, str(HERE / "worker.py"), json.dumps(spec), out.name],
                env=env,
                cwd=str(HERE),
                timeout=timeout,
                capture_output=True,
                text=True,
            )
        except subprocess.TimeoutExpired:
            return {"failed": f"timed out after {timeout}s"}
        text = Path(out.name).read_text()
    if not text:
        return {"failed": f"worker exited {p.returncode} without a result: {p.stderr[-1500:]}"}
    result: dict[str, Any] = json.loads(text)
    return result


def import_time(stmt: str, env: dict[str, str]) -> float:
    """Milliseconds to run ``stmt`` in a fresh interpreter (startup excluded)."""
    code = f"import time; t = time.perf_counter(); {stmt}; print((time.perf_counter() - t) * 1000)"
    p = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, cwd=tempfile.gettempdir()
    )
    if p.returncode:
        raise RuntimeError(p.stderr[-1000:])
    return float(p.stdout.strip().splitlines()[-1])


def cli_time(env: dict[str, str], repeats: int) -> dict[str, Any]:
    """Wall time of ``llmcore providers list`` (a fresh process each time)."""
    exe = Path(sys.executable).parent / "llmcore"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "llmcore"]
    walls, base = [], []
    out = ""
    for _ in range(repeats):
        t = time.perf_counter()
        p = subprocess.run([*cmd, "providers", "list"], env=env, capture_output=True, text=True, timeout=120)
        walls.append((time.perf_counter() - t) * 1000)
        out = p.stdout
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, timeout=60)
        base.append((time.perf_counter() - t) * 1000)
    rows = [line for line in out.splitlines() if line.strip()]
    return {
        "wall_ms": statistics.median(walls),
        "all_ms": walls,
        "python_startup_ms": statistics.median(base),
        "providers_listed": max(0, len(rows) - 2),
        "returncode": p.returncode,
        "output_head": out[:600],
    }


def versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": platform.python_version()}
    out["llmcore"] = metadata.version("llmcore-core")  # the core's distribution; "llmcore" on PyPI is not ours
    for dist in (
        "aiohttp",
        "httpx",
        "httpx-aiohttp",
        "h2",
        "openai",
        "anthropic",
        "litellm",
        "orjson",
        "pydantic",
        "pydantic-core",
        "numpy",
    ):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    try:
        nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
        out["nginx"] = nginx.split("/")[-1]
    except OSError:
        pass
    out["openssl"] = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    return out


def git_commit() -> str | None:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or None
        )
    except OSError:
        return None


def otel_overhead(base: str, env: dict[str, str], quick: bool) -> dict[str, Any]:
    """llmcore-otel's overhead (issue 15): ``otel_overhead.py --live`` over this run's nginx, its own
    process; the facade uninstrumented, with the API alone (no SDK) and with the SDK's batching
    in-memory exporter, in interleaved rounds, as ratios in the same run."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        cmd = [
            sys.executable,
            str(HERE / "otel_overhead.py"),
            "--live",
            base,
            "--json",
            out.name,
            "--rounds",
            "3" if quick else "5",
            "--calls",
            "300" if quick else "1000",
        ]
        try:
            subprocess.run(cmd, env=env, check=True, timeout=900, capture_output=True, text=True)
        except (subprocess.SubprocessError, OSError) as e:
            err = getattr(e, "stderr", None) or str(e)
            return {"failed": err.strip().splitlines()[-1] if err.strip() else repr(e)}
        return json.loads(Path(out.name).read_text())  # type: ignore[no-any-return]


def load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def apis_for(name: str) -> list[str]:
    return list(clients.CLIENTS[name].apis)


def main_api(name: str) -> str:
    apis = apis_for(name)
    return MAIN_API if MAIN_API in apis else apis[0]


def one_round(
    rep: int, names: list[str], jobs: list[str], params: dict[str, Any], srv: server.Server, env: dict[str, str]
) -> dict[str, Any]:
    res: dict[str, Any] = {}
    for name in names:
        cls = clients.CLIENTS[name]
        r: dict[str, Any] = res.setdefault(name, {})
        t0 = time.perf_counter()
        if "import" in jobs:
            ms = [import_time(cls.import_stmt, env) for _ in range(params["import_repeats"])]
            r["import"] = {"ms": statistics.median(ms), "all_ms": ms, "stmt": cls.import_stmt}
        base = {"client": name, "base": srv.url("h1"), "proto": "h1"}
        if "cold" in jobs:
            r["cold"] = run_worker({**base, "api": main_api(name), "job": "cold", "params": {}}, env)
        if "cpu" in jobs:
            for api in apis_for(name):
                r[f"cpu/{api}"] = run_worker({**base, "api": api, "job": "cpu", "params": params["cpu"]}, env)
        if "load" in jobs:
            for proto in params["protos"]:
                if proto in cls.protos:
                    r[f"load/{proto}"] = run_worker(
                        {
                            **base,
                            "api": main_api(name),
                            "base": srv.url(proto),
                            "proto": proto,
                            "job": "load",
                            "params": params["load"],
                        },
                        env,
                    )
        if "rss" in jobs:
            r["rss"] = run_worker({**base, "api": main_api(name), "job": "rss", "params": params["rss"]}, env)
        if "embeddings" in jobs and cls.embed_encodings:
            r["embeddings"] = run_worker({**base, "api": "openai", "job": "embeddings", "params": params["embed"]}, env)
        failed = {k: v["failed"] for k, v in r.items() if isinstance(v, dict) and "failed" in v}
        log(
            f"round {rep + 1}: {name} done in {time.perf_counter() - t0:.0f}s"
            + (f" — FAILED: {failed}" if failed else "")
        )
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer requests, fewer protocols (a minute or two)")
    ap.add_argument("--repeat", type=int, default=1, help="run everything N times, interleaved (shows the spread)")
    ap.add_argument(
        "--clients", default=",".join(clients.DEFAULT), help=f"comma-separated, from: {', '.join(clients.CLIENTS)}"
    )
    ap.add_argument("--jobs", default=",".join(JOBS), help=f"comma-separated, from: {', '.join(JOBS)}")
    ap.add_argument("--protos", default=None, help="load-test protocols (h1, h1-tls, h2-tls, h2c)")
    ap.add_argument("--out", default=str(HERE / "results"), help="directory for the JSON results")
    ap.add_argument(
        "--docs",
        default=str(HERE.parent / "docs" / "performance.md"),
        help="markdown file whose generated section is rewritten ('' to skip)",
    )
    ap.add_argument("--label", default="", help="a label stored with the results")
    args = ap.parse_args(argv)

    missing = server.missing_tools()
    if missing:
        print(f"bench: missing {', '.join(missing)}. Install with:\n    sudo {server.APT}", file=sys.stderr)
        return 2
    names = [c for c in args.clients.split(",") if c]
    unknown = [c for c in names if c not in clients.CLIENTS]
    if unknown:
        print(f"bench: unknown client(s) {unknown}; known: {list(clients.CLIENTS)}", file=sys.stderr)
        return 2
    if "aiohttp" not in names:
        names.insert(0, "aiohttp")  # the floor every ratio is taken against
    jobs = [j for j in args.jobs.split(",") if j]
    unknown = [j for j in jobs if j not in JOBS]
    if unknown:
        print(f"bench: unknown job(s) {unknown}; known: {JOBS}", file=sys.stderr)
        return 2
    if set(jobs) == {"embeddings"}:  # only the clients that are measured for embeddings
        names = [c for c in names if clients.CLIENTS[c].embed_encodings]
    params = json.loads(json.dumps(QUICK if args.quick else FULL))
    if args.protos:
        params["protos"] = args.protos.split(",")

    started = time.time()
    meta: dict[str, Any] = {
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": "nox -s bench -- " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "quick": args.quick,
        "repeat": args.repeat,
        "label": args.label,
        "params": params,
        "versions": versions(),
        "git": git_commit(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "kernel": platform.release(),
        "load_before": load_avg(),
        "clients": names,
        "jobs": jobs,
    }
    log(f"clients: {', '.join(names)}; jobs: {', '.join(jobs)}; load average {meta['load_before']}")
    tmp = Path(tempfile.mkdtemp(prefix="llmcore-bench-"))
    srv = server.start(tmp / "nginx", embeddings="embeddings" in jobs)
    log(f"nginx pid {srv.proc.pid} on 127.0.0.1 ports {srv.ports} (dir {tmp})")
    rounds = []
    cli = []
    otel: list[dict[str, Any]] = []
    try:
        env = child_env(srv, tmp)
        for rep in range(args.repeat):
            rounds.append(one_round(rep, names, jobs, params, srv, env))
            if "otel" in jobs:
                otel.append(otel_overhead(srv.url("h1"), env, args.quick))
                o = otel[-1]
                log(
                    f"round {rep + 1}: llmcore-otel FAILED: {o['failed']}"
                    if "failed" in o
                    else f"round {rep + 1}: llmcore-otel: no SDK {o['noop_minus_off_us']:+.1f} us/call, "
                    f"SDK {o['sdk_ratio']:.2f}x the uninstrumented facade, the SDK's own floor "
                    f"{o['floor_ratio']:.2f}x (load {o['load_avg'][0]:.2f})"
                )
            if "cli" in jobs:
                cli.append(cli_time(env, params["cli_repeats"]))
                log(
                    f"round {rep + 1}: llmcore providers list {cli[-1]['wall_ms']:.0f} ms "
                    f"({cli[-1]['providers_listed']} providers)"
                )
    finally:
        srv.stop()
        log(f"nginx (pid {srv.proc.pid}) stopped")
        shutil.rmtree(tmp, ignore_errors=True)
    meta["load_after"] = load_avg()
    meta["seconds"] = round(time.time() - started, 1)
    data = {"meta": meta, "rounds": rounds, "cli": cli}
    if otel:
        data["otel"] = otel
    data["summary"] = report.summarize(data)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out / f"{stamp}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps(data, indent=1, sort_keys=True))
    # an embeddings-only run keeps latest.json (the last run with the chat tables) as it is
    # (and an otel-only run keeps it too: it has no chat tables, see docs/performance.md "Issue 15")
    otel_only = set(jobs) == {"otel"}
    latest = "latest-otel.json" if otel_only else "latest.json" if report.has_chat(data) else "latest-embeddings.json"
    (out / latest).write_text(json.dumps(data, indent=1, sort_keys=True))
    log(f"results: {path} ({meta['seconds']:.0f}s in all)")
    if report.has_chat(data) and not otel_only:
        print(report.render(data))
    if report.has_embeddings(data):
        print(report.render_embeddings(data))
    if args.docs and not otel_only:
        report.update_docs(Path(args.docs), data, path)
        log(f"tables written to {args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
