"""llmcore's own CPU per request over a real loopback socket, against raw aiohttp, in one process.

``python bench/overhead_live.py [--rounds 5] [--calls 2000] [--api openai,anthropic] [--count]``

Starts the bench's nginx (``bench/server.py``: the recorded answers, plain
HTTP/1.1 on loopback, no latency), then in this one process runs, round after
round and in a rotating order, the bench's own clients (``bench/clients.py``):

* ``aiohttp``           — raw aiohttp: ``session.post`` + ``json.loads`` + the text;
* ``llmcore-provider``  — the provider's ``chat(request)`` on a prebuilt request;
* ``llmcore``           — the facade, ``llmcore.model(...).achat(prompt)``, default options;

each for ``--calls`` requests at concurrency 1 and at 64. The figure is CPU
(``time.process_time``, this process only: nginx is another process) per
request; each llmcore figure is also given as its ratio to raw aiohttp *of
the same round* and as the microseconds it adds per request (llmcore's own
work). The table shows medians over the rounds (and min-max of the ratio).
The machine is shared and noisy: compare figures from one run only.

``--count`` also counts Python function calls per request (``cProfile``, c=1,
500 calls after warm-up): a figure free of noise, for before/after of a change.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("LLMCORE_DATA_DIR", tempfile.mkdtemp(prefix="llmcore-overhead-live-"))

import clients
import server

NAMES = ("aiohttp", "llmcore-provider", "llmcore")
CLASSES = {"aiohttp": clients.RawAiohttp, "llmcore-provider": clients.LlmcoreProvider, "llmcore": clients.Llmcore}
VARIANT = "chat"


async def _cpu_per_call(client: Any, n: int, concurrency: int) -> float:
    """CPU us per request for ``n`` requests at ``concurrency``."""

    async def worker(k: int) -> None:
        for _ in range(k):
            await client.chat(VARIANT)

    per = n // concurrency
    t = time.process_time()
    await asyncio.gather(*(worker(per) for _ in range(concurrency)))
    return (time.process_time() - t) / (per * concurrency) * 1e6


async def _calls_per_request(client: Any, n: int = 500) -> float:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        await client.chat(VARIANT)
    prof.disable()
    return pstats.Stats(prof).total_calls / n  # type: ignore[attr-defined,no-any-return]


async def run(base: str, apis: list[str], rounds: int, calls: int, count: bool) -> dict[str, Any]:
    made: dict[tuple[str, str], Any] = {}
    for api in apis:
        for name in NAMES:
            c = CLASSES[name](api, base, "h1")
            await c.setup()
            for _ in range(300):  # warm-up: connections, imports, caches
                assert await c.chat(VARIANT)
            made[api, name] = c
    results: dict[str, Any] = {"cpu": {}, "calls": {}}
    for r in range(rounds):
        for api in apis:
            for conc in (1, 64):
                order = NAMES[r % len(NAMES) :] + NAMES[: r % len(NAMES)]
                for name in order:
                    us = await _cpu_per_call(made[api, name], calls, conc)
                    results["cpu"].setdefault((api, conc, name), []).append(us)
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    if count:
        for api in apis:
            for name in NAMES:
                results["calls"][api, name] = await _calls_per_request(made[api, name])
    for c in made.values():
        await c.aclose()
    return results


def report(results: dict[str, Any], apis: list[str], rounds: int) -> None:
    cpu = results["cpu"]
    print(
        f"CPU us per request (median of {rounds} rounds); ratio to raw aiohttp in the same round (min-max); "
        "us llmcore adds"
    )
    for api in apis:
        for conc in (1, 64):
            base = cpu[api, conc, "aiohttp"]
            print(f"{api} c={conc}: aiohttp {statistics.median(base):.0f} us")
            for name in NAMES[1:]:
                vals = cpu[api, conc, name]
                ratios = [v / b for v, b in zip(vals, base, strict=True)]
                adds = [v - b for v, b in zip(vals, base, strict=True)]
                print(
                    f"  {name:17s} {statistics.median(vals):6.0f} us  {statistics.median(ratios):.2f}x "
                    f"({min(ratios):.2f}-{max(ratios):.2f})  +{statistics.median(adds):.0f} us"
                )
    if results["calls"]:
        print("Python function calls per request (cProfile, c=1):")
        for (api, name), n in results["calls"].items():
            print(f"  {api:9s} {name:17s} {n:7.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--calls", type=int, default=2000, help="requests per client per round (a multiple of 64)")
    ap.add_argument("--api", default="openai,anthropic")
    ap.add_argument("--count", action="store_true", help="also count Python function calls per request")
    args = ap.parse_args()
    missing = server.missing_tools()
    if missing:
        sys.exit(f"missing: {', '.join(missing)} ({server.APT})")
    apis = [a.strip() for a in args.api.split(",") if a.strip()]
    srv = server.start(Path(tempfile.mkdtemp(prefix="llmcore-overhead-nginx-")))
    try:
        results = asyncio.run(run(srv.url("h1"), apis, args.rounds, args.calls, args.count))
    finally:
        srv.stop()
    report(results, apis, args.rounds)


if __name__ == "__main__":
    main()
