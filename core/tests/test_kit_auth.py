"""The conformance kit's auth check (issue 18 §1): every request the cassette server
receives must carry the test key, present and well formed — the key alone in a header
(``x-api-key: K``), after one scheme word (``Authorization: Bearer K``), or as a query
parameter's value (``?key=K``). A key glued to other text (two keys joined by a comma,
a doubled scheme, a prefix) is a request the real API refuses, so the check fails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from llmcore import plugins
from llmcore_testing import ProviderConformance
from llmcore_testing.conformance import TEST_API_KEY

import toy_provider

K = TEST_API_KEY


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    plugins.reset()
    plugins.register(toy_provider.plugin, "kit-auth-toy")
    yield
    plugins.reset()


class _Kit(ProviderConformance):
    provider = "toy"  # its spec needs a key (env_keys)


def _request(headers: dict[str, str] | None = None, query: str = "") -> httpx.Request:
    return httpx.Request("POST", f"http://127.0.0.1:9/v1/chat{query}", headers=headers or {}, content=b"{}")


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"authorization": f"Bearer {K}"}, ""),
        ({"Authorization": f"Token {K}"}, ""),
        ({"x-api-key": K}, ""),
        ({"api-key": f"  {K} "}, ""),
        ({}, f"?key={K}"),
        ({}, f"?alt=sse&key={K}"),
    ],
    ids=["bearer", "token", "x-api-key", "api-key-spaces", "query", "query-second"],
)
def test_a_well_formed_key_passes(headers: dict[str, str], query: str) -> None:
    _Kit().check_auth(_request(headers, query))


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({}, ""),
        ({"authorization": "Bearer"}, ""),
        ({"authorization": f"Bearer {K},{K}2"}, ""),
        ({"authorization": f"Bearer Bearer {K}"}, ""),
        ({"authorization": f"Bearer x{K}"}, ""),
        ({"x-api-key": f"{K} {K}"}, ""),
        ({}, f"?key={K},other"),
        ({}, f"?note=the-key-is-{K}"),
    ],
    ids=[
        "none",
        "scheme-only",
        "two-keys-joined",
        "scheme-twice",
        "prefixed",
        "key-twice",
        "query-joined",
        "query-inside",
    ],
)
def test_a_missing_or_malformed_key_fails(headers: dict[str, str], query: str) -> None:
    with pytest.raises(AssertionError, match="API key"):
        _Kit().check_auth(_request(headers, query))


class _KeyOnHttpxOnly(toy_provider.ToyProvider):
    """Issue 18 #1's shape: a provider that authenticates on one transport only."""

    def auth_headers(self) -> dict[str, str]:
        from llmcore.http.client import settings

        return super().auth_headers() if settings().transport == "httpx" else {}


def test_the_kit_fails_a_provider_that_authenticates_on_one_transport_only(
    toy_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replayed over the cassette server, the same recording passes on the transport that sends
    the key and fails on the one that does not — what hid Bedrock's unsigned aiohttp requests."""
    import asyncio

    from llmcore.provider import ProviderConfig
    from llmcore.types import ChatRequest
    from llmcore_testing import Case, cassettes

    req = ChatRequest(model="toy-1", messages=["hello"])

    async def record() -> None:
        client, _ = cassettes.recording_client()
        async with client:
            config = ProviderConfig(api_key="toy-" + "secret-key-123", base_url=toy_server, http_client=client)
            await toy_provider.ToyProvider(config).chat(req)

    monkeypatch.setenv("LLMCORE_RECORD_MODE", "once")
    with cassettes.make_vcr(tmp_path).use_cassette("toy_chat.yaml"):
        asyncio.run(record())
    monkeypatch.setenv("LLMCORE_RECORD_MODE", "none")

    class Kit(_Kit):
        cassette_dir = tmp_path
        chat_case = Case("toy_chat.yaml", req, base_url=toy_server)

        def make_provider(self, client: Any, case: Case) -> Any:
            return _KeyOnHttpxOnly(ProviderConfig(api_key=K, base_url=case.base_url, http_client=client))

    on_httpx = Kit()
    on_httpx.replay_path = "httpx"  # type: ignore[attr-defined]
    on_httpx.test_chat()
    on_aiohttp = Kit()
    on_aiohttp.replay_path = "aiohttp"  # type: ignore[attr-defined]
    with pytest.raises(AssertionError, match="the API key was not sent"):
        on_aiohttp.test_chat()
