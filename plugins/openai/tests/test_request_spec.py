"""Every request body our codecs build for the recorded scenarios validates
against OpenAI's official OpenAPI spec (CreateChatCompletionRequest,
CreateResponse, TokenCountsBody). The conformance tests validate what is
actually sent, too (their ``validate_request`` hook); this module checks the
bodies directly, streamed and not, and that the validator does reject bad ones.
"""

from __future__ import annotations

from typing import Any

import pytest
import test_conformance as conf
from llmcore.types import ChatRequest
from openai_spec import spec_path, validate_openai_body
from openai_testutil import provider_for

_ATTRS = (
    "chat_case",
    "stream_case",
    "system_prompt_case",
    "multi_turn_case",
    "tool_call_case",
    "tool_call_stream_case",
    "tool_round_trip_case",
    "tool_round_trip_stream_case",
    "structured_case",
    "reasoning_case",
    "count_tokens_case",
)


def _all_cases() -> list[Any]:
    out = []
    for cls in (
        conf.TestOpenAIChatConformance,
        conf.TestOpenAIResponsesConformance,
        conf.TestOpenAICompatibleConformance,
    ):
        cases = [(a, getattr(cls, a)) for a in _ATTRS] + list(cls.error_cases.items())
        for attr, case in cases:
            if case is not None:
                out.append(pytest.param(cls.provider, case, id=f"{cls.__name__}.{attr}"))
    return out


def _body(provider_name: str, case: Any, stream: bool) -> tuple[str, dict[str, Any]]:
    provider = provider_for(provider_name, case)
    req = case.chat_request()
    if getattr(provider, "api", "chat") == "responses":
        return "CreateResponse", provider.responses_request(req, stream)[0]
    return "CreateChatCompletionRequest", provider.build_request(req, stream)[0]


def test_spec_is_found() -> None:
    assert spec_path().is_file()


@pytest.mark.parametrize(("provider_name", "case"), _all_cases())
@pytest.mark.parametrize("stream", [False, True], ids=["chat", "stream"])
def test_body_matches_official_schema(provider_name: str, case: Any, stream: bool) -> None:
    schema, body = _body(provider_name, case, stream)
    assert body["stream"] is stream
    validate_openai_body(schema, body)


@pytest.mark.parametrize(
    "case",
    [
        conf.TestOpenAIResponsesConformance.tool_call_case,
        conf.TestOpenAIChatConformance.reasoning_case,
        conf.TestOpenAIResponsesConformance.multi_turn_case,
    ],
    ids=["tools", "reasoning", "encrypted-history"],
)
def test_count_tokens_body_matches_official_schema(case: Any) -> None:
    from llmcore_openai.responses import build_body

    body, _ = build_body(case.chat_request(), stream=False, provider="openai", for_count=True)
    validate_openai_body("TokenCountsBody", body)


def test_validator_rejects_invalid_bodies() -> None:
    """The validator is not vacuous: out-of-range, mistyped and unknown-role bodies fail."""
    good = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    validate_openai_body("CreateChatCompletionRequest", good)
    for bad in (
        {**good, "temperature": -1},
        {**good, "messages": [{"role": "wizard", "content": "hi"}]},
        {**good, "tools": [{"type": "function", "function": {"description": "no name"}}]},
        {"messages": good["messages"]},
    ):
        with pytest.raises(AssertionError, match="violates"):
            validate_openai_body("CreateChatCompletionRequest", bad)
    with pytest.raises(AssertionError, match="violates"):
        validate_openai_body("CreateResponse", {"model": "gpt-4o", "input": [{"type": "function_call_output"}]})


def test_images_and_files_match_official_schema() -> None:
    """Image (URL and inline) and PDF parts, which no recording covers, in both APIs."""
    from llmcore_openai.chat import OPENAI_DIALECT, build_body
    from llmcore_openai.responses import build_body as build_responses

    req = ChatRequest(
        model="gpt-4o",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in these?"},
                    {"type": "image", "url": "https://example.com/cat.png"},
                    {"type": "image", "data": "iVBORw0KGgo=", "media_type": "image/png"},
                    {"type": "file", "data": "JVBERi0xLjQ=", "media_type": "application/pdf", "filename": "a.pdf"},
                ],
            }
        ],
    )
    body, _ = build_body(req, OPENAI_DIALECT, stream=False, provider="openai")
    validate_openai_body("CreateChatCompletionRequest", body)
    parts = body["messages"][0]["content"]
    assert parts[1] == {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
    assert parts[2]["image_url"]["url"] == "data:image/png;base64,iVBORw0KGgo="
    assert parts[3]["file"]["file_data"].startswith("data:application/pdf;base64,")
    rbody, _ = build_responses(req, stream=False, provider="openai")
    validate_openai_body("CreateResponse", rbody)
    assert [p["type"] for p in rbody["input"][0]["content"]] == [
        "input_text",
        "input_image",
        "input_image",
        "input_file",
    ]
