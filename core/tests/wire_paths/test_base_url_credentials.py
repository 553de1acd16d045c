"""``base_url`` with ``user:password@`` is refused before the network (issue 18 #13).

Before: the password showed in ``repr(provider)``; on aiohttp the call raised
a bare ``ValueError``; Anthropic and Ollama (httpx) sent it as Basic auth
silently. Chosen: refuse it with a ``ConfigurationError`` that names the
URL without the credentials and says to pass ``api_key=`` or an
``Authorization`` header — the same on every transport and provider, and no
request leaves.
"""

from __future__ import annotations

import asyncio

import llmcore
import pytest
from llmcore._sync import run
from llmcore.errors import ConfigurationError
from llmcore.http.client import aclose_shared_clients, configure, settings
from llmcore.provider import ProviderConfig
from raw_server import raw_server

PASSWORD = "pw" + "Fr4gment" + "9x"  # built from pieces


async def ok(head: bytes, w: asyncio.StreamWriter) -> None:
    w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
@pytest.mark.parametrize(
    ("name", "path"),
    [("openai/gpt-4o-mini", "/v1"), ("anthropic/claude-3-5-haiku-latest", ""), ("ollama/llama3", "")],
)
def test_credentials_in_base_url_are_refused_before_the_network(transport: str, name: str, path: str) -> None:
    before = settings().transport
    configure(transport=transport)
    run(aclose_shared_clients())
    try:
        refused(name, path)
    finally:
        configure(transport=before)
        run(aclose_shared_clients())


def refused(name: str, path: str) -> None:
    with raw_server(ok) as srv:
        url = srv.url.replace("http://", f"http://user:{PASSWORD}@") + path
        with pytest.raises(ConfigurationError) as info:
            llmcore.model(name, base_url=url, api_key="not-a-real-key").chat("hi")
        assert srv.connections == 0
    err = info.value
    text = str(err) + repr(err)
    assert PASSWORD not in text
    assert "credentials" in text and "api_key=" in text and "Authorization" in text
    assert srv.url in str(err)  # the URL, without its credentials


def test_credentials_in_the_base_url_variable_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", f"https://user:{PASSWORD}@gateway.example/v1")
    with pytest.raises(ConfigurationError) as info:
        llmcore.model("openai/gpt-4o-mini", api_key="not-a-real-key")
    assert PASSWORD not in str(info.value)
    assert "https://gateway.example/v1" in str(info.value)


def test_provider_config_repr_hides_url_credentials() -> None:
    cfg = ProviderConfig(base_url=f"https://user:{PASSWORD}@gateway.example/v1")
    assert PASSWORD not in repr(cfg)
    assert "https://gateway.example/v1" in repr(cfg)


def test_a_plain_url_is_accepted() -> None:
    m = llmcore.model("openai/gpt-4o-mini", base_url="http://127.0.0.1:9/v1", api_key="not-a-real-key")
    assert "127.0.0.1:9" in repr(m.base_provider)
