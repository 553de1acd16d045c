"""Explicit context caching on the Gemini API, proven on ruby_llm's round-trip recording
(cassettes/SOURCES.md): a ``cachedContents`` resource the user created is named with the provider
option ``cached_content``; the request carries it as ``cachedContent`` and the answer's
``cachedContentTokenCount`` is ``Usage.cache_read_tokens``. llmcore does not create, extend or delete
cache resources (the recording's other three calls); it sends and reads. Through ``llmcore.model`` over
a loopback cassette server on the default transport."""

from __future__ import annotations

import json

import gemini_cases as G
import llmcore
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_format import deserialize
from llmcore_testing.cassette_server import CassetteServer

CASSETTE = (
    "ruby_llm__cachedcontent_explicit_caching_round-trip_gemini_gemini-2_5-flash_creates_uses_extends_and_deletes_a_cache"
    ".yaml"
)


def _generate() -> tuple[dict, dict]:
    """The recorded generateContent request and answer (the second of four interactions)."""
    data = deserialize((G.CASSETTES / CASSETTE).read_text(encoding="utf-8"))
    (inter,) = [i for i in data["interactions"] if i["request"]["uri"].endswith(":generateContent")]
    return json.loads(inter["request"]["body"]), json.loads(inter["response"]["body"]["string"])


def test_a_named_cache_is_sent_and_its_reads_counted() -> None:
    recorded, answer = _generate()
    question = recorded["contents"][0]["parts"][0]["text"]
    with CassetteServer.from_cassette(G.CASSETTES / CASSETTE) as srv:
        m = llmcore.model("gemini/gemini-2.5-flash", api_key=TEST_API_KEY, base_url=srv.url + "/v1beta", retry=False)
        r = m.chat(question, provider_options={"gemini": {"cached_content": recorded["cachedContent"]}})
        assert not srv.problems, srv.problems
        sent = json.loads(srv.received[0].content)
    assert srv.received[0].url.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert sent["cachedContent"] == recorded["cachedContent"] and sent["contents"] == recorded["contents"]
    usage = answer["usageMetadata"]
    assert r.usage.cache_read_tokens == usage["cachedContentTokenCount"] == 9609
    assert r.usage.input_tokens == usage["promptTokenCount"]  # Gemini's prompt count includes the cached part
    assert r.text.startswith("The RubyLLM release engineering handbook") and r.finish_reason == "stop"
