"""OpenAI Responses background mode (issue 11): start without waiting, poll until done, cancel, resume a
stream after a sequence number — through ``llmcore.model(...)`` on the default transport (aiohttp) to the
loopback cassette server. The cassette ``authored__responses_background.yaml`` is AUTHORED from OpenAI's
Responses API reference (no public recording of background mode exists; cassettes/SOURCES.md)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore.errors import (
    InvalidRequestError,
    NotFoundError,
    ProviderServerError,
    ProviderTimeoutError,
    UnsupportedFeatureError,
)
from llmcore.events import StreamAccumulator, TextDelta
from llmcore_openai import background
from llmcore_openai.background import BackgroundCancelledError
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer

CASSETTE = Path(__file__).parent / "cassettes" / "authored__responses_background.yaml"


def _model(srv: CassetteServer, **kw: Any) -> Any:
    return llmcore.model(
        "openai/o3-pro", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses", **kw
    )


def test_start_returns_a_handle_then_wait_polls_until_completed() -> None:
    with CassetteServer.from_cassette(CASSETTE, repeats=False) as srv:
        m = _model(srv)
        job = background.start(m, "Reply with exactly: OK")
        assert (job.id, job.status, job.done) == ("resp_bg1", "queued", False)
        r = background.wait(m, job.id, poll_interval=0.01)
    sent = json.loads(srv.received[0].content)
    assert sent["background"] is True and sent["store"] is True and sent["model"] == "o3-pro"
    assert [(q.method, q.url.path) for q in srv.received] == [
        ("POST", "/v1/responses"),
        ("GET", "/v1/responses/resp_bg1"),
        ("GET", "/v1/responses/resp_bg1"),
    ]
    assert r.text == "OK" and r.finish_reason == "stop" and r.usage.output_tokens == 70
    assert srv.received[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"


def test_cancel_and_a_cancelled_or_failed_response_are_typed() -> None:
    with CassetteServer.from_cassette(CASSETTE, repeats=False) as srv:
        m = _model(srv)
        job = background.cancel(m, "resp_bg2")
        assert (job.status, job.done) == ("cancelled", True)
        with pytest.raises(BackgroundCancelledError, match="resp_bg2 was cancelled"):
            background.wait(m, "resp_bg2", poll_interval=0.01)
        with pytest.raises(ProviderServerError, match="failed to generate") as e:
            background.wait(m, "resp_bg3", poll_interval=0.01)
        assert e.value.code == "server_error"
        with pytest.raises(NotFoundError, match="resp_missing"):
            background.retrieve(m, "resp_missing")
    assert (srv.received[0].method, srv.received[0].url.path) == ("POST", "/v1/responses/resp_bg2/cancel")


def test_wait_gives_up_after_its_timeout_with_a_typed_error() -> None:
    with CassetteServer.from_cassette(CASSETTE, start=1, repeats=True) as srv:
        m = _model(srv)
        with pytest.raises(ProviderTimeoutError, match="still in_progress"):
            background.wait(m, "resp_bg1", poll_interval=0.05, timeout=0.01)


def test_a_stream_resumes_after_a_sequence_number() -> None:
    with CassetteServer.from_cassette(CASSETTE, repeats=False) as srv:
        m = _model(srv)
        events = list(background.stream(m, "resp_bg4", starting_after=2))
    q = srv.received[0]
    assert (q.method, q.url.path) == ("GET", "/v1/responses/resp_bg4")
    assert dict(q.url.params) == {"stream": "true", "starting_after": "2"}
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "OK"
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    assert acc.response("openai").text == "OK"


def test_async_calls() -> None:
    async def go() -> Any:
        with CassetteServer.from_cassette(CASSETTE, repeats=False) as srv:
            m = _model(srv)
            job = await background.astart(m, "Reply with exactly: OK")
            return await background.await_response(m, job.id, poll_interval=0.01)

    assert asyncio.run(go()).text == "OK"


def test_bad_input_is_refused_before_the_network() -> None:
    with CassetteServer.from_cassette(CASSETTE) as srv:
        chat_api = llmcore.model("openai/o3-pro", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False)
        with pytest.raises(UnsupportedFeatureError, match="api='responses'"):
            background.start(chat_api, "hi")
        m = _model(srv)
        with pytest.raises(InvalidRequestError, match="resp_"):
            background.retrieve(m, "../files")
        with pytest.raises(InvalidRequestError, match="sequence_number"):
            list(background.stream(m, "resp_bg4", starting_after="2"))  # type: ignore[arg-type]
        with pytest.raises(InvalidRequestError, match="poll_interval"):
            background.wait(m, "resp_bg1", poll_interval=0)
    assert srv.received == []
