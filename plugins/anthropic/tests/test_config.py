"""Configuration, headers, discovery, and keeping the API key secret."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import httpx
import pytest
from anthropic_cases import ERRORS, replay
from llmcore.errors import ConfigurationError
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_anthropic import SPEC
from llmcore_anthropic.provider import AnthropicProvider
from llmcore_testing.conformance import assert_not_leaked

SECRET = "sk-ant-api03-" + "Z" * 40  # key-shaped, so the generic scrubber would catch it too
ODD_SECRET = "my-very-own-secret-key-123"  # not key-shaped: only registration can scrub it


def test_unknown_option_is_a_configuration_error_naming_the_known_ones() -> None:
    with pytest.raises(ConfigurationError) as exc:
        AnthropicProvider(ProviderConfig(api_key="k" * 20, options={"betas": ["x"]}))
    assert "betas" in str(exc.value) and "beta" in str(exc.value) and "default_max_tokens" in str(exc.value)
    with pytest.raises(ConfigurationError):
        AnthropicProvider(ProviderConfig(api_key="k" * 20, options={"default_max_tokens": 0}))
    with pytest.raises(ConfigurationError):
        AnthropicProvider(ProviderConfig(api_key="k" * 20, options={"beta": [1]}))


def test_missing_key_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY"):
        AnthropicProvider(ProviderConfig())


def test_key_and_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", ODD_SECRET)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://proxy.example/anthropic/")
    seen: list[httpx.Request] = []
    p = _provider_with(seen, ProviderConfig())
    assert p.base_url == "https://proxy.example/anthropic"
    asyncio.run(p.chat(ChatRequest(model="claude-x", messages=["hi"])))
    assert str(seen[0].url) == "https://proxy.example/anthropic/v1/messages"
    assert seen[0].headers["x-api-key"] == ODD_SECRET


def _ok_message() -> dict[str, object]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "stop_reason": "end_turn",
        "content": [{"type": "text", "text": "hi"}],
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }


def _provider_with(seen: list[httpx.Request], config: ProviderConfig) -> AnthropicProvider:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/count_tokens"):
            return httpx.Response(200, json={"input_tokens": 3})
        return httpx.Response(200, json=_ok_message())

    config.http_client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AnthropicProvider(config)


def test_headers_and_the_injected_client_is_used_for_every_request() -> None:
    seen: list[httpx.Request] = []
    p = _provider_with(
        seen, ProviderConfig(api_key=ODD_SECRET, options={"beta": ["b-1", "b-2"]}, headers={"x-extra": "1"})
    )
    req = ChatRequest(model="claude-x", messages=["hi"])

    async def go() -> None:
        await p.chat(req)
        await p.count_tokens(req)

    asyncio.run(go())
    assert [r.url.path for r in seen] == ["/v1/messages", "/v1/messages/count_tokens"]
    for r in seen:
        assert r.headers["x-api-key"] == ODD_SECRET and r.headers["anthropic-version"] == "2023-06-01"
        assert r.headers["anthropic-beta"] == "b-1,b-2" and r.headers["x-extra"] == "1"
        assert "authorization" not in r.headers
    assert str(seen[0].url).startswith("https://api.anthropic.com/")
    assert (
        AnthropicProvider(ProviderConfig(api_key="k" * 20, options={"beta": "a, b"})).auth_headers()["anthropic-beta"]
        == "a,b"
    )


@pytest.mark.parametrize("key", [SECRET, ODD_SECRET])
def test_the_key_never_appears_in_reprs_or_errors(key: str) -> None:
    p = AnthropicProvider(ProviderConfig(api_key=key))
    assert_not_leaked(key, p, p.config)
    for case in (ERRORS["auth"], ERRORS["rate_limit"], ERRORS["stream_overloaded"]):
        res = _replay_with_key(case, key)
        assert res.error is not None
        assert_not_leaked(key, res.error)

    # a server that echoes the key back: the error text is scrubbed
    def echo(request: httpx.Request) -> httpx.Response:
        msg = f"invalid x-api-key: {request.headers['x-api-key']}"
        return httpx.Response(401, json={"type": "error", "error": {"type": "authentication_error", "message": msg}})

    p = AnthropicProvider(
        ProviderConfig(api_key=key, http_client=httpx.AsyncClient(transport=httpx.MockTransport(echo)))
    )
    with pytest.raises(Exception) as exc:
        asyncio.run(p.chat(ChatRequest(model="claude-x", messages=["hi"])))
    err = exc.value
    assert "invalid x-api-key" in str(err)
    assert_not_leaked(key, err)


def _replay_with_key(case, key):  # type: ignore[no-untyped-def]
    import anthropic_cases as A
    from llmcore_testing.conformance import run_case

    def make(client, case):  # type: ignore[no-untyped-def]
        return AnthropicProvider(ProviderConfig(api_key=key, http_client=client))

    return asyncio.run(run_case(case, make, A.CASSETTES))


def test_spec_is_discovered_with_its_capabilities() -> None:
    spec = get_registry().get("anthropic")
    assert spec is not None and spec.factory == "llmcore_anthropic.provider:AnthropicProvider"
    assert spec.env_keys == ("ANTHROPIC_API_KEY",) and spec.base_url == "https://api.anthropic.com"
    assert spec.base_url_env == "ANTHROPIC_BASE_URL" and spec.model_prefixes == ("claude-",)
    caps = spec.capabilities
    assert (caps.streaming, caps.tools, caps.reasoning, caps.vision, caps.count_tokens) == (
        True,
        True,
        True,
        True,
        "api",
    )
    assert set(caps.structured_output) == {"json_schema", "tool"}
    assert SPEC.name == "anthropic"


def test_model_names_resolve_to_anthropic() -> None:
    from llmcore.resolve import resolve_model

    spec, model = resolve_model("claude-sonnet-4-5")
    assert (spec.name, model) == ("anthropic", "claude-sonnet-4-5")
    spec, model = resolve_model("anthropic/claude-haiku-4-5")
    assert (spec.name, model) == ("anthropic", "claude-haiku-4-5")


def test_the_plugin_module_is_tiny() -> None:
    """Discovery imports only ``llmcore_anthropic``: no httpx, no codec, no SDK."""
    code = (
        "import sys, llmcore_anthropic, json; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('httpx', 'anthropic', 'llmcore_anthropic.')))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_a_recorded_error_still_replays_with_the_kit_key() -> None:
    assert replay(ERRORS["auth"]).error is not None
