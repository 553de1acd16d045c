"""Provider construction: ``OLLAMA_HOST`` parsing, optional bearer key, options,
the injected client, ``list_models``, and the key never leaking."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import ollama_cases as C
import pytest
from llmcore import errors as E
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore.types import ChatRequest
from llmcore_ollama import SPEC
from llmcore_ollama.host import normalize_host
from llmcore_ollama.provider import OllamaProvider
from llmcore_testing import TEST_API_KEY
from llmcore_testing.conformance import assert_not_leaked


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)


def test_registered_and_needs_no_key(clean_env: None) -> None:
    spec = get_registry().get("ollama")
    assert spec is not None and spec.factory == "llmcore_ollama.provider:OllamaProvider"
    assert not spec.requires_key
    # no key, but a server: with none at localhost:11434 the status says so (issue 18 #20)
    status = spec.status()
    assert status.startswith("ready") or status.startswith("no server at http://localhost:11434"), status
    p = OllamaProvider(ProviderConfig())
    assert p.base_url == "http://localhost:11434" and p.auth_headers() == {}


def test_model_names_need_the_prefix() -> None:
    assert SPEC.model_prefixes == ()
    spec, model = resolve_model("ollama/llama3.2:latest")
    assert spec.name == "ollama" and model == "llama3.2:latest"


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("0.0.0.0:11434", "http://0.0.0.0:11434"),
        ("0.0.0.0", "http://0.0.0.0:11434"),
        ("example.com", "http://example.com:11434"),
        ("example.com:8080", "http://example.com:8080"),
        ("example.com:8080/ollama/", "http://example.com:8080/ollama"),
        ("[::1]:11434", "http://[::1]:11434"),
        ("http://10.0.0.5:11434/", "http://10.0.0.5:11434"),
        ("https://ollama.com", "https://ollama.com"),
    ],
)
@pytest.mark.filterwarnings("ignore:.*plain HTTP")
def test_ollama_host_forms(clean_env: None, monkeypatch: pytest.MonkeyPatch, host: str, url: str) -> None:
    assert normalize_host(host) == url
    monkeypatch.setenv("OLLAMA_HOST", host)
    assert OllamaProvider(ProviderConfig()).base_url == url


def test_base_url_beats_ollama_host(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "0.0.0.0:1")
    assert OllamaProvider(ProviderConfig(base_url="https://ollama.com")).base_url == "https://ollama.com"


def test_ollama_api_key_is_a_bearer(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_API_KEY", "cloud-key-1234567890")
    assert OllamaProvider(ProviderConfig()).auth_headers() == {"authorization": "Bearer cloud-key-1234567890"}


@pytest.mark.parametrize("options", [{"num_ctx": 4096}, {"keep_alive": True}, {"options": [1]}])
def test_bad_options_are_configuration_errors(options: dict[str, object]) -> None:
    with pytest.raises(E.ConfigurationError) as info:
        OllamaProvider(ProviderConfig(options=options))
    if "num_ctx" in options:
        assert "num_ctx" in str(info.value) and "keep_alive" in str(info.value)


def _serve(handler: object, **options: object) -> tuple[OllamaProvider, httpx.AsyncClient]:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))  # type: ignore[arg-type]
    return C.provider(client, api_key=TEST_API_KEY, **options), client


def test_defaults_are_sent_and_the_key_never_leaks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json={"error": f"unauthorized: bad key {TEST_API_KEY}"})

    async def go() -> None:
        p, client = _serve(handler, keep_alive="10m", options={"num_ctx": 8192, "temperature": 0.1})
        async with client:
            with pytest.raises(E.AuthenticationError) as info:
                await p.chat(ChatRequest(model="llama3.2", messages=["hi"], temperature=0.5))
            assert_not_leaked(TEST_API_KEY, info.value, p, p.config)

    asyncio.run(go())
    body = json.loads(seen[0].content)
    assert body["keep_alive"] == "10m"
    assert body["options"] == {"num_ctx": 8192, "temperature": 0.5}  # the request wins over the default
    assert seen[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert TEST_API_KEY not in caplog.text


def test_the_injected_client_is_used_for_every_request() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(f"{request.method} {request.url.path}")
        if request.url.path == "/api/tags":
            return httpx.Response(200, json={"models": []})
        if json.loads(request.content)["stream"]:
            return httpx.Response(200, content=C.recorded_response(C.STREAM.cassette).encode())
        return httpx.Response(200, content=C.recorded_response(C.CHAT.cassette).encode())

    async def go() -> None:
        p, client = _serve(handler)
        async with client:
            req = C.CHAT.chat_request()
            assert (await p.chat(req)).text
            assert [e async for e in p.stream_chat(req)][-1].type == "finish"
            assert await p.list_models() == []

    asyncio.run(go())
    assert paths == ["POST /api/chat", "POST /api/chat", "GET /api/tags"]


def test_list_models() -> None:
    """``GET /api/tags`` (no recording of it exists: a served body shaped like
    the ListResponse of Ollama's OpenAPI spec)."""
    tags = {
        "models": [
            {
                "name": "llama3.2:latest",
                "model": "llama3.2:latest",
                "size": 2019393189,
                "digest": "a80c4f17acd5",
                "modified_at": "2024-09-25T12:00:00Z",
                "details": {"family": "llama", "parameter_size": "3.2B", "quantization_level": "Q4_K_M"},
            }
        ]
    }

    async def go(status: int) -> object:
        p, client = _serve(lambda r: httpx.Response(status, json=tags if status == 200 else {"error": "boom"}))
        async with client:
            return await p.list_models()

    models = asyncio.run(go(200))
    assert models == tags["models"]
    with pytest.raises(E.ProviderServerError):
        asyncio.run(go(500))


def test_count_tokens_is_a_labelled_estimate() -> None:
    count = asyncio.run(C.provider().count_tokens(ChatRequest(model="llama3", messages=["x" * 400])))
    assert count.method == "estimate" and 100 <= count.input_tokens <= 110
    assert "no tokenize endpoint" in (count.detail or "")
