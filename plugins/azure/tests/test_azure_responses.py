"""Azure OpenAI's Responses API (option ``wire_api="responses"``), proven on ruby_llm's and pydantic-ai's
recordings of ``/openai/v1/responses`` (cassettes/SOURCES.md): a two-turn chat carrying the reasoning
item back, a stream, a tool round trip, and a provider option passed through. Through ``llmcore.model``
and its default middleware over a loopback cassette server on the default transport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore.errors import ConfigurationError
from llmcore.types import Message, Tool, ToolResultPart
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_format import deserialize
from llmcore_testing.cassette_server import CassetteServer

CASSETTES = Path(__file__).parent / "cassettes"
RUBY = "ruby_llm__chat_responses_protocol_dialects_with_azure_gpt-5-nano_{}.yaml"
CHAT = RUBY.format("chats_on_the_openai_v1_responses_endpoint")
STREAM = RUBY.format("streams_responses")
TOOLS = RUBY.format("round-trips_tool_calls")
CONTEXT = "pydantic-ai__test_azure_responses_reasoning_context_default_wire_contract_gpt-5.4_.yaml"


def _recorded(cassette: str, i: int) -> tuple[Any, Any]:
    inter = deserialize((CASSETTES / cassette).read_text(encoding="utf-8"))["interactions"][i]
    body = inter["response"]["body"]
    return json.loads(inter["request"]["body"]), body.get("string") if isinstance(body, dict) else body


def _without_reasoning_ids(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the reasoning items' ``id`` dropped: llmcore sends it back (the Responses spec's
    ReasoningItem has it: ../shared/api-specs/openai/openapi.yaml), ruby_llm did not; everything else must
    equal what was recorded."""
    items = [{k: v for k, v in i.items() if k != "id"} if i.get("type") == "reasoning" else i for i in body["input"]]
    return {**body, "input": items}


def _model(srv: CassetteServer, model: str = "gpt-5-nano") -> Any:
    return llmcore.model(
        f"azure/{model}", api_key=TEST_API_KEY, base_url=srv.url + "/openai/v1", retry=False, wire_api="responses"
    )


def test_two_turns_carry_the_reasoning_item_back() -> None:
    q1 = _recorded(CHAT, 0)[0]["input"][0]["content"]
    second = _recorded(CHAT, 1)[0]
    q2 = second["input"][-1]["content"]
    first_answer = json.loads(_recorded(CHAT, 0)[1])
    with CassetteServer.from_cassette(CASSETTES / CHAT) as srv:
        m = _model(srv)
        r1 = m.chat(q1)
        r2 = m.chat([q1, r1.message, q2])
        assert not srv.problems, srv.problems
        sent = [json.loads(r.content) for r in srv.received]
        paths = [r.url.path for r in srv.received]
        keys = [r.headers.get("api-key") for r in srv.received]
    assert paths == ["/openai/v1/responses"] * 2 and keys == [TEST_API_KEY] * 2
    assert sent[0] == _recorded(CHAT, 0)[0]  # the whole first body, as ruby_llm sent it
    # turn two: every field but input as recorded (input is checked item by item below: ruby_llm spelled the
    # assistant's "4" as an output_text part, llmcore as a string: both EasyInputMessage content in
    # ../shared/api-specs/openai/openapi.yaml)
    assert {k: v for k, v in sent[1].items() if k != "input"} == {k: v for k, v in second.items() if k != "input"}
    assert sent[0]["include"] == ["reasoning.encrypted_content"] and sent[0]["store"] is False
    assert (r1.text, r2.text) == ("4", "12") and r1.usage.reasoning_tokens == 64
    # Azure's content-filter verdicts (top-level content_filters) are kept
    assert r1.provider_metadata["azure"]["content_filters"] == first_answer["content_filters"]
    assert r1.provider_metadata["azure"]["tool_usage"] == first_answer["tool_usage"]
    assert first_answer["content_filters"][0]["content_filter_results"]
    # turn two: the reasoning item goes back with its id and encrypted content, then the answer
    reasoning = next(o for o in first_answer["output"] if o["type"] == "reasoning")
    items = sent[1]["input"]
    assert items[1] == {
        "type": "reasoning",
        "id": reasoning["id"],
        "summary": [],
        "encrypted_content": reasoning["encrypted_content"],
    }
    assert items[1]["encrypted_content"] == second["input"][1]["encrypted_content"]  # what ruby_llm sent
    assert items[2] == {"role": "assistant", "content": "4"} and items[3] == {"role": "user", "content": q2}


def test_a_stream() -> None:
    q = _recorded(STREAM, 0)[0]["input"][0]["content"]
    with CassetteServer.from_cassette(CASSETTES / STREAM) as srv:
        s = _model(srv).stream(q)
        text = "".join(ev.text for ev in s if ev.type == "text")
        r = s.response
        assert not srv.problems, srv.problems
        sent = json.loads(srv.received[0].content)
    assert sent == _recorded(STREAM, 0)[0]  # the whole body, as ruby_llm sent it
    assert sent["stream"] is True and text == r.text == "4" and r.finish_reason == "stop"
    assert r.usage.output_tokens and r.message.content[0].type == "reasoning"
    raw = (CASSETTES / STREAM).read_text(encoding="utf-8")
    completed = json.loads(
        next(ln for ln in raw.splitlines() if '"type":"response.completed"' in ln).split("data: ", 1)[1]
    )
    assert r.provider_metadata["azure"]["content_filters"] == completed["response"]["content_filters"]


def test_a_tool_round_trip() -> None:
    recorded = _recorded(TOOLS, 0)[0]
    spec = recorded["tools"][0]
    tool = Tool(name=spec["name"], description=spec["description"], parameters=spec["parameters"])
    q = recorded["input"][0]["content"]
    recorded_two = _recorded(TOOLS, 1)[0]
    output = recorded_two["input"][-1]["output"]  # what ruby_llm's tool returned
    with CassetteServer.from_cassette(CASSETTES / TOOLS) as srv:
        m = _model(srv)
        r1 = m.chat(q, tools=[tool])
        (call,) = r1.tool_calls
        result = Message(role="tool", content=[ToolResultPart(tool_call_id=call.id, content=output)])
        r2 = m.chat([q, r1.message, result], tools=[tool])
        assert not srv.problems, srv.problems
        first, sent = (json.loads(r.content) for r in srv.received)
    assert first == recorded and _without_reasoning_ids(sent) == recorded_two  # both bodies as recorded
    assert call.name == "weather" and call.arguments == {"latitude": "52.5200", "longitude": "13.4050"}
    assert r1.finish_reason == "tool_calls"
    types = [i.get("type", "message") for i in sent["input"]]
    assert types == ["message", "reasoning", "function_call", "function_call_output"]
    assert sent["input"][3] == {"type": "function_call_output", "call_id": call.id, "output": output}
    assert r2.text.startswith("Current wea") and r2.finish_reason == "stop"


def test_provider_options_pass_through() -> None:
    recorded = _recorded(CONTEXT, 0)[0]
    with CassetteServer.from_cassette(CASSETTES / CONTEXT) as srv:
        r = _model(srv, "gpt-5.4").chat(
            recorded["input"][0]["content"], provider_options={"azure": {"reasoning": recorded["reasoning"]}}
        )
        assert not srv.problems, srv.problems
        sent = json.loads(srv.received[0].content)
    assert sent["reasoning"] == {"context": "all_turns"} and sent["input"] == recorded["input"]
    assert "Paris" in r.text


@pytest.mark.parametrize(
    ("base_url", "options", "path"),
    [
        ("https://acme.openai.azure.com", {}, "openai/responses?api-version=2025-04-01-preview"),
        ("https://acme.openai.azure.com/openai", {"api_version": "preview"}, "responses?api-version=preview"),
        ("https://acme.openai.azure.com/openai/v1", {}, "responses"),
        ("https://acme.openai.azure.com", {"api": "v1"}, "openai/v1/responses"),
    ],
)
def test_the_responses_path(base_url: str, options: dict[str, Any], path: str) -> None:
    from llmcore.provider import ProviderConfig
    from llmcore_azure.provider import AzureProvider

    p = AzureProvider(
        ProviderConfig(api_key=TEST_API_KEY, base_url=base_url, options={"wire_api": "responses", **options})
    )
    assert p.responses_path == path


def test_foundry_models_api_has_none() -> None:
    with pytest.raises(ConfigurationError, match="no Responses API"):
        llmcore.model(
            "azure/grok-4", api_key=TEST_API_KEY, base_url="https://acme.services.ai.azure.com", wire_api="responses"
        ).chat("hi")


def test_a_bad_wire_api() -> None:
    with pytest.raises(ConfigurationError, match='"chat" or "responses"'):
        llmcore.model("azure/d", api_key=TEST_API_KEY, base_url="https://acme.openai.azure.com", wire_api="x").chat(
            "hi"
        )


# -- built-in tools on the Responses API ------------------------------------------------------------
# No recorded Azure exchange runs one. vercel/ai's two Azure answer bodies (in ../shared/upstream-cassettes/
# azure/ai/, response bodies only, codec input, not cassettes) echo the tools they were sent: the request
# entries are checked against that echo, and the bodies are parsed by the shared Responses codec.

AI_FIXTURES = (
    ("web_search", "azure-web-search-preview-tool.1.json"),
    ("code_execution", "azure-code-interpreter-tool.1.json"),
)


def _no_nulls(v: Any) -> Any:
    return {k: _no_nulls(x) for k, x in v.items() if x is not None} if isinstance(v, dict) else v


def _fixture(name: str) -> Any:
    from llmcore_testing.openapi import shared_dir

    shared = shared_dir()
    if shared is None:
        pytest.skip("../shared is not here")
    return json.loads((shared / "upstream-cassettes" / "azure" / "ai" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("tool_name", "fixture"), AI_FIXTURES)
def test_builtin_tools_are_sent_as_azure_echoes_them(tool_name: str, fixture: str) -> None:
    from llmcore.builtin_tools import CodeExecutionTool, WebSearchTool
    from llmcore.provider import ProviderConfig
    from llmcore.types import ChatRequest
    from llmcore_azure.provider import AzureProvider

    echoed = _fixture(fixture)["tools"][0]
    tool = (
        WebSearchTool(search_context_size="medium", user_location={"country": "US"})
        if tool_name == "web_search"
        else CodeExecutionTool()
    )
    p = AzureProvider(
        ProviderConfig(
            api_key=TEST_API_KEY, base_url="https://acme.openai.azure.com/openai/v1", options={"wire_api": "responses"}
        )
    )
    body, w = p.responses_request(ChatRequest(model="gpt-4.1-mini", messages=["hi"], builtin_tools=[tool]), False)
    assert body["tools"] == [_no_nulls(echoed)]  # the echo spells out unset fields as null
    assert w.items == []


@pytest.mark.parametrize(("tool_name", "fixture"), AI_FIXTURES)
def test_azures_server_tool_answers_are_parsed(tool_name: str, fixture: str) -> None:
    from llmcore_openai.responses.response import parse_response

    data = _fixture(fixture)
    r = parse_response(data, provider="azure")
    kinds = [o["type"] for o in data["output"] if o["type"].endswith("_call")]
    assert [c.data["type"] for c in r.server_tool_calls] == kinds and kinds
    assert r.text and r.warnings == [] and "unmapped" not in r.provider_metadata
    if tool_name == "web_search":
        assert r.citations and all(c.kind == "url_citation" and c.url for c in r.citations)


def test_builtin_tools_on_chat_completions_point_to_the_responses_api() -> None:
    from llmcore.builtin_tools import WebSearchTool
    from llmcore.errors import UnsupportedFeatureError

    m = llmcore.model("azure/gpt-4.1-mini", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/openai/v1", retry=False)
    with pytest.raises(UnsupportedFeatureError, match="wire_api='responses'"):
        m.chat("hi", tools=[WebSearchTool()])


def test_entra_token_refreshed_before_each_responses_call() -> None:
    """The token provider is asked before every Responses request (chat and stream), as on Chat Completions:
    each request carries the token of its own call, and no api-key."""
    tokens: list[str] = []

    def sync_provider() -> str:
        tokens.append(f"entra-token-{len(tokens) + 1}")
        return tokens[-1]

    async def async_provider() -> str:
        return sync_provider()

    q1 = _recorded(CHAT, 0)[0]["input"][0]["content"]
    q2 = _recorded(CHAT, 1)[0]["input"][-1]["content"]
    with CassetteServer.from_cassette(CASSETTES / CHAT) as srv:
        m = llmcore.model(
            "azure/gpt-5-nano",
            base_url=srv.url + "/openai/v1",
            retry=False,
            wire_api="responses",
            azure_ad_token_provider=sync_provider,
        )
        r1 = m.chat(q1)
        m.chat([q1, r1.message, q2])
        assert not srv.problems, srv.problems
        chat_headers = [dict(r.headers) for r in srv.received]
    with CassetteServer.from_cassette(CASSETTES / STREAM) as srv:
        m = llmcore.model(
            "azure/gpt-5-nano",
            base_url=srv.url + "/openai/v1",
            retry=False,
            wire_api="responses",
            azure_ad_token_provider=async_provider,
        )
        s = m.stream(_recorded(STREAM, 0)[0]["input"][0]["content"])
        assert "".join(ev.text for ev in s if ev.type == "text") == "4"
        assert not srv.problems, srv.problems
        stream_headers = [dict(r.headers) for r in srv.received]
    sent = [h.get("authorization") for h in chat_headers + stream_headers]
    assert tokens == ["entra-token-1", "entra-token-2", "entra-token-3"]
    assert sent == [f"Bearer {t}" for t in tokens]
    assert not any("api-key" in h for h in chat_headers + stream_headers)
