"""A loopback server answering OpenAI- and Anthropic-style requests with real
recordings, for the README's and docs' code blocks (tests/test_docs_blocks.py).

The blocks name models of several providers; their base URLs are pointed here
by environment variables (``OPENAI_BASE_URL``, ``ANTHROPIC_BASE_URL``). Each
answer is a recorded response body from a plugin's cassettes (converted from
another project's real recording, see that plugin's ``SOURCES.md``), chosen by
path and by whether the request asks for a stream. Anything else is a 404 with a
JSON error, so a block calling something not served fails loudly."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from llmcore.testing.cassettes import Recordings

ROOT = Path(__file__).resolve().parent.parent

#: (path suffix, streamed?) -> (plugin, cassette): every one a real recording
ANSWERS: dict[tuple[str, bool], tuple[str, str]] = {
    ("/v1/chat/completions", False): ("openai", "pydantic-ai__test_openai_instructions.yaml"),
    ("/v1/chat/completions", True): (
        "openai",
        "compat-vllm-openllmetry__test_trace_propagation_stream_ChatOpenAI_.yaml",
    ),
    ("/v1/messages", False): ("anthropic", "ellmer__anthropic-basic.yaml"),
    ("/v1/messages", True): ("anthropic", "llm-anthropic__test_stream_events_text.yaml"),
    ("/v1/messages/count_tokens", False): ("anthropic", "ellmer__anthropic-count-tokens.yaml"),
}


def _answer(path: str, stream: bool) -> tuple[int, str, bytes]:
    key = (path.split("?", 1)[0], stream)
    if key not in ANSWERS:
        body = json.dumps({"error": {"message": f"the docs server has no recording for {key}", "type": "not_found"}})
        return 404, "application/json", body.encode()
    plugin, cassette = ANSWERS[key]
    rec = Recordings(str(ROOT / "plugins" / plugin / "tests" / "cassettes"))
    return 200, "text/event-stream" if stream else "application/json", rec.response_bytes(cassette)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            stream = bool(json.loads(raw or b"{}").get("stream"))
        except ValueError:
            stream = False
        status, ctype, body = _answer(self.path, stream)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def docs_server() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
