"""Prompt caching (issue 11) on OpenAI: caching is automatic (by prompt prefix), so breakpoints are a
documented no-op; ``cache_prompt=CachePoint(key=...)`` is sent as ``prompt_cache_key``, which routes
requests sharing a prefix to the same cache. Through ``llmcore.model`` over aiohttp to the loopback
cassette server on ruby_llm's Responses recording (cassettes/SOURCES.md): the key is sent as recorded
and turn two's cached tokens land in ``Usage.cache_read_tokens``."""

from __future__ import annotations

import json
from pathlib import Path

import llmcore
import yaml
from llmcore.types import CachePoint, ChatRequest, Message
from llmcore_openai.chat import COMPATIBLE_DIALECT, OPENAI_DIALECT
from llmcore_openai.chat.request import build_body as chat_body
from llmcore_openai.responses.request import build_body as responses_body
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer

CASSETTES = Path(__file__).parent / "cassettes"
KEYED = "ruby_llm__chat_prompt_cache_round-trip_openai_gpt-5_2_reuses_the_prompt_cache_with_a_shared_key.yaml"


def _recorded_request(i: int) -> dict[str, object]:
    data = yaml.safe_load((CASSETTES / KEYED).read_text())
    body = data["interactions"][i]["request"]["body"]
    return json.loads(body if isinstance(body, str) else body["string"])  # type: ignore[no-any-return]


def test_the_cache_key_is_sent_as_recorded_and_turn_two_reads_the_cache() -> None:
    rec = _recorded_request(0)
    with CassetteServer.from_cassette(CASSETTES / KEYED) as srv:
        m = llmcore.model(
            "openai/gpt-5.2", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses"
        )
        kw = {"system": rec["instructions"], "cache_prompt": CachePoint(key="rubyllm-test")}
        first = m.chat("Reply with exactly: OK", **kw)
        second = m.chat("Reply with exactly: OK", **kw)
    for i, sent in enumerate(srv.received):
        body, recorded = json.loads(sent.content), _recorded_request(i)
        assert body["prompt_cache_key"] == recorded["prompt_cache_key"] == "rubyllm-test"
        assert body["instructions"] == recorded["instructions"] and body["model"] == recorded["model"]
    assert first.usage.cache_read_tokens == 0
    assert second.usage.cache_read_tokens == 6016 and second.usage.input_tokens == 6165


def test_breakpoints_change_nothing_and_the_key_goes_only_where_understood() -> None:
    plain = ChatRequest(model="gpt-5.2", system="s", messages=["doc", "q"])
    marked = ChatRequest(
        model="gpt-5.2",
        system="s",
        messages=[Message(role="user", content="doc", cache_point="1h"), "q"],
        cache_prompt="1h",
    )
    keyed = marked.model_copy(update={"cache_prompt": CachePoint(ttl="1h", key="tenant-7")})
    for build in (
        lambda r: responses_body(r, stream=False, provider="openai")[0],
        lambda r: chat_body(r, OPENAI_DIALECT, stream=False, provider="openai")[0],
    ):
        assert build(marked) == build(plain)  # automatic caching: a breakpoint is a no-op
        assert build(keyed) == {**build(plain), "prompt_cache_key": "tenant-7"}
    # an OpenAI-compatible server (vLLM, LM Studio, ...) is not sent a field it may reject
    assert "prompt_cache_key" not in chat_body(keyed, COMPATIBLE_DIALECT, stream=False, provider="vllm")[0]
