"""``/complete`` answers of the wrong shape (valid JSON, wrong field types, missing
fields) end in a typed :class:`ProviderResponseError` naming aleph_alpha, never a
response with made-up text or finish reason (issue 18, defect 3). Each answer goes
through the real provider (chat and stream) over an ``httpx.MockTransport``.
(``/chat/completions`` answers are llmcore-openai's codec, tested there.)"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from llmcore import errors as E
from llmcore.events import StreamAccumulator
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest, ChatResponse
from llmcore_aleph_alpha.provider import AlephAlphaProvider
from llmcore_testing import TEST_API_KEY

REQUEST = ChatRequest(model="luminous-base", messages=[{"role": "user", "content": "hi"}])


def run(body: Any, *, stream: bool = False) -> ChatResponse:
    async def go() -> ChatResponse:
        transport = httpx.MockTransport(lambda _: httpx.Response(200, json=body))
        async with httpx.AsyncClient(transport=transport) as client:
            p = AlephAlphaProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client))
            if not stream:
                return await p.chat(REQUEST)
            acc = StreamAccumulator()
            async for ev in p.stream_chat(REQUEST):
                acc.add(ev)
            return acc.response(p.spec.name)

    return asyncio.run(go())


def answer(**completion: Any) -> dict[str, Any]:
    return {
        "model_version": "2022-04",
        "completions": [completion],
        "num_tokens_prompt_total": 3,
        "num_tokens_generated": 2,
    }


@pytest.mark.parametrize("stream", [False, True], ids=["chat", "stream"])
@pytest.mark.parametrize(
    "body",
    [
        answer(completion=5, finish_reason="end_of_text"),
        answer(completion=["hi"], finish_reason="end_of_text"),
        answer(completion="hi", finish_reason=["end_of_text"]),
        answer(),  # no completion, no finish reason
        answer(completion="", finish_reason="something new"),
    ],
    ids=["completion-int", "completion-list", "finish-list", "empty", "empty-unknown-reason"],
)
def test_a_completion_of_the_wrong_shape_is_a_typed_error(body: dict[str, Any], stream: bool) -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        run(body, stream=stream)
    assert info.value.provider == "aleph_alpha"


def test_boolean_token_counts_are_unknown() -> None:
    body = {**answer(completion="hi", finish_reason="end_of_text"), "num_tokens_prompt_total": True}
    assert run(body).usage.input_tokens is None


def test_legit_answers_still_work() -> None:
    r = run(answer(completion="", finish_reason="maximum_tokens"))
    assert (r.text, r.finish_reason) == ("", "length")
    r = run(answer(completion="Hi", finish_reason="something new"), stream=True)
    assert (r.text, r.finish_reason, r.raw_finish_reason) == ("Hi", "other", "something new")
