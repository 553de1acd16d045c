"""Issue 18 #5, #8, #12 through the installed plugins, the way users call them:
``llmcore.model(...)`` with the default transport against a real loopback
server. Names users bring from litellm reach *our* provider (never OpenRouter),
comma-separated keys rotate, and bad arguments never reach the server."""

from __future__ import annotations

import gc
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore import errors as E

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core" / "tests"))
from scripted_server import ScriptedServer, running

K1, K2 = ("user" + "-key-" + c * 12 for c in "pq")

OPENAI_ANSWER = {
    "id": "c1",
    "object": "chat.completion",
    "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}
GEMINI_ANSWER = {
    "candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP", "index": 0}],
    "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
}


async def _answer(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
    if "generateContent" in request.path:
        return web.json_response(GEMINI_ANSWER)
    return web.json_response(OPENAI_ANSWER)


@pytest.fixture(scope="module")
def _server() -> Iterator[ScriptedServer]:
    with running() as s:
        yield s


@pytest.fixture
def server(_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    from llmcore.plugins import reset

    for var in (
        "OPENAI_API_KEY",
        "OPENAI_API_KEYS",
        "OPENAI_KEYS",
        "GEMINI_API_KEY",
        "GEMINI_API_KEYS",
        "GEMINI_KEYS",
        "GOOGLE_API_KEY",
        "GOOGLE_API_KEYS",
        "GOOGLE_KEYS",
        "OPENROUTER_API_KEY",
        "LLMCORE_PLUGINS",
        "TOGETHER_API_KEY",
        "VLLM_BASE_URL",
        "OPENAI_COMPATIBLE_BASE_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    reset()
    _server.reset()
    _server.handler = _answer
    yield _server
    reset()


def _plugin_installed(name: str) -> None:
    if llmcore.plugins.get_registry().get(name) is None:
        pytest.skip(f"the {name} plugin is not installed")


def test_local_goes_to_the_local_openai_compatible_server(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plugin_installed("openai_compatible")
    monkeypatch.setenv("OPENAI_COMPATIBLE_BASE_URL", server.url + "/v1")
    m = llmcore.model("local/model-name", retry=False)
    assert m.spec.name == "openai_compatible"
    assert m.chat("hi").text == "ok"
    assert server.requests[0]["path"] == "/v1/chat/completions"
    assert server.requests[0]["body"]["model"] == "model-name"


@pytest.mark.parametrize(
    ("name", "provider", "model"),
    [
        ("hosted_vllm/my-model", "vllm", "my-model"),
        ("together_ai/meta-llama/Llama-3.3-70B", "together", "meta-llama/Llama-3.3-70B"),
        ("fireworks_ai:accounts/fireworks/models/x", "fireworks", "accounts/fireworks/models/x"),
    ],
)
def test_litellm_names_reach_our_provider(server: ScriptedServer, name: str, provider: str, model: str) -> None:
    _plugin_installed(provider)
    m = llmcore.model(name, api_key=K1, base_url=server.url + "/v1", retry=False)
    assert m.spec.name == provider
    assert m.chat("hi").text == "ok"
    assert server.requests[-1]["body"]["model"] == model


def test_a_typo_never_sends_the_prompt_anywhere(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _plugin_installed("openrouter")
    monkeypatch.setenv("OPENROUTER_BASE_URL", server.url + "/v1")
    monkeypatch.setenv("OPENROUTER_API_KEY", K1)
    with pytest.raises(E.ConfigurationError, match="did you mean 'openai'"):
        llmcore.model("opnai/gpt-4o-mini").chat("hi")
    assert server.hits == 0


def test_an_alias_of_a_missing_plugin_says_what_to_install(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plugin_installed("openrouter")
    monkeypatch.setenv("LLMCORE_PLUGINS", "openai,openrouter")
    llmcore.plugins.reset()
    with pytest.raises(E.ConfigurationError, match="pip install llmcore-together"):
        llmcore.model("together_ai/meta-llama/Llama-3.3-70B")


def _keys_seen(server: ScriptedServer, header: str) -> list[str]:
    lower = [{k.lower(): v for k, v in r["headers"].items()} for r in server.requests]
    return [str(h.get(header.lower(), "")).removeprefix("Bearer ") for h in lower]


def test_openai_api_key_with_commas_rotates(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _plugin_installed("openai")
    monkeypatch.setenv("OPENAI_API_KEY", f"{K1},{K2}")
    m = llmcore.model("openai/gpt-4o-mini", base_url=server.url + "/v1", retry=False)
    m.chat("a")
    m.chat("b")
    assert _keys_seen(server, "Authorization") == [K1, K2]


def test_gemini_keys_variable_is_a_pool(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _plugin_installed("gemini")
    monkeypatch.setenv("GEMINI_KEYS", f"{K1},{K2}")
    m = llmcore.model("gemini/gemini-2.5-flash", base_url=server.url + "/v1beta", retry=False)
    m.chat("a")
    m.chat("b")
    assert _keys_seen(server, "X-Goog-Api-Key") == [K1, K2]


@pytest.mark.parametrize(
    ("option", "value"),
    [("timeout", "x"), ("timeout", -1), ("headers", "x"), ("http_client", "x"), ("base_url", ""), ("retry", -1)],
)
def test_bad_options_on_a_real_plugin(server: ScriptedServer, option: str, value: Any) -> None:
    _plugin_installed("openai")
    kw: dict[str, Any] = {"base_url": server.url + "/v1", option: value}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(E.ConfigurationError, match=option):
            llmcore.model("openai/gpt-4o-mini", api_key=K1, **kw).chat("hi")
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]
    assert server.hits == 0
