"""OpenAI's explicit prompt-cache breakpoints (``llmcore_openai.cache_breakpoints``, issue 11).

No recording of a request with ``prompt_cache_breakpoint`` exists (gpt-5.6 is newer than every
recorder's cassettes): these tests prove the request body only, validated against the official
spec (``api-specs/openai/openapi.yaml``), built by the provider ``llmcore.model`` makes. Older models
and other servers speaking the same APIs get the body they got before.
"""

from __future__ import annotations

from typing import Any

import pytest
from llmcore.provider import ProviderConfig
from llmcore.types import CachePoint, ChatRequest, Message, Tool, ToolCallPart, ToolResultPart
from llmcore_openai.cache_breakpoints import supports_breakpoints
from llmcore_openai.chat import COMPATIBLE_DIALECT, build_body
from llmcore_openai.provider import OpenAIProvider
from llmcore_testing import TEST_API_KEY
from openai_spec import validate_openai_body

BP = {"mode": "explicit"}
DOC = "a long stable document " * 50


def _provider(api: str) -> OpenAIProvider:
    return OpenAIProvider(ProviderConfig(api_key=TEST_API_KEY, options={"api": api}))


def _chat_body(req: ChatRequest) -> dict[str, Any]:
    body, _ = _provider("chat").build_request(req, False)
    validate_openai_body("CreateChatCompletionRequest", body)
    return body


def _responses_body(req: ChatRequest) -> dict[str, Any]:
    body, _ = _provider("responses").responses_request(req, False)
    validate_openai_body("CreateResponse", body)
    return body


def _marked(model: str, **kw: Any) -> ChatRequest:
    return ChatRequest(
        model=model,
        system="You answer from the document.",
        messages=[Message(role="user", content=DOC, cache_point="1h"), "What is it about?"],
        cache_prompt=True,
        **kw,
    )


def _plain(model: str) -> ChatRequest:
    return ChatRequest(
        model=model,
        system="You answer from the document.",
        messages=[Message(role="user", content=DOC), "What is it about?"],
    )


@pytest.mark.parametrize(
    ("model", "takes"),
    [
        ("gpt-5.6", True),
        ("gpt-5.6-mini", True),
        ("gpt-5.7-2026-11-01", True),
        ("gpt-6", True),
        ("gpt-5.5", False),
        ("gpt-5", False),
        ("gpt-4o", False),
        ("o3", False),
        ("text-embedding-3-small", False),
    ],
)
def test_which_models_take_breakpoints(model: str, takes: bool) -> None:
    assert supports_breakpoints(model) is takes


def test_chat_completions_marks_the_system_prompt_and_the_message() -> None:
    body = _chat_body(_marked("gpt-5.6"))
    system, doc, question = body["messages"]
    assert system == {
        "role": "system",
        "content": [{"type": "text", "text": "You answer from the document.", "prompt_cache_breakpoint": BP}],
    }
    assert doc == {"role": "user", "content": [{"type": "text", "text": DOC, "prompt_cache_breakpoint": BP}]}
    assert question == {"role": "user", "content": "What is it about?"}
    assert "prompt_cache_options" not in body and "prompt_cache_retention" not in body  # OpenAI's 30m default


def test_chat_completions_marks_the_last_part_of_an_assistant_or_tool_turn() -> None:
    call = ToolCallPart(id="call_1", name="lookup", arguments={"q": "x"})
    req = ChatRequest(
        model="gpt-5.6",
        messages=[
            "Look it up",
            Message(role="assistant", content=[call], cache_point=True),  # tool calls only: nothing to mark
            Message(role="tool", content=[ToolResultPart(tool_call_id="call_1", content=DOC)], cache_point=True),
            Message(role="assistant", content="It says so.", cache_point=True),
            "Thanks",
        ],
        tools=[Tool(name="lookup", parameters={"type": "object", "properties": {"q": {"type": "string"}}})],
    )
    msgs = _chat_body(req)["messages"]
    assert "prompt_cache_breakpoint" not in str(msgs[1])
    assert msgs[2]["content"] == [{"type": "text", "text": DOC, "prompt_cache_breakpoint": BP}]
    assert msgs[3]["content"] == [{"type": "text", "text": "It says so.", "prompt_cache_breakpoint": BP}]


@pytest.mark.parametrize("model", ["gpt-5.5", "gpt-4o"])
def test_older_models_get_the_body_without_breakpoints(model: str) -> None:
    assert _chat_body(_marked(model)) == _chat_body(_plain(model))
    assert _responses_body(_marked(model)) == _responses_body(_plain(model))


def test_other_servers_never_get_breakpoints() -> None:
    """The shared codec's compatible dialect (vLLM, Ollama, Groq...): no breakpoint, even for a gpt-5.6 name."""
    marked, _ = build_body(_marked("gpt-5.6"), COMPATIBLE_DIALECT, stream=False, provider="openai_compatible")
    plain, _ = build_body(_plain("gpt-5.6"), COMPATIBLE_DIALECT, stream=False, provider="openai_compatible")
    assert marked == plain


def test_responses_marks_a_developer_message_and_the_user_part() -> None:
    body = _responses_body(_marked("gpt-5.6"))
    assert "instructions" not in body
    developer, doc, question = body["input"]
    assert developer == {
        "role": "developer",
        "content": [{"type": "input_text", "text": "You answer from the document.", "prompt_cache_breakpoint": BP}],
    }
    assert doc == {"role": "user", "content": [{"type": "input_text", "text": DOC, "prompt_cache_breakpoint": BP}]}
    assert question == {"role": "user", "content": "What is it about?"}


def test_responses_without_cache_prompt_keeps_instructions() -> None:
    req = ChatRequest(model="gpt-5.6", system="S", messages=[Message(role="user", content=DOC, cache_point=True)])
    body = _responses_body(req)
    assert body["instructions"] == "S"
    assert body["input"] == [
        {"role": "user", "content": [{"type": "input_text", "text": DOC, "prompt_cache_breakpoint": BP}]}
    ]


def test_the_key_still_routes() -> None:
    req = _marked("gpt-5.6").model_copy(update={"cache_prompt": CachePoint(key="tenant-42")})
    assert _chat_body(req)["prompt_cache_key"] == "tenant-42"
    assert _responses_body(req)["prompt_cache_key"] == "tenant-42"


@pytest.mark.parametrize(
    ("api", "cassette"),
    [
        ("chat", "pydantic-ai__test_max_completion_tokens_o3-mini_.yaml"),
        (
            "responses",
            "ruby_llm__chat_prompt_cache_round-trip_openai_gpt-5_2_reuses_the_prompt_cache_with_a_shared_key.yaml",
        ),
    ],
)
def test_the_facade_sends_them(api: str, cassette: str) -> None:
    """Through ``llmcore.model`` and its default middleware over a loopback server (a recorded answer of
    another model answers: only the body sent is checked here)."""
    import json
    from pathlib import Path

    import llmcore
    from llmcore_testing.cassette_server import CassetteServer

    with CassetteServer.from_cassette(Path(__file__).parent / "cassettes" / cassette) as srv:
        m = llmcore.model("openai/gpt-5.6", api_key=TEST_API_KEY, base_url=srv.url + "/v1", retry=False, api=api)
        m.chat([Message(role="user", content=DOC, cache_point=True), "What is it about?"])
        sent = json.loads(srv.received[0].content)
    first = (sent["messages"] if api == "chat" else sent["input"])[0]
    assert first["content"][-1]["prompt_cache_breakpoint"] == BP


def _warnings(api: str, req: ChatRequest) -> dict[str, str]:
    p = _provider(api)
    _, w = p.build_request(req, False) if api == "chat" else p.responses_request(req, False)
    return {c.feature: c.detail for c in w.items}


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_a_ttl_openai_does_not_take_is_reported(api: str) -> None:
    """OpenAI's only ttl is 30m (api-specs: PromptCacheTTLEnum): a 1h breakpoint is placed, its ttl
    is not sent, and the call says so; a breakpoint without a ttl warns nothing."""
    warned = _warnings(api, _marked("gpt-5.6"))
    assert "1h" in warned["cache_point"] and "30 minutes" in warned["cache_point"]
    plain_ttl = ChatRequest(model="gpt-5.6", messages=[Message(role="user", content=DOC, cache_point=True)])
    assert _warnings(api, plain_ttl) == {}
    assert _warnings(api, _marked("gpt-4o")) == {}  # no breakpoint sent there: nothing to say


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_cache_prompt_without_a_system_prompt_is_reported(api: str) -> None:
    req = ChatRequest(model="gpt-5.6", messages=["hi"], cache_prompt=True)
    assert "no system prompt" in _warnings(api, req)["cache_prompt"]


def test_a_mark_with_nothing_to_carry_it_is_reported() -> None:
    """A Responses assistant message (output_text has no prompt_cache_breakpoint) and a Chat
    Completions assistant turn of tool calls only: the mark is not silently dropped."""
    call = ToolCallPart(id="call_1", name="lookup", arguments={"q": "x"})
    req = ChatRequest(
        model="gpt-5.6",
        messages=["Look it up", Message(role="assistant", content=[call], cache_point=True)],
        tools=[Tool(name="lookup", parameters={"type": "object", "properties": {"q": {"type": "string"}}})],
    )
    assert "assistant" in _warnings("chat", req)["cache_point"]
    req = ChatRequest(model="gpt-5.6", messages=["hi", Message(role="assistant", content="Hello", cache_point=True)])
    assert "assistant" in _warnings("responses", req)["cache_point"]
