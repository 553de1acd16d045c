"""Keys never shown: reprs, errors (also when the server echoes the key),
DEBUG logs of httpx/httpcore/aiohttp/llmcore on both transports, CLI output;
TLS verified by default; plain HTTP to another host warns."""

from __future__ import annotations

import asyncio
import logging
import shutil
import ssl
import subprocess
import warnings
from pathlib import Path

import llmcore
import pytest
from llmcore import errors as E
from llmcore.reliability import InsecureTransportWarning, RetryPolicy
from scripted_server import BODY, client_for, close_client, running, toy_error, toy_json, toy_stream

pytest_plugins = ["reliability_fixtures"]
pytestmark = pytest.mark.usefixtures("toy")

# Not shaped like any known provider key, so only registration can redact it.
SECRET = "zq-UNIQUE-secret-4f1c9a7e"
SECRET2 = "zq-UNIQUE-secret-second-88b2"


async def echoing(request, s):  # type: ignore[no-untyped-def]
    """Succeeds for SECRET2, fails for SECRET echoing it back like OpenAI does;
    "flaky" fails once with 503 first."""
    from scripted_server import prompt_of

    key = str(request.headers.get("authorization", "")).removeprefix("Bearer ")
    prompt = prompt_of(request)
    if prompt == "flaky" and s.state.setdefault("flaky", 0) == 0:
        s.state["flaky"] = 1
        return toy_error(503, f"overloaded for key {key}")
    if key != SECRET2:
        return toy_error(401, f"Incorrect API key provided: {key}. Find your key at ...")
    if request[BODY].get("stream"):
        return await toy_stream(request, ["fine"])
    return toy_json(prompt)


def _loud_logging(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "llmcore", "aiohttp", "asyncio", ""):
        caplog.set_level(logging.DEBUG, logger=name)


@pytest.mark.parametrize("path", ["httpx", "aiohttp", "shared"])
def test_no_key_in_debug_logs_errors_or_reprs(server, path, caplog) -> None:  # type: ignore[no-untyped-def]
    server.handler = echoing
    _loud_logging(caplog)
    # an injected client on each transport, or None: the shared client (straight to aiohttp)
    client = client_for(path) if path != "shared" else None
    fast = RetryPolicy(max_attempts=2, initial_backoff=0.01)
    texts: list[str] = []
    try:
        bad = llmcore.model("toy/toy-1", api_key=SECRET, base_url=server.url + "/v1", http_client=client, retry=fast)
        with pytest.raises(E.AuthenticationError) as ei:
            bad.chat("hello")
        err = ei.value
        texts += [
            str(err),
            repr(err),
            str(err.raw),
            err.message,
            repr(bad),
            repr(bad.provider),
            repr(bad.base_provider.config),
        ]  # type: ignore[attr-defined]
        with pytest.raises(E.AuthenticationError) as ei2:
            list(bad.stream("hello"))
        texts += [str(ei2.value), repr(ei2.value)]
        pooled = llmcore.model(
            "toy/toy-1", api_keys=[SECRET, SECRET2], base_url=server.url + "/v1", http_client=client, retry=fast
        )
        assert pooled.chat("flaky").text == "flaky"  # a 503 retried, a 401 rotated away
        assert "".join(pooled.stream("hi").texts()) == "fine"
        texts += [repr(pooled), repr(pooled.provider)]
    finally:
        if client is not None:
            close_client(client)
    assert "[REDACTED]" in str(err)  # the echoed key was there, and is masked
    assert "httpx" in caplog.text or "HTTP Request" in caplog.text or "aiohttp" in caplog.text or caplog.records
    assert len(caplog.records) > 5  # DEBUG logging really was on
    for t in [*texts, caplog.text]:
        assert SECRET not in t and SECRET2 not in t


def test_cli_never_prints_the_key(server) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner
    from llmcore.cli import cli

    server.handler = echoing
    runner = CliRunner()
    args = [
        "chat",
        "-m",
        "toy/toy-1",
        "-o",
        f"api_key={SECRET}",
        "-o",
        f"base_url={server.url}/v1",
        "-o",
        "retry=false",
        "--no-stream",
        "hello",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code != 0 and "Incorrect API key" in result.output
    assert SECRET not in result.output
    tb = runner.invoke(cli, ["--traceback", *args])
    import traceback

    shown = tb.output + "".join(traceback.format_exception(tb.exception)) if tb.exception else tb.output
    assert SECRET not in shown


def _self_signed(tmp: Path) -> ssl.SSLContext:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl binary is needed to make a self-signed certificate")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def test_tls_is_verified_by_default(tmp_path, transport) -> None:  # type: ignore[no-untyped-def]
    ctx = _self_signed(tmp_path)
    with running(ssl_context=ctx) as s:

        async def ok(request, srv):  # type: ignore[no-untyped-def]
            return toy_json("should not get here")

        s.handler = ok
        client = client_for(transport)
        try:
            m = llmcore.model("toy/toy-1", api_key=SECRET2, base_url=s.url + "/v1", http_client=client, retry=False)
            with pytest.raises(E.ProviderConnectionError) as ei:
                m.chat("hi")
            assert "certificate" in str(ei.value).lower() or "ssl" in str(ei.value).lower()
            assert s.hits == 0
        finally:
            close_client(client)


def test_plain_http_to_another_host_warns(caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger="llmcore.security")
    with pytest.warns(InsecureTransportWarning, match="unencrypted"):
        llmcore.model("toy/toy-1", api_key=SECRET2, base_url="http://llm.internal.example:8000/v1")
    assert "your API key" in caplog.text and SECRET2 not in caplog.text
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for url in (
            "http://127.0.0.1:8000/v1",
            "http://localhost:1234",
            "http://[::1]:8000",
            "https://api.example.com/v1",
        ):
            llmcore.model("toy/toy-1", api_key=SECRET2, base_url=url)


def test_default_clients_verify_tls() -> None:
    from llmcore.http.client import HTTPSettings, make_client

    async def check() -> None:
        for t in ("httpx", "aiohttp"):
            c = make_client(HTTPSettings(transport=t))  # type: ignore[arg-type]
            transport = c._transport  # type: ignore[attr-defined]
            ctx = getattr(transport, "ssl_context", None) or transport._pool._ssl_context
            assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
            await c.aclose()

    asyncio.run(check())
