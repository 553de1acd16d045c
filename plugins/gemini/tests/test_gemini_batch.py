"""Gemini batch mode (inline requests) through llmcore.batch*: one
batchGenerateContent call, operation polling, inline responses mapped back by
metadata.key. Cassettes are authored from the API reference (no public
recording exists); see cassettes/SOURCES.md."""

from __future__ import annotations

import asyncio
import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore.batching import BatchStatus
from llmcore.errors import InvalidRequestError
from llmcore.types import ChatRequest
from llmcore_gemini.request import CodecSettings, build_generate_body
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassettes import recording_client, replay_from

CASSETTES = Path(__file__).parent / "cassettes"
PROMPTS = ["What is 2+2?", "Name a colour.", "Say hi."]


def replay(cassette: str, skip: int = 0) -> AbstractContextManager[Any]:
    """Replay ``cassette`` from interaction ``skip`` on, each interaction once (polls hit the same path)."""
    return replay_from(CASSETTES, cassette, skip, repeats=False)


def _model(client: Any) -> llmcore.Model:
    return llmcore.model("gemini/gemini-2.0-flash", api_key=TEST_API_KEY, http_client=client)


def test_batch_all_in_one() -> None:
    statuses: list[BatchStatus] = []

    async def go() -> tuple[list[Any], Any]:
        client, sent = recording_client()
        with replay("authored__batch_inline_succeeded.yaml") as cass:
            res = await llmcore.abatch(
                _model(client), PROMPTS, max_tokens=50, poll_interval=0, on_status=statuses.append
            )
            assert cass.all_played
        return res, sent

    res, sent = asyncio.run(go())
    assert res[0].text == "2 + 2 = 4" and res[0].finish_reason == "stop" and res[0].usage.input_tokens == 7
    assert isinstance(res[1], InvalidRequestError) and res[1].code == "INVALID_ARGUMENT"
    assert "invalid argument" in res[1].message
    assert res[2].text == "Hi!" and res[2].usage.output_tokens == 3
    assert [s.state for s in statuses] == ["running", "completed"]
    assert (statuses[1].total, statuses[1].succeeded, statuses[1].failed) == (3, 2, 1)

    create = sent[0]
    assert create.url.path == "/v1beta/models/gemini-2.0-flash:batchGenerateContent"
    assert create.headers["x-goog-api-key"] == TEST_API_KEY and "key" not in create.url.params
    body = json.loads(create.content)["batch"]
    assert body["displayName"] == "llmcore-batch"
    for i, entry in enumerate(body["inputConfig"]["requests"]["requests"]):
        live, _ = build_generate_body(
            ChatRequest(model="gemini-2.0-flash", messages=PROMPTS[i], max_tokens=50), CodecSettings(provider="gemini")
        )
        assert entry == {"request": live, "metadata": {"key": str(i)}}
    assert sent[1].url.path == "/v1beta/batches/123456abcdef"


def test_batch_id_carries_the_operation_name() -> None:
    async def go() -> tuple[str, list[Any]]:
        client, _ = recording_client()
        with replay("authored__batch_inline_succeeded.yaml"):
            bid = await llmcore.abatch_submit(_model(client), PROMPTS, max_tokens=50)
        client2, _ = recording_client()
        with replay("authored__batch_inline_succeeded.yaml", skip=3):
            res = await llmcore.abatch_retrieve(bid, api_key=TEST_API_KEY, http_client=client2)
        return bid, res

    bid, res = asyncio.run(go())
    assert bid == "gemini:batches/123456abcdef?n=3"
    assert [type(r).__name__ for r in res] == ["ChatResponse", "InvalidRequestError", "ChatResponse"]


def test_failed_batch_is_a_typed_error() -> None:
    async def go() -> tuple[BatchStatus, BaseException]:
        client, _ = recording_client()
        with replay("authored__batch_failed.yaml"):
            st = await llmcore.abatch_status("gemini:batches/failed987?n=2", api_key=TEST_API_KEY, http_client=client)
            with pytest.raises(InvalidRequestError) as ei:
                await llmcore.abatch_retrieve("gemini:batches/failed987?n=2", api_key=TEST_API_KEY, http_client=client)
        return st, ei.value

    st, err = asyncio.run(go())
    assert st.state == "failed" and st.done and st.raw_state == "BATCH_STATE_FAILED"
    assert st.error == "Batch input is invalid: request 0 has no contents." and st.total == 2
    assert "request 0 has no contents" in str(err)


def test_spec_declares_batch_and_vertex_does_not_inherit_it() -> None:
    from llmcore_gemini import SPEC
    from llmcore_gemini.provider import GoogleGenAIProvider

    assert SPEC.capabilities.batch
    assert not hasattr(GoogleGenAIProvider, "batch_submit")
