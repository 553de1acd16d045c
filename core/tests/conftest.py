"""Shared fixtures for core tests: a real local HTTP server (aiohttp) that
plays a tiny provider, so the HTTP stack, transports and decoders run for real."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator

import pytest

HITS: list[str] = []
FLAKY: dict[str, int] = {}  # paths the toy server has served, for replay tests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _app_factory():  # type: ignore[no-untyped-def]
    from aiohttp import web

    async def chat(request: web.Request) -> web.StreamResponse:
        HITS.append(request.path)
        body = await request.json()
        prompt = body["messages"][-1]["content"]
        if request.headers.get("authorization") != "Bearer toy-secret-key-123":
            return web.json_response({"error": {"message": "bad key", "code": "auth"}}, status=401)
        if prompt == "rate":
            return web.json_response(
                {"error": {"message": "slow down", "code": "rate_limited"}}, status=429, headers={"retry-after": "7"}
            )
        if prompt == "boom":
            return web.Response(status=503, text="upstream unavailable")
        if prompt.startswith("flaky"):  # "flaky-<id>-<n>": fail n times, then answer
            _, ident, n = prompt.split("-")
            FLAKY[ident] = FLAKY.get(ident, 0) + 1
            if FLAKY[ident] <= int(n):
                return web.json_response({"error": {"message": "try again"}}, status=503)
        if prompt == "cut":  # two chunks, then the connection drops mid-stream
            resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
            await resp.prepare(request)
            await resp.write(b'data: {"delta": "part"}\n\n')
            await resp.write(b'data: {"delta": "ial"}\n\n')
            await asyncio.sleep(0.1)  # let the chunks leave before the drop
            assert request.transport is not None
            request.transport.close()
            return resp
        if prompt == "garbage":
            return web.Response(status=200, text="<html>not json</html>")
        if prompt == "slow":
            await asyncio.sleep(2)
        words = prompt.split()
        if not body.get("stream"):
            return web.json_response({"text": " ".join(words), "in": len(words), "out": len(words)})
        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b": keep-alive\n\n")
        for i, w in enumerate(words):
            piece = (w if i == 0 else " " + w).encode()
            frame = b"data: " + json.dumps({"delta": piece.decode()}).encode() + b"\r\n\r\n"
            # split frames mid-way to exercise incremental decoding
            await resp.write(frame[:5])
            await resp.write(frame[5:])
        await resp.write(b"data: " + json.dumps({"done": True, "in": len(words), "out": len(words)}).encode() + b"\n\n")
        return resp

    app = web.Application()
    app.router.add_post("/v1/chat", chat)
    return app


@pytest.fixture(scope="session")
def toy_server() -> Iterator[str]:
    """Base URL of a real aiohttp server on a free loopback port."""
    from aiohttp import web

    port = _free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    runner_box: dict[str, web.AppRunner] = {}

    async def start() -> None:
        runner = web.AppRunner(await _app_factory())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runner_box["r"] = runner
        started.set()

    t = threading.Thread(target=loop.run_forever, daemon=True)
    t.start()
    asyncio.run_coroutine_threadsafe(start(), loop)
    assert started.wait(10), "toy server did not start"
    yield f"http://127.0.0.1:{port}/v1"
    asyncio.run_coroutine_threadsafe(runner_box["r"].cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)


@pytest.fixture(scope="session", autouse=True)
def _llmcore_files_in_tmp(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The usage log and the response cache of facade calls go to a temporary
    folder, never to the user's data/cache folders."""
    base = tmp_path_factory.mktemp("llmcore-files")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LLMCORE_DATA_DIR", str(base / "data"))
        mp.setenv("LLMCORE_CACHE_DIR", str(base / "cache"))
        yield
