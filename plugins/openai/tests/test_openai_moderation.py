"""OpenAI's moderation results (provider option ``moderation``, recorded by pydantic-ai on a stream) are kept
in ``provider_metadata["openai"]["moderation"]``, through ``llmcore.model`` over a loopback cassette server."""

from __future__ import annotations

import json
from pathlib import Path

import llmcore
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer

CASSETTE = Path(__file__).parent / "cassettes" / "pydantic-ai__test_openai_moderation_stream.yaml"


def test_the_moderation_results_are_kept() -> None:
    with CassetteServer.from_cassette(CASSETTE) as srv:
        m = llmcore.model("openai/gpt-5", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False)
        s = m.stream(
            "What is the capital of France?",
            provider_options={"openai": {"moderation": {"model": "omni-moderation-latest"}}},
        )
        for _ in s:
            pass
        r = s.response
        assert not srv.problems, srv.problems
        sent = json.loads(srv.received[0].content)
    assert sent["moderation"] == {"model": "omni-moderation-latest"}
    moderation = r.provider_metadata["openai"]["moderation"]
    assert moderation["input"]["model"] == "omni-moderation-latest"
    assert moderation["input"]["results"][0]["flagged"] is False
    assert "Paris" in r.text
