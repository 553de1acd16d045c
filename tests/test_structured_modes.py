"""The structured-output mode is chosen per model — the provider's own per-model rules
(Groq's profile), else the model catalogue, else the provider's declaration — and the
request body sent is what that model accepts.

Through the user's path: ``llmcore.model("<provider>/<model>", base_url=<loopback>)``
with the default transport against a real local HTTP server that records each body and
answers in the provider's wire shape. For every provider a model that takes a JSON schema
and one that does not (from the catalogue's data, or an entry added the way a user or a
plugin adds one: ``catalogue.add_models``) — the second is sent a tool call, JSON mode, or
the schema in a system instruction only, never a ``json_schema`` it would reject.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore import catalogue
from llmcore_testing import TEST_API_KEY
from pydantic import BaseModel


class City(BaseModel):
    city: str
    country: str


ANSWER = {"city": "Paris", "country": "France"}


class Recorder:
    """A loopback server answering Chat Completions and Ollama ``/api/chat``; keeps the bodies."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.loop = asyncio.new_event_loop()
        self.url = ""
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.bodies.append(body)
        tools = body.get("tools") or []
        name = tools[0]["function"]["name"] if tools else None
        if request.path.endswith("/api/chat"):  # Ollama's native API
            msg: dict[str, Any] = {"role": "assistant", "content": "" if name else json.dumps(ANSWER)}
            if name:
                msg["tool_calls"] = [{"function": {"name": name, "arguments": ANSWER}}]
            return web.json_response({
                "model": body["model"], "created_at": "2026-12-04T00:00:00Z", "message": msg, "done": True,
                "done_reason": "stop", "prompt_eval_count": 12, "eval_count": 8,
            })  # fmt: skip
        message: dict[str, Any] = {"role": "assistant", "content": None if name else json.dumps(ANSWER)}
        if name:
            message["tool_calls"] = [{"id": "call_1", "type": "function",
                                      "function": {"name": name, "arguments": json.dumps(ANSWER)}}]  # fmt: skip
        return web.json_response({
            "id": "cmpl-1", "object": "chat.completion", "created": 1764806400, "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if name else "stop"}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20},
        })  # fmt: skip

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app)
        self.loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())

    def __enter__(self) -> Recorder:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="module")
def server() -> Iterator[Recorder]:
    with Recorder() as s:
        yield s


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("LLMCORE_MODELS", raising=False)
    monkeypatch.setenv("LLMCORE_DATA_DIR", "/nonexistent-llmcore-data")
    monkeypatch.setenv("LLMCORE_CONTEXT_CHECK", "0")
    catalogue.clear_overrides()
    yield
    catalogue.clear_overrides()


def _sent(server: Recorder, provider: str, model: str) -> dict[str, Any]:
    base = server.url if provider == "ollama" else f"{server.url}/v1"
    m = llmcore.model(f"{provider}/{model}", api_key=TEST_API_KEY, base_url=base)
    n = len(server.bodies)
    resp = m.chat("Where is the Eiffel Tower? Answer in JSON.", response_format=City)
    assert resp.parsed == City(**ANSWER)
    assert len(server.bodies) == n + 1
    return server.bodies[-1]


def _mode(body: dict[str, Any]) -> str:
    """Which structured-output mode a Chat Completions / Ollama body uses."""
    rf = body.get("response_format")
    if isinstance(rf, dict):
        return str(rf["type"])
    if isinstance(body.get("format"), dict):
        return "json_schema"  # Ollama's format: <schema>
    if body.get("tools"):
        return "tool"
    return "prompt"


def _system(body: dict[str, Any]) -> str:
    return " ".join(m["content"] for m in body["messages"] if m["role"] == "system" and isinstance(m["content"], str))


# (provider, model taking a schema, model not taking one, mode expected for it, catalogue entry to add or None)
CASES = [
    # Groq: its profile (docs) — json_schema on gpt-oss; JSON mode elsewhere
    ("groq", "openai/gpt-oss-20b", "llama-3.1-8b-instant", "json_object", None),
    # OpenRouter: models.dev's per-route data (structured_outputs not in the route's parameters)
    ("openrouter", "anthropic/claude-haiku-4.5", "amazon/nova-lite-v1", "tool", None),
    ("openrouter", "anthropic/claude-haiku-4.5", "aion-labs/aion-1.0-mini", "json_object", None),
    # the others: a model marked in the catalogue the way a user or a plugin marks one
    ("ollama", "llama3.1", "tiny-local", "prompt", {"structured_output": False, "tools": False}),
    ("together", "moonshotai/Kimi-K2.6", "acme/old-chat", "tool", {"structured_output": False, "tools": True}),
    ("fireworks", "accounts/fireworks/models/deepseek-v4-flash", "accounts/acme/models/ft-1", "prompt",
     {"structured_output": False, "tools": False}),
    ("mistral", "mistral-medium-latest", "acme-ft-1", "json_object", {"structured_output": False, "tools": False}),
]  # fmt: skip


@pytest.mark.parametrize(("provider", "schema_model", "other_model", "other_mode", "entry"), CASES)
def test_mode_per_model(
    server: Recorder, provider: str, schema_model: str, other_model: str, other_mode: str, entry: dict[str, Any] | None
) -> None:
    if entry is not None:
        catalogue.add_models(provider, {other_model: entry})
    body = _sent(server, provider, schema_model)
    assert _mode(body) == "json_schema", body
    schema = body["format"] if provider == "ollama" else body["response_format"]["json_schema"]["schema"]
    assert set(schema["properties"]) == {"city", "country"}

    body = _sent(server, provider, other_model)
    assert _mode(body) == other_mode, body
    assert "json_schema" not in json.dumps(body.get("response_format"))  # never a schema it would reject
    if other_mode == "tool":
        assert body["tools"][0]["function"]["parameters"]["properties"].keys() == {"city", "country"}
    else:  # JSON mode and prompt mode carry the schema in a system instruction
        assert '"city"' in _system(body) and '"country"' in _system(body)


def test_groq_takes_a_newer_schema_model_from_the_catalogue(server: Recorder) -> None:
    """Groq's profile lists the models its docs name; one the catalogue says takes
    structured outputs (a refresh, or the user's entry) gets json_schema too."""
    assert _mode(_sent(server, "groq", "acme/new-model")) == "json_object"
    catalogue.add_models("groq", {"acme/new-model": {"structured_output": True, "tools": True}})
    assert _mode(_sent(server, "groq", "acme/new-model")) == "json_schema"


def test_unknown_to_the_catalogue_keeps_the_providers_declaration(server: Recorder) -> None:
    assert catalogue.lookup("together", "acme/unknown-model") is None
    assert _mode(_sent(server, "together", "acme/unknown-model")) == "json_schema"


def test_forcing_a_mode_the_model_does_not_take_is_refused_before_the_network(server: Recorder) -> None:
    catalogue.add_models("mistral", {"acme-ft-2": {"structured_output": False, "tools": False}})
    m = llmcore.model("mistral/acme-ft-2", api_key=TEST_API_KEY, base_url=f"{server.url}/v1")
    n = len(server.bodies)
    with pytest.raises(llmcore.errors.UnsupportedFeatureError, match="acme-ft-2"):
        m.chat("hi", response_format=City, structured_mode="json_schema")
    assert len(server.bodies) == n
