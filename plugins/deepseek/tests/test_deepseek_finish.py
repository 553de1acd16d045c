"""DeepSeek's own finish reason (in the shared OpenAI-compatible map), through ``llmcore.model(...)`` on a loopback
cassette server (chat and stream)."""

from __future__ import annotations

import llmcore
import pytest
from deepseek_cases import CASSETTES
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer


@pytest.mark.parametrize("stream", [False, True])
def test_insufficient_system_resource_is_an_error_finish(stream: bool) -> None:
    """DeepSeek's documented ``insufficient_system_resource`` (the server cut the answer short) is ``error``,
    not ``other``, with the raw value kept (cassettes authored from the real basic recordings, only the
    finish reason changed: cassettes/SOURCES.md)."""
    cassette = f"authored__insufficient_system_resource{'_stream' if stream else ''}.yaml"
    prompt = "Count from 1 to 3" if stream else "What's 2 + 2?"
    with CassetteServer.from_cassette(CASSETTES / cassette) as srv:
        m = llmcore.model("deepseek/deepseek-chat", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        if stream:
            s = m.stream(prompt)
            for _ in s:
                pass
            r = s.response
        else:
            r = m.chat(prompt)
        assert not srv.problems, srv.problems
    assert (r.finish_reason, r.raw_finish_reason) == ("error", "insufficient_system_resource") and r.text
