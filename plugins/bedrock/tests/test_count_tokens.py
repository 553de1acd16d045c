"""count_tokens: Bedrock's CountTokens where the model supports it, else a
labelled estimate (never presented as exact)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bedrock_cases import check_body, replay, verify_sigv4
from llmcore.errors import NotFoundError
from llmcore.types import ChatRequest
from llmcore_bedrock.provider import count_tokens_model_id

WEATHER = {
    "name": "get_weather",
    "description": "Get the weather for a location",
    "parameters": {"type": "object", "properties": {"location": {"type": "string"}}},
}


def test_count_tokens_api_with_tools_and_the_bare_model_id() -> None:
    req = ChatRequest(
        model="us.anthropic.claude-sonnet-4-20250514-v1:0",
        messages=["What is the weather in Paris?"],
        tools=[WEATHER],
        tool_choice="auto",
        max_tokens=50,
    )

    async def go(p: Any) -> Any:
        return await p.count_tokens(req)

    count, sent = replay("pydantic-ai__test_bedrock_count_tokens_tool_config.yaml", go)
    assert (count.input_tokens, count.method) == (375, "api")
    (r,) = sent
    assert r.url.raw_path == b"/model/anthropic.claude-sonnet-4-20250514-v1%3A0/count-tokens"
    body = json.loads(r.content)
    assert body == {
        "input": {
            "converse": {
                "messages": [{"role": "user", "content": [{"text": "What is the weather in Paris?"}]}],
                "toolConfig": {
                    "tools": [
                        {
                            "toolSpec": {
                                "name": "get_weather",
                                "inputSchema": {"json": WEATHER["parameters"]},
                                "description": "Get the weather for a location",
                            }
                        }
                    ],
                    "toolChoice": {"auto": {}},
                },
            }
        }
    }
    check_body(r)
    verify_sigv4(r)


def test_count_tokens_unknown_model_is_not_found() -> None:
    async def go(p: Any) -> Any:
        return await p.count_tokens(ChatRequest(model="does-not-exist-model-v1:0", messages=["hello"]))

    with pytest.raises(NotFoundError, match="model identifier is invalid") as ei:
        replay("pydantic-ai__test_bedrock_count_tokens_error.yaml", go)
    assert ei.value.status_code == 400 and ei.value.provider == "bedrock"


def test_unsupported_model_falls_back_to_a_labelled_estimate_once() -> None:
    req = ChatRequest(model="us.amazon.nova-micro-v1:0", messages=["Hello"])

    async def go(p: Any) -> Any:
        return await p.count_tokens(req), await p.count_tokens(req)

    (first, second), sent = replay("authored__count_tokens_unsupported_400.yaml", go)
    for count in (first, second):
        assert count.method == "estimate" and count.input_tokens > 0
        assert "does not support amazon.nova-micro-v1:0" in (count.detail or "")
    assert len(sent) == 1, "the unsupported model was asked twice"


@pytest.mark.parametrize(
    ("model", "bare"),
    [
        ("us.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic.claude-sonnet-4-20250514-v1:0"),
        ("global.anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0"),
        ("apac.amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0"),
        ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"),
        (
            "arn:aws:bedrock:us-east-1:1:inference-profile/us.x.y",
            "arn:aws:bedrock:us-east-1:1:inference-profile/us.x.y",
        ),
        ("us.does-not-exist", "us.does-not-exist"),
    ],
)
def test_count_tokens_model_id(model: str, bare: str) -> None:
    assert count_tokens_model_id(model) == bare
