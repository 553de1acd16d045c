"""OpenRouter's ``native_finish_reason`` (the routed provider's own finish reason, next to the
normalised ``finish_reason``) is kept in ``provider_metadata["openrouter"]``, in chat and in streams,
through ``llmcore.model`` on the default transport against recordings served on loopback (issue 11)."""

from __future__ import annotations

import llmcore
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from openrouter_cases import CASSETTES

STREAM = "ruby_llm__chat_streaming_responses_openrouter_claude-haiku-4-5_supports_streaming_responses.yaml"
CHAT = "mirascope__python__tests__e2e__input__cassettes__test_openrouter_sync__openrouter_openai_gpt_4o.yaml"


def test_streamed_answer_keeps_the_upstream_finish_reason() -> None:
    # recorded: Claude routed to Amazon Bedrock, finish_reason "stop", native_finish_reason "end_turn"
    with CassetteServer.from_cassette(CASSETTES / STREAM) as srv:
        m = llmcore.model("openrouter/anthropic/claude-haiku-4.5", api_key=TEST_API_KEY, base_url=srv.url + "/api/v1")
        s = m.stream("Count from 1 to 3")
        for _ in s:
            pass
    r = s.response
    assert r.finish_reason == "stop"
    assert r.provider_metadata["openrouter"]["native_finish_reason"] == "end_turn"
    assert r.provider_metadata["openrouter"]["provider"] == "Amazon Bedrock"


def test_chat_answer_keeps_the_upstream_finish_reason() -> None:
    with CassetteServer.from_cassette(CASSETTES / CHAT) as srv:
        m = llmcore.model("openrouter/openai/gpt-4o", api_key=TEST_API_KEY, base_url=srv.url + "/api/v1")
        r = m.chat("Hello")
    assert r.finish_reason == "stop"
    assert r.provider_metadata["openrouter"]["native_finish_reason"] == "stop"
