"""HTTPProvider + facade over a real local server, on both transports."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import llmcore
import pytest
from llmcore import errors as E
from llmcore.http import client as http_client
from llmcore.plugins import register, reset

KEY = "toy-secret-key-123"


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import toy_provider

    monkeypatch.setenv("LLMCORE_PLUGINS", "")  # only the in-process toy plugin
    reset()
    register(toy_provider.plugin, "toy")
    yield
    reset()


@pytest.fixture(params=["httpx", "aiohttp"])
def transport(request: pytest.FixtureRequest) -> Iterator[str]:
    old = http_client._settings.transport
    http_client.configure(transport=request.param)
    yield request.param
    http_client.configure(transport=old)


def _model(base: str, **kw: object) -> llmcore.Model:
    return llmcore.model("toy/toy-1", api_key=KEY, base_url=base, **kw)


def test_sync_chat_and_stream(toy_server: str, transport: str) -> None:
    async def fresh() -> None:  # each transport gets its own client per loop
        await http_client.aclose_shared_clients()

    m = _model(toy_server)
    r = m.chat("the sky is blue")
    assert r.text == "the sky is blue" and r.usage.input_tokens == 4 and r.provider == "toy"
    s = m.stream("one two three")
    assert "".join(s.texts()) == "one two three"
    assert s.response is not None and s.response.finish_reason == "stop" and s.response.usage.output_tokens == 3
    from llmcore import _sync

    _sync.run(fresh())


def test_async_stream_events(toy_server: str, transport: str) -> None:
    async def go() -> list[str]:
        m = _model(toy_server)
        stream = m.astream("a b")
        types = [ev.type async for ev in stream]
        assert stream.response is not None and stream.response.text == "a b"
        await http_client.aclose_shared_clients()
        return types

    assert asyncio.run(go()) == ["text", "text", "usage", "finish"]


@pytest.mark.parametrize(
    ("prompt", "cls", "status"),
    [("rate", E.RateLimitError, 429), ("boom", E.ProviderServerError, 503)],
)
def test_http_errors_are_typed(toy_server: str, prompt: str, cls: type[E.LLMCoreError], status: int) -> None:
    m = _model(toy_server, retry=False)
    with pytest.raises(cls) as ei:
        m.chat(prompt)
    err = ei.value
    assert err.status_code == status and err.provider == "toy"
    if status == 429:
        assert err.retry_after == 7.0 and err.code == "rate_limited" and "slow down" in str(err)
    else:
        assert "upstream unavailable" in str(err.raw)
    # streaming raises the same typed error before any event
    with pytest.raises(cls):
        list(m.stream(prompt))


def test_wrong_key_is_authentication_error_without_the_key(toy_server: str) -> None:
    m = llmcore.model("toy/toy-1", api_key="wrong-key-abcdef-123456", base_url=toy_server)
    with pytest.raises(E.AuthenticationError) as ei:
        m.chat("hi")
    assert "wrong-key-abcdef-123456" not in repr(ei.value) + str(ei.value) + repr(m.provider)


def test_unparseable_body_is_response_error(toy_server: str) -> None:
    with pytest.raises(E.ProviderResponseError) as ei:
        _model(toy_server).chat("garbage")
    assert "not json" in str(ei.value.raw)


def test_total_timeout(toy_server: str) -> None:
    with pytest.raises(E.ProviderTimeoutError) as ei:
        _model(toy_server, timeout=0.3).chat("slow")
    assert ei.value.is_retryable


def test_connection_refused_is_typed() -> None:
    from conftest import _free_port

    with pytest.raises(E.ProviderConnectionError):
        _model(f"http://127.0.0.1:{_free_port()}/v1").chat("hi")


def test_injected_client_is_used(toy_server: str) -> None:
    import httpx

    seen: list[str] = []

    async def go() -> str:
        async def hook(req: httpx.Request) -> None:
            seen.append(str(req.url))

        async with httpx.AsyncClient(event_hooks={"request": [hook]}) as c:
            return (await _model(toy_server, http_client=c).achat("via injected")).text

    assert asyncio.run(go()) == "via injected"
    assert seen == [f"{toy_server}/chat"]


def test_missing_key_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOY_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="set TOY_API_KEY"):
        llmcore.model("toy/toy-1")


def test_bad_input_fails_before_the_network() -> None:
    m = _model("http://127.0.0.1:9/v1")  # nothing listens there
    with pytest.raises(E.InvalidRequestError, match="unknown parameter"):
        m.chat("hi", temprature=0.5)
    with pytest.raises(E.InvalidRequestError, match="messages is empty"):
        m.chat([])
    with pytest.raises(E.InvalidRequestError, match="temperature"):
        m.chat("hi", temperature=7)


def test_structured_output_into_pydantic(toy_server: str) -> None:
    from pydantic import BaseModel

    class Out(BaseModel):
        a: int

    # the toy echoes the prompt: a JSON prompt comes back as JSON
    r = _model(toy_server).chat('{"a": 5}', response_format=Out)
    assert r.parsed == Out(a=5)
    with pytest.raises(E.ProviderResponseError) as ei:
        _model(toy_server).chat('{"b": 5}', response_format=Out)
    assert '{"b": 5}' in str(ei.value.raw)
