"""Differential test against the official SDK (botocore's bedrock-runtime client).

For the same request, botocore's client (which validates its parameters
against the *current* service model: types, required and unknown members)
and our provider must produce the same URL (model id encoding), the same
JSON body and the same SigV4 credential scope; with a Bedrock API key in the
environment, the same bearer header. botocore's request is captured at
``before-send`` and never leaves the process.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import datetime as dt
import json
from typing import Any

import httpx
import pytest
from bedrock_cases import FAKE, make_provider, recorded_body
from llmcore.types import ChatRequest
from llmcore_bedrock.request import build_converse_body

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(32))).decode()
PDF = base64.b64encode(b"%PDF-1.4 test").decode()
FROZEN = dt.datetime(2026, 3, 4, 5, 6, 7)


class _Captured(Exception):
    def __init__(self, request: Any) -> None:
        self.request = request


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.auth

    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: FROZEN)


def _blobs_to_bytes(value: Any) -> Any:
    """Our JSON body → botocore's Python params (blobs are bytes there)."""
    if isinstance(value, list):
        return [_blobs_to_bytes(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        if k == "source" and isinstance(v, dict) and isinstance(v.get("bytes"), str):
            out[k] = {"bytes": base64.b64decode(v["bytes"])}
        elif k == "redactedContent" and isinstance(v, str):
            out[k] = base64.b64decode(v)
        elif k in ("json", "input", "additionalModelRequestFields"):
            out[k] = v  # documents: passed as they are
        else:
            out[k] = _blobs_to_bytes(v)
    return out


def boto_request(operation: str, **params: Any) -> Any:
    import botocore.session

    session = botocore.session.Session()
    client = session.create_client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id=FAKE.access_key_id,
        aws_secret_access_key=FAKE.secret_access_key,
        aws_session_token=FAKE.session_token,
    )

    def capture(request: Any, **_: Any) -> None:
        raise _Captured(request)

    client.meta.events.register("before-send.bedrock-runtime.*", capture)
    with pytest.raises(_Captured) as ei:
        getattr(client, operation)(**params)
    return ei.value.request


def our_request(call: str, req: ChatRequest, **provider_kw: Any) -> httpx.Request:
    seen: list[httpx.Request] = []
    body = recorded_body(
        "pydantic-ai__test_bedrock_count_tokens_tool_config.yaml"
        if call == "count_tokens"
        else "pydantic-ai__test_bedrock_model.yaml"
    )

    def handler(request: httpx.Request) -> httpx.Response:  # stands in for the server
        seen.append(request)
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            await getattr(make_provider(client, **provider_kw), call)(req)

    asyncio.run(go())
    return seen[0]


def _scope(auth: str) -> str:
    return auth.split("Credential=", 1)[1].split(",", 1)[0]


RICH = ChatRequest(
    model="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    system="You are terse.",
    messages=[
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Look at these and call the tool."},
                {"type": "image", "data": PNG, "media_type": "image/png"},
                {"type": "file", "data": PDF, "media_type": "application/pdf", "filename": "spec.pdf"},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "reasoning", "text": "need the tool", "signature": "c2lnbmF0dXJl", "provider": "bedrock"},
                {"type": "reasoning", "redacted": True, "data": "cmVkYWN0ZWQ=", "provider": "bedrock"},
                {"type": "tool_call", "id": "tooluse_1", "name": "lookup", "arguments": {"q": "x", "n": 2}},
            ],
        },
        {
            "role": "tool",
            "content": [{"type": "tool_result", "tool_call_id": "tooluse_1", "content": "failed", "is_error": True}],
        },
        "Try again.",
    ],
    tools=[
        {
            "name": "lookup",
            "description": "Look something up",
            "strict": True,
            "parameters": {
                "type": "object",
                "properties": {"q": {"type": "string"}, "n": {"type": "integer"}},
                "required": ["q"],
                "additionalProperties": False,
            },
        }
    ],
    tool_choice={"name": "lookup"},
    max_tokens=300,
    temperature=0.3,
    top_p=0.8,
    stop=["###"],
    response_format={
        "type": "json_schema",
        "name": "answer",
        "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
    },
    provider_options={
        "bedrock": {
            "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
            "performanceConfig": {"latency": "standard"},
            "requestMetadata": {"app": "llmcore-tests"},
            "additionalModelResponseFieldPaths": ["/stop_sequence"],
            "serviceTier": {"type": "default"},
        }
    },
)


@pytest.mark.parametrize(
    ("call", "operation", "path"),
    [
        ("chat", "converse", "converse"),
        ("stream_chat", "converse_stream", "converse-stream"),
    ],
)
def test_converse_matches_botocore(call: str, operation: str, path: str) -> None:
    body, warnings = build_converse_body(RICH)
    assert warnings == []
    boto = boto_request(operation, modelId=RICH.model, **_blobs_to_bytes(copy.deepcopy(body)))
    ours = _stream_request(RICH) if call == "stream_chat" else our_request(call, RICH)
    assert str(ours.url) == boto.url
    assert ours.url.path.endswith(f"/{path}")
    assert json.loads(ours.content) == json.loads(boto.body)
    assert _scope(ours.headers["authorization"]) == _scope(boto.headers["Authorization"].decode())
    assert ours.headers["x-amz-date"] == boto.headers["X-Amz-Date"].decode()
    assert ours.headers["x-amz-security-token"] == boto.headers["X-Amz-Security-Token"].decode()


def _stream_request(req: ChatRequest) -> httpx.Request:
    seen: list[httpx.Request] = []
    stream = recorded_body("llm-bedrock__test_prompt.yaml")

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=stream, headers={"content-type": "application/vnd.amazon.eventstream"})

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            async for _ in make_provider(client).stream_chat(req):
                pass

    asyncio.run(go())
    assert seen[0].headers["accept"] == "application/vnd.amazon.eventstream"
    return seen[0]


def test_count_tokens_matches_botocore() -> None:
    req = RICH.model_copy(update={"model": "anthropic.claude-sonnet-4-5-20250929-v1:0"})
    ours = our_request("count_tokens", req)
    body = json.loads(ours.content)
    boto = boto_request("count_tokens", modelId=req.model, input=_blobs_to_bytes(copy.deepcopy(body["input"])))
    assert str(ours.url) == boto.url
    assert body == json.loads(boto.body)


@pytest.mark.parametrize(
    "model",
    [
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0",
        "us.amazon.nova-micro-v1:0",
    ],
)
def test_model_id_encoding_matches_botocore(model: str) -> None:
    req = ChatRequest(model=model, messages=["Hello!"])
    ours = our_request("chat", req)
    boto = boto_request("converse", modelId=model, messages=[{"role": "user", "content": [{"text": "Hello!"}]}])
    assert str(ours.url) == boto.url


def test_bearer_token_matches_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.session

    token = "llmcore-fake-bedrock-api-key-" + FAKE.secret_access_key[-8:]
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", token)
    session = botocore.session.Session()
    client = session.create_client("bedrock-runtime", region_name="us-east-1")

    def capture(request: Any, **_: Any) -> None:
        raise _Captured(request)

    client.meta.events.register("before-send.bedrock-runtime.*", capture)
    with pytest.raises(_Captured) as ei:
        client.converse(modelId="us.amazon.nova-micro-v1:0", messages=[{"role": "user", "content": [{"text": "Hi"}]}])
    boto_auth = ei.value.request.headers["Authorization"]
    boto_auth = boto_auth.decode() if isinstance(boto_auth, bytes) else boto_auth
    ours = our_request("chat", ChatRequest(model="us.amazon.nova-micro-v1:0", messages=["Hi"]), options={})
    assert ours.headers["authorization"] == boto_auth == f"Bearer {token}"
