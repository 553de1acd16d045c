"""Explicit context caching on Vertex AI (Gemini models), proven on ruby_llm's round-trip recording
(cassettes/SOURCES.md): the name of a ``cachedContents`` resource the user created goes in the provider
option ``cached_content``; the request carries it as ``cachedContent`` and the answer's
``cachedContentTokenCount`` is ``Usage.cache_read_tokens``. llmcore does not create or delete cache
resources (the recording's other calls). Through ``llmcore.model`` over a loopback cassette server on
the default transport, with an injected access token (the recording's OAuth exchanges are not replayed)."""

from __future__ import annotations

import json
from typing import Any

import llmcore
import vertex_cases as V
from llmcore_testing.cassette_format import deserialize
from llmcore_testing.cassette_server import CassetteServer

CASSETTE = "ruby_llm__cachedcontent_explicit_caching_round-trip_vertexai_gemini-2_5-flash_creates_uses_and_deletes_a_cache.yaml"


def _generate() -> tuple[Any, Any]:
    """The recorded generateContent request and answer."""
    data = deserialize((V.CASSETTES / CASSETTE).read_text(encoding="utf-8"))
    (inter,) = [i for i in data["interactions"] if i["request"]["uri"].endswith(":generateContent")]
    return json.loads(inter["request"]["body"]), json.loads(inter["response"]["body"]["string"])


def test_a_named_cache_is_sent_and_its_reads_counted() -> None:
    recorded, answer = _generate()
    question = recorded["contents"][0]["parts"][0]["text"]
    with CassetteServer.from_cassette(V.CASSETTES / CASSETTE) as srv:
        m = llmcore.model(
            "vertexai/gemini-2.5-flash", base_url=srv.url, retry=False, credentials=V.token_credentials(), **V.RUBY
        )
        r = m.chat(question, provider_options={"vertexai": {"cached_content": recorded["cachedContent"]}})
        assert not srv.problems, srv.problems
        sent = json.loads(srv.received[0].content)
    assert srv.received[0].url.path.endswith("/publishers/google/models/gemini-2.5-flash:generateContent")
    assert srv.received[0].headers["authorization"] == f"Bearer {V.TEST_TOKEN}"
    assert sent["cachedContent"] == recorded["cachedContent"] and sent["contents"] == recorded["contents"]
    usage = answer["usageMetadata"]
    assert r.usage.cache_read_tokens == usage["cachedContentTokenCount"] == 9602
    assert r.usage.input_tokens == usage["promptTokenCount"]  # the prompt count includes the cached part
    assert r.text and r.finish_reason == "stop" and r.warnings == []
