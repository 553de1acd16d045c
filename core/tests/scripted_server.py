"""A real local HTTP server (aiohttp, own thread and loop) whose behaviour each
test scripts: ``server.handler = async def (request, server) -> response``.

It counts what reliability tests need to observe from the outside: hits,
requests in flight (and the maximum), arrival times, open TCP connections,
and handlers that ended because the client went away.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request, "ScriptedServer"], Awaitable[web.StreamResponse]]
BODY: Any = web.RequestKey("body", object) if hasattr(web, "RequestKey") else "body"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ScriptedServer:
    """Start with :func:`running`; ``url`` is ``http://127.0.0.1:<port>``."""

    def __init__(self, ssl_context: Any = None) -> None:
        self.port = free_port()
        self.ssl_context = ssl_context
        scheme = "https" if ssl_context else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.handler: Handler | None = None
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.hits = 0
            self.in_flight = 0
            self.max_in_flight = 0
            self.arrivals: list[float] = []
            self.requests: list[dict[str, Any]] = []
            self.disconnects = 0
            self.state: dict[str, Any] = {}
        self.handler = None

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        body: Any = None
        raw = await request.read()
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        with self.lock:
            self.hits += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.arrivals.append(time.monotonic())
            self.requests.append({"path": request.path, "headers": dict(request.headers), "body": body})
        request[BODY] = body
        try:
            assert self.handler is not None, "test did not set server.handler"
            return await self.handler(request, self)
        except (asyncio.CancelledError, ConnectionResetError):
            with self.lock:
                self.disconnects += 1
            raise
        finally:
            with self.lock:
                self.in_flight -= 1

    def open_connections(self) -> int:
        """TCP connections the server holds open right now."""
        assert self._runner is not None and self._runner.server is not None
        return len(self._runner.server.connections)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no handler runs (the client closed what it opened)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.in_flight == 0:
                return True
            time.sleep(0.01)
        return False

    def start(self) -> None:
        started = threading.Event()

        async def go() -> None:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._dispatch)
            self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1, handler_cancellation=True)
            await self._runner.setup()
            await web.TCPSite(self._runner, "127.0.0.1", self.port, ssl_context=self.ssl_context).start()
            started.set()

        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(go(), self.loop)
        assert started.wait(10), "scripted server did not start"

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


@contextmanager
def running(ssl_context: Any = None) -> Iterator[ScriptedServer]:
    s = ScriptedServer(ssl_context)
    s.start()
    try:
        yield s
    finally:
        s.stop()


# -- the toy provider's wire format (see toy_provider.py) ------------------------


def toy_json(text: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    words = text.split()
    return web.json_response({"text": text, "in": len(words), "out": len(words)}, status=status, headers=headers)


def toy_error(status: int, message: str = "error", headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": {"message": message, "code": str(status)}}, status=status, headers=headers)


async def toy_stream(
    request: web.Request, pieces: list[str], *, delay: float = 0.0, then_sleep: float | None = None, finish: bool = True
) -> web.StreamResponse:
    """Stream ``pieces`` as toy SSE deltas; optionally stall ``then_sleep`` seconds before finishing."""
    resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
    await resp.prepare(request)
    for p in pieces:
        await resp.write(b"data: " + json.dumps({"delta": p}).encode() + b"\n\n")
        if delay:
            await asyncio.sleep(delay)
    if then_sleep is not None:
        await asyncio.sleep(then_sleep)
    if finish:
        n = len(pieces)
        await resp.write(b"data: " + json.dumps({"done": True, "in": n, "out": n}).encode() + b"\n\n")
    return resp


def prompt_of(request: web.Request) -> str:
    body = request[BODY]
    return str(body["messages"][-1]["content"]) if isinstance(body, dict) else ""


TOY_KEY = "toy-secret-key-123"


def client_for(transport: str) -> Any:
    """A fresh client on ``transport`` (close it with :func:`close_client`);
    ``"shared"`` gives ``None``: the default shared client, whose requests go
    straight to aiohttp."""
    if transport == "shared":
        return None
    from llmcore.http.client import HTTPSettings, make_client

    return make_client(HTTPSettings(transport=transport))  # type: ignore[arg-type]


def close_client(client: Any) -> None:
    """Close ``client`` (``None``: the sync API's shared client)."""
    from llmcore._sync import run

    if client is None:
        from llmcore.http.client import aclose_shared_clients

        run(aclose_shared_clients())
    else:
        run(client.aclose())
