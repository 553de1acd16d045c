"""The llmcore conformance kit on Azure recordings: Azure OpenAI deployments
(openllmetry, pydantic-ai), Azure AI Foundry /models serving Grok (ruby_llm), and
authored cassettes for what no recording has (see cassettes/SOURCES.md)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from azure_cases import (
    BERLIN_ARGS,
    BERLIN_Q,
    EXAMPLE,
    FOUNDRY,
    GET_WEATHER,
    GROK,
    PERSON_SCHEMA,
    PYDANTIC,
    TRACELOOP,
    WEATHER,
)
from llmcore import errors as E
from llmcore_testing import Case, EmbeddingCase, ErrorCase, ProviderConformance

_TOOL_STREAM = "authored__deployments_tool_call_stream.yaml"
# The kit replays over a loopback server, whose host is not ``*.services.ai.azure.com``: say the API
# the Foundry recordings use, as a user behind a proxy would (host detection: test_azure_provider.py).
MODELS_API = {"api": "models"}
#: openllmetry's Azure OpenAI embeddings recording (deployments API, base64 asked and answered)
OPENLLMETRY_EMBEDDINGS = "openllmetry__test_azure_openai_embeddings.yaml"
EMBED_RESOURCE = "https://test-resource.openai.azure.com"
EMBED_OPTIONS = {"api_version": "2023-07-01-preview"}  # the version the recording used


class TestAzureConformance(ProviderConformance):
    provider = "azure"
    # every recorded answer, Chat Completions and the Responses API (wire_api="responses") alike
    lossless_check = True
    answer_path_options: ClassVar[dict[str, dict[str, Any]]] = {"/responses": {"wire_api": "responses"}}
    unrecorded_server_tools: ClassVar[dict[str, str]] = {
        tool: "no recorded Azure exchange runs it; vercel/ai's Azure answer body echoes the tool entry sent and is "
        "parsed whole (test_azure_responses.py)"
        for tool in ("web_search", "code_execution")
    }

    def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
        """Azure answers at three URL shapes: the case asks at the recorded endpoint (the API shape is
        picked from it, as for a user's endpoint), with the deployment as the model on ``deployments``."""
        from urllib.parse import unquote, urlsplit

        case = super().lossless_replay_case(cassette, interaction, recorded)
        if case is None:
            return None
        url = urlsplit(str(recorded["request"]["uri"]))
        path, root = unquote(url.path), f"{url.scheme}://{url.netloc}"
        options = {k: v for k, v in case.options.items() if k not in ("api", "api_version")}
        if "/openai/deployments/" in path:
            case.request["model"] = path.split("/openai/deployments/", 1)[1].split("/", 1)[0]
            return replace(case, base_url=root, options={**options, "api": "deployments"})
        if "/openai/v1/" in path:
            return replace(case, base_url=root + "/openai/v1", options={**options, "api": "v1"})
        if path.startswith("/models/"):
            return replace(case, base_url=root + "/models", options={**options, "api": "models"})
        return case

    cassette_dir = Path(__file__).parent / "cassettes"

    chat_case = Case(
        "pydantic-ai__test_azure_provider_call.yaml",
        {"model": "gpt-4o", "messages": ["What is the capital of France?"]},
        base_url=PYDANTIC,
        expect_text="Paris",
        expect_finish="stop",
    )
    stream_case = Case(
        "ruby_llm__chat_streaming_responses_azure_grok-4-1-fast-non-reasoning_supports_streaming_responses.yaml",
        {"model": GROK, "messages": ["Count from 1 to 3"]},
        stream=True,
        base_url=FOUNDRY,
        options=MODELS_API,
        expect_text="3",
        expect_finish="stop",
    )
    system_prompt_case = Case(
        "authored__v1_system_prompt.yaml",
        {
            "model": "gpt-4.1-mini",
            "system": "You are a terse assistant. Answer in one word.",
            "messages": ["What is the capital of France?"],
        },
        base_url=EXAMPLE + "/openai/v1",
        expect_text="Paris",
    )
    multi_turn_case = Case(
        "ruby_llm__chat_with_schema_with_azure_grok-4-1-fast-non-reasoning_allows_removing_schema_mid-conversation.yaml",
        {
            "model": GROK,
            "messages": [
                {"role": "user", "content": "Generate a person named Bob"},
                {"role": "assistant", "content": '{"name":"Bob","age":30}'},
                {"role": "user", "content": "Now just tell me about Ruby"},
            ],
        },
        base_url=FOUNDRY,
        options=MODELS_API,
        interaction=1,
        expect_text="Ruby",
    )
    tool_call_case = Case(
        "ruby_llm__chat_function_calling_azure_grok-4-1-fast-non-reasoning_can_use_tools.yaml",
        {"model": GROK, "messages": [BERLIN_Q], "tools": [WEATHER]},
        base_url=FOUNDRY,
        options=MODELS_API,
        expect_tool="weather",
    )
    tool_call_stream_case = Case(
        _TOOL_STREAM,
        {"model": "gpt-4o", "messages": ["What's the weather in Paris?"], "tools": [GET_WEATHER]},
        stream=True,
        base_url=EXAMPLE,
        expect_tool="get_weather",
    )
    tool_round_trip_case = Case(
        "ruby_llm__chat_function_calling_azure_grok-4-1-fast-non-reasoning_can_use_tools.yaml",
        {
            "model": GROK,
            "tools": [WEATHER],
            "messages": [
                {"role": "user", "content": BERLIN_Q},
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "call_28791505",
                            "type": "function",
                            "function": {"name": "weather", "arguments": BERLIN_ARGS},
                        }
                    ],
                },
                {
                    "role": "tool",
                    "tool_call_id": "call_28791505",
                    "content": "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h",
                },
            ],
        },
        base_url=FOUNDRY,
        options=MODELS_API,
        interaction=1,
        expect_text="15°C",
        expect_finish="stop",
    )
    tool_round_trip_stream_case = Case(
        _TOOL_STREAM,
        {
            "model": "gpt-4o",
            "tools": [GET_WEATHER],
            "messages": [
                {"role": "user", "content": "What's the weather in Paris?"},
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "call_Authored0Weather0Paris1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_Authored0Weather0Paris1", "content": "Sunny, 22C"},
            ],
        },
        stream=True,
        base_url=EXAMPLE,
        interaction=1,
        expect_text="sunny",
        expect_finish="stop",
    )
    structured_case = Case(
        "ruby_llm__chat_with_schema_with_azure_grok-4-1-fast-non-reasoning_allows_removing_schema_mid-conversation.yaml",
        {
            "model": GROK,
            "messages": ["Generate a person named Bob"],
            "response_format": {"type": "json_schema", "name": "response", "schema": PERSON_SCHEMA, "strict": True},
        },
        base_url=FOUNDRY,
        options=MODELS_API,
        expect_text="Bob",
    )
    # No chat/stream pair with usage on both sides exists (the openllmetry pair's stream was
    # recorded without stream_options): test_azure_provider compares that pair itself.
    # authored from the "Use vision-enabled chat models" guide (no recording with an image exists)
    vision_case = Case(
        "authored__vision_image_url.yaml",
        {
            "model": "gpt-4o",
            "max_tokens": 100,
            "system": "You are a helpful assistant.",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Describe this picture:"},
                        {"type": "image", "url": "https://example.com/kennedy-profile-in-courage-award.jpg"},
                    ],
                }
            ],
        },
        base_url=EXAMPLE + "/openai/v1",
        expect_text="KENNEDY PROFILE IN COURAGE",
        expect_finish="stop",
    )
    agreement_pairs = ()
    embedding_case = EmbeddingCase(
        OPENLLMETRY_EMBEDDINGS,
        "test-deployment",
        "Tell me a joke about opentelemetry",
        base_url=EMBED_RESOURCE,
        options=EMBED_OPTIONS,
        expect_dimensions=3072,
    )
    embedding_error_cases = {  # the same file's third exchange: the real 401 of an invalid key
        "auth": EmbeddingCase(
            OPENLLMETRY_EMBEDDINGS,
            "test-deployment",
            "Tell me a joke about opentelemetry",
            base_url=EMBED_RESOURCE,
            options=EMBED_OPTIONS,
            interaction=2,
            error=E.AuthenticationError,
        ),
    }
    error_cases = {
        "auth": ErrorCase(
            "ruby_llm__chat_error_handling_with_azure_grok-4-1-fast-non-reasoning_raises_appropriate_auth_error.yaml",
            {"model": GROK, "messages": ["Hello"]},
            base_url=FOUNDRY,
            options=MODELS_API,
            error=E.AuthenticationError,
            status_code=401,
        ),
        "not_found": ErrorCase(
            "openllmetry__test_chat_reasoning.yaml",
            {"model": "gpt-5-nano", "messages": ["Count r's in strawberry"], "reasoning_effort": "low"},
            base_url=TRACELOOP,
            interaction=1,
            error=E.NotFoundError,
            status_code=404,
        ),
        "rate_limit": ErrorCase(
            "ruby_llm__chat_real_error_scenarios_azure_grok-4-1-fast-non-reasoning_handles_context_length_exceeded_"
            "errors.yaml",
            {"model": GROK, "messages": ["Hi"]},
            base_url=FOUNDRY,
            options=MODELS_API,
            error=E.RateLimitError,
            status_code=429,
            expect_retry_after=True,
        ),
        "context_length": ErrorCase(
            "authored__deployments_context_length_400.yaml",
            {"model": "gpt-4o", "messages": ["(a very long prompt)"]},
            base_url=EXAMPLE,
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__deployments_server_error_500.yaml",
            {"model": "gpt-4o", "messages": ["Hello"]},
            base_url=EXAMPLE,
            error=E.ProviderServerError,
            status_code=500,
        ),
        "content_filter": ErrorCase(
            "authored__deployments_content_filter_400.yaml",
            {"model": "gpt-4o", "messages": ["(a prompt the filter rejects)"]},
            base_url=EXAMPLE,
            error=E.ContentFilterError,
            status_code=400,
        ),
        "content_filter_recorded": ErrorCase(
            "openllmetry__test_prompt_content_filtering.yaml",
            {"model": "openllmetry-testing", "messages": ["Tell me a joke about opentelemetry"]},
            base_url=TRACELOOP,
            error=E.ContentFilterError,
        ),
    }
