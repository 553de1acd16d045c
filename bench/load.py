"""Load benchmark for llmcore's reliability layers (``nox -s load``; not a test).

Sends N chat requests (default 10^5) at a fixed concurrency (default 256)
through the real ``openai_compatible`` codec to a local OpenAI-compatible
server running in its own process, which injects failures on every attempt
independently: 2.5 % 429 with ``retry-after-ms``, 2.5 % 503, 1 % connection
resets before any response byte. Every prompt is unique (``req-<i>``) and the
server echoes it, so the benchmark checks that each request was answered
exactly once with its own answer (0 lost, 0 duplicated), and the server
checks that it served each prompt successfully exactly once.

It reports throughput, retries (the Retry layer's count and the server's
injected-failure counts), and the client's RSS at 10 % of the run and at the
end (memory growth must stay bounded: the workers pull from a counter, so
nothing grows with N but the two result counters). Usage::

    python bench/load.py [--requests 100000] [--concurrency 256] [--transport aiohttp|httpx]
                         [--stream-fraction 0.1] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import struct
import subprocess
import sys
import time
from typing import Any

# -- the server (a separate process: ``load.py --serve PORT``) ---------------------------------


def serve(port: int, seed: int, p429: float, p503: float, preset: float) -> None:
    from aiohttp import web

    rnd = random.Random(seed)
    stats = {"attempts": 0, "ok": 0, "429": 0, "503": 0, "reset": 0, "duplicates": 0}
    served: set[str] = set()

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        obj = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "load-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"

    async def chat(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        prompt = body["messages"][-1]["content"]
        stats["attempts"] += 1
        r = rnd.random()
        if r < preset:
            stats["reset"] += 1
            transport = request.transport
            assert transport is not None
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
            raise asyncio.CancelledError
        if r < preset + p429:
            stats["429"] += 1
            return web.json_response(
                {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}},
                status=429,
                headers={"retry-after-ms": "50"},
            )
        if r < preset + p429 + p503:
            stats["503"] += 1
            return web.json_response({"error": {"message": "overloaded", "type": "server_error"}}, status=503)
        if prompt in served:
            stats["duplicates"] += 1
        served.add(prompt)
        stats["ok"] += 1
        usage = {"prompt_tokens": 8, "completion_tokens": 2, "total_tokens": 10}
        if body.get("stream"):
            resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
            await resp.prepare(request)
            await resp.write(
                chunk({"role": "assistant", "content": ""})
                + chunk({"content": prompt})
                + chunk({}, "stop")
                + b"data: "
                + json.dumps(
                    {
                        "id": "c",
                        "object": "chat.completion.chunk",
                        "created": 1,
                        "model": "load-model",
                        "choices": [],
                        "usage": usage,
                    }
                ).encode()
                + b"\n\ndata: [DONE]\n\n"
            )
            return resp
        return web.json_response(
            {
                "id": "c",
                "object": "chat.completion",
                "created": 1,
                "model": "load-model",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": prompt}, "finish_reason": "stop"}],
                "usage": usage,
            }
        )

    async def get_stats(request: web.Request) -> web.Response:
        return web.json_response({**stats, "distinct_served": len(served)})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_get("/stats", get_stats)
    print("serving", flush=True)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, handle_signals=True)


# -- the client ---------------------------------------------------------------------------------


def rss_mib() -> float:
    """Current resident set size of this process, MiB (Linux /proc; else peak RSS)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run_load(args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    import llmcore
    from llmcore.http.client import HTTPSettings, make_client
    from llmcore.reliability import Retry, RetryPolicy, find_layer

    client = make_client(
        HTTPSettings(
            transport=args.transport, max_connections=args.concurrency, max_keepalive_connections=args.concurrency
        )
    )
    m = llmcore.model(
        "openai_compatible/load-model",
        base_url=base_url,
        http_client=client,
        retry=RetryPolicy(max_attempts=12, initial_backoff=0.02, max_backoff=0.5, max_total=120),
        timeouts={"read": 30, "total": 60},
    )
    retry_layer = find_layer(m.provider, Retry)
    n = args.requests
    answered = bytearray(n)  # answers per request (capped at 255)
    wrong = 0
    failed: dict[str, int] = {}
    every_stream = int(1 / args.stream_fraction) if args.stream_fraction > 0 else 0
    next_i = 0
    done = 0
    rss_marks: dict[str, float] = {"start": rss_mib()}
    t0 = time.perf_counter()
    progress_at = max(1, n // 10)

    async def worker() -> None:
        nonlocal next_i, done, wrong
        while next_i < n:
            i = next_i
            next_i += 1
            prompt = f"req-{i}"
            try:
                if every_stream and i % every_stream == 0:
                    text = "".join([t async for t in m.astream(prompt).texts()])
                else:
                    text = (await m.achat(prompt)).text
            except llmcore.LLMCoreError as e:
                failed[type(e).__name__] = failed.get(type(e).__name__, 0) + 1
                continue
            if text != prompt:
                wrong += 1
            if answered[i] < 255:
                answered[i] += 1
            done += 1
            if done % progress_at == 0:
                if done == progress_at:
                    rss_marks["at_10pct"] = rss_mib()
                el = time.perf_counter() - t0
                print(
                    f"  {done:>7}/{n}  {done / el:7.0f} req/s  retries={retry_layer.retries}  rss={rss_mib():.0f} MiB",
                    flush=True,
                )

    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    elapsed = time.perf_counter() - t0
    rss_marks["end"] = rss_mib()
    await client.aclose()
    lost = sum(1 for a in answered if a == 0)
    dup = sum(1 for a in answered if a > 1)
    return {
        "requests": n,
        "concurrency": args.concurrency,
        "transport": args.transport,
        "stream_fraction": args.stream_fraction,
        "elapsed_s": round(elapsed, 2),
        "throughput_rps": round(n / elapsed, 1),
        "retries": retry_layer.retries,
        "lost": lost,
        "duplicated": dup,
        "wrong_answer": wrong,
        "failed": failed,
        "rss_mib": {k: round(v, 1) for k, v in rss_marks.items()},
        "rss_growth_after_10pct_mib": round(rss_marks["end"] - rss_marks.get("at_10pct", rss_marks["start"]), 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--concurrency", type=int, default=256)
    ap.add_argument("--transport", choices=["aiohttp", "httpx"], default="aiohttp")
    ap.add_argument("--stream-fraction", type=float, default=0.1, help="share of requests streamed (default 0.1)")
    ap.add_argument("--p429", type=float, default=0.025)
    ap.add_argument("--p503", type=float, default=0.025)
    ap.add_argument("--preset", type=float, default=0.01, help="probability of a connection reset")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="also write the result here")
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.seed, args.p429, args.p503, args.preset)
        return 0

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            str(port),
            "--seed",
            str(args.seed),
            "--p429",
            str(args.p429),
            "--p503",
            str(args.p503),
            "--preset",
            str(args.preset),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "serving"
        time.sleep(0.3)
        base = f"http://127.0.0.1:{port}"
        print(
            f"llmcore load: {args.requests} requests, concurrency {args.concurrency}, {args.transport} transport, "
            f"server injects {args.p429:.1%} 429 + {args.p503:.1%} 503 + {args.preset:.1%} resets per attempt",
            flush=True,
        )
        result = asyncio.run(run_load(args, base + "/v1"))
        import urllib.request

        with urllib.request.urlopen(base + "/stats", timeout=10) as r:
            result["server"] = json.loads(r.read())
    finally:
        server.terminate()
        server.wait(10)
    s = result["server"]
    print(json.dumps(result, indent=2))
    print(
        f"\n{result['requests']} requests in {result['elapsed_s']} s = {result['throughput_rps']} req/s; "
        f"{result['retries']} retries (server injected {s['429']} x 429, {s['503']} x 503, {s['reset']} resets "
        f"over {s['attempts']} attempts); lost {result['lost']}, duplicated {result['duplicated']} "
        f"(server served {s['distinct_served']} distinct prompts, {s['duplicates']} twice); "
        f"RSS {result['rss_mib']}",
        flush=True,
    )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    ok = (
        result["lost"] == 0
        and result["duplicated"] == 0
        and result["wrong_answer"] == 0
        and s["duplicates"] == 0
        and not result["failed"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
