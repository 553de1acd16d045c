"""The llmcore conformance kit against recorded OpenAI and OpenAI-compatible traffic.

Each Case names a cassette (see cassettes/SOURCES.md) and rebuilds the request
that produced it, read from the cassette's recorded request body. Cassettes
that record a conversation are replayed from a later request with
``interaction=N``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from llmcore import errors as E
from llmcore.builtin_tools import FileSearchTool, WebSearchTool
from llmcore_testing import Case, EmbeddingCase, ErrorCase, ProviderConformance, RerankCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import LosslessCase
from openai_spec import validate_openai_request

CASSETTES = Path(__file__).parent / "cassettes"
RESPONSES = {"api": "responses"}
PROMPT_CACHE = "ruby_llm__chat_prompt_cache_round-trip_openai_gpt-5_2_reuses_the_prompt_cache_with_a_shared_key.yaml"

#: Capabilities.server_tools, asked for with the neutral specs (llmcore.builtin_tools) on the
#: Responses API: the recorded answers' server-tool parts must come out (both classes: one spec)
SERVER_TOOLS_LOSSLESS = {
    "web_search": LosslessCase(
        "ruby_llm__chat_web_search_with_openai_gpt-5_2_searches_and_records_the_tool_call_items.yaml",
        {"model": "gpt-5.2", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
        options=RESPONSES,
    ),
    "web_search:stream": LosslessCase(
        "mirascope__python__tests__e2e__input__cassettes__test_web_search_tool_stream__openai_gpt_4o_responses.yaml",
        {"model": "gpt-4o", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
        stream=True,
        options=RESPONSES,
    ),
    "file_search": LosslessCase(
        "logfire__test_file_search.yaml",
        {
            "model": "gpt-4o",
            "messages": ["Search my files"],
            "builtin_tools": [FileSearchTool(vector_store_ids=["vs_67cd9e6afeb4819198cbffafab95d8ba"], max_results=1)],
        },
        options=RESPONSES,
    ),
    # Capabilities.prompt_caching: cache_prompt=CachePoint(key=...) -> prompt_cache_key, turn two reads
    # 6016 cached tokens (details: tests/test_openai_prompt_cache.py)
    "prompt_caching": LosslessCase(
        PROMPT_CACHE,
        {
            "model": "gpt-5.2",
            "messages": ["Reply with exactly: OK"],
            "cache_prompt": {"key": "rubyllm-test"},
            "system": Recordings(CASSETTES).request_body(PROMPT_CACHE)["instructions"],
        },
        interaction=1,
        options=RESPONSES,
    ),
}
#: claimed server tools no HTTP recording shows (cassettes/SOURCES.md); request shapes: test_openai_builtin_tools.py
UNRECORDED_SERVER_TOOLS = {
    "code_execution": "code_interpreter_call is shown only by vercel/ai response bodies",
    "mcp": "the one recording (activeagent, mcp_list_tools) is not converted yet; mcp_call only as a vercel/ai body",
    "image_generation": "no recording of an untruncated image_generation_call exists",
}

# -- shared requests, as recorded ---------------------------------------------------

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Get the current weather for a city.",
    "parameters": {
        "additionalProperties": False,
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "type": "object",
    },
    "strict": True,
}
MULTIPLY_TOOL = {
    "name": "multiply",
    "description": "Multiply two numbers.",
    "parameters": {
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
        "type": "object",
    },
}
USER_COUNTRY_TOOL = {
    "name": "get_user_country",
    "description": "",
    "parameters": {"additionalProperties": False, "properties": {}, "type": "object"},
}
CITY_SCHEMA = {
    "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
    "required": ["city", "country"],
    "type": "object",
}
MULTIPLY_Q = "What is 1231 * 2331? Use the multiply tool."
# the image of the "Image input" examples of OpenAI's API reference (the vision cassettes are authored from them)
BOARDWALK = (
    "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
    "/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
)


def multiply_round_trip(call_id: str, question: str) -> list[dict[str, Any]]:
    return [
        {"role": "user", "content": question},
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": "multiply", "arguments": '{"a": 1231, "b": 2331}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call_id, "content": "2869461"},
    ]


def _validate(request: Any) -> None:
    validate_openai_request(request)


# -- openai, Chat Completions ----------------------------------------------------------


# POST /embeddings, recorded by ruby_llm (JSON floats, dimensions=768); the provider asks for base64
EMBEDDING = EmbeddingCase(
    "ruby_llm__embedding_basic_functionality_openai_text-embedding-3-small_can_handle_multiple_texts_with_custom_dimensions.yaml",
    "text-embedding-3-small",
    ["Ruby", "Python", "JavaScript"],
    {"dimensions": 768},
)


class TestOpenAIChatConformance(ProviderConformance):
    """``openai`` with the default ``api="chat"``."""

    provider = "openai"
    # every recorded answer in cassettes/, Chat Completions and Responses alike (once, in this class)
    lossless_check = True
    answer_path_options: ClassVar[dict[str, dict[str, Any]]] = {"/responses": {"api": "responses"}}

    cassette_dir = CASSETTES
    lossless_cases = SERVER_TOOLS_LOSSLESS
    unrecorded_server_tools = UNRECORDED_SERVER_TOOLS
    embedding_case = EMBEDDING

    chat_case = Case(
        "pydantic-ai__test_max_completion_tokens_o3-mini_.yaml",
        {"model": "o3-mini", "messages": ["hello"], "max_tokens": 100},
        expect_finish="stop",
    )
    stream_case = Case(
        "pydantic-ai__test_openai_moderation_stream.yaml",
        {
            "model": "gpt-5",
            "messages": ["What is the capital of France?"],
            "provider_options": {"openai": {"moderation": {"model": "omni-moderation-latest"}}},
        },
        stream=True,
        expect_text="Paris",
        expect_finish="stop",
    )
    system_prompt_case = Case(
        "pydantic-ai__test_openai_instructions.yaml",
        {"model": "gpt-4o", "system": "You are a helpful assistant.", "messages": ["What is the capital of France?"]},
        expect_text="Paris",
    )
    multi_turn_case: ClassVar[Case | None] = None  # set below (long recorded history)
    tool_call_case = Case(
        "pydantic-ai__test_tool_choice_matrix_auto-openai_.yaml",
        {
            "model": "gpt-5-mini",
            "messages": ["What's the weather in Paris?"],
            "tools": [WEATHER_TOOL],
            "tool_choice": "auto",
        },
        expect_tool="get_weather",
    )
    tool_call_stream_case = Case(
        "llm__test_tool_use_basic.yaml",
        {"model": "gpt-4o-mini", "messages": ["What is 1231 * 2331?"], "tools": [MULTIPLY_TOOL]},
        stream=True,
        expect_tool="multiply",
    )
    tool_round_trip_case = Case(
        "pydantic-ai__test_tool_choice_matrix_auto-openai_.yaml",
        {
            "model": "gpt-5-mini",
            "tools": [WEATHER_TOOL],
            "tool_choice": "auto",
            "messages": [
                {"role": "user", "content": "What's the weather in Paris?"},
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "call_aDdJTteHrpMdhdkEkyxjxEHH",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_aDdJTteHrpMdhdkEkyxjxEHH", "content": "Sunny, 22C in Paris"},
            ],
        },
        interaction=1,
        expect_text="Paris",
        expect_finish="stop",
    )
    tool_round_trip_stream_case = Case(
        "llm__test_tool_use_basic.yaml",
        {
            "model": "gpt-4o-mini",
            "tools": [MULTIPLY_TOOL],
            "messages": multiply_round_trip("call_1EYWDzueHEp8OsB8jJSEp7WB", "What is 1231 * 2331?"),
        },
        stream=True,
        interaction=1,
        expect_finish="stop",
    )
    structured_case = Case(
        "pydantic-ai__test_openai_native_output.yaml",
        {
            "model": "gpt-4o",
            "tools": [USER_COUNTRY_TOOL],
            "tool_choice": "auto",
            "response_format": {"type": "json_schema", "name": "result", "schema": CITY_SCHEMA, "strict": False},
            "messages": [
                {"role": "user", "content": "What is the largest city in the user country?"},
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "call_PkRGedQNRFUzJp2R7dO7avWR",
                            "type": "function",
                            "function": {"name": "get_user_country", "arguments": "{}"},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_PkRGedQNRFUzJp2R7dO7avWR", "content": "Mexico"},
            ],
        },
        interaction=1,
        expect_text="Mexico City",
    )
    # OpenAI returns no reasoning text on Chat Completions: the openai provider's
    # reasoning is proven through its Responses API (same provider, api option).
    reasoning_case = Case(
        "pydantic-ai__test_openai_responses_thinking_with_tool_calls.yaml",
        {
            "model": "gpt-5",
            "reasoning_effort": "low",
            "system": "You are a helpful assistant that uses planning. You MUST use the update_plan tool and continually "
            "update it as you make progress against the user's prompt",
            "messages": [
                "Compose a 12-line poem where the first letters of the odd-numbered lines form the name "
                '"SAMIRA" and the first letters of the even-numbered lines spell out "DAWOOD." Additionally, '
                "the first letter of each word in every line should create the capital of a country"
            ],
            "tools": [
                {
                    "name": "update_plan",
                    "parameters": {
                        "additionalProperties": False,
                        "properties": {"plan": {"type": "string"}},
                        "required": ["plan"],
                        "type": "object",
                    },
                    "strict": True,
                }
            ],
            "tool_choice": "auto",
            "provider_options": {"openai": {"reasoning": {"effort": "low", "summary": "detailed"}}},
        },
        options=RESPONSES,
        expect_tool="update_plan",
    )
    # authored from the API reference's "Image input" example (no recording with an image exists)
    vision_case = Case(
        "authored__vision_chat_image_url.yaml",
        {
            "model": "gpt-5.4",
            "max_tokens": 300,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is in this image?"},
                        {"type": "image", "url": BOARDWALK},
                    ],
                }
            ],
        },
        expect_text="boardwalk",
        expect_finish="stop",
    )
    # tiktoken counts locally (no request): the cassette is never played.
    count_tokens_case = Case(
        "pydantic-ai__test_openai_instructions.yaml",
        {"model": "gpt-4", "system": "You are a helpful assistant.", "messages": ["What is the capital of France?"]},
    )
    # No chat/stream pair of the same prompt exists for Chat Completions; the
    # differential test compares each recording with the official SDK instead.
    agreement_pairs = ()
    error_cases = {
        "auth": ErrorCase(
            "mirascope__openai_gpt_4o_completions.yaml",
            {"model": "gpt-4o", "messages": ["This should fail with AuthenticationError"]},
            error=E.AuthenticationError,
            status_code=401,
        ),
        "not_found": ErrorCase(
            "mirascope__python__tests__e2e__input__cassettes__test_model_not_found__openai_gpt_4o_completions.yaml",
            {"model": "this-model-does-not-exist-12345", "messages": ["This should fail with NotFoundError"]},
            error=E.NotFoundError,
            status_code=404,
        ),
        "not_found_stream": ErrorCase(
            "mirascope__python__tests__e2e__input__cassettes__test_model_not_found_stream__openai_gpt_4o_completions"
            ".yaml",
            {"model": "this-model-does-not-exist-12345", "messages": ["This should fail with NotFoundError"]},
            stream=True,
            error=E.NotFoundError,
            status_code=404,
        ),
        "rate_limit": ErrorCase(
            "authored__chat_rate_limit_429.yaml",
            {"model": "gpt-4o-mini", "messages": ["Hello"]},
            error=E.RateLimitError,
            status_code=429,
            expect_retry_after=True,
        ),
        "insufficient_quota": ErrorCase(
            "authored__chat_insufficient_quota_429.yaml",
            {"model": "gpt-4o-mini", "messages": ["Hello"]},
            error=E.PermissionDeniedError,
            status_code=429,
        ),
        "context_length": ErrorCase(
            "authored__chat_context_length_400.yaml",
            {"model": "gpt-4o-mini", "messages": ["(a very long prompt)"]},
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__chat_server_error_500.yaml",
            {"model": "gpt-4o-mini", "messages": ["Hello"]},
            error=E.ProviderServerError,
            status_code=500,
        ),
        "invalid_param": ErrorCase(
            "pydantic-ai__test_openai_web_search_tool_model_not_supported.yaml",
            {
                "model": "gpt-4o",
                "system": "You are a helpful assistant.",
                "messages": ["What day is today?"],
                "provider_options": {"openai": {"web_search_options": {"search_context_size": "low"}}},
            },
            error=E.InvalidRequestError,
            status_code=400,
        ),
    }

    def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
        """OpenAI's own recordings; the ``compat-*`` ones (other servers) are
        ``TestOpenAICompatibleConformance``'s, and ``llm__test_tools_streaming_variant_a.yaml`` holds
        OpenRouter's chunks recorded under an api.openai.com request (cassettes/SOURCES.md: not an OpenAI
        response; its ``provider`` and ``native_finish_reason`` are OpenRouter's, which llmcore-openrouter keeps)."""
        if cassette.startswith("compat-") or cassette == "llm__test_tools_streaming_variant_a.yaml":
            return None
        return super().lossless_replay_case(cassette, interaction, recorded)

    def validate_request(self, request: Any) -> None:
        _validate(request)


def _thinking_part_history() -> list[dict[str, Any]]:
    """The multi-turn history pydantic-ai sent in its second request (read from the cassette)."""
    import json

    from llmcore_testing.cassette_format import deserialize

    data = deserialize((CASSETTES / "pydantic-ai__test_openai_model_thinking_part.yaml").read_text())
    body = json.loads(data["interactions"][1]["request"]["body"])
    return body["messages"]


TestOpenAIChatConformance.multi_turn_case = Case(
    "pydantic-ai__test_openai_model_thinking_part.yaml",
    {"model": "o3-mini", "reasoning_effort": "high", "messages": _thinking_part_history()},
    interaction=1,
    expect_text="river",
)


# -- openai, Responses API ---------------------------------------------------------------


class TestOpenAIResponsesConformance(ProviderConformance):
    """``openai`` with ``api="responses"``."""

    provider = "openai"
    cassette_dir = CASSETTES
    lossless_cases = SERVER_TOOLS_LOSSLESS
    unrecorded_server_tools = UNRECORDED_SERVER_TOOLS
    embedding_case = EMBEDDING

    chat_case = Case(
        "llm__test_responses_basic_non_streaming.yaml",
        {"model": "gpt-5.5", "messages": ["Reply with exactly: pong"], "reasoning_effort": "low"},
        options=RESPONSES,
        expect_text="pong",
        expect_finish="stop",
    )
    stream_case = Case(
        "llm__test_responses_basic_streaming.yaml",
        {"model": "gpt-5.5", "messages": ["Reply with exactly: pong"], "reasoning_effort": "low"},
        stream=True,
        options=RESPONSES,
        expect_text="pong",
        expect_finish="stop",
    )
    system_prompt_case = TestOpenAIChatConformance.reasoning_case
    reasoning_case = TestOpenAIChatConformance.reasoning_case
    # multi_turn_case: set below (rebuilt from the recording; it carries encrypted reasoning)
    tool_call_case = Case(
        "llm__test_responses_tool_use.yaml",
        {"model": "gpt-5.5", "messages": [MULTIPLY_Q], "tools": [MULTIPLY_TOOL], "reasoning_effort": "low"},
        options=RESPONSES,
        expect_tool="multiply",
    )
    tool_call_stream_case = Case(
        "llm__test_responses_tool_use_streaming.yaml",
        {"model": "gpt-5.5", "messages": [MULTIPLY_Q], "tools": [MULTIPLY_TOOL], "reasoning_effort": "low"},
        stream=True,
        options=RESPONSES,
        expect_tool="multiply",
    )
    tool_round_trip_case = Case(
        "llm__test_responses_tool_use.yaml",
        {
            "model": "gpt-5.5",
            "tools": [MULTIPLY_TOOL],
            "reasoning_effort": "low",
            "messages": multiply_round_trip("call_nJmCK7SJe3ajdYYplIbH0KgL", MULTIPLY_Q),
        },
        options=RESPONSES,
        interaction=1,
        expect_text="2,869,461",
        expect_finish="stop",
    )
    tool_round_trip_stream_case = Case(
        "llm__test_responses_tool_use_streaming.yaml",
        {
            "model": "gpt-5.5",
            "tools": [MULTIPLY_TOOL],
            "reasoning_effort": "low",
            "messages": multiply_round_trip("call_sVidsfFJ6zlzRpelrPkTPlpd", MULTIPLY_Q),
        },
        stream=True,
        options=RESPONSES,
        interaction=1,
        expect_text="2,869,461",
        expect_finish="stop",
    )
    structured_case = Case(
        "pydantic-ai__test_native_output.yaml",
        {
            "model": "gpt-4o",
            "tool_choice": "auto",
            "tools": [dict(USER_COUNTRY_TOOL, strict=False)],
            "response_format": {
                "type": "json_schema",
                "name": "CityLocation",
                "schema": dict(CITY_SCHEMA, additionalProperties=False),
                "strict": True,
            },
            "messages": [
                {"role": "user", "content": "What is the largest city in the user country?"},
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "call_tTAThu8l2S9hNky2krdwijGP",
                            "type": "function",
                            "function": {"name": "get_user_country", "arguments": "{}"},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_tTAThu8l2S9hNky2krdwijGP", "content": "Mexico"},
            ],
        },
        options=RESPONSES,
        interaction=1,
        expect_text="Mexico City",
    )
    # authored from the API reference's "Image input" example (no recording with an image exists)
    vision_case = Case(
        "authored__vision_responses_input_image.yaml",
        {
            "model": "gpt-5.4",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "what is in this image?"},
                        {"type": "image", "url": BOARDWALK},
                    ],
                }
            ],
        },
        options=RESPONSES,
        expect_text="boardwalk",
        expect_finish="stop",
    )
    count_tokens_case = Case(
        "pydantic-ai__test_responses_count_tokens.yaml",
        {
            "model": "gpt-4o-mini",
            "system": "You are a helpful assistant.",
            "messages": ["What is the capital of France?"],
        },
        options=RESPONSES,
    )
    error_cases = {
        "auth": ErrorCase(
            "mirascope__openai_gpt_4o_responses.yaml",
            {"model": "gpt-4o", "messages": ["This should fail with AuthenticationError"]},
            options=RESPONSES,
            error=E.AuthenticationError,
            status_code=401,
        ),
        "not_found": ErrorCase(
            "mirascope__python__tests__e2e__input__cassettes__test_model_not_found__openai_gpt_4o_responses.yaml",
            {"model": "this-model-does-not-exist-12345", "messages": ["This should fail with NotFoundError"]},
            options=RESPONSES,
            error=E.NotFoundError,
            status_code=400,
        ),
        "not_found_stream": ErrorCase(
            "mirascope__python__tests__e2e__input__cassettes__test_model_not_found_stream__openai_gpt_4o_responses"
            ".yaml",
            {"model": "this-model-does-not-exist-12345", "messages": ["This should fail with NotFoundError"]},
            stream=True,
            options=RESPONSES,
            error=E.NotFoundError,
            status_code=400,
        ),
        "rate_limit": ErrorCase(
            "authored__responses_rate_limit_429.yaml",
            {"model": "gpt-4o-mini", "messages": ["Hello"]},
            options=RESPONSES,
            error=E.RateLimitError,
            status_code=429,
            expect_retry_after=True,
        ),
        "context_length": ErrorCase(
            "authored__responses_context_length_400.yaml",
            {"model": "gpt-4o-mini", "messages": ["(a very long prompt)"]},
            options=RESPONSES,
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__responses_server_error_500.yaml",
            {"model": "gpt-4o-mini", "messages": ["Hello"]},
            options=RESPONSES,
            error=E.ProviderServerError,
            status_code=500,
        ),
    }

    def validate_request(self, request: Any) -> None:
        _validate(request)


def _encrypted_reasoning_history() -> dict[str, Any]:
    """The third request of the encrypted-reasoning conversation, as llmcore messages:
    the reasoning item (id + encrypted_content) rides on a ReasoningPart."""
    import json

    from llmcore_testing.cassette_format import deserialize

    data = deserialize((CASSETTES / "llm__test_responses_round_trips_encrypted_reasoning.yaml").read_text())
    body = json.loads(data["interactions"][2]["request"]["body"])
    messages: list[Any] = []
    for item in body["input"]:
        if item.get("role") == "user":
            messages.append({"role": "user", "content": item["content"]})
        elif item["type"] == "reasoning":
            messages.append(
                {
                    "role": "assistant",
                    "content": [
                        {
                            "type": "reasoning",
                            "provider": "openai",
                            "data": {"id": item["id"], "encrypted_content": item["encrypted_content"]},
                        }
                    ],
                }
            )
        elif item["type"] == "function_call":
            messages.append(
                {
                    "role": "assistant",
                    "content": [
                        {
                            "type": "tool_call",
                            "id": item["call_id"],
                            "name": item["name"],
                            "arguments": json.loads(item["arguments"]),
                            "raw_arguments": item["arguments"],
                        }
                    ],
                }
            )
        else:
            messages.append(
                {
                    "role": "tool",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_call_id": item["call_id"],
                            "content": item["output"],
                        }
                    ],
                }
            )
    tools = [{"name": t["name"], "description": t["description"], "parameters": t["parameters"]} for t in body["tools"]]
    return {"model": body["model"], "messages": messages, "tools": tools, "reasoning_effort": "high"}


TestOpenAIResponsesConformance.multi_turn_case = Case(
    "llm__test_responses_round_trips_encrypted_reasoning.yaml",
    _encrypted_reasoning_history(),
    options=RESPONSES,
    interaction=2,
    expect_text="dragons",
)


# -- openai_compatible ---------------------------------------------------------------------

VLLM = "http://localhost:8000/v1"
OLLAMA = "http://localhost:11434/v1"
OLLAMA_CLOUD = "https://ollama.com/v1"
WEATHER_LATLON = {
    "name": "weather",
    "description": "Gets current weather for a location",
    "parameters": {
        "type": "object",
        "properties": {
            "latitude": {"type": "string", "description": "Latitude (e.g., 52.5200)"},
            "longitude": {"type": "string", "description": "Longitude (e.g., 13.4050)"},
        },
        "required": ["latitude", "longitude"],
        "additionalProperties": False,
        "strict": True,
    },
}
BERLIN_Q = "What's the weather in Berlin? (52.5200, 13.4050)"
FINAL_RESULT_TOOL = {
    "name": "final_result",
    "description": "The final response which ends this conversation",
    "parameters": {
        "additionalProperties": False,
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city", "country"],
        "type": "object",
    },
}
PYDANTIC_RETRY = (  # the retry prompt pydantic-ai sent in the recording
    '1 validation error:\n```json\n[\n  {\n    "type": "json_invalid",\n    "loc": [],\n    "msg": "Invalid JSON: '
    'expected value at line 1 column 1",\n    "input": "Paris."\n  }\n]\n```\n\nFix the errors and try again.'
)
LLM_VERSION_TOOL = {
    "name": "llm_version",
    "description": "Return the installed version of llm",
    "parameters": {"properties": {}, "type": "object"},
}


class TestOpenAICompatibleConformance(ProviderConformance):
    """``openai_compatible`` against recordings of vLLM, Ollama (local and cloud)
    and, for errors, other OpenAI-compatible servers (DeepSeek, Groq, Azure AI Foundry),
    except the 5xx case, which is authored (no 5xx recording of such a server exists)."""

    provider = "openai_compatible"
    cassette_dir = CASSETTES
    lossless_check = True  # on the compat-* recordings (vLLM, Ollama); OpenAI's are the chat class's

    def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
        if not cassette.startswith("compat-"):
            return None
        return super().lossless_replay_case(cassette, interaction, recorded)

    # authored, not a recording: a copy of llmcore-vllm's vision cassette (see cassettes/SOURCES.md)
    vision_case = Case(
        "authored__compat_vision_vllm.yaml",
        {
            "model": "microsoft/Phi-3.5-vision-instruct",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What\u2019s in this image?"},
                        {
                            "type": "image",
                            "url": "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/"
                            "Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg",
                        },
                    ],
                }
            ],
        },
        base_url=VLLM,
        expect_text="boardwalk",
        expect_finish="stop",
    )

    chat_case = Case(
        "compat-vllm-openllmetry__test_chat_context_propagation.yaml",
        {"model": "meta-llama/Llama-3.2-1B-Instruct", "messages": ["Tell me a joke about opentelemetry"]},
        base_url=VLLM,
        expect_finish="stop",
    )
    stream_case = Case(
        "compat-ollama-magentic__test_openai_chat_model_complete_ollama_Say_hello!-output_types0-str_.yaml",
        {"model": "llama3.1", "messages": ["Say hello!"]},
        stream=True,
        base_url=OLLAMA,
        expect_text="Hello",
        expect_finish="stop",
        expect_usage=False,  # this Ollama version sent no usage chunk
    )
    system_prompt_case = Case(
        "compat-vllm-openllmetry__test_trace_propagation_stream_ChatOpenAI_.yaml",
        {
            "model": "facebook/opt-125m",
            "system": "You are a helpful assistant ",
            "messages": ["Tell me a joke about OpenTelemetry"],
            "max_tokens": 20,
            "temperature": 0.7,
        },
        stream=True,
        base_url=VLLM,
        options={"stream_usage": False},
        expect_finish="length",
        expect_usage=False,  # recorded without stream_options, so vLLM sent no usage
    )
    tool_call_case = Case(
        "compat-ollama-ruby_llm__chat_function_calling_ollama_cloud_gpt-oss_120b_can_use_tools.yaml",
        {"model": "gpt-oss:120b", "messages": [BERLIN_Q], "tools": [WEATHER_LATLON]},
        base_url=OLLAMA_CLOUD,
        expect_tool="weather",
    )
    # OpenRouter's stream (recorded by simonw/llm under an api.openai.com URL; see SOURCES.md).
    tool_call_stream_case = Case(
        "llm__test_tools_streaming_variant_a.yaml",
        {"model": "gpt-4.1-mini", "messages": ["What is the current llm version?"], "tools": [LLM_VERSION_TOOL]},
        stream=True,
        base_url="https://api.openai.com/v1",
        expect_tool="llm_version",
    )
    tool_round_trip_case = Case(
        "compat-ollama-ruby_llm__chat_function_calling_ollama_cloud_gpt-oss_120b_can_use_tools.yaml",
        {
            "model": "gpt-oss:120b",
            "tools": [WEATHER_LATLON],
            "messages": [
                {"role": "user", "content": BERLIN_Q},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "reasoning", "text": "User asks weather for Berlin coordinates. Use function."},
                        {
                            "type": "tool_call",
                            "id": "call_nyoq0hqx",
                            "name": "weather",
                            "raw_arguments": '{"latitude":"52.5200","longitude":"13.4050"}',
                            "arguments": {"latitude": "52.5200", "longitude": "13.4050"},
                        },
                    ],
                },
                {
                    "role": "tool",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_call_id": "call_nyoq0hqx",
                            "content": "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h",
                        }
                    ],
                },
            ],
        },
        base_url=OLLAMA_CLOUD,
        options={"send_reasoning_field": "reasoning"},
        interaction=1,
        expect_text="15",
    )
    tool_round_trip_stream_case = Case(
        "llm__test_tools_streaming_variant_a.yaml",
        {
            "model": "gpt-4.1-mini",
            "tools": [LLM_VERSION_TOOL],
            "messages": [
                {"role": "user", "content": "What is the current llm version?"},
                {
                    "role": "assistant",
                    "tool_calls": [
                        {"id": "0", "type": "function", "function": {"name": "llm_version", "arguments": "{}"}}
                    ],
                },
                {"role": "tool", "tool_call_id": "0", "content": "0.fixed-version"},
            ],
        },
        stream=True,
        base_url="https://api.openai.com/v1",
        interaction=1,
        expect_text="fixed-version",
    )
    multi_turn_case = Case(
        "compat-ollama-pydantic-ai__test_ollama_cloud_tool_output.yaml",
        {
            "model": "gpt-oss:20b",
            "tool_choice": "auto",
            "tools": [FINAL_RESULT_TOOL],
            "messages": [
                {"role": "user", "content": "What is the capital of France?"},
                {"role": "assistant", "content": "Paris."},
                {"role": "user", "content": PYDANTIC_RETRY},
            ],
        },
        base_url=OLLAMA_CLOUD,
        interaction=1,
        expect_tool="final_result",
    )
    structured_case = Case(
        "compat-ollama-pydantic-ai__test_ollama_local_native_output_uses_json_schema.yaml",
        {
            "model": "qwen3:0.6b",
            "messages": ["What is the capital of France?"],
            "response_format": {
                "type": "json_schema",
                "name": "CityLocation",
                "schema": dict(CITY_SCHEMA, title="CityLocation"),
                "strict": False,
            },
        },
        base_url=OLLAMA,
        expect_text="Paris",
    )
    reasoning_case = structured_case  # Ollama returns the model's thinking in `reasoning`
    count_tokens_case = Case(
        "compat-vllm-openllmetry__test_chat_context_propagation.yaml",
        {"model": "meta-llama/Llama-3.2-1B-Instruct", "messages": ["Tell me a joke about opentelemetry"]},
        base_url=VLLM,
    )
    agreement_pairs = ()  # no chat/stream pair of one prompt was recorded from these servers
    # api.openai.com is an OpenAI-compatible server too: its recording of 3 texts (no encoding_format asked,
    # JSON numbers answered, as this provider asks by default). No other server's /v1/embeddings recording is
    # faithful: llama-stack's Ollama /v1 one asked base64 and holds numbers (the importer refuses it).
    embedding_case = EmbeddingCase(
        "ruby_llm__embedding_basic_functionality_openai_text-embedding-3-small_can_handle_multiple_texts_with_custom"
        "_dimensions.yaml",
        "text-embedding-3-small",
        ["Ruby", "Python", "JavaScript"],
        {"dimensions": 768},
        base_url="https://api.openai.com/v1",
    )
    # vLLM's /rerank at its server root (llama-stack's raw-HTTP recording): the root is the base URL
    rerank_case = RerankCase(
        "compat-vllm-llama-stack__2979136f0fa26074fb6dca1c34103cf382ec06c8e7ecde0356f391fe1680a344.yaml",
        "Qwen/Qwen3-Reranker-0.6B",
        "What is C++?",
        [
            "Learning new things is interesting. ",
            "C++ is a programming language. ",
            "Books provide knowledge and entertainment. ",
        ],
        base_url="http://localhost:8000",
        expect_usage=True,
    )
    error_cases = {
        "auth": ErrorCase(
            "compat-ollama-ruby_llm__chat_error_handling_with_ollama_cloud_gpt-oss_120b_raises_appropriate_auth_error"
            ".yaml",
            {"model": "gpt-oss:120b", "messages": ["Hello"]},
            base_url=OLLAMA_CLOUD,
            error=E.AuthenticationError,
            status_code=401,
        ),
        "not_found": ErrorCase(
            "compat-groq-pydantic-ai__test_model_name_suggestion_groq_.yaml",
            {"model": "llama-3.3-70b-versatlie", "messages": ["hello"]},
            base_url="https://api.groq.com/openai/v1",
            error=E.NotFoundError,
            status_code=404,
        ),
        "rate_limit": ErrorCase(
            "compat-azure-ruby_llm__chat_real_error_scenarios_azure_grok-4-1-fast-non-reasoning_handles_context"
            "_length_exceeded_errors.yaml",
            {"model": "grok-4-1-fast-non-reasoning", "messages": ["Hi"]},
            base_url="https://rubyllm.services.ai.azure.com/models",
            error=E.RateLimitError,
            status_code=429,
            expect_retry_after=True,
        ),
        "context_length": ErrorCase(
            "compat-deepseek-ruby_llm__chat_real_error_scenarios_deepseek_deepseek-chat_handles_context_length"
            "_exceeded_errors.yaml",
            {"model": "deepseek-chat", "messages": ["Hi"]},
            base_url="https://api.deepseek.com",
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__compat_vllm_server_error_500.yaml",
            {"model": "meta-llama/Llama-3.2-1B-Instruct", "messages": ["Hello"]},
            base_url=VLLM,
            error=E.ProviderServerError,
            status_code=500,
        ),
    }

    def validate_request(self, request: Any) -> None:
        if request.url.path.endswith("/rerank"):  # no OpenAI schema: the Jina/Cohere request shape
            body = json.loads(request.content)
            assert set(body) <= {"model", "query", "documents", "top_n"}, body
            assert isinstance(body["query"], str) and all(isinstance(d, str) for d in body["documents"])
            return
        _validate(request)
