"""MiniMax ``base_resp`` of unexpected shapes (issue 18, defect 3): a status code sent
as a digit string or an integral float is still the documented error, and one that
is no number is a typed :class:`ProviderResponseError` carrying MiniMax's message,
never "success". Through the real provider over an ``httpx.MockTransport``."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest, ChatResponse
from llmcore_minimax.provider import MiniMaxProvider
from llmcore_testing import TEST_API_KEY

REQUEST = ChatRequest(model="MiniMax-M2", messages=[{"role": "user", "content": "hi"}])
ANSWER = {
    "id": "1",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}],
}


def chat(body: Any) -> ChatResponse:
    async def go() -> ChatResponse:
        transport = httpx.MockTransport(lambda _: httpx.Response(200, json=body))
        async with httpx.AsyncClient(transport=transport) as client:
            return await MiniMaxProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client)).chat(REQUEST)

    return asyncio.run(go())


@pytest.mark.parametrize("code", ["1004", 1004.0])
def test_a_status_code_sent_as_another_number_type_is_still_the_error(code: Any) -> None:
    with pytest.raises(E.AuthenticationError) as info:
        chat({"base_resp": {"status_code": code, "status_msg": "token not match group"}})
    assert (info.value.code, info.value.message) == ("1004", "token not match group")


@pytest.mark.parametrize("code", [True, [1004], {"x": 1}, "x"])
def test_a_status_code_that_is_no_number_is_a_typed_error_not_success(code: Any) -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        chat({**ANSWER, "base_resp": {"status_code": code, "status_msg": "something failed"}})
    assert info.value.provider == "minimax"
    assert "something failed" in info.value.message


@pytest.mark.parametrize(
    "base_resp", [{"status_code": 0, "status_msg": ""}, {"status_code": "0"}, {"status_code": None}, {}, "x"]
)
def test_success_still_answers(base_resp: Any) -> None:
    assert chat({**ANSWER, "base_resp": base_resp}).text == "Hi"


def test_a_status_code_that_is_no_number_in_an_http_error_lets_the_status_decide() -> None:
    async def go() -> None:
        body = {"base_resp": {"status_code": "x", "status_msg": "bad key"}}
        transport = httpx.MockTransport(lambda _: httpx.Response(401, json=body))
        async with httpx.AsyncClient(transport=transport) as client:
            await MiniMaxProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client)).chat(REQUEST)

    with pytest.raises(E.AuthenticationError) as info:
        asyncio.run(go())
    assert "bad key" in info.value.message


def test_a_stream_chunk_with_a_status_code_that_is_no_number_is_a_typed_error() -> None:
    from llmcore_testing.streams import replay_stream

    chunk = b'data: {"base_resp": {"status_code": [1], "status_msg": "oops"}}\n\n'
    with pytest.raises(E.ProviderResponseError):
        replay_stream(lambda c: MiniMaxProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=c)), REQUEST, [chunk])
