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
"""

from __future__ import annotations

import argparse
import asyncio
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


def _observers() -> dict[str, Any]:
    from llmcore_otel._observer import Instruments, OtelObserver
    from opentelemetry.metrics import NoOpMeterProvider
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import NoOpTracerProvider

    noop = OtelObserver(
        NoOpTracerProvider().get_tracer("llmcore"), Instruments(NoOpMeterProvider().get_meter("x")), False
    )
    tp = TracerProvider()
    tp.add_span_processor(BatchSpanProcessor(InMemorySpanExporter()))
    mp = MeterProvider(metric_readers=[InMemoryMetricReader()])
    sdk = OtelObserver(tp.get_tracer("llmcore"), Instruments(mp.get_meter("llmcore")), False)
    return {"off": None, "noop": noop, "sdk": sdk}


async def _cpu(fn: Any, n: int) -> float:
    t = time.process_time()
    for _ in range(n):
        await fn()
    return (time.process_time() - t) / n * 1e6


async def main(rounds: int, calls: int, count: bool) -> None:
    import llmcore
    import llmcore.provider
    from llmcore import observe

    canned = _CannedDirect()
    llmcore.provider.shared_direct = lambda: canned  # type: ignore[assignment]
    m = llmcore.model("openai/gpt-4o-mini", api_key="sk-bench", base_url="http://127.0.0.1:9/v1", max_tokens=256)
    observers = _observers()
    names = list(observers)

    def call() -> Any:
        return m.achat(PROMPT)

    for name in names:  # warm-up
        observe.set_observer(observers[name])
        await _cpu(call, 500)
    res: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % 3 :] + names[: r % 3]:
            observe.set_observer(observers[name])
            res[name].append(await _cpu(call, calls))
    print(f"CPU us per facade chat call, network excluded (median of {rounds} rounds)")
    for name in names:
        print(f"  {name:5s} {statistics.median(res[name]):7.1f}")
    noop = [a - b for a, b in zip(res["noop"], res["off"], strict=True)]
    sdk = [a / b for a, b in zip(res["sdk"], res["off"], strict=True)]
    print(f"  noop - off: {statistics.median(noop):.1f} us ({min(noop):.1f} to {max(noop):.1f}); target <= 10")
    print(f"  sdk / off:  {statistics.median(sdk):.2f}x ({min(sdk):.2f} to {max(sdk):.2f}); target <= 1.15")
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
    if count:
        import cProfile
        import pstats

        print("Python function calls per call (cProfile)")
        for name in names:
            observe.set_observer(observers[name])
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(300):
                await call()
            prof.disable()
            print(f"  {name:5s} {pstats.Stats(prof).total_calls / 300:7.1f}")  # type: ignore[attr-defined]
    observe.set_observer(None)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--calls", type=int, default=3000)
    ap.add_argument("--count", action="store_true")
    a = ap.parse_args()
    asyncio.run(main(a.rounds, a.calls, a.count))
