"""The llmcore conformance kit on xAI recordings: the Responses API (ruby_llm, grok-4.3),
Chat Completions (magentic, grok-2), and authored Chat Completions cassettes (see
cassettes/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

from llmcore import errors as E
from llmcore.builtin_tools import WebSearchTool
from llmcore_testing import Case, ErrorCase, ProviderConformance
from llmcore_testing.conformance import LosslessCase
from xai_cases import BERLIN, GROK, PARALLEL, RESPONSES, TOOLS, recorded_request, responses_history, responses_tools

_SCHEMA = "ruby_llm__chat_with_schema_with_xai_grok-4-1-fast-non-reasoning_accepts_a_json_schema_and_returns_structured_output.yaml"
_BOOL = "magentic__test_openai_chat_model_xai_complete_Return_True.-output_types1-bool_.yaml"
_REASONING = "authored__chat_reasoning.yaml"


#: the image of xAI's Image Understanding guide
WEBB = "https://science.nasa.gov/wp-content/uploads/2023/09/web-first-images-release.png"


class TestXAIConformance(ProviderConformance):
    provider = "xai"
    cassette_dir = Path(__file__).parent / "cassettes"

    chat_case = Case(
        "ruby_llm__chat_basic_chat_functionality_xai_grok-4-1-fast-non-reasoning_can_have_a_basic_conversation.yaml",
        {"model": GROK, "messages": ["What's 2 + 2?"]},
        options=RESPONSES,
        expect_text="4",
        expect_finish="stop",
    )
    reasoning_case = chat_case  # grok-4.3's reasoning summary (Chat Completions' reasoning_content: test_xai_provider)
    stream_case = Case(
        "ruby_llm__chat_streaming_responses_xai_grok-4-1-fast-non-reasoning_supports_streaming_responses.yaml",
        {"model": GROK, "messages": ["Count from 1 to 3"]},
        stream=True,
        options=RESPONSES,
        expect_text="3",
        expect_finish="stop",
    )
    system_prompt_case = Case(
        _REASONING,
        {
            "model": "grok-3-mini",
            "system": "You are a highly intelligent AI assistant.",
            "messages": ["What is 101*3?"],
            "temperature": 0.7,
            "reasoning_effort": "high",
        },
        expect_text="303",
    )
    multi_turn_case = Case(
        PARALLEL,
        {"model": GROK, "messages": responses_history(PARALLEL, 1), "tools": responses_tools(PARALLEL)},
        options=RESPONSES,
        interaction=1,
        expect_text="Ruby",
    )
    tool_call_case = Case(
        TOOLS,
        {"model": GROK, "messages": [BERLIN], "tools": responses_tools(TOOLS)},
        options=RESPONSES,
        expect_tool="weather",
    )
    tool_round_trip_case = Case(
        TOOLS,
        {"model": GROK, "messages": responses_history(TOOLS, 1), "tools": responses_tools(TOOLS)},
        options=RESPONSES,
        interaction=1,
        expect_text="15°C",
        expect_finish="stop",
    )
    # Chat Completions, streamed, a named tool_choice (magentic)
    tool_call_stream_case = Case(
        _BOOL,
        {
            "model": "grok-2",
            "messages": ["Return True."],
            "tool_choice": {"name": "return_bool"},
            "tools": [
                {"name": "return_bool", "parameters": recorded_request(_BOOL)["tools"][0]["function"]["parameters"]}
            ],
            "provider_options": {"xai": {"parallel_tool_calls": False}},
        },
        stream=True,
        expect_tool="return_bool",
    )
    structured_case = Case(
        _SCHEMA,
        {
            "model": GROK,
            "messages": ["Generate a person named John who is 30 years old"],
            "response_format": {
                "type": "json_schema",
                "name": "response",
                "strict": True,
                "schema": recorded_request(_SCHEMA)["text"]["format"]["schema"],
            },
        },
        options=RESPONSES,
        expect_text="John",
    )
    # authored from the Image Understanding guide (no recording with an image exists)
    vision_case = Case(
        "authored__vision_image_url.yaml",
        {
            "model": "grok-4",
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "image", "url": WEBB}, {"type": "text", "text": "What's in this image?"}],
                }
            ],
        },
        expect_text="Webb",
        expect_finish="stop",
    )
    agreement_pairs = ()  # no chat/stream pair of one prompt was recorded
    #: Capabilities.server_tools: web search asked for with the neutral spec on the Responses API
    lossless_cases = {
        "web_search": LosslessCase(
            "ruby_llm__chat_web_search_with_xai_grok-4_3_searches_cites_and_counts_the_sources_it_used.yaml",
            {"model": "grok-4.3", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
            options=RESPONSES,
        ),
    }
    #: every 200 answer of the cassettes keeps its items (Responses answers replayed with api="responses");
    #: X search's custom_tool_call items are server-tool parts on xAI (llmcore_xai.server_tools)
    lossless_check = True
    answer_path_options = {"/responses": RESPONSES, "/chat/completions": {"api": "chat"}}
    answer_kind_parts = {"custom_tool_call": ("server_tool",)}
    #: claimed from xAI's docs; request entries checked in test_xai_builtin_tools.py, answers in
    #: test_xai_server_tools.py (authored cassettes: cassettes/SOURCES.md)
    unrecorded_server_tools = {
        "code_execution": "no HTTP recording of xAI's code_interpreter exists; vercel/ai's xAI answer body (no "
        "request) is served for an authored request in authored__responses_code_execution.yaml",
        "mcp": "no public recording of xAI's remote MCP tool exists",
    }
    error_cases = {
        "auth": ErrorCase(
            "ruby_llm__chat_error_handling_with_xai_grok-4-1-fast-non-reasoning_raises_appropriate_auth_error.yaml",
            {"model": GROK, "messages": ["Hello"]},
            options=RESPONSES,
            error=E.AuthenticationError,
            status_code=400,
        ),
        "not_found": ErrorCase(
            "authored__chat_model_not_found_404.yaml",
            {"model": "grok-5", "messages": ["Hello"]},
            error=E.NotFoundError,
            status_code=404,
        ),
        "rate_limit": ErrorCase(
            "authored__chat_rate_limit_429.yaml",
            {"model": "grok-4", "messages": ["Hello"]},
            error=E.RateLimitError,
            status_code=429,
            expect_retry_after=True,
        ),
        "context_length": ErrorCase(
            "authored__chat_context_length_400.yaml",
            {"model": "grok-4", "messages": ["(a very long prompt)"]},
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__chat_server_error_500.yaml",
            {"model": "grok-4", "messages": ["Hello"]},
            error=E.ProviderServerError,
            status_code=500,
        ),
    }
