"""Nothing printed at exit: llmcore closes the HTTP sessions it opened (issue 18 #4).

On the aiohttp transport every sync call and every CLI run used to print
"Unclosed client session / Unclosed connector" at exit (the shared client of
the sync API's loop was never closed), and a CLI failure printed 3-5 lines.
Each case runs in a fresh interpreter, the way a user runs it, against a real
keep-alive server on a loopback port.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from scripted_server import ScriptedServer, running

ANSWER = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]}
STREAM = (
    b'data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\n'
    b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
)


async def answer(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
    body = await request.json()
    if request.headers.get("authorization") != "Bearer good-key-for-tests":
        return web.json_response({"error": {"message": "bad key", "type": "auth"}}, status=401)
    if body.get("stream"):
        return web.Response(body=STREAM, content_type="text/event-stream")
    return web.json_response(ANSWER)


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with running() as srv:
        srv.handler = answer
        yield srv


def run_python(code: str, url: str, transport: str = "aiohttp", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LLMCORE_HTTP_TRANSPORT": transport, "URL": url + "/v1", **env},
    )


MODEL = "import os, llmcore\nm = llmcore.model('openai/gpt-4o-mini', base_url=os.environ['URL'], api_key='good-key-for-tests')\n"


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
@pytest.mark.parametrize(
    "call",
    [
        "print(m.chat('hi').text)",
        "print(''.join(m.stream('hi').texts()))",
        "import asyncio\nprint(asyncio.run(m.achat('hi')).text)",
        "import asyncio\nasync def main() -> Any:\n    return [(await m.achat('hi')).text async for _ in ait()]\n"
        "async def ait():\n    yield 1\nprint(asyncio.run(main())[0])",
        "print(m.chat('hi').text)\nimport asyncio\nprint(asyncio.run(m.achat('hi')).text)",
    ],
    ids=["sync chat", "sync stream", "asyncio.run", "asyncio.run with an async generator", "both"],
)
def test_a_call_prints_nothing_at_exit(server: Any, transport: str, call: str) -> None:
    out = run_python("from typing import Any\n" + MODEL + call, server.url, transport)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] in ("ok", "['ok']")
    assert out.stderr == "", out.stderr


def test_a_cli_failure_is_one_line(server: Any) -> None:
    env = {
        **os.environ,
        "LLMCORE_HTTP_TRANSPORT": "aiohttp",
        "OPENAI_BASE_URL": server.url + "/v1",
        "OPENAI_API_KEY": "wrong-key-for-tests",
    }
    out = subprocess.run(
        [sys.executable, "-m", "llmcore", "chat", "-m", "openai/gpt-4o-mini", "hi"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode != 0
    assert len(out.stderr.splitlines()) == 1, out.stderr
    assert "bad key" in out.stderr


def test_a_cli_answer_prints_nothing_else(server: Any) -> None:
    env = {
        **os.environ,
        "LLMCORE_HTTP_TRANSPORT": "aiohttp",
        "OPENAI_BASE_URL": server.url + "/v1",
        "OPENAI_API_KEY": "good-key-for-tests",
    }
    out = subprocess.run(
        [sys.executable, "-m", "llmcore", "chat", "-m", "openai/gpt-4o-mini", "hi"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
    assert out.stderr == "", out.stderr
