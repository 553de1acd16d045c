"""The recorder never writes a key to a cassette, wherever the provider sends it, and the
scanner finds a key that got there anyway (issue 17, defect 1).

A provider whose key travels in a custom header (``x-echo-key``, declared in its spec),
in a second header it does not declare, in a query parameter, and echoed back by the
server in a response header and body, records through the kit's recorder
(``LLMCORE_RECORD_MODE=new_episodes``, as ``nox -s record`` runs it) against a real
loopback server. Keys are built from fragments: no key-shaped literal in tracked code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from llmcore import plugins
from llmcore.hookspecs import hookimpl
from llmcore.provider import HTTPProvider
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import ChatRequest, ChatResponse, Message, TextPart, Usage
from llmcore_testing import cassettes, secrets
from llmcore_testing.conformance import Case, ProviderConformance, run_case
from scripted_server import ScriptedServer, running

KEY = "echo" + "-live-" + "9f3a2b7c" * 3
ENV = "ECHO_RECORDER_KEY"

SPEC = ProviderSpec(
    name="echo",
    factory="test_recorder_keys:EchoProvider",
    env_keys=(ENV,),
    base_url="http://127.0.0.1:9",
    key_headers=("x-echo-key",),
    capabilities=Capabilities(streaming=False),
)


class EchoProvider(HTTPProvider):
    """The key goes in ``x-echo-key`` (declared), in ``x-echo-session`` (not declared)
    and in the ``echo_auth`` query parameter (not declared)."""

    spec = SPEC

    def auth_headers(self) -> dict[str, str]:
        return {"x-echo-key": str(self._api_key), "x-echo-session": f"session:{self._api_key}"}

    async def chat(self, request: ChatRequest) -> ChatResponse:
        data, _ = await self.request_json(
            "POST",
            "v1/echo",
            {"model": request.model, "prompt": request.messages[-1].text},
            params={"echo_auth": str(self._api_key), "lang": "en"},
        )
        return ChatResponse(
            provider="echo",
            model=request.model,
            finish_reason="stop",
            message=Message(role="assistant", content=[TextPart(text=data["text"])]),
            usage=Usage(input_tokens=1, output_tokens=1),
        )


class _Plugin:
    @hookimpl
    def llmcore_providers(self) -> list[ProviderSpec]:
        return [SPEC]


class _EchoKit(ProviderConformance):  # not collected: no ``Test`` prefix
    provider = "echo"


async def _echo(request: web.Request, server: ScriptedServer) -> web.Response:
    if request.headers.get("x-echo-key") != KEY:
        return web.json_response({"error": {"message": "bad key"}}, status=401)
    return web.json_response({"text": "hello", "note": f"key {KEY} accepted"}, headers={"x-echo-seen": KEY})


@pytest.fixture
def echo_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")  # only the provider registered here
    monkeypatch.setenv(ENV, KEY)
    plugins.reset()
    plugins.register(_Plugin(), "echo")
    yield
    plugins.reset()


def _record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> str:
    """Record one call the way ``nox -s record`` does; the cassette's text."""
    monkeypatch.setenv("LLMCORE_RECORD_MODE", "new_episodes")
    case = Case("echo.yaml", {"model": "echo-1", "messages": ["hi"]}, base_url=url)
    res = asyncio.run(run_case(case, _EchoKit().make_provider, tmp_path))
    assert res.error is None and res.response is not None and res.response.text == "hello"
    assert res.sent[0].headers["x-echo-key"] == KEY  # the live call did carry the key
    return (tmp_path / "echo.yaml").read_text(encoding="utf-8")


def test_recorder_scrubs_every_header_and_query_parameter_carrying_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, echo_registered: None
) -> None:
    with running() as server:
        server.handler = _echo
        text = _record(tmp_path, monkeypatch, server.url)
    assert KEY not in text, "the key was written to the cassette"
    lowered = text.lower()
    assert "x-echo-key" not in lowered  # declared in the spec: dropped
    assert "x-echo-session" not in lowered  # not declared, but its value holds the key: dropped
    assert "x-echo-seen" not in lowered  # a response header echoing the key: dropped
    assert "echo_auth=REDACTED" in text and "lang=en" in text  # the query value only
    assert "key REDACTED accepted" in text  # the key echoed in the response body
    assert cassettes.RECORDED_BY_HEADER in lowered  # marked as llmcore's own recording
    assert secrets.scan_paths([tmp_path]) == []

    # the recording replays offline, with the test key, as the kit replays it
    monkeypatch.setenv("LLMCORE_RECORD_MODE", "none")
    case = Case("echo.yaml", {"model": "echo-1", "messages": ["hi"]}, base_url="http://127.0.0.1:9")
    from llmcore_testing.conformance import run_case_served

    res, _ = asyncio.run(run_case_served(case, "aiohttp", _EchoKit().make_provider, tmp_path))
    assert res.error is None and res.response is not None and res.response.text == "hello"


def _leaky_cassette(headers: dict[str, Any], body: str = '{"model": "echo-1"}') -> str:
    # what the recorder wrote before scrubbing knew these headers: built without scrubbing
    import yaml
    from llmcore_testing import cassette_format

    return yaml.safe_dump(
        {
            "version": cassette_format.CASSETTE_VERSION,
            "interactions": [
                {
                    "request": {
                        "method": "POST",
                        "uri": "http://127.0.0.1:9/v1/echo",
                        "body": body,
                        "headers": headers,
                    },
                    "response": {
                        "status": {"code": 200, "message": "OK"},
                        "headers": {},
                        "body": {"string": '{"text": "hello"}'},
                    },
                }
            ],
        }
    )


def test_scanner_flags_a_key_in_a_key_like_header(tmp_path: Path) -> None:
    (tmp_path / "leak.yaml").write_text(_leaky_cassette({"x-echo-key": [KEY]}))
    findings = secrets.scan_paths([tmp_path], keys={})  # no key configured: by the header's name
    assert [f.kind for f in findings] == ["key_like_header"], findings
    assert KEY not in str(findings[0])  # the finding masks the value


def test_scanner_finds_this_runs_key_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, echo_registered: None
) -> None:
    (tmp_path / "leak.yaml").write_text(_leaky_cassette({"x-trace": [f"user {KEY}"]}, body=f'{{"k": "{KEY}"}}'))
    findings = secrets.scan_paths([tmp_path])
    assert findings and all(f.kind == f"configured_key (${ENV})" for f in findings), findings
    assert secrets.main([str(tmp_path)]) == 1
    # a value with no recognisable shape, in a header with no telling name: found only when known
    assert secrets.scan_paths([tmp_path], keys={}) == []


def test_kit_secret_check_uses_the_configured_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, echo_registered: None
) -> None:
    (tmp_path / "leak.yaml").write_text(_leaky_cassette({"x-trace": [KEY]}))

    class _Kit(_EchoKit):
        cassette_dir = tmp_path

    with pytest.raises(AssertionError, match="configured_key"):
        _Kit().test_cassettes_have_no_secrets()
