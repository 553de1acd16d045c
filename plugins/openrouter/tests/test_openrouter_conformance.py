"""The llmcore conformance kit on OpenRouter recordings (mirascope, pydantic-ai, ruby_llm)
and authored cassettes; every request body is validated against OpenRouter's OpenAPI spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.builtin_tools import WebSearchTool
from llmcore_testing import Case, EmbeddingCase, ErrorCase, ProviderConformance, RerankCase
from llmcore_testing.conformance import LosslessCase
from openrouter_cases import HELLO, recorded_request, recorded_tools, validate

_HAIKU = "anthropic/claude-haiku-4.5"
_TOOLS = "ruby_llm__chat_function_calling_openrouter_claude-haiku-4-5_can_use_tools.yaml"
_BERLIN = "What's the weather in Berlin? (52.5200, 13.4050)"
_SCHEMA = "ruby_llm__chat_with_schema_with_openrouter_claude-haiku-4-5_accepts_a_json_schema_and_returns_structured_output.yaml"


#: the photo of OpenAI's vision examples, also used by OpenRouter's and vLLM's
BOARDWALK = (
    "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
    "/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
)


class TestOpenRouterConformance(ProviderConformance):
    provider = "openrouter"
    cassette_dir = Path(__file__).parent / "cassettes"

    # mirascope recorded the same prompt non-streamed and streamed
    chat_case = Case(
        "mirascope__python__tests__e2e__input__cassettes__test_openrouter_sync__openrouter_openai_gpt_4o.yaml",
        {"model": "openai/gpt-4o", "messages": [HELLO]},
        expect_text="Hello",
        expect_finish="stop",
    )
    stream_case = Case(
        "mirascope__openrouter_openai_gpt_4o.yaml",
        {"model": "openai/gpt-4o", "messages": [HELLO]},
        stream=True,
        expect_text="Hello",
        expect_finish="stop",
    )
    system_prompt_case = Case(
        "authored__system_prompt.yaml",
        {
            "model": "openai/gpt-4o-mini",
            "system": "You are a pirate. Answer in one short sentence.",
            "messages": ["What is the capital of France?"],
        },
        expect_text="Paris",
    )
    multi_turn_case = Case(
        "ruby_llm__chat_function_calling_openrouter_claude-haiku-4-5_can_use_parallel_tool_calls.yaml",
        {
            "model": _HAIKU,
            "messages": recorded_request(
                "ruby_llm__chat_function_calling_openrouter_claude-haiku-4-5_can_use_parallel_tool_calls.yaml", 1
            )["messages"],
            "tools": recorded_tools(
                "ruby_llm__chat_function_calling_openrouter_claude-haiku-4-5_can_use_parallel_tool_calls.yaml"
            ),
        },
        interaction=1,
        expect_text="Ruby",
    )
    tool_call_case = Case(
        _TOOLS, {"model": _HAIKU, "messages": [_BERLIN], "tools": recorded_tools(_TOOLS)}, expect_tool="weather"
    )
    tool_round_trip_case = Case(
        _TOOLS,
        {"model": _HAIKU, "messages": recorded_request(_TOOLS, 1)["messages"], "tools": recorded_tools(_TOOLS)},
        interaction=1,
        expect_text="15°C",
        expect_finish="stop",
    )
    tool_call_stream_case = Case(
        "authored__tool_call_stream.yaml",
        {"model": _HAIKU, "messages": [_BERLIN], "tools": recorded_tools("authored__tool_call_stream.yaml")},
        stream=True,
        expect_tool="weather",
    )
    tool_round_trip_stream_case = Case(
        "authored__tool_call_stream.yaml",
        {
            "model": _HAIKU,
            "messages": recorded_request("authored__tool_call_stream.yaml", 1)["messages"],
            "tools": recorded_tools("authored__tool_call_stream.yaml"),
        },
        stream=True,
        interaction=1,
        expect_text="15°C",
        expect_finish="stop",
    )
    structured_case = Case(
        _SCHEMA,
        {
            "model": _HAIKU,
            "messages": ["Generate a person named John who is 30 years old"],
            "response_format": {
                "type": "json_schema",
                "name": "response",
                "strict": True,
                "schema": recorded_request(_SCHEMA)["response_format"]["json_schema"]["schema"],
            },
        },
        expect_text="John",
    )
    reasoning_case = Case(
        "pydantic-ai__test_openrouter_with_reasoning.yaml",
        {
            "model": "z-ai/glm-4.6",
            "messages": [
                "What was the impact of Voltaire's writings on modern french culture? Think about your answer."
            ],
        },
        expect_text="Voltaire",
    )
    # authored from the Image Inputs guide (no recording with an image exists)
    vision_case = Case(
        "authored__vision_image_url.yaml",
        {
            "model": "google/gemini-2.0-flash-001",
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "What's in this image?"}, {"type": "image", "url": BOARDWALK}],
                }
            ],
        },
        expect_text="boardwalk",
        expect_finish="stop",
    )
    # POST /embeddings and /rerank, recorded by ruby_llm (both report OpenRouter's usage.cost)
    embedding_case = EmbeddingCase(
        "ruby_llm__embedding_basic_functionality_openrouter_openai_text-embedding-3-small_can_handle_a_single_text_"
        "with_custom_dimensions.yaml",
        "openai/text-embedding-3-small",
        "Ruby is a programmer's best friend",
        {"dimensions": 768},
    )
    rerank_case = RerankCase(
        "ruby_llm__rerank_reranking_with_openrouter_voyageai_rerank-2_5-lite_orders_documents_by_relevance_and_"
        "reports_the_exact_cost.yaml",
        "voyageai/rerank-2.5-lite",
        "what is ruby",
        ["Paris is the capital of France", "Ruby is a programming language created by Matz"],
        expect_usage=True,
    )
    agreement_pairs = (("chat_case", "stream_case"),)
    #: Capabilities.server_tools: OpenRouter's web search server tool asked for with the neutral spec;
    #: the answers carry the sources as url_citation annotations
    lossless_cases = {
        "web_search": LosslessCase(
            "ruby_llm__chat_web_search_with_openrouter_openai_gpt-5_2_searches_transparently_returning_citations_and_"
            "usage_counters.yaml",
            {"model": "openai/gpt-5.2", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
            evidence="citations",
        ),
        # Capabilities.citations: the search's url_citation annotation (the streamed search recording carries
        # none; a Perplexity model's spanless url_citations through OpenRouter: test_openrouter_provider.py)
        "citations": LosslessCase(
            "ruby_llm__chat_web_search_with_openrouter_openai_gpt-5_2_searches_transparently_returning_citations_and_"
            "usage_counters.yaml",
            {"model": "openai/gpt-5.2", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
        ),
    }
    #: claimed from OpenRouter's docs and spec (request entries checked in test_openrouter_builtin_tools.py)
    unrecorded_server_tools = {"web_fetch": "no public recording of OpenRouter's openrouter:web_fetch exists"}
    #: every 200 answer of the cassettes keeps its message fields and annotations
    lossless_check = True
    error_cases = {
        "auth": ErrorCase(
            "ruby_llm__chat_error_handling_with_openrouter_claude-haiku-4-5_raises_appropriate_auth_error.yaml",
            {"model": _HAIKU, "messages": ["Hello"]},
            error=E.AuthenticationError,
            status_code=401,
        ),
        "not_found": ErrorCase(
            "authored__model_not_found_400.yaml",
            {"model": "openai/gpt-does-not-exist", "messages": ["Hello"]},
            error=E.NotFoundError,
            status_code=400,
        ),
        "rate_limit": ErrorCase(
            "pydantic-ai__test_openrouter_errors_raised.yaml",
            {"model": "google/gemini-2.0-flash-exp:free", "system": "Be helpful.", "messages": ["Tell me a joke."]},
            error=E.RateLimitError,
            status_code=429,
        ),
        "context_length": ErrorCase(
            "ruby_llm__chat_real_error_scenarios_openrouter_claude-haiku-4-5_handles_context_length_exceeded_errors"
            ".yaml",
            {"model": _HAIKU, "messages": ["Hi"]},
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__upstream_error_502.yaml",
            {"model": "openai/gpt-4o-mini", "messages": ["Hello"]},
            error=E.ProviderServerError,
            status_code=502,
        ),
        "insufficient_credits": ErrorCase(
            "authored__insufficient_credits_402.yaml",
            {"model": "openai/gpt-4o-mini", "messages": ["Hello"]},
            error=E.PermissionDeniedError,
            status_code=402,
        ),
        "error_in_stream": ErrorCase(
            "pydantic-ai__test_openrouter_stream_error.yaml",
            {"model": "minimax/minimax-m2:free", "messages": ["Hello there"], "max_tokens": 10},
            stream=True,
            error=E.InvalidRequestError,
        ),
    }

    def validate_request(self, request: Any) -> None:
        validate(request)
