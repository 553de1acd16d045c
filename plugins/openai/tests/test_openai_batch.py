"""OpenAI Batch API through llmcore.batch*: JSONL upload + /batches, polling,
output and error files mapped back to input order. Cassettes are authored
from the API reference (no public recording of the Batch API exists); see
cassettes/SOURCES.md."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore.batching import BatchExpiredError, BatchNotReadyError, BatchStatus
from llmcore.errors import InvalidRequestError, UnsupportedFeatureError
from llmcore.types import ChatRequest
from llmcore_testing import TEST_API_KEY, make_vcr
from llmcore_testing.cassettes import recording_client

CASSETTES = Path(__file__).parent / "cassettes"
PROMPTS = ["What is 2+2?", "Name a colour.", "Say hi."]


@contextmanager
def replay(cassette: str, skip: int = 0) -> Iterator[Any]:
    with make_vcr(CASSETTES).use_cassette(cassette, allow_playback_repeats=False) as cass:
        for i in range(skip):
            cass.play_counts[i] = 1
        yield cass


def _model(client: Any, **kw: Any) -> llmcore.Model:
    return llmcore.model("openai/gpt-4o-mini", api_key=TEST_API_KEY, http_client=client, **kw)


def test_batch_all_in_one_maps_results_to_input_order() -> None:
    statuses: list[BatchStatus] = []

    async def go() -> tuple[list[Any], Any]:
        client, sent = recording_client()
        with replay("authored__batch_chat_completed.yaml") as cass:
            res = await llmcore.abatch(
                _model(client), PROMPTS, max_tokens=50, poll_interval=0, on_status=statuses.append
            )
            assert cass.all_played
        return res, sent

    res, sent = asyncio.run(go())
    assert res[0].text == "2 + 2 equals 4." and res[0].usage.input_tokens == 13 and res[0].finish_reason == "stop"
    assert isinstance(res[1], InvalidRequestError) and res[1].status_code == 400
    assert res[1].code == "integer_below_min_value" and "max_tokens" in res[1].message
    assert res[1].request_id == "req_c2"
    assert res[2].text == "Hi!" and res[2].usage.output_tokens == 3
    assert [s.state for s in statuses] == ["running", "completed"]
    assert statuses[1].total == 3 and statuses[1].succeeded == 2 and statuses[1].failed == 1

    upload, create = sent[0], sent[1]
    assert upload.url.path == "/v1/files" and upload.headers["content-type"].startswith("multipart/form-data")
    form = upload.read().decode()
    assert 'name="purpose"' in form and "\r\n\r\nbatch\r\n" in form and 'filename="llmcore-batch.jsonl"' in form
    jsonl = re.split(r"(?i)content-type: application/jsonl\r\n\r\n", form, maxsplit=1)[1].rsplit("\r\n--", 1)[0]
    lines = [json.loads(x) for x in jsonl.splitlines() if x.strip()]
    provider = _model(None).base_provider
    for i, line in enumerate(lines):  # exactly the body a live call would send
        live, _ = provider.build_request(ChatRequest(model="gpt-4o-mini", messages=PROMPTS[i], max_tokens=50), False)
        assert line == {"custom_id": str(i), "method": "POST", "url": "/v1/chat/completions", "body": live}
    assert json.loads(create.content) == {
        "input_file_id": "file-abc123",
        "endpoint": "/v1/chat/completions",
        "completion_window": "24h",
    }
    assert "authorization" in {k.lower() for k in upload.headers}


def test_batch_id_survives_a_restart() -> None:
    async def submit() -> str:
        client, _ = recording_client()
        with replay("authored__batch_chat_completed.yaml"):
            return await llmcore.abatch_submit(_model(client), PROMPTS, max_tokens=50)

    bid = asyncio.run(submit())
    assert bid == "openai:batch_abc123?n=3"

    async def later() -> list[Any]:  # a new process: only the string is known
        client, _ = recording_client()
        with replay("authored__batch_chat_completed.yaml", skip=4):
            return await llmcore.abatch_retrieve(bid, api_key=TEST_API_KEY, http_client=client)

    res = asyncio.run(later())
    assert [type(r).__name__ for r in res] == ["ChatResponse", "InvalidRequestError", "ChatResponse"]


def test_failed_batch_reports_the_validation_errors() -> None:
    async def go() -> tuple[BatchStatus, BaseException]:
        client, _ = recording_client()
        with replay("authored__batch_failed_validation.yaml"):
            st = await llmcore.abatch_status("openai:batch_bad?n=2", api_key=TEST_API_KEY, http_client=client)
            with pytest.raises(InvalidRequestError) as ei:
                await llmcore.abatch_retrieve("openai:batch_bad?n=2", api_key=TEST_API_KEY, http_client=client)
        return st, ei.value

    st, err = asyncio.run(go())
    assert st.state == "failed" and st.done and st.error == "This line is not parseable as valid JSON. (line 2)"
    assert "not parseable" in str(err) and "openai:batch_bad" in str(err)


def test_expired_batch_keeps_what_ran_and_types_the_rest() -> None:
    async def go() -> list[Any]:
        client, _ = recording_client()
        with replay("authored__batch_expired.yaml"):
            return await llmcore.abatch_retrieve("openai:batch_exp?n=3", api_key=TEST_API_KEY, http_client=client)

    res = asyncio.run(go())
    assert res[0].text == "4"
    assert isinstance(res[1], BatchExpiredError) and res[1].code == "batch_expired" and res[1].is_retryable
    assert isinstance(res[2], BatchExpiredError) and "no result for request 2" in res[2].message


def test_results_before_the_end_are_not_ready() -> None:
    async def go() -> None:
        client, _ = recording_client()
        with replay("authored__batch_in_progress.yaml"), pytest.raises(BatchNotReadyError, match="in_progress"):
            await llmcore.abatch_retrieve("openai:batch_abc123?n=3", api_key=TEST_API_KEY, http_client=client)

    asyncio.run(go())


def test_openai_compatible_has_no_batch_api() -> None:
    m = llmcore.model("openai_compatible/some-model", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(UnsupportedFeatureError, match="batch is not supported by openai_compatible"):
        llmcore.batch_submit(m, ["hi"])


def test_spec_declares_batch() -> None:
    from llmcore_openai import OPENAI_COMPATIBLE_SPEC, OPENAI_SPEC

    assert OPENAI_SPEC.capabilities.batch and not OPENAI_COMPATIBLE_SPEC.capabilities.batch
    assert "batch" in OPENAI_SPEC.capabilities.labels()
