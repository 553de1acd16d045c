"""An unknown stop_reason is 'other' with the raw value kept and one warning, through llmcore.model
over loopback (issue 11 finish-reason audit)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import llmcore
import pytest
from llmcore import pluginkit
from llmcore_testing import fuzz

KEY = "finish-" + "test-key-" + "0123456789"


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s, fuzz.transport_client("aiohttp"):
        yield s


def test_unknown_stop_reason_is_other_kept_and_warned_once(
    server: fuzz.FuzzServer, caplog: pytest.LogCaptureFixture
) -> None:
    pluginkit._unknown_finish_warned.discard(("llmcore.anthropic", "brand_new_reason"))
    body = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": "hi"}],
        "stop_reason": "brand_new_reason",
        "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 1},
    }
    m = llmcore.model("anthropic/claude-sonnet-4-5", base_url=server.url, api_key=KEY, retry=False)
    with caplog.at_level(logging.WARNING, logger="llmcore.anthropic"):
        for _ in range(2):
            server.answer(json.dumps(body).encode())
            r = m.chat("hi")
            assert (r.finish_reason, r.raw_finish_reason) == ("other", "brand_new_reason")
    assert len([x for x in caplog.messages if "brand_new_reason" in x]) == 1
