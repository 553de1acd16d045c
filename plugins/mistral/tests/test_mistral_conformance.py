"""The llmcore conformance kit on Mistral recordings (openllmetry, magentic, pydantic-ai,
ruby_llm) and authored cassettes; every request body is validated against Mistral's
OpenAPI spec (which rejects unknown fields)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore_testing import Case, EmbeddingCase, ErrorCase, ProviderConformance
from mistral_cases import JOKE, recorded_request, recorded_tools, validate

_AUTO = "pydantic-ai__test_tool_choice_matrix_auto-mistral_.yaml"
_SCHEMA = "ruby_llm__chat_with_schema_with_mistral_mistral-small-latest_allows_removing_schema_mid-conversation.yaml"
_PLUS = "magentic__test_mistral_chat_model_complete_function_call.yaml"
_THINK = "pydantic-ai__test_mistral_model_thinking_part.yaml"


def _messages(cassette: str, interaction: int) -> list[dict[str, Any]]:
    return recorded_request(cassette, interaction)["messages"]  # type: ignore[no-any-return]


class TestMistralConformance(ProviderConformance):
    provider = "mistral"
    lossless_check = True

    def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
        """Mistral's answers only: pydantic-ai's thinking-part cassette opens with an OpenAI Responses call
        (api.openai.com), which a Mistral request would not reach (the loopback server would answer it
        with the cassette's Mistral interaction instead)."""
        if "api.mistral.ai" not in str(recorded["request"].get("uri", "")):
            return None
        return super().lossless_replay_case(cassette, interaction, recorded)

    cassette_dir = Path(__file__).parent / "cassettes"

    # openllmetry recorded the same prompt non-streamed and streamed
    chat_case = Case(
        "openllmetry__test_mistralai_chat_legacy.yaml",
        {"model": "mistral-tiny", "messages": [JOKE]},
        expect_finish="stop",
    )
    stream_case = Case(
        "openllmetry__test_mistralai_streaming_chat_legacy.yaml",
        {"model": "mistral-tiny", "messages": [JOKE]},
        stream=True,
        expect_finish="stop",
    )
    system_prompt_case = Case(
        "authored__system_prompt.yaml",
        {
            "model": "mistral-large-latest",
            "system": "Answer in one short sentence.",
            "messages": ["Who is the best French painter?"],
        },
        expect_text="Monet",
    )
    multi_turn_case = Case(
        _SCHEMA, {"model": "mistral-small-latest", "messages": _messages(_SCHEMA, 1)}, interaction=1, expect_text="Ruby"
    )
    tool_call_case = Case(
        _AUTO,
        {
            "model": "mistral-large-latest",
            "messages": ["What's the weather in Paris?"],
            "tools": recorded_tools(_AUTO),
            "tool_choice": "auto",
        },
        expect_tool="get_weather",
    )
    tool_round_trip_case = Case(
        _AUTO,
        {
            "model": "mistral-large-latest",
            "tools": recorded_tools(_AUTO),
            "tool_choice": "auto",
            "messages": [
                {"role": "user", "content": "What's the weather in Paris?"},
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "KikbB849t",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "KikbB849t", "content": "Sunny, 22C in Paris"},
            ],
        },
        interaction=1,
        expect_text="sunny",
        expect_finish="stop",
    )
    # magentic asked with tool_choice "any" (llmcore's "required")
    tool_call_stream_case = Case(
        _PLUS,
        {
            "model": "mistral-large-latest",
            "messages": ["Use the tool to sum 1 and 2"],
            "tools": recorded_tools(_PLUS),
            "tool_choice": "required",
        },
        stream=True,
        expect_tool="plus",
    )
    structured_case = Case(
        _SCHEMA,
        {
            "model": "mistral-small-latest",
            "messages": ["Generate a person named Bob"],
            "response_format": {
                "type": "json_schema",
                "name": "response",
                "strict": True,
                "schema": recorded_request(_SCHEMA)["response_format"]["json_schema"]["schema"],
            },
        },
        expect_text="Bob",
    )
    # Magistral: thinking content chunks in a non-streamed answer (a 3-turn conversation)
    reasoning_case = Case(
        _THINK,
        {
            "model": "magistral-medium-latest",
            "messages": [
                {"role": "user", "content": "How do I cross the street?"},
                {"role": "assistant", "content": "Look both ways, use a crosswalk and wait for the walk signal."},
                {"role": "user", "content": _messages(_THINK, 1)[-1]["content"]},
            ],
        },
        interaction=1,
        expect_text="river",
    )
    # authored from the "Analyze an image" quickstart (no recording with an image exists)
    vision_case = Case(
        "authored__vision_image_url.yaml",
        {
            "model": "mistral-small-latest",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is in this image? Answer in one sentence."},
                        {"type": "image", "url": "https://docs.mistral.ai/img/eiffel-tower-paris.jpg"},
                    ],
                }
            ],
        },
        expect_text="Eiffel Tower",
        expect_finish="stop",
    )
    # POST /v1/embeddings, recorded by ruby_llm (one text; we send it as a one-element list)
    embedding_case = EmbeddingCase(
        "ruby_llm__embedding_basic_functionality_mistral_mistral-embed_can_handle_a_single_text.yaml",
        "mistral-embed",
        "Ruby is a programmer's best friend",
        expect_dimensions=1024,
    )
    agreement_pairs = (("chat_case", "stream_case"),)
    error_cases = {
        "auth": ErrorCase(
            "ruby_llm__chat_error_handling_with_mistral_mistral-small-latest_raises_appropriate_auth_error.yaml",
            {"model": "mistral-small-latest", "messages": ["Hello"]},
            error=E.AuthenticationError,
            status_code=401,
        ),
        "not_found": ErrorCase(
            "authored__invalid_model_400.yaml",
            {"model": "mistral-smol-latest", "messages": ["Hello"]},
            error=E.NotFoundError,
            status_code=400,
        ),
        "rate_limit": ErrorCase(
            "authored__rate_limited_429.yaml",
            {"model": "mistral-small-latest", "messages": ["Hello"]},
            error=E.RateLimitError,
            status_code=429,
        ),
        "context_length": ErrorCase(
            "authored__context_length_400.yaml",
            {"model": "mistral-small-latest", "messages": ["(a very long prompt)"]},
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__service_unavailable_503.yaml",
            {"model": "mistral-small-latest", "messages": ["Hello"]},
            error=E.ProviderServerError,
            status_code=503,
        ),
    }

    def validate_request(self, request: Any) -> None:
        validate(request)
