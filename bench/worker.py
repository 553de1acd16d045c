"""One measurement job in a fresh process: ``python worker.py SPEC_JSON OUT_JSON``.

``SPEC_JSON`` says the client, the API (openai/anthropic), the job and its
parameters; the result goes to ``OUT_JSON``. CPU is user+sys seconds of this
process (all threads) from ``resource.getrusage``; wall times from
``time.perf_counter``. Jobs:

* ``cold``  — import, build the client, one answered request (wall ms);
* ``cpu``   — plain HTTP/1.1, no latency: CPU per 1,000 requests at concurrency
  1 and 64, CPU per 1,000 streamed chunks (20- and 500-chunk streams), time to
  first token (0 and 50 ms server latency);
* ``load``  — 50 ms server latency, for one protocol: requests/s, p50/p95
  latency and CPU per 1,000 requests at each concurrency;
* ``rss``   — peak RSS while holding N concurrent streams open;
* ``embeddings`` — plain HTTP/1.1, no latency, for each encoding the client
  speaks (JSON numbers, base64 float32): CPU µs per call of one vector (1,536
  floats) at concurrency 1 and 64, and CPU ms per call of 1,000 vectors (= per
  1,000 vectors).
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before anything else is imported (cold start)

import asyncio  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from typing import Any  # noqa: E402

import clients  # noqa: E402
import fixtures  # noqa: E402


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """This process's own peak RSS (``VmHWM``: the high-water mark of its address space, reset by exec).

    Not ``ru_maxrss``: Linux carries that over fork/vfork + exec, so it never read below the runner's RSS."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # no /proc: the old, inflated figure


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


class Errors:
    def __init__(self) -> None:
        self.count = 0
        self.first: str | None = None

    def add(self, e: BaseException) -> None:
        self.count += 1
        if self.first is None:
            self.first = f"{type(e).__name__}: {e}"[:300]


async def run_n(fn: Any, n: int, c: int, errors: Errors, max_seconds: float = 1e9) -> list[float]:
    """``n`` calls of ``fn`` by ``c`` concurrent tasks (no new call after
    ``max_seconds``, so slow clients make fewer); the latencies."""
    remaining = n
    lat: list[float] = []
    deadline = time.perf_counter() + max_seconds

    async def task() -> None:
        nonlocal remaining
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            t = time.perf_counter()
            try:
                await fn()
            except Exception as e:  # counted, reported
                errors.add(e)
                continue
            lat.append(time.perf_counter() - t)

    await asyncio.gather(*(task() for _ in range(c)))
    return lat


async def run_for(fn: Any, seconds: float, c: int, errors: Errors, max_n: int) -> tuple[list[float], float]:
    """``c`` concurrent tasks calling ``fn`` until ``seconds`` have passed (or
    ``max_n`` calls); the latencies and the elapsed wall time."""
    deadline = time.perf_counter() + seconds
    issued = 0
    lat: list[float] = []

    async def task() -> None:
        nonlocal issued
        while issued < max_n and time.perf_counter() < deadline:
            issued += 1
            t = time.perf_counter()
            try:
                await fn()
            except Exception as e:
                errors.add(e)
                continue
            lat.append(time.perf_counter() - t)

    start = time.perf_counter()
    await asyncio.gather(*(task() for _ in range(c)))
    return lat, time.perf_counter() - start


def check_text(text: str, what: str) -> None:
    if not text:
        raise AssertionError(f"{what}: no text in the answer")


async def job_cold(client: clients.Client, spec: dict[str, Any]) -> dict[str, Any]:
    await client.setup()
    check_text(await client.chat("chat"), "chat")
    return {"cold_ms": (time.perf_counter() - T0) * 1000}


async def job_cpu(client: clients.Client, spec: dict[str, Any]) -> dict[str, Any]:
    p = spec["params"]
    await client.setup()
    out: dict[str, Any] = {}
    errors = Errors()
    # warm up: connections open, lazy imports done, caches filled
    for _ in range(p["warmup"]):
        check_text(await client.chat("chat"), "chat")
        check_text((await client.stream("s20"))[0], "stream")
    await run_n(lambda: client.chat("chat"), 64 * 2, 64, errors)

    async def batch(n: int, c: int, fn: Any) -> tuple[float, float, int]:
        """CPU and wall seconds of up to ``n`` calls, and how many were made."""
        gc.collect()
        c0, t0 = cpu(), time.perf_counter()
        lat = await run_n(fn, n, c, errors, p["max_seconds"])
        return cpu() - c0, time.perf_counter() - t0, len(lat)

    used, wall, n = await batch(p["n_c1"], 1, lambda: client.chat("chat"))
    out["cpu_req_c1"] = used / n * 1000
    out["wall_req_c1_ms"] = wall / n * 1000
    out["n_c1"] = n
    used, wall, n = await batch(p["n_c64"], 64, lambda: client.chat("chat"))
    out["cpu_req_c64"] = used / n * 1000
    out["rps_c64_nolat"] = n / wall
    out["n_c64"] = n
    for variant, n_streams in (("s20", p["n_s20"]), ("s500", p["n_s500"])):
        chunks = int(variant[1:])
        await client.stream(variant)
        used, wall, n = await batch(n_streams, 1, lambda v=variant: client.stream(v))
        out[f"cpu_chunk_{variant}"] = used / (n * chunks) * 1000
        out[f"n_{variant}"] = n
    for key, variant in (("ttft_0", "s20"), ("ttft_50", "s20-lat")):
        ttft: list[float] = []
        for _ in range(p["n_ttft"]):
            gc.collect()
            t = time.perf_counter()
            text, first = await client.stream(variant)
            check_text(text, variant)
            ttft.append((first - t) * 1000)
        out[f"{key}_ms"] = statistics.median(ttft)
        out[f"{key}_p95_ms"] = pct(ttft, 95)
    out["errors"] = errors.count
    out["first_error"] = errors.first
    return out


async def job_load(client: clients.Client, spec: dict[str, Any]) -> dict[str, Any]:
    p = spec["params"]
    await client.setup()
    errors = Errors()
    check_text(await client.chat("chat-lat"), "chat")
    out: dict[str, Any] = {}
    for c in p["concurrency"]:
        # warm up: open the connections this concurrency needs
        await run_n(lambda: client.chat("chat-lat"), c, c, errors)
        gc.collect()
        c0 = cpu()
        lat, wall = await run_for(lambda: client.chat("chat-lat"), p["seconds"], c, errors, p["max_requests"])
        used = cpu() - c0
        out[f"c{c}"] = {
            "requests": len(lat),
            "seconds": wall,
            "rps": len(lat) / wall,
            "p50_ms": pct(lat, 50) * 1000,
            "p95_ms": pct(lat, 95) * 1000,
            "cpu_per_1000": used / max(1, len(lat)) * 1000,
        }
    out["errors"] = errors.count
    out["first_error"] = errors.first
    return out


async def job_rss(client: clients.Client, spec: dict[str, Any]) -> dict[str, Any]:
    n = spec["params"]["streams"]
    await client.setup()
    check_text(await client.chat("chat"), "chat")
    check_text((await client.stream("s20"))[0], "stream")
    gc.collect()
    base = rss_mb()
    started = 0
    all_started = asyncio.Event()
    held_rss = 0.0

    async def on_first() -> None:
        nonlocal started, held_rss
        started += 1
        if started == n:
            held_rss = rss_mb()
            all_started.set()
        await all_started.wait()

    errors = Errors()

    async def one() -> None:
        try:
            text, _ = await client.stream("hold", on_first)
            check_text(text, "hold")
        except Exception as e:
            errors.add(e)
            if not all_started.is_set():
                all_started.set()  # do not hang the others

    await asyncio.wait_for(asyncio.gather(*(one() for _ in range(n))), 120)
    return {
        "baseline_rss_mb": base,
        "held_rss_mb": held_rss,
        "peak_rss_mb": peak_rss_mb(),
        "delta_rss_mb": peak_rss_mb() - base,
        "streams": n,
        "errors": errors.count,
        "first_error": errors.first,
    }


def check_vectors(vectors: list[list[float]], n: int, what: str) -> None:
    """``n`` vectors of the fixtures' length whose last one is the fixtures' vector ``n - 1``."""
    if len(vectors) != n or any(len(v) != fixtures.EMBEDDING_DIMS for v in vectors):
        raise AssertionError(f"{what}: {len(vectors)} vectors of {len(vectors[0]) if vectors else 0} floats")
    want = fixtures.embedding_vector(n - 1)[:8]
    got = list(vectors[-1][:8])
    if any(abs(a - b) > 1e-7 for a, b in zip(got, want, strict=True)):
        raise AssertionError(f"{what}: vector {n - 1} starts {got[:3]}, not {want[:3]}")


async def job_embeddings(client: clients.Client, spec: dict[str, Any]) -> dict[str, Any]:
    p = spec["params"]
    await client.setup()
    out: dict[str, Any] = {}
    errors = Errors()
    one = fixtures.embedding_texts(1)
    many = fixtures.embedding_texts(1000)

    async def batch(n: int, c: int, fn: Any) -> tuple[float, float, int]:
        gc.collect()
        c0, t0 = cpu(), time.perf_counter()
        lat = await run_n(fn, n, c, errors, p["max_seconds"])
        return cpu() - c0, time.perf_counter() - t0, len(lat)

    for enc in client.embed_encodings:
        v1, v1k = f"emb1-{enc}", f"emb1k-{enc}"
        # warm up (connections, lazy imports, caches) and check the answers are decoded right
        for _ in range(p["warmup"]):
            check_vectors(await client.embed(v1, enc, one), 1, v1)
        check_vectors(await client.embed(v1k, enc, many), 1000, v1k)
        await run_n(lambda v=v1, e=enc: client.embed(v, e, one), 128, 64, errors)

        used, wall, n = await batch(p["n_c1"], 1, lambda v=v1, e=enc: client.embed(v, e, one))
        out[f"{enc}.cpu_call_c1_us"] = used / n * 1e6
        out[f"{enc}.wall_call_c1_ms"] = wall / n * 1000
        out[f"{enc}.n_c1"] = n
        used, wall, n = await batch(p["n_c64"], 64, lambda v=v1, e=enc: client.embed(v, e, one))
        out[f"{enc}.cpu_call_c64_us"] = used / n * 1e6
        out[f"{enc}.rps_c64"] = n / wall
        out[f"{enc}.n_c64"] = n
        used, wall, n = await batch(p["n_batch"], 1, lambda v=v1k, e=enc: client.embed(v, e, many))
        out[f"{enc}.cpu_1k_vectors_ms"] = used / n * 1000
        out[f"{enc}.wall_1k_vectors_ms"] = wall / n * 1000
        out[f"{enc}.n_batch"] = n
    out["errors"] = errors.count
    out["first_error"] = errors.first
    return out


JOBS = {"cold": job_cold, "cpu": job_cpu, "load": job_load, "rss": job_rss, "embeddings": job_embeddings}


async def main(spec: dict[str, Any]) -> dict[str, Any]:
    cls = clients.CLIENTS[spec["client"]]
    client = cls(spec["api"], spec["base"], spec["proto"])
    try:
        return await JOBS[spec["job"]](client, spec)
    finally:
        try:
            await client.aclose()
        except Exception:
            pass


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")  # SDK deprecation notices are not what we measure
    spec = json.loads(sys.argv[1])
    try:
        result = asyncio.run(main(spec))
    except Exception as e:
        result = {"failed": f"{type(e).__name__}: {e}"[:500], "traceback": traceback.format_exc()[-3000:]}
    with open(sys.argv[2], "w") as f:
        json.dump(result, f)
