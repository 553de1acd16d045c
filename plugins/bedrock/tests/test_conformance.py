"""The llmcore conformance kit over Bedrock recordings, with both auth schemes.

``TestBedrockConformance`` signs every request with SigV4 (fake static
credentials, the signer runs for real) and checks each sent request: body
against the Smithy model, signature recomputed over the bytes as sent.
``TestBedrockConformanceBearer`` replays the same cases with a Bedrock API
key (the kit's test key) as ``Authorization: Bearer``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from bedrock_cases import CASSETTES, FAKE, REC, check_body, verify_sigv4
from llmcore import errors as E
from llmcore.builtin_tools import WebSearchTool
from llmcore_testing import TEST_API_KEY, Case, EmbeddingCase, ErrorCase, ProviderConformance, RerankCase
from llmcore_testing.conformance import LosslessCase

NOVA_MICRO = "us.amazon.nova-micro-v1:0"
NOVA_2_LITE = "us.amazon.nova-2-lite-v1:0"
SONNET_45 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HELPFUL = "You are a helpful chatbot."
FRANCE = "What is the capital of France?"

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Get the current weather for a city.",
    "parameters": {
        "additionalProperties": False,
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "type": "object",
    },
}
CAPITAL_TOOLS = [
    {
        "name": "get_capital",
        "description": "Get the capital of a country.",
        "parameters": {
            "properties": {"country": {"description": "The country name.", "title": "Country", "type": "string"}},
            "required": ["country"],
            "type": "object",
            "additionalProperties": False,
        },
    },
    {
        "name": "get_temperature",
        "description": "Get the temperature in a city.",
        "parameters": {
            "properties": {"city": {"description": "The city name.", "title": "City", "type": "string"}},
            "required": ["city"],
            "type": "object",
            "additionalProperties": False,
        },
    },
]
CITY_SCHEMA = {
    "additionalProperties": False,
    "properties": {"city": {"type": "string"}, "country": {"type": "string"}, "population": {"type": "integer"}},
    "required": ["city", "country", "population"],
    "type": "object",
}
CITY_PROMPT = "What is the capital of France? Give me the city name, country, and population."

WEATHER_CALL = {
    "role": "assistant",
    "content": [
        {
            "type": "tool_call",
            "id": "tooluse_XjTErzm6TpyMMpDviNVY3g",
            "name": "get_weather",
            "arguments": {"city": "Paris"},
        },
    ],
}
TEMPERATURE_TURN = {
    "role": "assistant",
    "content": [
        {
            "type": "text",
            "text": "<thinking> To find the temperature of the capital of France, I need to first determine "
            "the capital of France and then get the current temperature in that city. The capital of France is Paris. I "
            'will use the "get_temperature" tool to find the current temperature in Paris.</thinking>\n',
        },
        {
            "type": "tool_call",
            "id": "tooluse_lAG_zP8QRHmSYOwZzzaCqA",
            "name": "get_temperature",
            "arguments": {"city": "Paris"},
        },
    ],
}


#: InvokeModel embeddings, Cohere embed-v4 through a US inference profile (ruby_llm); Titan v2 and Nova in
#: test_embeddings.py
EMBED_COHERE = EmbeddingCase(
    "ruby_llm__embedding_bedrock_embedding_dialects_bedrock_us_cohere_embed-v4_0_embeds_multiple_texts_with_custom_"
    "dimensions.yaml",
    "us.cohere.embed-v4:0",
    ["Ruby", "Python", "JavaScript"],
    {"dimensions": 512, "input_type": "document"},
)

#: Rerank on the Agents for Amazon Bedrock Runtime endpoint (authored request, vercel/ai's body fixture)
RERANK = RerankCase(
    "authored__rerank_cohere_v3_5.yaml",
    "cohere.rerank-v3-5:0",
    "rainy day",
    [
        "Rain is expected all day; take an umbrella.",
        "A sunny day at the beach.",
        "The museum is open until six on weekdays.",
        "Fresh bread is baked every morning.",
        "The train to the airport leaves every ten minutes.",
        "Puddles and grey skies: a rainy day in the city.",
    ],
    top_n=2,
)

#: Claude 3 Sonnet (on demand), the model of the "Image" example in the Converse API examples
CLAUDE_3_SONNET = "anthropic.claude-3-sonnet-20240229-v1:0"


def _pig_png() -> str:
    """The base64 PNG in the authored vision cassette's request (the image of Ollama's documented images
    example: the Bedrock example reads a local file of the reader's)."""
    body = REC.request_body("authored__vision_image_bytes.yaml")
    return body["messages"][0]["content"][1]["image"]["source"]["bytes"]  # type: ignore[no-any-return]


PIG_PNG = _pig_png()


def _tool_result(call_id: str, text: str) -> dict[str, Any]:
    return {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": call_id, "content": text}]}


NOVA_GROUNDING = (
    "ruby_llm__chat_web_search_with_bedrock_amazon_nova-2-lite-v1_0_grounds_the_answer_with_web_citations.yaml"
)
PROMPT_CACHE = "ruby_llm__chat_prompt_cache_round-trip_bedrock_claude-haiku-4-5_writes_then_reads_the_prompt_cache.yaml"


class TestBedrockConformance(ProviderConformance):
    provider = "bedrock"
    cassette_dir = CASSETTES

    chat_case = Case(
        "pydantic-ai__test_bedrock_model.yaml",
        {"model": NOVA_MICRO, "system": "You are a chatbot.", "messages": ["Hello!"]},
        expect_finish="stop",
    )
    system_prompt_case = chat_case
    stream_case = Case(
        "pydantic-ai__test_bedrock_model_stream.yaml",
        {"model": NOVA_MICRO, "system": HELPFUL, "messages": [FRANCE], "temperature": 0.0},
        stream=True,
        expect_text="Paris",
        expect_finish="stop",
    )
    #: the same prompt as stream_case, non-streamed (with a guardrail passed through provider_options)
    france_chat_case = Case(
        "pydantic-ai__test_bedrock_model_guardrail_config.yaml",
        {
            "model": NOVA_MICRO,
            "system": HELPFUL,
            "messages": [FRANCE],
            "provider_options": {
                "bedrock": {
                    "guardrailConfig": {
                        "guardrailIdentifier": "xbgw7g293v7o",
                        "guardrailVersion": "DRAFT",
                        "trace": "enabled",
                    }
                }
            },
        },
        expect_text="Paris",
    )
    multi_turn_case = Case(
        "llm-bedrock__test_conversation.yaml",
        {
            "model": "us.amazon.nova-lite-v1:0",
            "system": "One word answer",
            "messages": [FRANCE, {"role": "assistant", "content": "Paris"}, "Germany?"],
        },
        stream=True,
        interaction=1,
        options={"region": "us-west-2"},
        expect_text="Berlin",
    )
    tool_call_case = Case(
        "pydantic-ai__test_tool_choice_matrix_auto-bedrock_.yaml",
        {
            "model": SONNET_45,
            "messages": ["What's the weather in Paris?"],
            "tools": [WEATHER_TOOL],
            "tool_choice": "auto",
        },
        expect_tool="get_weather",
        expect_finish="tool_calls",
    )
    tool_round_trip_case = Case(
        "pydantic-ai__test_tool_choice_matrix_auto-bedrock_.yaml",
        {
            "model": SONNET_45,
            "tools": [WEATHER_TOOL],
            "tool_choice": "auto",
            "messages": [
                "What's the weather in Paris?",
                WEATHER_CALL,
                _tool_result("tooluse_XjTErzm6TpyMMpDviNVY3g", "Sunny, 22C in Paris"),
            ],
        },
        interaction=1,
        expect_text="sunny",
        expect_finish="stop",
    )
    tool_call_stream_case = Case(
        "pydantic-ai__test_bedrock_model_iter_stream.yaml",
        {
            "model": NOVA_MICRO,
            "system": HELPFUL,
            "top_p": 0.5,
            "tools": CAPITAL_TOOLS,
            "messages": ["What is the temperature of the capital of France?"],
        },
        stream=True,
        expect_tool="get_temperature",
        expect_finish="tool_calls",
    )
    tool_round_trip_stream_case = Case(
        "pydantic-ai__test_bedrock_model_iter_stream.yaml",
        {
            "model": NOVA_MICRO,
            "system": HELPFUL,
            "top_p": 0.5,
            "tools": CAPITAL_TOOLS,
            "messages": [
                "What is the temperature of the capital of France?",
                TEMPERATURE_TURN,
                _tool_result("tooluse_lAG_zP8QRHmSYOwZzzaCqA", "30°C"),
            ],
        },
        stream=True,
        interaction=1,
        expect_text="30",
        expect_finish="stop",
    )
    structured_case = Case(
        "pydantic-ai__test_bedrock_native_output_supported_model.yaml",
        {
            "model": "us.anthropic.claude-sonnet-4-6",
            "messages": [CITY_PROMPT],
            "response_format": {"type": "json_schema", "name": "CityInfo", "schema": CITY_SCHEMA},
        },
        expect_finish="stop",
    )
    structured_stream_case = Case(
        "pydantic-ai__test_bedrock_native_output_stream.yaml",
        {
            "model": SONNET_45,
            "messages": [CITY_PROMPT],
            "response_format": {"type": "json_schema", "name": "CityInfo", "schema": CITY_SCHEMA},
        },
        stream=True,
        expect_finish="stop",
    )
    reasoning_case = Case(
        "pydantic-ai__test_bedrock_model_thinking_part_stream.yaml",
        {
            "model": "us.anthropic.claude-sonnet-4-20250514-v1:0",
            "messages": ["Hello"],
            "provider_options": {
                "bedrock": {"additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}}}
            },
        },
        stream=True,
        expect_finish="stop",
    )
    count_tokens_case = Case(
        "pydantic-ai__test_bedrock_count_tokens_tool_config.yaml",
        {
            "model": "us.anthropic.claude-sonnet-4-20250514-v1:0",
            "messages": ["What is the weather in Paris?"],
            "tools": [
                {
                    "name": "get_weather",
                    "description": "Get the weather for a location",
                    "parameters": {"type": "object", "properties": {"location": {"type": "string"}}},
                }
            ],
            "tool_choice": "auto",
        },
    )
    # authored from the Converse API "Image" example (no recording with an image exists): base64 bytes
    vision_case = Case(
        "authored__vision_image_bytes.yaml",
        {
            "model": CLAUDE_3_SONNET,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What's in this image?"},
                        {"type": "image", "data": PIG_PNG, "media_type": "image/png"},
                    ],
                }
            ],
        },
        expect_text="pig",
        expect_finish="stop",
    )
    embedding_case = EMBED_COHERE
    rerank_case = RERANK
    # Capabilities.prompt_caching: cache_prompt=True puts a cachePoint after the recorded system prompt;
    # turn two reads it (placement and Usage in detail: tests/test_bedrock_prompt_cache.py)
    lossless_cases: ClassVar[dict[str, Case]] = {
        "prompt_caching": LosslessCase(
            PROMPT_CACHE,
            {
                "model": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                "messages": ["Reply with exactly: OK"],
                "system": REC.request_body(PROMPT_CACHE)["system"][0]["text"],
                "cache_prompt": True,
            },
            interaction=1,
        ),
        # Capabilities.server_tools: Nova web grounding asked for with the neutral spec; its sources
        # come back as citations
        "web_search": LosslessCase(
            NOVA_GROUNDING,
            {"model": "us.amazon.nova-2-lite-v1:0", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
            evidence="citations",
        ),
    }
    agreement_pairs = (
        ("france_chat_case", "stream_case"),
        ("structured_case", "structured_stream_case"),
    )
    lossless_check = True
    error_cases: ClassVar[dict[str, ErrorCase]] = {
        "auth": ErrorCase(
            "ruby_llm__chat_error_handling_with_bedrock_amazon_nova-2-lite-v1_0_raises_appropriate_auth_error.yaml",
            {"model": NOVA_2_LITE, "messages": ["Hello"]},
            error=E.AuthenticationError,
            status_code=403,
        ),
        "permission": ErrorCase(
            "authored__access_denied_403.yaml",
            {"model": NOVA_MICRO, "messages": ["Hello"]},
            error=E.PermissionDeniedError,
            status_code=403,
        ),
        "not_found": ErrorCase(
            "pydantic-ai__test_bedrock_error.yaml",
            {"model": "us.does-not-exist-model-v1:0", "messages": ["hello"]},
            error=E.NotFoundError,
            status_code=400,
        ),
        "not_found_stream": ErrorCase(
            "pydantic-ai__test_bedrock_streaming_error.yaml",
            {"model": "us.does-not-exist-model-v1:0", "messages": ["hello"]},
            stream=True,
            error=E.NotFoundError,
            status_code=400,
        ),
        "not_found_typo": ErrorCase(
            "pydantic-ai__test_model_name_suggestion_bedrock_.yaml",
            {"model": "us.amazon.nova-micro-v1:O", "messages": ["hello"]},
            error=E.NotFoundError,
            status_code=400,
        ),
        "rate_limit": ErrorCase(
            "authored__throttling_429.yaml",
            {"model": NOVA_MICRO, "messages": ["Hello"]},
            error=E.RateLimitError,
            status_code=429,
        ),
        "context_length": ErrorCase(
            "ruby_llm__chat_real_error_scenarios_bedrock_amazon_nova-2-lite-v1_0_handles_context_length_exceeded_"
            "errors.yaml",
            {
                "model": NOVA_2_LITE,
                "messages": [
                    {"role": "user" if i % 2 == 0 else "assistant", "content": "<MASSIVE_TEXT>"} for i in range(10)
                ]
                + ["Hi"],
            },
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__internal_server_500.yaml",
            {"model": NOVA_MICRO, "messages": ["Hello"]},
            error=E.ProviderServerError,
            status_code=500,
        ),
        "server_unavailable": ErrorCase(
            "authored__service_unavailable_503.yaml",
            {"model": NOVA_MICRO, "messages": ["Hello"]},
            error=E.ProviderServerError,
            status_code=503,
        ),
        "stream_throttling": ErrorCase(
            "authored__stream_throttling_exception.yaml",
            {"model": NOVA_MICRO, "messages": ["Hello"]},
            stream=True,
            error=E.RateLimitError,
        ),
        "stream_model_error": ErrorCase(
            "authored__stream_model_stream_error.yaml",
            {"model": NOVA_MICRO, "messages": ["Hello"]},
            stream=True,
            error=E.ProviderServerError,
        ),
        "stream_too_long": ErrorCase(
            "authored__stream_validation_too_long.yaml",
            {"model": NOVA_MICRO, "messages": ["Hello"]},
            stream=True,
            error=E.ContextWindowExceededError,
        ),
    }

    def make_provider(self, client: Any, case: Case) -> Any:
        """SigV4 with fake static credentials (signed for real); no API key."""
        from llmcore.facade import load_provider
        from llmcore.plugins import get_registry

        spec = get_registry().get(self.provider)
        assert spec is not None
        return load_provider(spec, base_url=case.base_url, http_client=client, options=FAKE.options(**case.options))

    def model_options(self, case: Case) -> dict[str, Any]:
        """The same credentials as :meth:`make_provider`, as ``llmcore.model`` options."""
        return FAKE.options(**case.options)

    def validate_request(self, request: Any) -> None:
        check_body(request)
        region = verify_sigv4(request)
        # the kit replays on a loopback server: the URL's host is no region's endpoint, but the
        # signature must be for a real region (host → region is covered in test_auth.py)
        assert re.fullmatch(r"[a-z]{2}(-gov)?-[a-z]+-\d", region), region

    def test_stream_exception_keeps_partial_text(self) -> None:
        """A stream that fails after some text raised the typed error; the
        text before it was delivered as events first."""
        res = self.run(self.error_cases["stream_throttling"])
        assert isinstance(res.error, E.RateLimitError)
        assert [e.type for e in res.events][:2] == ["metadata", "text"]
        assert res.error.code == "throttlingException" and "Too many tokens" in res.error.message
        assert res.error.request_id == "00000000-0000-4000-8000-000000001429"

    def test_errors_never_contain_credentials(self) -> None:
        for case in self.error_cases.values():
            err = self.run(case).error
            assert err is not None
            text = " ".join([str(err), repr(err), str(err.raw or "")])
            for secret in FAKE.secrets():
                assert secret not in text
            assert "Signature=" not in text and "AWS4-HMAC-SHA256" not in text


class TestBedrockConformanceBearer(TestBedrockConformance):
    """The same recordings with a Bedrock API key (``Authorization: Bearer``)."""

    def make_provider(self, client: Any, case: Case) -> Any:
        return ProviderConformance.make_provider(self, client, case)  # the kit's: api_key=TEST_API_KEY

    def model_options(self, case: Case) -> dict[str, Any]:
        return ProviderConformance.model_options(self, case)

    def validate_request(self, request: Any) -> None:
        check_body(request)
        assert request.headers["authorization"] == f"Bearer {TEST_API_KEY}"
        assert "x-amz-date" not in request.headers and "x-amz-security-token" not in request.headers
