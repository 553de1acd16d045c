"""Issue 11 on xAI's Responses API (``api="responses"``): server-side web search as server-tool
parts (the sources it found as the result), url_citation annotations as citations, and the replayed
turn carrying the items back as ruby_llm's recorded second request did. Replayed over a loopback
server through ``llmcore.model`` (recordings: cassettes/SOURCES.md); the last tests feed vercel/ai
response bodies (no HTTP exchange) to the codec and say so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore.types import ChatRequest, ServerToolResultPart
from llmcore_openai.responses.response import parse_response
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.cassettes import _stored

CASSETTES = Path(__file__).parent / "cassettes"
CITES = "ruby_llm__chat_web_search_with_xai_grok-4_3_searches_cites_and_counts_the_sources_it_used.yaml"
REPLAY = "ruby_llm__chat_web_search_with_xai_grok-4_3_replays_search_turns_so_the_conversation_can_continue.yaml"


def _interaction(cassette: str, i: int) -> dict[str, Any]:
    return _stored(str(CASSETTES / cassette))["interactions"][i]  # type: ignore[no-any-return]


def _chat(cassette: str, req: ChatRequest, start: int = 0) -> tuple[Any, dict[str, Any]]:
    with CassetteServer.from_cassette(CASSETTES / cassette, start=start) as srv:
        m = llmcore.model("xai/grok-4.3", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses")
        r = m.chat(req.messages, provider_options=req.provider_options)
        assert not srv.problems, srv.problems
        return r, json.loads(srv.received[-1].content)


def _request(cassette: str, i: int = 0) -> ChatRequest:
    body = json.loads(_interaction(cassette, i)["request"]["body"])
    return ChatRequest(
        model="grok-4.3", messages=[body["input"][0]["content"]], provider_options={"xai": {"tools": body["tools"]}}
    )


def test_web_search_calls_sources_and_citations() -> None:
    r, _ = _chat(CITES, _request(CITES))
    out = json.loads(_interaction(CITES, 0)["response"]["body"]["string"])["output"]
    searches = [o for o in out if o["type"] == "web_search_call"]
    assert [p.data for p in r.server_tool_calls] == searches and len(searches) == 2
    for call in r.server_tool_calls:
        assert call.name == "web_search" and call.provider == "xai"
        assert call.input == {"type": "search", "query": call.data["action"]["query"]}
        result = r.message.content[r.message.content.index(call) + 1]
        assert isinstance(result, ServerToolResultPart) and result.call_id == call.id
        assert result.content == call.data["action"]["sources"]
    [c] = r.citations
    assert (c.kind, c.url, c.title, c.start, c.end) == (
        "url_citation",
        "https://www.ruby-lang.org/en/downloads/",
        "1",
        69,
        115,
    )
    assert r.text[c.start : c.end] == "[[1]](https://www.ruby-lang.org/en/downloads/)"
    assert r.warnings == [] and "unmapped" not in r.provider_metadata


def test_the_search_turn_is_replayed_as_recorded() -> None:
    first, _ = _chat(REPLAY, _request(REPLAY))
    recorded = json.loads(_interaction(REPLAY, 1)["request"]["body"])
    req = ChatRequest(
        model="grok-4.3",
        messages=[recorded["input"][0]["content"], first.message, recorded["input"][-1]["content"]],
        provider_options={"xai": {"tools": recorded["tools"]}},
    )
    r, sent = _chat(REPLAY, req, start=1)
    want = recorded["input"]
    assert [i.get("type", i.get("role")) for i in sent["input"]] == [
        i.get("type", i.get("role")) if i.get("type") != "message" else "assistant" for i in want
    ]
    for got, rec in zip(sent["input"], want, strict=True):
        if rec.get("type") == "web_search_call":
            assert got == rec  # the item whole
        elif rec.get("type") == "reasoning":  # id and encrypted reasoning go back (the summary too)
            assert (got["id"], got.get("encrypted_content")) == (rec["id"], rec.get("encrypted_content"))
        elif rec.get("type") == "message":
            assert got == {"role": "assistant", "content": rec["content"][0]["text"]}
    assert r.text and r.warnings == []


UPSTREAM = Path("/work/shared/upstream-cassettes/xai/ai")


def _body(name: str) -> dict[str, Any]:
    path = UPSTREAM / name
    if not path.exists():
        pytest.skip(f"{path} (shared collection) is not on this machine")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("fixture", "name", "key"),
    [
        ("xai-web-search-tool.1.json", "web_search", "query"),
        ("xai-code-execution-tool.1.json", "code_interpreter", "code"),
    ],
)
def test_xai_argument_form_of_server_items_codec_input(fixture: str, name: str, key: str) -> None:
    """vercel/ai's xAI response bodies (codec input, not recordings): xAI sends the tool's arguments
    as a JSON string on web_search_call / code_interpreter_call; they become the call's input."""
    data = _body(fixture)
    r = parse_response(data, provider="xai")
    [call] = r.server_tool_calls
    item = next(o for o in data["output"] if o["type"] != "message")
    assert call.name == name and call.input == json.loads(item["arguments"]) and key in call.input
    assert call.data == item and r.warnings == []


def test_xai_generated_image_codec_input() -> None:
    data = _body("xai-image-generation-tool.1.json")  # vercel/ai body; its result is a placeholder string
    r = parse_response(data, provider="xai")
    item = data["output"][0]
    assert [p.type for p in r.message.content] == ["server_tool_call", "image", "text"]
    assert r.images[0].data == item["result"] and r.server_tool_calls[0].input["prompt"] == item["prompt"]


XS = "authored__responses_x_search.yaml"  # authored from xAI's docs (cassettes/SOURCES.md), not a recording
XS_STREAM = "authored__responses_x_search_stream.yaml"
CODE = "authored__responses_code_execution.yaml"  # authored request; the answer is vercel/ai's xAI body


def _x_search_tool() -> Any:
    import llmcore_xai

    return llmcore_xai.x_search(allowed_x_handles=["xai"], from_date="2026-08-03", to_date="2026-08-10")


def _answer(cassette: str, prompt: str, tools: list[Any], *, stream: bool = False, model: str = "grok-4.3") -> Any:
    with CassetteServer.from_cassette(CASSETTES / cassette) as srv:
        m = llmcore.model(f"xai/{model}", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses")
        if stream:
            s = m.stream(prompt, tools=tools)
            for _ in s:
                pass
            r = s.response
        else:
            r = m.chat(prompt, tools=tools)
        assert not srv.problems, srv.problems
        assert json.loads(srv.received[0].content) == json.loads(_interaction(cassette, 0)["request"]["body"])
    return r


@pytest.mark.parametrize("stream", [False, True])
def test_x_search_items_are_server_tool_parts(stream: bool) -> None:
    """X search's custom_tool_call items (x_keyword_search, x_semantic_search) are server-tool calls with their
    parsed arguments and the item whole; the posts it found are the url_citation annotations; nothing is
    left unmapped, in chat and in the stream alike."""
    r = _answer(
        XS_STREAM if stream else XS,
        "What are people saying about xAI on X this week?",
        [_x_search_tool()],
        stream=stream,
    )
    out = json.loads(_interaction(XS, 0)["response"]["body"]["string"])["output"]
    items = [o for o in out if o["type"] == "custom_tool_call"]
    assert [p.type for p in r.message.content] == ["server_tool_call", "server_tool_call", "text"]
    assert [(c.id, c.name, c.input, c.data) for c in r.server_tool_calls] == [
        (i["id"], i["name"], json.loads(i["input"]), i) for i in items
    ]
    assert {c.provider for c in r.server_tool_calls} == {"xai"}
    assert [c.url for c in r.citations] == [a["url"] for a in out[-1]["content"][0]["annotations"]]
    for c in r.citations:
        assert r.text[c.start : c.end].startswith("[[") and c.url in r.text[c.start : c.end]
    assert r.warnings == [] and "unmapped" not in r.provider_metadata and r.finish_reason == "stop"


def test_x_search_calls_go_back_whole_next_turn() -> None:
    first = _answer(XS, "What are people saying about xAI on X this week?", [_x_search_tool()])
    with CassetteServer.from_cassette(CASSETTES / XS) as srv:
        m = llmcore.model("xai/grok-4.3", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses")
        m.chat(
            ["What are people saying about xAI on X this week?", first.message, "And on the web?"],
            tools=[_x_search_tool()],
        )
        sent = json.loads(srv.received[0].content)
    items = [o for o in first.raw["output"] if o["type"] == "custom_tool_call"]
    assert [i for i in sent["input"] if i.get("type") == "custom_tool_call"] == items


def test_an_unknown_custom_tool_call_is_kept_with_a_warning() -> None:
    """A custom_tool_call that is no X search stays the shared codec's: kept whole, named in a warning."""
    from llmcore_xai.server_tools import parse_xai_response

    data = json.loads(_interaction(XS, 0)["response"]["body"]["string"])
    other = {**data["output"][0], "name": "something_else", "id": "ctc_other"}
    r = parse_xai_response({**data, "output": [other, *data["output"]]}, "xai")
    assert [c.name for c in r.server_tool_calls] == ["x_keyword_search", "x_semantic_search"]
    assert r.provider_metadata["unmapped"] == [{"kind": "custom_tool_call", "item": other}]
    assert [w.feature for w in r.warnings] == ["unmapped:custom_tool_call"]


def test_a_malformed_x_search_item_is_a_typed_error() -> None:
    from llmcore.errors import ProviderResponseError
    from llmcore_xai.server_tools import XAIStreamDecoder, parse_xai_response

    data = json.loads(_interaction(XS, 0)["response"]["body"]["string"])
    bad = {**data["output"][0], "id": 7}
    with pytest.raises(ProviderResponseError, match="unexpected shape"):
        parse_xai_response({**data, "output": [bad]}, "xai")
    with pytest.raises(ProviderResponseError, match="unexpected shape"):
        XAIStreamDecoder("xai").feed({"type": "response.output_item.done", "item": bad})


def test_code_execution_answer_through_the_facade() -> None:
    """vercel/ai's xAI code-execution body (a real xAI answer, served for the authored request): the
    code_interpreter_call is a server-tool call with its code; no output is sent by xAI for it."""
    r = _answer(
        CODE,
        "What is the 10th Fibonacci number? Run code to compute it.",
        [llmcore.CodeExecutionTool()],
        model="grok-4-fast-reasoning",
    )
    [call] = r.server_tool_calls
    assert call.name == "code_interpreter" and "print(fibonacci(10))" in call.input["code"]
    assert r.text == "55" and r.warnings == [] and "unmapped" not in r.provider_metadata


@pytest.mark.parametrize("stream", [False, True])
def test_usage_extras_are_kept(stream: bool) -> None:
    """xAI's server-side tool counts (and the rest of its usage) are in provider_metadata["xai"]["usage"]."""
    r = _answer(
        XS_STREAM if stream else XS,
        "What are people saying about xAI on X this week?",
        [_x_search_tool()],
        stream=stream,
    )
    usage = r.provider_metadata["xai"]["usage"]
    assert usage["server_side_tool_usage_details"]["x_search_calls"] == 2 and usage["num_server_side_tools_used"] == 2


def test_usage_extras_of_the_recorded_web_search() -> None:
    r, _ = _chat(CITES, _request(CITES))
    usage = json.loads(_interaction(CITES, 0)["response"]["body"]["string"])["usage"]
    assert r.provider_metadata["xai"]["usage"] == usage
    assert usage["server_side_tool_usage_details"]["web_search_calls"] == 2


@pytest.mark.parametrize(
    ("cassette", "stream", "ticks"),
    [
        (CITES, False, 161508500),
        (
            "ruby_llm__chat_streaming_responses_xai_grok-4-1-fast-non-reasoning_supports_streaming_responses.yaml",
            True,
            5143500,
        ),
    ],
)
def test_the_billed_cost_is_the_calls_cost(cassette: str, stream: bool, ticks: int) -> None:
    """xAI's cost_in_usd_ticks (1 USD = 10^10 ticks, https://docs.x.ai/developers/cost-tracking) is what
    llmcore's usage accounting records for the call, on the recorded chat and stream."""
    body = json.loads(_interaction(cassette, 0)["request"]["body"])
    with CassetteServer.from_cassette(CASSETTES / cassette) as srv:
        m = llmcore.model(
            f"xai/{body['model']}", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api="responses"
        )
        prompt = body["input"][0]["content"]
        if stream:
            s = m.stream(prompt)
            for _ in s:
                pass
            r = s.response
        else:
            r = m.chat(prompt, provider_options={"xai": {"tools": body["tools"]}})
    assert r.provider_metadata["xai"]["cost"] == pytest.approx(ticks / 1e10)
    assert m.usage.cost == pytest.approx(ticks / 1e10) and m.usage.unpriced_requests == 0
