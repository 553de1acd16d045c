"""A loopback server answering the README's and docs' code blocks with the
providers' own recordings (tests/test_docs_blocks.py).

Each provider's base URL is pointed here by its environment variable
(``OPENAI_BASE_URL``, ``GROQ_BASE_URL``, ``OLLAMA_HOST``...) as
``http://127.0.0.1:<port>/<provider><the real base URL's path>``, so the first
path segment says which provider is asking. A request is answered with a
response recorded for that provider (its plugin's ``tests/cassettes``), chosen
by method, by the endpoint (the path's last segment, or what follows ``:`` in
it: ``completions``, ``messages``, ``generateContent``, ``chat``...) and by
whether a stream is asked for; a successful answer is preferred, and a
recording over an authored cassette (authored ones serve only plugins that have
no matching recording; ``docs/cassettes.md`` says which). :data:`PREFERRED`
pins a few answers the README's blocks rely on. Nothing matching is a 404 with
a JSON error, so a block calling something not served fails loudly."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from llmcore_testing.cassettes import Recordings

ROOT = Path(__file__).resolve().parent.parent

#: (provider, endpoint, streamed?) -> cassette (interaction 0): real recordings of plain chats
PREFERRED: dict[tuple[str, str, bool], str] = {
    ("openai", "completions", False): "pydantic-ai__test_openai_instructions.yaml",
    ("openai", "completions", True): "compat-vllm-openllmetry__test_trace_propagation_stream_ChatOpenAI_.yaml",
    ("anthropic", "messages", False): "ellmer__anthropic-basic.yaml",
    ("anthropic", "messages", True): "llm-anthropic__test_stream_events_text.yaml",
    ("anthropic", "count_tokens", False): "ellmer__anthropic-count-tokens.yaml",
    # docs/embeddings.md: 3 texts with dimensions=768, and a rerank of 3 documents with top_n=2
    ("openai", "embeddings", False): (
        "ruby_llm__embedding_basic_functionality_openai_text-embedding-3-small_can_handle_multiple_texts_with_custom_"
        "dimensions.yaml"
    ),
    ("cohere", "rerank", False): "ruby_llm__rerank_reranking_with_cohere_rerank-v3_5_limits_results_with_top_n.yaml",
    # no recording of MiniMax exists: its documented chat answer (the first 200 is a base_resp error)
    ("minimax", "completions", False): "authored__chat_documented.yaml",
    # docs/server-tools.md: grounded answers with citations (Gemini: its search queries, 10 citations and
    # implicitly cached tokens; the stream: grounding in the last event), Cohere citing a document,
    # Perplexity's search results
    ("gemini", "generateContent", False): (
        "ruby_llm__chat_web_search_with_gemini_gemini-3_5-flash_grounds_the_answer_and_exposes_the_queries_it_ran.yaml"
    ),
    ("gemini", "streamGenerateContent", True): (
        "mirascope__python__tests__e2e__input__cassettes__test_web_search_tool_stream__google_gemini_2_5_flash.yaml"
    ),
    ("cohere", "chat", False): (
        "ruby_llm__chat_citations_with_cohere_command-a-plus-05-2026_cites_text_documents_in_responses.yaml"
    ),
    ("perplexity", "completions", False): (
        "ruby_llm__chat_citations_with_perplexity_sonar_returns_search_result_citations.yaml"
    ),
}

_STREAM_TYPES = ("text/event-stream", "application/x-ndjson", "application/vnd.amazon.eventstream", "ndjson")


def endpoint(path: str) -> str:
    """``/v1beta/models/gemini-2.5-flash:streamGenerateContent`` -> ``streamGenerateContent``."""
    last = unquote(urlsplit(path).path).rstrip("/").rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[-1]


@cache
def plugin_dirs() -> dict[str, Path]:
    """Provider name -> its plugin's cassette directory (``llmcore-aleph-alpha`` -> plugins/aleph_alpha)."""
    from llmcore.plugins import get_registry

    out = {}
    for spec in get_registry().providers.values():
        folder = ROOT / "plugins" / spec.distribution.removeprefix("llmcore-").replace("-", "_") / "tests" / "cassettes"
        if folder.is_dir():
            out[spec.name] = folder
    return out


def _header(headers: Any, name: str) -> str:
    for k, v in (headers or {}).items():
        if k.lower() == name:
            return str(v[0] if isinstance(v, list) and v else v)
    return ""


@cache
def _index(provider: str) -> list[tuple[str, int, str, str, bool, int, bool]]:
    """(cassette, interaction, method, endpoint, streamed, status, authored) of every recorded exchange."""
    folder = plugin_dirs()[provider]
    rec = Recordings(folder)
    out = []
    for path in sorted(folder.rglob("*.yaml")):
        name = str(path.relative_to(folder))
        try:
            interactions = rec.interactions(name)
        except Exception:
            continue
        for i, it in enumerate(interactions):
            req, resp = it.get("request") or {}, it.get("response") or {}
            ctype = _header(resp.get("headers"), "content-type").lower()
            status = resp.get("status", {})
            code = int(status.get("code", 0) if isinstance(status, dict) else status or 0)
            streamed = any(t in ctype for t in _STREAM_TYPES)
            out.append(
                (
                    name,
                    i,
                    str(req.get("method", "")).upper(),
                    endpoint(str(req.get("uri", ""))),
                    streamed,
                    code,
                    path.name.startswith("authored__"),
                )
            )
    return out


def answer(provider: str, method: str, path: str, streamed: bool) -> tuple[int, str, bytes]:
    """The recorded (status, content type, body) for a request; 404 when nothing fits."""
    ep = endpoint(path)
    chosen: tuple[str, int] | None = None
    if (provider, ep, streamed) in PREFERRED:
        chosen = (PREFERRED[(provider, ep, streamed)], 0)
    elif provider in plugin_dirs():
        fits = [e for e in _index(provider) if e[2] == method and e[3] == ep and e[4] == streamed]
        fits.sort(key=lambda e: (e[5] != 200, e[6], e[0], e[1]))  # 200 first, recordings before authored
        if fits:
            chosen = (fits[0][0], fits[0][1])
    if chosen is None:
        msg = f"the docs server has no recording of {provider} {method} {ep} (stream={streamed})"
        return 404, "application/json", json.dumps({"error": {"message": msg, "type": "not_found"}}).encode()
    rec = Recordings(plugin_dirs()[provider])
    it = rec.interaction(*chosen)
    status = it["response"].get("status", {})
    code = int(status.get("code", 200) if isinstance(status, dict) else status or 200)
    ctype = _header(it["response"].get("headers"), "content-type") or "application/json"
    return code, ctype, rec.response_bytes(*chosen)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        provider, _, rest = self.path.lstrip("/").partition("/")
        streamed = (isinstance(body, dict) and body.get("stream") is True) or "stream" in endpoint(rest).lower()
        status, ctype, data = answer(provider, self.command, "/" + rest, streamed)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _serve

    def log_message(self, *args: object) -> None:
        pass


def base_url_env(server: str) -> dict[str, str]:
    """Every installed provider's base-URL variable pointed at ``server`` (its real path kept)."""
    from llmcore.plugins import get_registry

    env = {}
    for spec in get_registry().providers.values():
        if spec.base_url_env:
            path = urlsplit(spec.base_url).path.rstrip("/") if spec.base_url else ""
            env[spec.base_url_env] = f"{server}/{spec.name}{path}"
    return env


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
