"""Answers of the wrong shape (valid JSON, wrong field types, missing fields, streams
that carry nothing) end in a typed :class:`ProviderResponseError` naming cloudflare,
never a bare exception or a response with wrong types (issue 18, defect 3). Each
answer goes through the real provider over an ``httpx.MockTransport``."""

from __future__ import annotations

import asyncio
from typing import Any

import cloudflare_cases as C
import httpx
import pytest
from llmcore import errors as E
from llmcore.types import ChatRequest, ChatResponse
from llmcore_testing.streams import replay_stream

MODEL = "@cf/meta/llama-3.1-8b-instruct"
REQUEST = ChatRequest(model=MODEL, messages=[{"role": "user", "content": "hi"}])


def chat(result: Any, request: ChatRequest = REQUEST) -> ChatResponse:
    body = {"result": result, "success": True, "errors": [], "messages": []}

    async def go() -> ChatResponse:
        transport = httpx.MockTransport(lambda _: httpx.Response(200, json=body))
        async with httpx.AsyncClient(transport=transport) as client:
            return await C.provider(client).chat(request)

    return asyncio.run(go())


def stream(*lines: str, request: ChatRequest = REQUEST) -> ChatResponse:
    body = "".join(f"data: {line}\n\n" for line in lines).encode()
    return replay_stream(C.provider, request, [body]).response


@pytest.mark.parametrize(
    "result",
    [
        {},  # no response, no tool calls
        {"response": None},
        {"choices": [{"message": {"content": "hi"}, "finish_reason": ["stop"]}]},
        {"choices": [{"message": {"content": 5}, "finish_reason": "stop"}]},
        {"response": "", "tool_calls": [{"name": 5, "arguments": {}}]},
        {"response": "", "tool_calls": [{"id": {"x": 1}, "name": "f", "arguments": {}}]},
    ],
    ids=["empty", "response-null", "finish-list", "content-int", "name-int", "id-dict"],
)
def test_a_result_of_the_wrong_shape_is_a_typed_error(result: Any) -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        chat(result)
    assert info.value.provider == "cloudflare"


def test_usage_counts_that_are_booleans_are_unknown() -> None:
    r = chat({"response": "hi", "usage": {"prompt_tokens": True, "completion_tokens": False}})
    assert (r.usage.input_tokens, r.usage.output_tokens) == (None, None)


@pytest.mark.parametrize(
    "lines",
    [
        ('{"response": ""}', "[DONE]"),
        ("[DONE]",),
        ('{"choices": [{"delta": {"content": 5}}]}', "[DONE]"),
        ('{"choices": [{"delta": {"content": "hi"}, "finish_reason": {"x": 1}}]}', "[DONE]"),
        ('{"response": "hi", "finish_reason": ["stop"]}', "[DONE]"),
    ],
    ids=["only-empty", "only-done", "content-int", "finish-dict", "finish-list"],
)
def test_a_stream_of_the_wrong_shape_is_a_typed_error(lines: tuple[str, ...]) -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        stream(*lines)
    assert info.value.provider == "cloudflare"


def test_legit_empty_answers_still_work() -> None:
    """An explicit empty response, a tool call without text, max_tokens reached: answers."""
    assert chat({"response": ""}).text == ""
    r = chat({"response": "", "tool_calls": [{"name": "f", "arguments": {}}]})
    assert ([c.name for c in r.tool_calls], r.finish_reason) == (["f"], "tool_calls")
    capped = REQUEST.model_copy(update={"max_tokens": 2})
    r = stream('{"response": "", "usage": {"prompt_tokens": 3, "completion_tokens": 2}}', "[DONE]", request=capped)
    assert (r.text, r.finish_reason) == ("", "length")


def test_an_error_code_too_large_for_an_int_is_still_a_typed_error() -> None:
    from llmcore_cloudflare.errors import envelope_error

    err = envelope_error({"success": False, "errors": [{"code": float("inf"), "message": "x"}]}, {}, "cloudflare")
    assert isinstance(err, E.ProviderResponseError)
