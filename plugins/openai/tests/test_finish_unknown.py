"""An unknown Chat Completions finish_reason is 'other' with the raw value kept and one warning,
in chat and streams, through llmcore.model over loopback (issue 11 finish-reason audit)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
from llmcore import pluginkit
from llmcore_testing import fuzz

KEY = "finish-" + "test-key-" + "0123456789"


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s, fuzz.transport_client("aiohttp"):
        yield s


def _model(server: fuzz.FuzzServer) -> Any:
    return llmcore.model("openai/gpt-4o-mini", base_url=server.url + "/v1", api_key=KEY, retry=False)


def test_unknown_reason_in_chat_is_other_kept_and_warned(
    server: fuzz.FuzzServer, caplog: pytest.LogCaptureFixture
) -> None:
    pluginkit._unknown_finish_warned.discard(("llmcore.openai", "brand_new_reason"))
    body = {
        "id": "c1",
        "model": "m",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "brand_new_reason"}
        ],
    }
    server.answer(json.dumps(body).encode())
    with caplog.at_level(logging.WARNING, logger="llmcore.openai"):
        r = _model(server).chat("hi")
    assert (r.finish_reason, r.raw_finish_reason) == ("other", "brand_new_reason")
    assert [m for m in caplog.messages if "brand_new_reason" in m]


def test_unknown_reason_in_a_stream_is_other_kept_and_warned_once(
    server: fuzz.FuzzServer, caplog: pytest.LogCaptureFixture
) -> None:
    pluginkit._unknown_finish_warned.discard(("llmcore.openai", "newer_reason"))
    chunks = [
        {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": {"role": "assistant", "content": "hi"}}]},
        {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": {}, "finish_reason": "newer_reason"}]},
    ]
    sse = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    with caplog.at_level(logging.WARNING, logger="llmcore.openai"):
        for _ in range(2):
            server.answer(sse.encode(), "text/event-stream")
            r = _model(server).stream("hi").collect()
            assert (r.finish_reason, r.raw_finish_reason) == ("other", "newer_reason")
    assert len([m for m in caplog.messages if "newer_reason" in m]) == 1
