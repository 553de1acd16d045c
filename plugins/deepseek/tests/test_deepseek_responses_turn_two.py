"""Turn two on DeepSeek's Responses API (``api="responses"``), proven on pydantic-ai's two-turn
recordings (cassettes/SOURCES.md): the first answer's reasoning item, whose reasoning is in
``content`` (``reasoning_text``) with an empty ``summary``, goes back in the next request as it came,
with the function call and its output; the recorded request of turn two is matched exactly, and the
recorded answer to it is parsed. Chat and stream, through ``llmcore.model`` over a loopback cassette
server on the default transport."""

from __future__ import annotations

import json
from typing import Any

import llmcore
import pytest
from deepseek_cases import recorded_request
from llmcore.types import Message, Tool, ToolResultPart
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from test_deepseek_server_tools import CASSETTES

CHAT = "pydantic-ai__test_deepseek_responses_function_tool_.yaml"
STREAM = "pydantic-ai__test_deepseek_responses_function_tool_stream_.yaml"


def _ask(m: Any, messages: list[Any], tool: Tool, stream: bool) -> llmcore.ChatResponse:
    if not stream:
        return m.chat(messages, tools=[tool])
    s = m.stream(messages, tools=[tool])
    for _ in s:
        pass
    return s.response


@pytest.mark.parametrize("stream", [False, True], ids=["chat", "stream"])
def test_reasoning_goes_back_as_it_came(stream: bool) -> None:
    cassette = STREAM if stream else CHAT
    spec = recorded_request(cassette)["tools"][0]
    tool = Tool(name=spec["name"], description=spec["description"], parameters=spec["parameters"], strict=True)
    question = "What is the temperature in Tokyo?"
    with CassetteServer.from_cassette(CASSETTES / cassette) as srv:
        m = llmcore.model(
            "deepseek/deepseek-v4-flash", api_key=TEST_API_KEY, base_url=srv.url, retry=False, api="responses"
        )
        first = _ask(m, [question], tool, stream)
        (call,) = first.tool_calls
        assert (call.name, call.arguments) == ("get_temperature", {"city": "Tokyo"})
        reasoning = first.message.content[0]
        assert reasoning.type == "reasoning" and reasoning.text.startswith("The user asks")
        result = Message(role="tool", content=[ToolResultPart(tool_call_id=call.id, content="21.0")])
        second = _ask(m, [question, first.message, result], tool, stream)
        assert not srv.problems, srv.problems
        sent = [json.loads(r.content) for r in srv.received]
    recorded = recorded_request(cassette, 1)
    # the recorder's client sends "encrypted_content": null; llmcore leaves a null field out
    expected = [{k: v for k, v in item.items() if v is not None} for item in recorded["input"]]
    assert sent[1]["input"] == expected
    assert expected[1]["type"] == "reasoning" and expected[1]["summary"] == [] and expected[1]["content"]
    assert second.text.startswith("The current temperature in Tokyo is") and "21.0°C" in second.text
    assert second.finish_reason == "stop"
    assert second.warnings == [] and second.provider_metadata["deepseek"]["phases"] == ["final_answer"]


def test_message_phases_are_kept() -> None:
    """Each message item's ``phase`` is in ``provider_metadata["deepseek"]["phases"]``, in order:
    the web-search recording has ``commentary`` messages around its searches, then a ``final_answer``
    (streams: ``test_reasoning_goes_back_as_it_came``)."""
    from test_deepseek_server_tools import WEB_SEARCH, _recorded_answer

    expected = [o["phase"] for o in _recorded_answer(WEB_SEARCH)["output"] if o["type"] == "message"]
    assert expected[0] == "commentary" and expected[-1] == "final_answer"
    with CassetteServer.from_cassette(CASSETTES / WEB_SEARCH) as srv:
        m = llmcore.model(
            "deepseek/deepseek-v4-flash", api_key=TEST_API_KEY, base_url=srv.url, retry=False, api="responses"
        )
        r = m.chat("Search the web", tools=[llmcore.WebSearchTool()])
        assert not srv.problems, srv.problems
    assert r.provider_metadata["deepseek"]["phases"] == expected
