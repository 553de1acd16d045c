"""Anthropic Message Batches through llmcore.batch*: create, poll, results
JSONL mapped back by custom_id (succeeded / errored / expired). Cassettes are
authored from the API reference (no public recording exists); see
cassettes/SOURCES.md."""

from __future__ import annotations

import asyncio
import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore.batching import BatchExpiredError, BatchNotReadyError, BatchStatus
from llmcore.errors import InvalidRequestError
from llmcore.types import ChatRequest
from llmcore_anthropic.request import build_messages_body
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassettes import recording_client, replay_from

CASSETTES = Path(__file__).parent / "cassettes"
PROMPTS = ["What is 2+2?", "Name a colour.", "Say hi."]
BID = "anthropic:msgbatch_013Zva2CMHLNnXjNJJKqJ2EF?n=3"


def replay(cassette: str, skip: int = 0) -> AbstractContextManager[Any]:
    """Replay ``cassette`` from interaction ``skip`` on, each interaction once (polls hit the same path)."""
    return replay_from(CASSETTES, cassette, skip, repeats=False)


def _model(client: Any) -> llmcore.Model:
    return llmcore.model("anthropic/claude-3-5-haiku-20241022", api_key=TEST_API_KEY, http_client=client)


def test_batch_all_in_one() -> None:
    statuses: list[BatchStatus] = []

    async def go() -> tuple[list[Any], Any]:
        client, sent = recording_client()
        with replay("authored__batch_messages_ended.yaml") as cass:
            res = await llmcore.abatch(
                _model(client), PROMPTS, max_tokens=50, poll_interval=0, on_status=statuses.append
            )
            assert cass.all_played
        return res, sent

    res, sent = asyncio.run(go())
    assert res[0].text == "2 + 2 = 4" and res[0].finish_reason == "stop"
    assert res[0].usage.input_tokens == 14 and res[0].usage.output_tokens == 11
    assert isinstance(res[1], InvalidRequestError) and res[1].code == "invalid_request_error"
    assert "max_tokens: Field required" in res[1].message and res[1].status_code is None
    assert isinstance(res[2], BatchExpiredError) and res[2].code == "expired"
    assert [s.state for s in statuses] == ["running", "completed"]
    assert statuses[1].succeeded == 1 and statuses[1].failed == 2 and statuses[1].total == 3

    create = sent[0]
    assert create.url.path == "/v1/messages/batches" and create.headers["anthropic-version"] == "2023-06-01"
    body = json.loads(create.content)
    for i, entry in enumerate(body["requests"]):  # exactly the body a live call sends
        live, _ = build_messages_body(
            ChatRequest(model="claude-3-5-haiku-20241022", messages=PROMPTS[i], max_tokens=50), stream=False
        )
        assert entry == {"custom_id": str(i), "params": live}
    assert [r.url.path for r in sent[-1:]] == ["/v1/messages/batches/msgbatch_013Zva2CMHLNnXjNJJKqJ2EF/results"]


def test_submit_then_status_and_retrieve_by_id() -> None:
    async def go() -> tuple[str, BatchStatus, list[Any]]:
        client, _ = recording_client()
        with replay("authored__batch_messages_ended.yaml"):
            bid = await llmcore.abatch_submit(_model(client), PROMPTS, max_tokens=50)
        client2, _ = recording_client()
        with replay("authored__batch_messages_ended.yaml", skip=2):
            st = await llmcore.abatch_status(bid, api_key=TEST_API_KEY, http_client=client2)
            res = await llmcore.abatch_retrieve(bid, api_key=TEST_API_KEY, http_client=client2)
        return bid, st, res

    bid, st, res = asyncio.run(go())
    assert bid == BID and st.done and st.raw_state == "ended"
    assert [type(r).__name__ for r in res] == ["ChatResponse", "InvalidRequestError", "BatchExpiredError"]


def test_results_while_in_progress_are_not_ready() -> None:
    async def go() -> None:
        client, _ = recording_client()
        with replay("authored__batch_in_progress.yaml"), pytest.raises(BatchNotReadyError):
            await llmcore.abatch_retrieve(BID, api_key=TEST_API_KEY, http_client=client)

    asyncio.run(go())


def test_spec_declares_batch() -> None:
    from llmcore_anthropic import SPEC

    assert SPEC.capabilities.batch
