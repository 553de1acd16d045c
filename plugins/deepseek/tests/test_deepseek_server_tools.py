"""Issue 11 on DeepSeek: its server-side web search is on its Responses API (``api="responses"``).
``WebSearchTool`` through ``llmcore.model(...)`` sends the recorded request's tool entry, and the
recorded answer's ``web_search_call`` items come back as server-tool parts, whole (ruby_llm's
recording, cassettes/SOURCES.md); on Chat Completions the tool is refused before the network with
the hint. The plain Responses answers (pydantic-ai's recordings, chat and stream) go through the
same option. All over a loopback cassette server on the default transport."""

from __future__ import annotations

import json
from typing import Any

import llmcore
import pytest
from deepseek_cases import CASSETTES, WEB_SEARCH, recorded_request
from llmcore.errors import UnsupportedFeatureError
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_format import deserialize
from llmcore_testing.cassette_server import CassetteServer

TEXT = "pydantic-ai__test_deepseek_responses_text_.yaml"
TEXT_STREAM = "pydantic-ai__test_deepseek_responses_text_stream_.yaml"


def _model(srv: CassetteServer, **options: Any) -> Any:
    return llmcore.model("deepseek/deepseek-v4-flash", api_key=TEST_API_KEY, base_url=srv.url, retry=False, **options)


def _recorded_answer(cassette: str) -> Any:
    data = deserialize((CASSETTES / cassette).read_text(encoding="utf-8"))
    return json.loads(data["interactions"][0]["response"]["body"]["string"])


def test_web_search_is_the_recorded_tool_and_its_calls_come_back_whole() -> None:
    with CassetteServer.from_cassette(CASSETTES / WEB_SEARCH) as srv:
        r = _model(srv, api="responses").chat("Search the web", tools=[llmcore.WebSearchTool()])
        assert not srv.problems, srv.problems
        sent = json.loads(srv.received[0].content)
    assert srv.received[0].url.path == "/responses"
    assert sent["tools"] == recorded_request(WEB_SEARCH)["tools"] == [{"type": "web_search"}]
    items = [o for o in _recorded_answer(WEB_SEARCH)["output"] if o["type"] == "web_search_call"]
    assert [c.data for c in r.server_tool_calls] == items and len(items) == 4
    assert {c.name for c in r.server_tool_calls} == {"web_search"} and {c.provider for c in r.server_tool_calls} == {
        "deepseek"
    }
    assert r.server_tool_calls[0].input == {"type": "search", "queries": items[0]["action"]["queries"]}
    assert r.server_tool_calls[1].input == {"type": "open_page", "url": items[1]["action"]["url"]}
    assert "Ruby 4.0.6" in r.text and r.finish_reason == "stop"
    assert r.usage.cache_read_tokens == 15872 and r.usage.reasoning_tokens == 733
    assert r.warnings == [] and "unmapped" not in r.provider_metadata


def test_web_search_on_chat_completions_is_refused_before_the_network() -> None:
    m = llmcore.model("deepseek/deepseek-v4-flash", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(UnsupportedFeatureError, match="api='responses'"):
        m.chat("hi", tools=[llmcore.WebSearchTool()])


@pytest.mark.parametrize("tool", [llmcore.CodeExecutionTool(), llmcore.WebFetchTool()])
def test_unclaimed_tools_are_refused_before_the_network(tool: Any) -> None:
    m = llmcore.model(
        "deepseek/deepseek-v4-flash", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False, api="responses"
    )
    with pytest.raises(UnsupportedFeatureError, match=f"deepseek has no built-in {tool.label}"):
        m.chat("hi", tools=[tool])


def test_a_bad_api_option_is_a_configuration_error() -> None:
    with pytest.raises(llmcore.errors.ConfigurationError, match='"chat" or "responses"'):
        llmcore.model("deepseek/deepseek-v4-flash", api_key=TEST_API_KEY, api="messages").chat("hi")


@pytest.mark.parametrize("stream", [False, True])
def test_a_plain_responses_answer(stream: bool) -> None:
    cassette = TEXT_STREAM if stream else TEXT
    with CassetteServer.from_cassette(CASSETTES / cassette) as srv:
        m = _model(srv, api="responses")
        if stream:
            s = m.stream("What is the capital of France?")
            for _ in s:
                pass
            r = s.response
        else:
            r = m.chat("What is the capital of France?")
        assert not srv.problems, srv.problems
        sent = json.loads(srv.received[0].content)
    assert sent["input"] == recorded_request(cassette)["input"] and sent["stream"] is stream
    assert r.text == "The capital of France is Paris." and r.finish_reason == "stop"
    assert r.message.content[0].type == "reasoning" and r.message.content[0].text
    assert r.usage.reasoning_tokens is not None and r.warnings == []


def test_the_search_calls_go_back_whole_next_turn() -> None:
    """Request N+1 built from the recorded answer carries its web_search_call items as they came (DeepSeek's
    guide: pass the returned blocks back unchanged); no recording of a second DeepSeek turn exists, so the
    server's answer to it is not checked."""
    with CassetteServer.from_cassette(CASSETTES / WEB_SEARCH) as srv:
        first = _model(srv, api="responses").chat("Search the web", tools=[llmcore.WebSearchTool()])
    with CassetteServer.from_cassette(CASSETTES / WEB_SEARCH) as srv:
        _model(srv, api="responses").chat(
            ["Search the web", first.message, "Thanks. And the one before?"], tools=[llmcore.WebSearchTool()]
        )
        sent = json.loads(srv.received[0].content)
    items = [o for o in _recorded_answer(WEB_SEARCH)["output"] if o["type"] == "web_search_call"]
    assert [i for i in sent["input"] if i.get("type") == "web_search_call"] == items
    assert sent["input"][0] == {"role": "user", "content": "Search the web"}
    assert sent["input"][-1] == {"role": "user", "content": "Thanks. And the one before?"}
