"""The llmcore conformance kit, run on Anthropic recordings (see cassettes/SOURCES.md),
plus the Anthropic-specific contract of thinking signatures on the next turn."""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

import anthropic_cases as A
from llmcore.builtin_tools import CodeExecutionTool, WebFetchTool, WebSearchTool
from llmcore.types import ChatRequest, Message, ReasoningPart
from llmcore_testing import Case, ProviderConformance
from llmcore_testing.conformance import LosslessCase
from llmcore_testing.openapi import load_spec


class TestAnthropicConformance(ProviderConformance):
    provider = "anthropic"
    cassette_dir = A.CASSETTES

    chat_case = A.CHAT
    stream_case = A.STREAM
    system_prompt_case = A.SYSTEM_PROMPT
    multi_turn_case = A.MULTI_TURN
    tool_call_case = A.TOOL_CALL
    tool_call_stream_case = A.TOOL_CALL_STREAM
    tool_round_trip_case = A.TOOL_ROUND_TRIP
    tool_round_trip_stream_case = A.TOOL_ROUND_TRIP_STREAM
    structured_case = A.STRUCTURED
    reasoning_case = A.REASONING
    reasoning_stream_case: ClassVar[Case] = A.REASONING_STREAM
    count_tokens_case = A.COUNT_TOKENS
    vision_case = A.VISION  # authored from the documented Vision example (see cassettes/SOURCES.md)
    # The only chat/stream pair recorded from the same prompt ("How do I cross the street?").
    agreement_pairs = (("reasoning_case", "reasoning_stream_case"),)
    error_cases = A.ERRORS
    lossless_check = True
    #: Capabilities.server_tools: each request asks for the tool with the neutral spec
    #: (llmcore.builtin_tools); the answers' server-tool parts must come out
    lossless_cases = {
        "web_search": LosslessCase(
            "ruby_llm__chat_web_search_with_anthropic_claude-haiku-4-5_searches_cites_and_reports_tool_usage.yaml",
            {"model": "claude-haiku-4-5-20251001", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
            server_tool="web_search",
        ),
        "web_search:stream": LosslessCase(
            "pydantic-ai__test_anthropic_web_search_tool_stream.yaml",
            {"model": "claude-sonnet-4-0", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
            stream=True,
            server_tool="web_search",
        ),
        "web_fetch": LosslessCase(
            "ellmer__anthropic-web-fetch.yaml",
            {"model": "claude-sonnet-5", "messages": ["Fetch it"], "builtin_tools": [WebFetchTool(citations=False)]},
            server_tool="web_fetch",
        ),
        "code_execution": LosslessCase(
            "ruby_llm__chat_code_execution_with_anthropic_claude-haiku-4-5_runs_code_server-side_and_returns_the_"
            "result_blocks.yaml",
            {"model": "claude-haiku-4-5-20251001", "messages": ["Run code"], "builtin_tools": [CodeExecutionTool()]},
        ),
        # Capabilities.prompt_caching: cache_prompt=True on the recorded system prompt, turn two reads
        # it (placement and Usage in detail: tests/test_anthropic_prompt_cache.py)
        "prompt_caching": LosslessCase(
            A.PROMPT_CACHE,
            {
                "model": "claude-haiku-4-5-20251001",
                "messages": ["Reply with exactly: OK"],
                "max_tokens": 64000,
                "system": A.recorded_body(A.PROMPT_CACHE)["system"][0]["text"],
                "cache_prompt": True,
            },
            interaction=1,
        ),
    }
    unrecorded_server_tools = {
        "mcp": "the MCP connector (mcp_servers) is shown only by vercel/ai response bodies, no HTTP recording "
        "(cassettes/SOURCES.md); the request is checked against the API spec in test_anthropic_builtin_tools.py",
    }

    def validate_request(self, request: Any) -> None:
        load_spec(A.SPEC).validate_request(request)

    # -- Anthropic specifics ----------------------------------------------------------

    def test_reasoning_stream(self) -> None:
        res = self._ok(self.reasoning_stream_case)
        parts = [p for p in res.response.message.content if isinstance(p, ReasoningPart)]
        assert parts and parts[0].text and parts[0].signature and parts[0].provider == "anthropic"

    def test_thinking_signature_is_sent_back(self) -> None:
        """Turn 1 (recorded) returns a signed thinking block; turn 2 is built
        from that response and must carry the block back verbatim, exactly as
        the recorded second request of the conversation does."""
        first = self._ok(self.reasoning_case).response
        thinking = [p for p in first.message.content if isinstance(p, ReasoningPart)]
        assert len(thinking) == 1 and thinking[0].signature and thinking[0].text
        follow_up = A.recorded_text(self.reasoning_case.cassette, 1, 2)
        req = ChatRequest(
            model="claude-sonnet-4-5",
            max_tokens=4096,
            reasoning_effort="minimal",
            messages=[
                *self.reasoning_case.chat_request().messages,
                first.message,
                Message(role="user", content=follow_up),
            ],
        )
        res = self.run(Case(self.reasoning_case.cassette, req, interaction=1))
        assert res.error is None, res.error
        body = json.loads(res.sent[0].content)
        sent_blocks = body["messages"][1]["content"]
        assert sent_blocks[0] == {"type": "thinking", "thinking": thinking[0].text, "signature": thinking[0].signature}
        recorded = A.recorded_body(self.reasoning_case.cassette, 1)["messages"][1]["content"]
        assert sent_blocks[0]["signature"] == recorded[0]["signature"]
        assert sent_blocks == recorded
        assert res.response is not None and res.response.reasoning and res.response.text

    def test_thinking_signature_round_trip_with_tools(self) -> None:
        """Thinking + tool_use, then the tool result: the signed thinking block
        goes back first in the assistant turn, as recorded."""
        first = self._ok(A.TOOL_WITH_THINKING).response
        call = first.tool_calls[0]
        req = A.TOOL_WITH_THINKING.chat_request().model_copy(
            update={
                "messages": [
                    *A.TOOL_WITH_THINKING.chat_request().messages,
                    first.message,
                    Message(
                        role="tool", content=[{"type": "tool_result", "tool_call_id": call.id, "content": "Mexico"}]
                    ),
                ]
            }
        )
        res = self.run(Case(A.TOOL_WITH_THINKING.cassette, req, interaction=1))
        assert res.error is None, res.error
        sent = json.loads(res.sent[0].content)["messages"]
        recorded = A.recorded_body(A.TOOL_WITH_THINKING.cassette, 1)["messages"]
        assert sent[1]["content"][0]["type"] == "thinking"
        assert sent[1]["content"][0]["signature"] == recorded[1]["content"][0]["signature"]
        assert sent[1]["content"] == recorded[1]["content"]
        assert "Mexico City" in res.response.text

    def test_redacted_thinking_round_trip(self) -> None:
        """Two redacted_thinking blocks stay two parts, and go back as two blocks with their data."""
        res = self._ok(A.REDACTED_STREAM)
        parts = [p for p in res.response.message.content if isinstance(p, ReasoningPart)]
        assert len(parts) == 2 and all(p.redacted and isinstance(p.data, str) and p.data for p in parts)
        from llmcore_anthropic.request import build_messages_body

        req = ChatRequest(model="claude-sonnet-4-5", messages=["hi", res.response.message, "and?"])
        body, warnings = build_messages_body(req, stream=False)
        assert body["messages"][1]["content"][:2] == [
            {"type": "redacted_thinking", "data": parts[0].data},
            {"type": "redacted_thinking", "data": parts[1].data},
        ]
        assert warnings == []

    def test_cached_tokens_are_part_of_input_tokens(self) -> None:
        r = self._ok(A.CACHED_PROMPT).response
        raw = r.raw["usage"]
        assert raw["cache_read_input_tokens"] == 1111 and r.usage.cache_read_tokens == 1111
        assert r.usage.input_tokens == raw["input_tokens"] + 1111 + raw["cache_creation_input_tokens"]

    def test_count_tokens_with_system_and_cache_control(self) -> None:
        for case, expected in ((A.COUNT_TOKENS_SYSTEM, 20), (A.COUNT_TOKENS_CACHED, 1114)):
            count, sent = A.replay_count_tokens(case)
            assert (count.input_tokens, count.method) == (expected, "api")
            load_spec(A.SPEC).validate_request(sent[0])

    def test_count_tokens_unknown_model_is_not_found(self) -> None:
        from llmcore.errors import NotFoundError

        case = Case(
            "pydantic-ai__test_anthropic_count_tokens_error.yaml",
            {"model": "claude-does-not-exist", "messages": ["hello"]},
        )
        try:
            A.replay_count_tokens(case)
        except NotFoundError as e:
            assert e.status_code == 404 and e.code == "not_found_error" and "claude-does-not-exist" in e.message
            assert e.request_id == "req_011CVEA3SF7rnb3DuBZytqQa"  # from the body: pydantic-ai kept no headers
        else:
            raise AssertionError("no error")

    def test_mid_stream_error_keeps_what_came_before(self) -> None:
        """``event: error`` after some text: the text was streamed, then the typed error."""
        events: list[Any] = []

        async def go() -> None:
            from llmcore_testing.cassettes import recording_client

            with A.use_cassette(A.ERRORS["stream_overloaded"]):
                client, _ = recording_client()
                async with client:
                    provider = self.make_provider(client, A.ERRORS["stream_overloaded"])
                    async for ev in provider.stream_chat(A.ERRORS["stream_overloaded"].chat_request()):
                        events.append(ev)

        from llmcore.errors import ProviderServerError

        try:
            asyncio.run(go())
        except ProviderServerError as e:
            assert e.is_retryable and e.code == "overloaded_error" and e.request_id == "req_authored_stream_error_0001"
        else:
            raise AssertionError("no error")
        assert [e.type for e in events] == ["metadata", "text"] and events[1].text == "Hello"

    def test_structured_output_by_forced_tool(self) -> None:
        """The ``tool`` structured mode: tool_choice naming a tool forces the call."""
        r = self._ok(A.STRUCTURED_BY_TOOL).response
        assert r.tool_calls[0].arguments == {"data": {"title": "Apples are tasty", "author": "Hadley Wickham"}}

    def test_every_scenario_replays(self) -> None:
        """All recorded scenarios go through the kit's checks (usage, stream invariants, request match)."""
        for case in A.SCENARIOS.values():
            self._ok(case)
