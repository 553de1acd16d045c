"""The real OpenTelemetry SDK with in-memory exporters, llmcore instrumented once
per session (``BaseInstrumentor`` is a singleton), and a scripted loopback server."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import llmcore_otel
import pytest
from aiohttp import web
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

OPENAI_CASSETTES = Path(__file__).resolve().parents[2] / "openai" / "tests" / "cassettes"


class Telemetry:
    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def spans(self) -> list[Any]:
        return list(self.exporter.get_finished_spans())

    def metrics(self) -> dict[str, list[Any]]:
        """metric name → its data points (cumulative since the start of the session)."""
        out: dict[str, list[Any]] = {}
        data = self.reader.get_metrics_data()
        for rm in data.resource_metrics if data else []:
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    out.setdefault(m.name, []).extend(m.data.data_points)
        return out


_TELEMETRY = Telemetry()
llmcore_otel.instrument(tracer_provider=_TELEMETRY.tracer_provider, meter_provider=_TELEMETRY.meter_provider)


@pytest.fixture()
def otel() -> Iterator[Telemetry]:
    from llmcore import observe

    assert observe.get_observer() is not None
    _TELEMETRY.exporter.clear()
    yield _TELEMETRY
    _TELEMETRY.exporter.clear()


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("LLMCORE_DATA_DIR", str(tmp_path))


def completion(text: str = "Hi there", model: str = "gpt-4o-mini-2024-07-18") -> dict[str, Any]:
    return {
        "id": "chatcmpl-otel1",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": 5,
            "completion_tokens": 3,
            "total_tokens": 8,
            "prompt_tokens_details": {"cached_tokens": 2},
            "completion_tokens_details": {"reasoning_tokens": 1},
        },
    }


def sse_chunks(words: list[str], model: str = "gpt-4o-mini-2024-07-18") -> bytes:
    out = []
    for i, w in enumerate(words):
        out.append(
            {
                "id": "chatcmpl-s",
                "object": "chat.completion.chunk",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "delta": {"content": w} if i else {"role": "assistant", "content": w},
                        "finish_reason": None,
                    }
                ],
            }
        )
    out.append(
        {
            "id": "chatcmpl-s",
            "object": "chat.completion.chunk",
            "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 4, "completion_tokens": len(words), "total_tokens": 4 + len(words)},
        }
    )
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in out) + b"data: [DONE]\n\n"


Reply = Callable[[dict[str, Any]], web.StreamResponse]


class Server:
    """A loopback OpenAI-compatible server: ``replies`` are used in order (the last one repeats)."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.hits = 0
        self.loop = asyncio.new_event_loop()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        reply = self.replies[min(self.hits, len(self.replies) - 1)]
        self.hits += 1
        return reply(body)

    def __enter__(self) -> Server:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self.runner = web.AppRunner(app)
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.runner.setup())
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def ok(text: str = "Hi there") -> Reply:
    return lambda body: (
        web.Response(body=sse_chunks(text.split(" ")), content_type="text/event-stream")
        if body.get("stream")
        else web.json_response(completion(text))
    )


def status(code: int, message: str = "boom", headers: dict[str, str] | None = None) -> Reply:
    return lambda body: web.json_response(
        {"error": {"message": message, "type": "server_error"}}, status=code, headers=headers
    )


@pytest.fixture()
def server() -> Iterator[Server]:
    with Server() as s:
        yield s
