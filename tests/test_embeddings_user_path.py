"""``llmcore.embedding_model`` as users call it: the real OpenAI plugin, a real loopback server,
both transports, default middleware. The server answers each text ``t<i>`` with the vector
``[i, -i, 0.5]`` (base64 float32 when asked), so order, loss and duplication are visible."""

from __future__ import annotations

import base64
import json
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from llmcore.http.client import configure, settings

KEY = "-".join(["fake", "embed", "key"])


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bodies: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        self.fail_first: int = 0  # answer this many requests with 429 first
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        with self.server.lock:
            self.server.bodies.append(body)
            self.server.auth.append(self.headers.get("authorization"))
            fail = self.server.fail_first > 0
            self.server.fail_first -= 1
        if fail:
            return self._send(429, {"error": {"message": "slow down", "type": "rate_limit"}}, {"retry-after": "0"})
        data = []
        for i, text in enumerate(body["input"]):
            n = float(text[1:])
            vec = [n, -n, 0.5]
            emb: Any = base64.b64encode(struct.pack("<3f", *vec)).decode() if body.get("encoding_format") else vec
            data.append({"object": "embedding", "index": i, "embedding": emb})
        data.reverse()  # the index, not the position, says which text a vector is for
        self._send(
            200,
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 2 * len(body["input"]), "total_tokens": 2 * len(body["input"])},
            },
        )

    def _send(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> Iterator[str]:
    before = settings().transport
    configure(transport=request.param)
    yield request.param
    configure(transport=before)


def test_a_hundred_thousand_texts_in_order_none_lost(server: _Server, transport: str) -> None:
    n = 100_000
    m = llmcore.embedding_model(
        "openai/text-embedding-3-small", api_key=KEY, base_url=server.url, prices={"input": 0.02, "output": 0}
    )
    r = m.embed([f"t{i}" for i in range(n)])
    assert len(r.vectors) == n
    assert [v[0] for v in r.vectors] == [float(i) for i in range(n)]  # in order: none lost, duplicated, moved
    assert r.vectors[7] == [7.0, -7.0, 0.5] and r.dimensions == 3
    # split to OpenAI's 2,048 inputs a request, each sent once, with the key
    sizes = [len(b["input"]) for b in server.bodies]
    assert sum(sizes) == n and max(sizes) <= 2048 and len(sizes) == -(-n // 2048)
    assert set(server.auth) == {f"Bearer {KEY}"}
    assert all(b["encoding_format"] == "base64" for b in server.bodies)  # the cheap wire format
    assert r.usage.input_tokens == 2 * n
    assert r.cost == pytest.approx(2 * n * 0.02 / 1_000_000)
    assert m.usage.input_tokens == 2 * n and m.usage.requests == 1 and m.usage.cost == pytest.approx(r.cost)


def test_one_string_and_module_level_call(server: _Server, transport: str) -> None:
    r = llmcore.embed("openai/text-embedding-3-small", "t3", api_key=KEY, base_url=server.url, dimensions=3)
    assert r.vectors == [[3.0, -3.0, 0.5]]
    assert server.bodies[0]["input"] == ["t3"] and server.bodies[0]["dimensions"] == 3


def test_retries_apply_to_embeddings(server: _Server, transport: str) -> None:
    server.fail_first = 1
    r = llmcore.embedding_model("openai/text-embedding-3-small", api_key=KEY, base_url=server.url).embed(["t1"])
    assert r.vectors == [[1.0, -1.0, 0.5]] and len(server.bodies) == 2


@pytest.mark.parametrize(
    "params,error",
    [
        ({"input_type": "query"}, E.UnsupportedFeatureError),
        ({"truncate": "end"}, E.UnsupportedFeatureError),
        ({"embedding_type": "int8"}, E.UnsupportedFeatureError),
        ({"dimensions": 0}, E.InvalidRequestError),
    ],
)
def test_what_openai_cannot_do_is_refused_before_the_network(
    server: _Server, params: dict[str, Any], error: type[Exception]
) -> None:
    m = llmcore.embedding_model("openai/text-embedding-3-small", api_key=KEY, base_url=server.url)
    with pytest.raises(error):
        m.embed(["t1"], **params)
    assert server.bodies == []


def test_a_provider_without_embeddings_says_which_have_them() -> None:
    with pytest.raises(E.ConfigurationError, match=r"no embeddings endpoint.*openai"):
        llmcore.embedding_model("anthropic/claude-sonnet-4-5", api_key=KEY)


def test_auto_detected_name() -> None:
    m = llmcore.embedding_model("text-embedding-3-small", api_key=KEY)
    assert m.spec.name == "openai"


def test_cli_embed_prints_json_lines_in_order(server: _Server, cli: Any) -> None:
    r = cli(
        "embed",
        "-m",
        "openai/text-embedding-3-small",
        "-o",
        f"base_url={server.url}",
        "t1",
        "t2",
        env={"OPENAI_API_KEY": KEY},
    )
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert lines == [{"index": 0, "embedding": [1.0, -1.0, 0.5]}, {"index": 1, "embedding": [2.0, -2.0, 0.5]}]


def test_cli_embed_failure_is_one_line(cli: Any) -> None:
    r = cli("embed", "-m", "anthropic/claude-sonnet-4-5", "x", env={"ANTHROPIC_API_KEY": KEY})
    assert r.returncode != 0 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "no embeddings endpoint" in r.stderr


def test_cache_sends_only_texts_not_seen_before(server: _Server, transport: str, tmp_path: Any) -> None:
    m = llmcore.embedding_model(
        "openai/text-embedding-3-small", api_key=KEY, base_url=server.url, cache=str(tmp_path / "emb.sqlite")
    )
    first = m.embed(["t1", "t2"])
    again = m.embed(["t2", "t3", "t1"])
    assert again.vectors == [[2.0, -2.0, 0.5], [3.0, -3.0, 0.5], [1.0, -1.0, 0.5]]
    assert [b["input"] for b in server.bodies] == [["t1", "t2"], ["t3"]]  # t1, t2 came from the cache
    assert again.provider_metadata["cached_texts"] == 2 and again.usage.input_tokens == 2
    assert first.vectors[0] == again.vectors[2]  # exact round trip through the cache
    m.embed(["t3"])
    assert len(server.bodies) == 2 and m.usage.cache_hits == 1


def test_the_cost_comes_from_the_shipped_prices(server: _Server, transport: str) -> None:
    """No ``prices=``: llmcore-openai's price table has text-embedding-3-small at $0.02 per 1M tokens."""
    m = llmcore.embedding_model("openai/text-embedding-3-small", api_key=KEY, base_url=server.url)
    r = m.embed(["t0", "t1", "t2"])
    assert r.usage.input_tokens == 6
    assert r.cost == pytest.approx(6 * 0.02 / 1_000_000)


def test_the_cache_keeps_vectors_of_other_dimensions_apart(server: _Server, transport: str, tmp_path: Any) -> None:
    """A vector cached at the model's full size is not the answer to ``dimensions=3`` (nor the reverse):
    the parameters are part of the key, so each size is asked once."""
    m = llmcore.embedding_model(
        "openai/text-embedding-3-small", api_key=KEY, base_url=server.url, cache=str(tmp_path / "emb.sqlite")
    )
    m.embed(["t1"])
    m.embed(["t1"], dimensions=3)
    assert [b.get("dimensions") for b in server.bodies] == [None, 3]
    m.embed(["t1"], dimensions=3)
    m.embed(["t1"])
    assert len(server.bodies) == 2 and m.usage.cache_hits == 2
