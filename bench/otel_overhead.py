"""llmcore-otel's cost per call, network taken out (issue 15's overhead targets).

``python bench/otel_overhead.py [--rounds 7] [--calls 3000] [--count]``

The facade's ``achat`` against the recorded OpenAI answer served from memory
(``bench/overhead.py``'s canned transport), in one process, round after round
in a rotating order, with:

* ``off``   — no observer installed (the uninstrumented facade);
* ``noop``  — llmcore-otel's observer over the OpenTelemetry API alone (no SDK:
  the no-op tracer and meter an application gets before it configures one);
* ``sdk``   — the SDK: a ``TracerProvider`` with a ``BatchSpanProcessor`` over an
  in-memory exporter, a ``MeterProvider`` with an in-memory metric reader.

CPU µs per call (``time.process_time``: the batch exporter's thread included),
median over the rounds; ``noop - off`` (target ≤ 10 µs) and ``sdk / off``
(target ≤ 1.15x). ``--count``: Python function calls per call (cProfile).

``--live [BASE]``: the same three over a real loopback socket instead (the
bench's nginx, ``bench/server.py``, started here unless ``BASE`` — an h1
base URL of a running one, as ``bench/run.py`` passes — is given): the
user's path, default transport; what issue 15's ratios are read from.

Both modes also time the **SDK floor**: with the SDK set up the same way and
no llmcore code at all, exactly the SDK calls llmcore-otel makes per chat call
(the call span and its attempt span with the same attributes, the same four
metric points: duration, input and output tokens, cost). ``floor / off`` is
the overhead no instrumentation recording these could avoid; ``sdk - floor``
is llmcore-otel's own share. The floor is timed beside the uninstrumented
facade call (``off`` + the SDK calls, per call), as it runs in a real call:
alone in a tight loop its code stays in the CPU caches and it looks ~25%
cheaper. The in-memory span exporters are emptied before each round (a real
exporter drops what it sent; kept spans slow every garbage collection after).
``--json PATH`` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("LLMCORE_DATA_DIR", tempfile.mkdtemp(prefix="llmcore-otel-overhead-"))

from overhead import PROMPT, _CannedDirect

#: the in-memory span exporters, emptied before each round: they keep every span they are given,
#: where a real exporter sends and drops them (thousands of kept spans would make every garbage
#: collection of the next rounds slower, and charge it to whichever mode allocates most)
_EXPORTERS: list[Any] = []


def _sdk() -> tuple[Any, Any]:
    """A tracer and a meter over the SDK: batching span processor, in-memory exporter and metric reader."""
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    tp = TracerProvider()
    _EXPORTERS.append(exporter := InMemorySpanExporter())
    tp.add_span_processor(BatchSpanProcessor(exporter))
    mp = MeterProvider(metric_readers=[InMemoryMetricReader()])
    return tp.get_tracer("llmcore"), mp.get_meter("llmcore")


def _observers() -> dict[str, Any]:
    from llmcore_otel._observer import Instruments, OtelObserver
    from opentelemetry.metrics import NoOpMeterProvider
    from opentelemetry.trace import NoOpTracerProvider

    noop = OtelObserver(
        NoOpTracerProvider().get_tracer("llmcore"), Instruments(NoOpMeterProvider().get_meter("x")), False
    )
    tracer, meter = _sdk()
    sdk = OtelObserver(tracer, Instruments(meter), False)
    return {"off": None, "noop": noop, "sdk": sdk}


class SdkFloor:
    """Exactly the SDK calls llmcore-otel makes for one chat call with one attempt, with
    the same attribute sets, and no llmcore code: the floor of recording it."""

    def __init__(self, host: str, port: int) -> None:
        from llmcore_otel._observer import Instruments
        from opentelemetry.trace import SpanKind

        tracer, meter = _sdk()
        self.tracer, self.ins, self.client, self.internal = (
            tracer,
            Instruments(meter),
            SpanKind.CLIENT,
            SpanKind.INTERNAL,
        )
        self.base = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "server.address": host,
            "server.port": port,
        }
        self.request = {"llmcore.provider": "openai", "gen_ai.request.stream": False, "gen_ai.request.max_tokens": 256}
        self.attempt = {"llmcore.attempt": 1}
        self.call = {**self.base, "gen_ai.response.model": "gpt-4o-mini-2024-07-18"}
        self.input = {**self.call, "gen_ai.token.type": "input"}
        self.output = {**self.call, "gen_ai.token.type": "output"}

    def one(self) -> None:
        from opentelemetry import trace

        started = time.perf_counter()
        span = self.tracer.start_span("chat gpt-4o-mini", kind=self.client, attributes={**self.base, **self.request})
        attempt = self.tracer.start_span(
            "chat gpt-4o-mini attempt 1",
            context=trace.set_span_in_context(span),
            kind=self.internal,
            attributes=self.attempt,
        )
        attempt.end()
        span.set_attributes(
            {
                "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
                "gen_ai.response.id": "chatcmpl-0123456789",
                "gen_ai.response.finish_reasons": ["stop"],
                "gen_ai.usage.input_tokens": 13,
                "gen_ai.usage.output_tokens": 9,
                "gen_ai.usage.cache_read.input_tokens": 0,
                "gen_ai.usage.reasoning.output_tokens": 0,
                "llmcore.cost_usd": 7.35e-06,
                "llmcore.attempts": 1,
            }
        )
        span.end()
        self.ins.tokens.record(13, self.input)
        self.ins.tokens.record(9, self.output)
        self.ins.cost.add(7.35e-06, self.call)
        self.ins.duration.record(time.perf_counter() - started, self.call)


async def _cpu(fn: Any, n: int) -> float:
    t = time.process_time()
    for _ in range(n):
        await fn()
    return (time.process_time() - t) / n * 1e6


def _median(v: list[float]) -> float:
    return round(statistics.median(v), 3)


async def _rounds(call: Any, observers: dict[str, Any], floor: SdkFloor, rounds: int, calls: int) -> dict[str, Any]:
    """``rounds`` interleaved rounds (rotating order) of each observer and the SDK floor."""
    from llmcore import observe

    names = [*observers, "floor"]

    async def with_floor() -> None:
        await call()
        floor.one()

    async def one(name: str, n: int) -> float:
        for exporter in _EXPORTERS:
            exporter.clear()
        if name == "floor":  # beside the uninstrumented call, as the SDK's work runs in a real one
            observe.set_observer(None)  # (alone, in a tight loop, its code stays in cache: ~25% cheaper)
            return await _cpu(with_floor, n)
        observe.set_observer(observers[name])
        return await _cpu(call, n)

    for name in names:  # warm-up
        await one(name, max(100, calls // 5))
    res: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            res[name].append(await one(name, calls))
    observe.set_observer(None)
    off = res["off"]
    noop = [a - b for a, b in zip(res["noop"], off, strict=True)]
    sdk = [a / b for a, b in zip(res["sdk"], off, strict=True)]
    fl = [a / b for a, b in zip(res["floor"], off, strict=True)]
    ours = [a - b for a, b in zip(res["sdk"], res["floor"], strict=True)]
    return {
        "rounds": rounds,
        "calls": calls,
        "cpu_us": {n: _median(v) for n, v in res.items()},
        "all_cpu_us": res,
        "noop_minus_off_us": _median(noop),
        "sdk_ratio": _median(sdk),
        "sdk_ratio_range": [round(min(sdk), 3), round(max(sdk), 3)],
        "floor_ratio": _median(fl),
        "floor_ratio_range": [round(min(fl), 3), round(max(fl), 3)],
        "ours_us": _median(ours),
        "load_avg": list(os.getloadavg()),
    }


def _print(res: dict[str, Any], where: str) -> None:
    c = res["cpu_us"]
    print(f"CPU us per facade chat call, {where} (median of {res['rounds']} interleaved rounds of {res['calls']})")
    for name in ("off", "noop", "sdk"):
        print(f"  {name:5s} {c[name]:7.1f}")
    print(f"  off + the SDK floor (the same SDK calls, no llmcore-otel): {c['floor']:.1f} us")
    print(f"  noop - off: {res['noop_minus_off_us']:.1f} us; target <= 10")
    lo, hi = res["sdk_ratio_range"]
    print(f"  sdk / off:  {res['sdk_ratio']:.2f}x ({lo:.2f} to {hi:.2f}); target <= 1.15")
    lo, hi = res["floor_ratio_range"]
    print(f"  floor / off: {res['floor_ratio']:.2f}x ({lo:.2f} to {hi:.2f}): what the SDK's own work costs")
    print(f"  sdk - floor: {res['ours_us']:.1f} us: llmcore-otel's own share and core's observation points")
    print(f"  load average {res['load_avg']}")


async def canned(rounds: int, calls: int, count: bool) -> dict[str, Any]:
    """The facade against the canned transport (network excluded)."""
    import llmcore
    import llmcore.provider
    from llmcore import observe

    canned = _CannedDirect()
    llmcore.provider.shared_direct = lambda: canned  # type: ignore[assignment]
    m = llmcore.model("openai/gpt-4o-mini", api_key="sk-bench", base_url="http://127.0.0.1:9/v1", max_tokens=256)
    observers = _observers()

    def call() -> Any:
        return m.achat(PROMPT)

    res = await _rounds(call, observers, SdkFloor("127.0.0.1", 9), rounds, calls)
    _print(res, "network excluded")
    # the observer's own work alone (what a call adds besides core's observation points)
    from llmcore.observe import CallInfo
    from llmcore.usage import make_record

    req, _ = m.request(PROMPT)
    resp = await m.base_provider.chat(req)
    rec = make_record(m.spec, m.model_id, resp, started=0.0, stream=False)

    def observe_one(o: Any) -> None:
        h = o.start_call(CallInfo("chat", "openai", m.model_id, req, "http://127.0.0.1:9/v1", None))
        h.attempt(1).end()
        h.end(response=resp, record=rec)

    own: dict[str, list[float]] = {"noop": [], "sdk": []}
    for r in range(rounds):
        for name in ("noop", "sdk") if r % 2 else ("sdk", "noop"):
            t = time.process_time()
            for _ in range(calls):
                observe_one(observers[name])
            own[name].append((time.process_time() - t) / calls * 1e6)
    print("the observer's own work per call (start_call + attempt + end), us:")
    for name, v in own.items():
        print(f"  {name:5s} {statistics.median(v):7.1f} (min {min(v):.1f})")
    res["observer_us"] = {n: _median(v) for n, v in own.items()}
    if count:
        import cProfile
        import pstats

        print("Python function calls per call (cProfile)")
        for name in ("off", "noop", "sdk"):
            observe.set_observer(observers[name])
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(300):
                await call()
            prof.disable()
            print(f"  {name:5s} {pstats.Stats(prof).total_calls / 300:7.1f}")  # type: ignore[attr-defined]
        observe.set_observer(None)
    return res


async def live(base: str, rounds: int, calls: int) -> dict[str, Any]:
    """The facade over a real loopback socket (the bench's nginx), default transport."""
    from urllib.parse import urlsplit

    import clients

    client = clients.Llmcore("openai", base, "h1")
    await client.setup()

    def call() -> Any:
        return client.chat("chat")

    u = urlsplit(base)
    res = await _rounds(call, _observers(), SdkFloor(u.hostname or "127.0.0.1", u.port or 80), rounds, calls)
    await client.aclose()
    _print(res, f"over a loopback socket ({base})")
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--calls", type=int, default=3000)
    ap.add_argument("--count", action="store_true")
    ap.add_argument("--live", nargs="?", const="", default=None, metavar="BASE", help="over a real socket")
    ap.add_argument("--json", default=None, metavar="PATH", help="write the figures as JSON")
    a = ap.parse_args()
    if a.live is None:
        res = asyncio.run(canned(a.rounds, a.calls, a.count))
    elif a.live:
        res = asyncio.run(live(a.live, a.rounds, a.calls))
    else:
        import server

        missing = server.missing_tools()
        if missing:
            sys.exit(f"missing: {', '.join(missing)} ({server.APT})")
        srv = server.start(Path(tempfile.mkdtemp(prefix="llmcore-otel-nginx-")))
        try:
            res = asyncio.run(live(srv.url("h1"), a.rounds, a.calls))
        finally:
            srv.stop()
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
