"""Credentials, region, signing and secrecy.

All credentials here are fake; the SigV4 signer runs for real and every
replayed request's signature is recomputed from the request as sent.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from bedrock_cases import FAKE, make_provider, recorded_body, replay, verify_sigv4
from llmcore.errors import ConfigurationError
from llmcore.types import ChatRequest
from llmcore_bedrock.auth import SigV4Signer
from llmcore_testing import cassette_format
from llmcore_testing.secrets import scan_text

HELLO = ChatRequest(model="us.amazon.nova-micro-v1:0", system="You are a chatbot.", messages=["Hello!"])
CHAT_CASSETTE = "pydantic-ai__test_bedrock_model.yaml"


async def _chat(p: Any) -> Any:
    return await p.chat(HELLO)


def test_no_credentials_is_a_configuration_error_naming_what_to_set() -> None:
    with pytest.raises(ConfigurationError) as ei:
        make_provider(options={})
    msg = str(ei.value)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK"):
        assert name in msg
    assert ei.value.provider == "bedrock"


def test_unknown_option_names_the_known_ones() -> None:
    with pytest.raises(ConfigurationError) as ei:
        make_provider(options={**FAKE.options(), "regoin": "us-east-1"})
    assert "regoin" in str(ei.value)
    for known in ("region", "profile", "aws_access_key_id", "aws_secret_access_key", "aws_session_token"):
        assert known in str(ei.value)


@pytest.mark.parametrize(
    "opts",
    [
        {"aws_access_key_id": "AKEYONLY"},
        {"aws_secret_access_key": "s" * 20},
        {"aws_session_token": "t" * 20},
        {"region": 5},
    ],
)
def test_incomplete_or_wrong_options(opts: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        make_provider(options=opts)


def test_static_options_sign_requests_that_verify() -> None:
    resp, sent = replay(CHAT_CASSETTE, _chat)
    assert resp.text.startswith("Hello!")
    assert verify_sigv4(sent[0]) == "us-east-1"
    # the model id is one percent-encoded path segment, signed as sent
    assert sent[0].url.raw_path == b"/model/us.amazon.nova-micro-v1%3A0/converse"


def test_env_credentials_through_the_botocore_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE.secret_access_key)
    resp, sent = replay(CHAT_CASSETTE, _chat, options={})
    assert resp.usage.input_tokens == 7
    verify_sigv4(sent[0], token=None)
    assert "x-amz-security-token" not in sent[0].headers


def test_profile_from_a_credentials_file_with_its_region(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    creds = tmp_path / "credentials"
    creds.write_text(
        f"[llmcore-test]\naws_access_key_id = {FAKE.access_key_id}\n"
        f"aws_secret_access_key = {FAKE.secret_access_key}\naws_session_token = {FAKE.session_token}\n"
    )
    config = tmp_path / "config"
    config.write_text("[profile llmcore-test]\nregion = us-west-2\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_PROFILE", "llmcore-test")
    req = ChatRequest(
        model="us.amazon.nova-micro-v1:0", system="One word answer", messages=["What is the capital of France?"]
    )

    async def stream(p: Any) -> Any:
        assert p.region == "us-west-2" and p.base_url == "https://bedrock-runtime.us-west-2.amazonaws.com"
        return [e async for e in p.stream_chat(req)]

    events, sent = replay("llm-bedrock__test_prompt.yaml", stream, options={})
    assert "".join(e.text for e in events if e.type == "text") == "Paris"
    assert verify_sigv4(sent[0]) == "us-west-2"
    # the profile option selects it too, without AWS_PROFILE
    monkeypatch.delenv("AWS_PROFILE")
    assert make_provider(options={"profile": "llmcore-test"}).auth_scheme == "sigv4"


def test_missing_profile_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="nope"):
        make_provider(options={"profile": "nope"})


def test_no_region_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    with pytest.raises(ConfigurationError, match="AWS_REGION"):
        make_provider()
    with pytest.raises(ConfigurationError, match="AWS_REGION"):
        make_provider(api_key="llmcore-test-bearer-key")
    # the region can come from AWS_DEFAULT_REGION, the option, or a regional base URL
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    assert make_provider().region == "eu-west-3"
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert make_provider(options={**FAKE.options(), "region": "ap-south-1"}).base_url.endswith(
        "bedrock-runtime.ap-south-1.amazonaws.com"
    )
    p = make_provider(base_url="https://bedrock-runtime.ca-central-1.amazonaws.com")
    assert p.region == "ca-central-1"


def test_endpoint_url_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com"
    )
    p = make_provider()
    assert p.base_url == "https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com"
    assert p.region == "us-east-1"


def test_bearer_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    env_token = "llmcore-env-bearer-" + FAKE.session_token[-8:]
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", env_token)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE.secret_access_key)
    # the env bearer token wins over the credential chain, as in boto3
    _resp, sent = replay(CHAT_CASSETTE, _chat, options={})
    assert sent[0].headers["authorization"] == f"Bearer {env_token}"
    assert "x-amz-date" not in sent[0].headers
    # explicit static keys win over the env token; api_key wins over everything
    assert make_provider().auth_scheme == "sigv4"
    _, sent = replay(CHAT_CASSETTE, _chat, api_key="llmcore-explicit-key-123", options=FAKE.options())
    assert sent[0].headers["authorization"] == "Bearer llmcore-explicit-key-123"


def test_signature_verification_has_teeth() -> None:
    """``verify_sigv4`` (used on every conformance request) fails when the
    body, the path or the time differ from what was signed."""
    _, sent = replay(CHAT_CASSETTE, _chat)
    good = sent[0]
    verify_sigv4(good)
    tampered = [
        httpx.Request(good.method, good.url, headers=good.headers, content=good.content + b" "),
        httpx.Request(good.method, str(good.url).replace("%3A", ":"), headers=good.headers, content=good.content),
        httpx.Request(
            good.method, good.url, headers={**good.headers, "x-amz-date": "20200101T000000Z"}, content=good.content
        ),
    ]
    for bad in tampered:
        with pytest.raises(AssertionError):
            verify_sigv4(bad)


def test_arn_model_ids_are_encoded_and_signed_as_sent() -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"
    seen: list[httpx.Request] = []
    body = recorded_body(CHAT_CASSETTE)

    def handler(request: httpx.Request) -> httpx.Response:  # stands in for the server
        seen.append(request)
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    async def go() -> Any:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await make_provider(client).chat(ChatRequest(model=arn, messages=["Hello!"]))

    resp = asyncio.run(go())
    assert resp.model == arn
    assert seen[0].url.raw_path == (
        b"/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123def456/converse"
    )
    verify_sigv4(seen[0])


def test_refreshable_credentials_refresh_off_the_loop() -> None:
    """Credentials inside botocore's refresh window are refreshed by
    ``prepare()`` in a worker thread, not on the event loop's thread."""
    import threading

    from botocore.credentials import RefreshableCredentials

    threads: list[int] = []

    def refresh() -> dict[str, str]:
        threads.append(threading.get_ident())
        return {
            "access_key": FAKE.access_key_id,
            "secret_key": FAKE.secret_access_key,
            "token": FAKE.session_token,
            "expiry_time": (datetime.now(timezone.utc) + timedelta(minutes=10)).isoformat(),
        }

    creds = RefreshableCredentials.create_from_metadata(
        {
            "access_key": "OLDKEYID",
            "secret_key": "old-secret-" + FAKE.secret_access_key[-6:],
            "token": "old",
            "expiry_time": (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat(),
        },
        refresh_using=refresh,
        method="test",
    )
    signer = SigV4Signer(creds, "us-east-1")
    before = len(threads)
    assert creds.refresh_needed()  # 10 minutes left: inside the 15-minute advisory window
    loop_thread: list[int] = []

    async def go() -> None:
        loop_thread.append(threading.get_ident())
        await signer.prepare()

    asyncio.run(go())
    assert len(threads) > before, "prepare() did not refresh"
    assert threads[before] != loop_thread[0], "the refresh ran on the event loop's thread"
    req = httpx.Request(
        "POST",
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse",
        headers={"content-type": "application/json"},
        content=b"{}",
    )
    signer.apply(req)
    verify_sigv4(req)


def test_secrets_never_in_repr_logs_or_cassettes(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _resp, sent = replay(CHAT_CASSETTE, _chat)
    p = make_provider()
    texts = [repr(p), str(p.config), repr(p.config), repr(p._auth), caplog.text]
    for text in texts:
        for secret in FAKE.secrets():
            assert secret not in text
        assert "Signature=" not in text
    assert any("signature" in r.getMessage().lower() for r in caplog.records), "botocore's signing was not logged"
    # what would be recorded from this very request: scrubbed of every credential header
    req = sent[0]
    interaction = {
        "request": {
            "method": req.method,
            "uri": str(req.url),
            "body": req.content.decode(),
            "headers": {k: [v] for k, v in req.headers.items()},
        },
        "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}},
    }
    text = cassette_format.serialize({"version": 1, "interactions": [interaction]})
    for secret in (*FAKE.secrets(), req.headers["authorization"]):
        assert secret not in text
    assert "authorization" not in text.lower() and "x-amz-security-token" not in text.lower()
    assert not scan_text(text, "recorded.yaml")
