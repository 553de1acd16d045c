"""llmcore.fallback against a real local server: which errors move on, which
do not, streams (fall back only before the first event), sync surface, and
what the answer records about the route it took."""

from __future__ import annotations

import asyncio
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore import errors as E
from scripted_server import BODY, TOY_KEY, ScriptedServer, prompt_of, toy_error, toy_json, toy_stream

pytest_plugins = ["reliability_fixtures"]


def _models(server: ScriptedServer, *ids: str) -> list[llmcore.Model]:
    return [llmcore.model(f"toy/{i}", api_key=TOY_KEY, base_url=server.url + "/v1", retry=False) for i in ids]


async def by_model(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
    """toy-rate: 429; toy-down: 503; toy-auth: 401; toy-bad: 400; toy-cut: a stream
    that breaks after one event; anything else answers (streamed if asked)."""
    body = request[BODY]
    model = body["model"]
    if model == "toy-rate":
        return toy_error(429, "rate limited", {"retry-after": "1"})
    if model == "toy-down":
        return toy_error(503, "overloaded")
    if model == "toy-auth":
        return toy_error(401, "bad key")
    if model == "toy-bad":
        return toy_error(400, "context too long")
    if model == "toy-cut":
        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b'data: {"delta": "half"}\n\n')
        await asyncio.sleep(0.05)
        assert request.transport is not None
        request.transport.close()
        return resp
    text = f"{model}: {prompt_of(request)}"
    if body.get("stream"):
        words = text.split(" ")
        return await toy_stream(request, [w if i == 0 else " " + w for i, w in enumerate(words)])
    return toy_json(text)


def _served(server: ScriptedServer) -> list[str]:
    return [r["body"]["model"] for r in server.requests]


def test_rate_limit_moves_to_the_next_model(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    skipped: list[tuple[str, Exception]] = []
    fb = llmcore.fallback(
        _models(server, "toy-rate", "toy-down", "toy-ok"), on_fallback=lambda n, e: skipped.append((n, e))
    )  # type: ignore[arg-type]
    resp = fb.chat("hi")
    assert resp.text == "toy-ok: hi"
    assert _served(server) == ["toy-rate", "toy-down", "toy-ok"]
    route = resp.provider_metadata["routing"]
    assert route["model"] == "toy/toy-ok"
    assert [s["model"] for s in route["skipped"]] == ["toy/toy-rate", "toy/toy-down"]
    assert route["skipped"][0]["error"].startswith("RateLimitError")
    assert [n for n, _ in skipped] == ["toy/toy-rate", "toy/toy-down"]
    assert isinstance(skipped[1][1], E.ProviderServerError)


def test_non_retryable_errors_are_raised_at_once(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    fb = llmcore.fallback(_models(server, "toy-auth", "toy-ok"))
    with pytest.raises(E.AuthenticationError):
        fb.chat("hi")
    assert _served(server) == ["toy-auth"]


def test_configured_errors_move_on(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    fb = llmcore.fallback(_models(server, "toy-bad", "toy-ok"), on=E.InvalidRequestError)
    assert fb.chat("hi").text == "toy-ok: hi"
    server.reset()
    server.handler = by_model
    only = llmcore.fallback(_models(server, "toy-rate", "toy-ok"), on=(E.InvalidRequestError,), retryable=False)
    with pytest.raises(E.RateLimitError):  # retryable errors no longer move on
        only.chat("hi")
    assert _served(server) == ["toy-rate"]
    pred = llmcore.fallback(_models(server, "toy-auth", "toy-ok"), on=lambda e: getattr(e, "status_code", 0) == 401)
    assert pred.chat("x").text == "toy-ok: x"


def test_all_failing_raises_the_last_error_with_the_history(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    fb = llmcore.fallback(_models(server, "toy-rate", "toy-down"))
    with pytest.raises(E.ProviderServerError) as ei:
        fb.chat("hi")
    history = ei.value.fallback_errors  # type: ignore[attr-defined]
    assert [n for n, _ in history] == ["toy/toy-rate", "toy/toy-down"]
    assert isinstance(history[0][1], E.RateLimitError)


def test_stream_falls_back_before_the_first_event(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    fb = llmcore.fallback(_models(server, "toy-down", "toy-ok"))
    stream = fb.stream("tell me")
    text = "".join(stream.texts())
    assert text == "toy-ok: tell me"
    assert stream.response is not None and stream.response.text == text
    assert stream.response.provider_metadata["routing"]["model"] == "toy/toy-ok"
    assert _served(server) == ["toy-down", "toy-ok"]


def test_stream_error_after_output_is_not_papered_over(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    fb = llmcore.fallback(_models(server, "toy-cut", "toy-ok"))

    async def go() -> list[str]:
        got: list[str] = []
        with pytest.raises(E.LLMCoreError):
            async for piece in fb.astream("x").texts():
                got.append(piece)
        return got

    assert asyncio.run(go()) == ["half"]
    assert _served(server) == ["toy-cut"]


def test_count_tokens_and_async_chat(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    fb = llmcore.fallback(_models(server, "toy-rate", "toy-ok"))
    n = fb.count_tokens("one two three four")
    assert n.method == "estimate" and n.input_tokens > 0  # toy counts locally: the first model answers
    resp = asyncio.run(fb.achat([{"role": "user", "content": "async"}], max_tokens=5))
    assert resp.text == "toy-ok: async"


def test_fallback_is_a_model_for_generate(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    fb = llmcore.fallback(_models(server, "toy-rate", "toy-ok"))
    results = llmcore.generate(fb, ["a", "b", "c"], concurrency=2, progress=False)
    assert [r.text for r in results] == ["toy-ok: a", "toy-ok: b", "toy-ok: c"]  # type: ignore[union-attr]


def test_names_build_models_with_options(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    fb = llmcore.fallback(["toy/toy-rate", "toy/toy-ok"], api_key=TOY_KEY, base_url=server.url + "/v1", retry=False)
    assert repr(fb) == "fallback(toy/toy-rate, toy/toy-ok)"
    assert fb.chat("n").text == "toy-ok: n"


def test_bad_arguments(toy: None) -> None:
    with pytest.raises(E.ConfigurationError):
        llmcore.fallback([])
    with pytest.raises(E.ConfigurationError):
        llmcore.fallback("toy/toy-1")  # type: ignore[arg-type]
    with pytest.raises(E.ConfigurationError, match="on="):
        llmcore.fallback(["toy/x"], on=("nope",), api_key=TOY_KEY)
    with pytest.raises(E.ConfigurationError, match="apply only to model names"):
        llmcore.fallback([llmcore.model("toy/x", api_key=TOY_KEY)], retry=False)  # type: ignore[list-item]


def test_nested_chains(server: ScriptedServer, toy: None) -> None:
    server.handler = by_model
    inner: Any = llmcore.fallback(_models(server, "toy-rate", "toy-down"))
    outer = llmcore.fallback([inner, *_models(server, "toy-ok")])
    resp = outer.chat("deep")
    assert resp.text == "toy-ok: deep"
    assert resp.provider_metadata["routing"]["skipped"][0]["model"] == "fallback(toy/toy-rate, toy/toy-down)"
