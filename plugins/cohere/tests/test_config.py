"""Provider construction: key resolution, options, base URL, headers, and the
key never appearing in a repr, an error or a log line."""

from __future__ import annotations

import asyncio
import logging

import cohere_cases as C
import httpx
import pytest
from llmcore import errors as E
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_cohere import SPEC
from llmcore_cohere.provider import CohereProvider
from llmcore_testing import TEST_API_KEY
from llmcore_testing.conformance import assert_not_leaked


@pytest.fixture
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in SPEC.env_keys:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("CO_API_URL", raising=False)


def test_registered_through_the_entry_point() -> None:
    spec = get_registry().get("cohere")
    assert spec is not None and spec.factory == "llmcore_cohere.provider:CohereProvider"
    assert spec.distribution == "llmcore-cohere"


def test_missing_key_names_co_api_key(no_env_key: None) -> None:
    with pytest.raises(E.ConfigurationError) as info:
        CohereProvider(ProviderConfig())
    assert "CO_API_KEY" in str(info.value) and "COHERE_API_KEY" in str(info.value)


@pytest.mark.parametrize("var", ["CO_API_KEY", "COHERE_API_KEY"])
def test_key_from_either_env_var(no_env_key: None, monkeypatch: pytest.MonkeyPatch, var: str) -> None:
    monkeypatch.setenv(var, "env-key-1234567890")
    p = CohereProvider(ProviderConfig())
    assert p.auth_headers()["authorization"] == "Bearer env-key-1234567890"


def test_co_api_key_wins(no_env_key: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CO_API_KEY", "first-key-1234567890")
    monkeypatch.setenv("COHERE_API_KEY", "second-key-1234567890")
    assert CohereProvider(ProviderConfig()).auth_headers()["authorization"] == "Bearer first-key-1234567890"


def test_unknown_option_is_a_configuration_error() -> None:
    with pytest.raises(E.ConfigurationError) as info:
        CohereProvider(ProviderConfig(api_key=TEST_API_KEY, options={"temprature": 1}))
    assert "temprature" in str(info.value) and "client_name" in str(info.value)


def test_bad_client_name() -> None:
    with pytest.raises(E.ConfigurationError):
        CohereProvider(ProviderConfig(api_key=TEST_API_KEY, options={"client_name": ""}))


def test_base_url_from_env_and_config(no_env_key: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CohereProvider(ProviderConfig(api_key="k" * 12)).base_url == "https://api.cohere.com"
    monkeypatch.setenv("CO_API_URL", "https://proxy.example/cohere/")
    assert CohereProvider(ProviderConfig(api_key="k" * 12)).base_url == "https://proxy.example/cohere"
    p = CohereProvider(ProviderConfig(api_key="k" * 12, base_url="http://localhost:9"))
    assert p.base_url == "http://localhost:9"


def _capture(**options: object) -> httpx.Request:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json={"id": "1", "message": f"invalid api token {TEST_API_KEY}"})

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            p = CohereProvider(
                ProviderConfig(
                    api_key=TEST_API_KEY, http_client=client, headers={"x-extra": "1"}, options=dict(options)
                )
            )
            with pytest.raises(E.AuthenticationError) as info:
                await p.chat(ChatRequest(model="command-a-03-2025", messages=["hi"]))
            err = info.value
            assert_not_leaked(TEST_API_KEY, err, p, p.config)

    asyncio.run(go())
    return seen[0]


def test_headers_and_key_never_leak(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    req = _capture(client_name="my-app")
    assert req.url == "https://api.cohere.com/v2/chat"
    assert req.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert req.headers["x-client-name"] == "my-app"
    assert req.headers["x-extra"] == "1"
    assert TEST_API_KEY not in caplog.text


def test_the_injected_client_is_used_for_every_request() -> None:
    """Chat, stream and count_tokens all go through the configured client."""
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path == "/v1/tokenize":
            return httpx.Response(200, json={"tokens": [1, 2, 3], "token_strings": ["a", "b", "c"]})
        if b'"stream":true' in request.content:
            body = C.recorded_response(C.STREAM.cassette)
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body.encode())
        return httpx.Response(200, content=C.recorded_response(C.CHAT.cassette).encode())

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            p = load_provider(SPEC, api_key=TEST_API_KEY, http_client=client)
            req = ChatRequest(model="command", messages=["Tell me a joke, pirate style"])
            assert (await p.chat(req)).text
            assert [e async for e in p.stream_chat(req)][-1].type == "finish"
            count = await p.count_tokens(req)
            assert (count.input_tokens, count.method) == (3, "api")
            assert "not counted" in (count.detail or "")

    asyncio.run(go())
    assert paths == ["/v2/chat", "/v2/chat", "/v1/tokenize"]
