"""The scenarios the Anthropic tests replay: one :class:`Case` per recording
(and per interaction of a recorded conversation), each with the ChatRequest
that reproduces the recorded request (see ``cassettes/SOURCES.md``).

Long prompt texts are read from the recorded request itself, so the case and
the recording cannot drift apart. Shared by the conformance, differential and
request-spec tests.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.events import StreamAccumulator
from llmcore.provider import ProviderConfig
from llmcore.types import ChatResponse
from llmcore_anthropic.provider import AnthropicProvider
from llmcore_testing import TEST_API_KEY, Case, ErrorCase
from llmcore_testing.cassettes import Recordings, replay_from
from llmcore_testing.conformance import CaseResult, run_case, run_count_tokens
from llmcore_testing.openapi import shared_dir

CASSETTES = Path(__file__).parent / "cassettes"
#: Anthropic's official API spec (OpenAPI 3.1, JSON content despite the name): sent bodies are checked against it
SPEC = shared_dir() / "api-specs" / "anthropic" / "openapi.yaml"


REC = Recordings(CASSETTES)
#: the interactions of a cassette, as stored
recorded_interactions = REC.interactions
#: the recorded request body (parsed JSON) of one interaction
recorded_body = REC.request_body


def recorded_text(cassette: str, interaction: int, message: int, block: int = 0) -> str:
    """A text of the recorded request's ``messages[message]`` (block ``block``)."""
    content = recorded_body(cassette, interaction)["messages"][message]["content"]
    return content if isinstance(content, str) else content[block]["text"]


def recorded_turn(cassette: str, interaction: int, message: int) -> dict[str, Any]:
    """Message ``message`` of a recorded request as an llmcore message dict: an
    assistant turn (text, tool_use, thinking, redacted_thinking blocks, the
    reasoning stamped as Anthropic's) or a user turn of tool results (a ``tool``
    message)."""
    m = recorded_body(cassette, interaction)["messages"][message]
    parts: list[dict[str, Any]] = []
    for b in m["content"]:
        t = b["type"]
        if t == "text":
            parts.append({"type": "text", "text": b["text"]})
        elif t == "tool_use":
            parts.append({"type": "tool_call", "id": b["id"], "name": b["name"], "arguments": b["input"]})
        elif t == "thinking":
            parts.append(
                {"type": "reasoning", "text": b["thinking"], "signature": b["signature"], "provider": "anthropic"}
            )
        elif t == "redacted_thinking":
            parts.append({"type": "reasoning", "redacted": True, "data": b["data"], "provider": "anthropic"})
        elif t == "tool_result":
            parts.append(
                {
                    "type": "tool_result",
                    "tool_call_id": b["tool_use_id"],
                    "content": b["content"],
                    "is_error": b.get("is_error", False),
                }
            )
        else:
            raise ValueError(f"no llmcore part for a recorded {t!r} block")
    role = "tool" if parts and all(p["type"] == "tool_result" for p in parts) else m["role"]
    return {"role": role, "content": parts}


# -- tools and schemas used by the recordings ------------------------------------------

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
PELICAN_TOOL = {"name": "pelican_name_generator", "parameters": {"properties": {}, "type": "object"}}
COUNTRY_TOOL = {
    "name": "get_user_country",
    "parameters": {"additionalProperties": False, "properties": {}, "type": "object"},
}
ENTITY_TOOL = {
    "name": "retrieve_entity_info",
    "description": "Get the knowledge about the given entity.",
    "parameters": {
        "additionalProperties": False,
        "properties": {"name": {"type": "string"}},
        "required": ["name"],
        "type": "object",
    },
}
DOG_SCHEMA = {
    "type": "object",
    "title": "Dog",
    "properties": {
        "name": {"type": "string", "title": "Name"},
        "age": {"type": "integer", "title": "Age"},
        "bio": {"type": "string", "title": "Bio"},
    },
    "additionalProperties": False,
    "required": ["name", "age", "bio"],
}
PELICAN = "Two names for a pet pelican, be brief"
STREET = "How do I cross the street?"

# -- the conformance scenarios -----------------------------------------------------------

CHAT = Case(
    "ellmer__anthropic-basic.yaml",
    {
        "model": "claude-sonnet-5",
        "system": "Be as terse as possible; no punctuation",
        "messages": ["What is 1 + 1?"],
        "max_tokens": 4096,
    },
    expect_text="2",
    expect_finish="stop",
)
STREAM = Case(
    "llm-anthropic__test_prompt.yaml",
    {"model": "claude-sonnet-4-5", "messages": [PELICAN], "max_tokens": 8192, "temperature": 1.0},
    stream=True,
    expect_finish="stop",
)
SYSTEM_PROMPT = Case(
    "pydantic-ai__test_anthropic_model_instructions.yaml",
    {
        "model": "claude-3-opus-latest",
        "system": "You are a helpful assistant.\n\n",
        "messages": ["What is the capital of France?"],
        "max_tokens": 4096,
    },
    expect_text="Paris",
    expect_finish="stop",
)
MULTI_TURN = Case(
    "llm-anthropic__test_async_prompt.yaml",
    {
        "model": "claude-sonnet-4-5",
        "max_tokens": 8192,
        "temperature": 1.0,
        "messages": [
            {"role": "user", "content": PELICAN},
            {"role": "assistant", "content": "- Captain\n- Scoop"},
            {"role": "user", "content": "in french"},
        ],
    },
    stream=True,
    interaction=1,
    expect_finish="stop",
)
TOOL_CALL = Case(
    "pydantic-ai__test_tool_choice_matrix_auto-anthropic_.yaml",
    {
        "model": "claude-sonnet-4-5",
        "messages": ["What's the weather in Paris?"],
        "tools": [WEATHER_TOOL],
        "tool_choice": "auto",
        "max_tokens": 4096,
    },
    expect_tool="get_weather",
    expect_finish="tool_calls",
)
TOOL_ROUND_TRIP = Case(
    "pydantic-ai__test_tool_choice_matrix_auto-anthropic_.yaml",
    {
        "model": "claude-sonnet-4-5",
        "tools": [WEATHER_TOOL],
        "tool_choice": "auto",
        "max_tokens": 4096,
        "messages": [
            {"role": "user", "content": "What's the weather in Paris?"},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_call",
                        "id": "toolu_01WN4AuToBnJyXNQXwQBBebj",
                        "name": "get_weather",
                        "arguments": {"city": "Paris"},
                    }
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_call_id": "toolu_01WN4AuToBnJyXNQXwQBBebj",
                        "content": "Sunny, 22C in Paris",
                    }
                ],
            },
        ],
    },
    interaction=1,
    expect_text="Paris",
    expect_finish="stop",
)
TOOL_CALL_STREAM = Case(
    "llm-anthropic__test_stream_events_tool_calls.yaml",
    {
        "model": "claude-haiku-4-5-20251001",
        "messages": ["Generate one name for a pet pelican"],
        "tools": [PELICAN_TOOL],
        "max_tokens": 8192,
        "temperature": 1.0,
    },
    stream=True,
    expect_tool="pelican_name_generator",
    expect_finish="tool_calls",
)
TOOL_ROUND_TRIP_STREAM = Case(
    "llm-anthropic__test_tools.yaml",
    {
        "model": "claude-haiku-4-5-20251001",
        "tools": [PELICAN_TOOL],
        "max_tokens": 8192,
        "temperature": 1.0,
        "messages": [
            {"role": "user", "content": "Two names for a pet pelican"},
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": " "},
                    {"type": "tool_call", "id": "toolu_01LtHJmixrs9NcWQkK8hu8hj", "name": "pelican_name_generator"},
                    {"type": "tool_call", "id": "toolu_01N8a4jWyf116qKTMqKKmjyt", "name": "pelican_name_generator"},
                ],
            },
            # two tool messages: merged into one user turn, as the API requires
            {
                "role": "tool",
                "content": [
                    {"type": "tool_result", "tool_call_id": "toolu_01LtHJmixrs9NcWQkK8hu8hj", "content": "Charles"}
                ],
            },
            {
                "role": "tool",
                "content": [
                    {"type": "tool_result", "tool_call_id": "toolu_01N8a4jWyf116qKTMqKKmjyt", "content": "Sammy"}
                ],
            },
        ],
    },
    stream=True,
    interaction=1,
    expect_finish="stop",
)
STRUCTURED = Case(
    "llm-anthropic__test_schema_prompt.yaml",
    {
        "model": "claude-sonnet-4-5",
        "messages": ["Invent a good dog"],
        "max_tokens": 8192,
        "temperature": 1.0,
        "response_format": {"type": "json_schema", "schema": DOG_SCHEMA, "name": "Dog"},
    },
    stream=True,
    expect_finish="stop",
)
REASONING = Case(  # reasoning_effort "minimal" → thinking budget 1024, as recorded
    "pydantic-ai__test_anthropic_model_thinking_part.yaml",
    {"model": "claude-sonnet-4-5", "messages": [STREET], "max_tokens": 4096, "reasoning_effort": "minimal"},
    expect_finish="stop",
)
REASONING_STREAM = Case(  # the same prompt, streamed (another model)
    "pydantic-ai__test_anthropic_model_thinking_part_stream.yaml",
    {
        "model": "claude-sonnet-4-0",
        "messages": [STREET],
        "max_tokens": 4096,
        "provider_options": {"anthropic": {"thinking": {"type": "enabled", "budget_tokens": 1024}}},
    },
    stream=True,
    expect_finish="stop",
)
COUNT_TOKENS = Case(
    "ellmer__anthropic-count-tokens.yaml", {"model": "claude-sonnet-5", "messages": ["What's the current date?"]}
)
#: the ant photo of the Vision example in Anthropic's "Using the Messages API" guide
ANT_PHOTO = "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"
VISION = Case(  # authored from that documented example (no recording with an image exists)
    "authored__vision_image_url.yaml",
    {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image", "url": ANT_PHOTO},
                    {"type": "text", "text": "What is in the above image?"},
                ],
            }
        ],
    },
    expect_text="ant",
    expect_finish="stop",
)

# -- more recordings (differential and request-spec tests) ---------------------------------

STREAM_TEXT = Case(
    "llm-anthropic__test_stream_events_text.yaml",
    {"model": "claude-haiku-4-5-20251001", "messages": ["Say just hello"], "max_tokens": 8192, "temperature": 1.0},
    stream=True,
)
THINKING_STREAM = Case(
    "llm-anthropic__test_stream_events_thinking.yaml",
    {
        "model": "claude-haiku-4-5-20251001",
        "messages": [PELICAN],
        "max_tokens": 8192,
        "temperature": 1.0,
        "provider_options": {"anthropic": {"thinking": {"type": "enabled", "budget_tokens": 1024}}},
    },
    stream=True,
)
THINKING_PROMPT = Case(
    "llm-anthropic__test_thinking_prompt.yaml",
    {
        "model": "claude-sonnet-4-5",
        "messages": [PELICAN],
        "max_tokens": 8192,
        "temperature": 1.0,
        "provider_options": {"anthropic": {"thinking": {"type": "enabled", "budget_tokens": 1024}}},
    },
    stream=True,
)
REDACTED_STREAM = Case(
    "pydantic-ai__test_anthropic_model_thinking_part_redacted_stream.yaml",
    {
        "model": "claude-sonnet-4-5-20250929",
        "max_tokens": 4096,
        "messages": [recorded_text("pydantic-ai__test_anthropic_model_thinking_part_redacted_stream.yaml", 0, 0)],
        "provider_options": {"anthropic": {"thinking": {"type": "enabled", "budget_tokens": 1024}}},
    },
    stream=True,
)
PREFILL_STOP = Case(
    "llm-anthropic__test_prompt_with_prefill_and_stop_sequences.yaml",
    {
        "model": "claude-haiku-4-5-20251001",
        "max_tokens": 8192,
        "temperature": 1.0,
        "stop": ["```"],
        "messages": [
            {"role": "user", "content": "Very short function describing a pelican"},
            {"role": "assistant", "content": "```python"},
        ],
    },
    stream=True,
    expect_finish="stop",
)
STOP_SETTINGS = Case(
    "pydantic-ai__test_stop_settings_anthropic_.yaml",
    {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "stop": ["Paris"],
        "messages": [recorded_text("pydantic-ai__test_stop_settings_anthropic_.yaml", 0, 0)],
    },
    expect_finish="stop",
)
PARALLEL_TOOLS = Case(
    "pydantic-ai__test_multiple_parallel_tool_calls.yaml",
    {
        "model": "claude-haiku-4-5",
        "max_tokens": 4096,
        "tools": [ENTITY_TOOL],
        "tool_choice": "auto",
        "system": recorded_body("pydantic-ai__test_multiple_parallel_tool_calls.yaml")["system"],
        "messages": ["Alice, Bob, Charlie and Daisy are a family. Who is the youngest?"],
    },
    expect_tool="retrieve_entity_info",
    expect_finish="tool_calls",
)
TOOL_REQUIRED = Case(
    "pydantic-ai__test_tool_choice_matrix_required-anthropic_.yaml",
    {
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "tool_choice": "required",
        "tools": [
            {
                "name": "get_weather",
                "description": "Get weather for a city",
                "parameters": {"properties": {"city": {"type": "string"}}, "required": ["city"], "type": "object"},
            }
        ],
        "messages": ["What's the weather in Paris?"],
    },
    expect_tool="get_weather",
    expect_finish="tool_calls",
)
STRUCTURED_BY_TOOL = Case(  # structured output by a forced tool call (tool_choice: tool)
    "ellmer__anthropic-structured-data.yaml",
    {
        "model": "claude-sonnet-5",
        "max_tokens": 4096,
        "messages": [recorded_text("ellmer__anthropic-structured-data.yaml", 0, 0)],
        "tools": [
            {
                "name": "_structured_tool_call",
                "description": "Extract structured data",
                "parameters": recorded_body("ellmer__anthropic-structured-data.yaml")["tools"][0]["input_schema"],
            }
        ],
        "tool_choice": {"name": "_structured_tool_call"},
    },
    expect_tool="_structured_tool_call",
    expect_finish="tool_calls",
)
STRUCTURED_CHAT = Case(
    "pydantic-ai__test_anthropic_native_output_decimal_strict.yaml",
    {
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "messages": ["Return exactly this payment amount: 12.34"],
        "response_format": {
            "type": "json_schema",
            "name": "Payment",
            "schema": recorded_body("pydantic-ai__test_anthropic_native_output_decimal_strict.yaml")["output_config"][
                "format"
            ]["schema"],
        },
    },
    expect_finish="stop",
)
OPUS_SCHEMA = Case(
    "llm-anthropic__test_opus_46_schema.yaml",
    {
        "model": "claude-opus-4-6",
        "messages": ["Invent a good dog"],
        "max_tokens": 8192,
        "temperature": 1.0,
        "response_format": {"type": "json_schema", "schema": DOG_SCHEMA, "name": "Dog"},
    },
    stream=True,
    expect_finish="stop",
)
TOOL_WITH_THINKING = Case(
    "pydantic-ai__test_anthropic_tool_with_thinking.yaml",
    {
        "model": "claude-sonnet-4-0",
        "max_tokens": 4096,
        "tools": [COUNTRY_TOOL],
        "tool_choice": "auto",
        "messages": ["What is the largest city in the user country?"],
        "provider_options": {"anthropic": {"thinking": {"type": "enabled", "budget_tokens": 3000}}},
    },
    expect_tool="get_user_country",
    expect_finish="tool_calls",
)
CACHED_PROMPT = Case(  # cache_read_input_tokens 1111 in the recorded usage
    "pydantic-ai__test_anthropic_cache_count_tokens.yaml",
    {
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "system": "You are a helpful assistant.",
        "messages": [recorded_text("pydantic-ai__test_anthropic_cache_count_tokens.yaml", 1, 0)],
        "provider_options": {"anthropic": {"cache_control": {"type": "ephemeral", "ttl": "5m"}}},
    },
    interaction=1,
    expect_finish="stop",
)
ELLMER_TOOL = Case(
    "ellmer__anthropic-tool.yaml",
    {
        "model": "claude-sonnet-5",
        "max_tokens": 4096,
        "system": "Always use a tool to answer. Reply with 'It is ____.'.",
        "messages": ["What's the current date in Y-M-D format?"],
        "tools": [
            {"name": t["name"], "description": t["description"], "parameters": t["input_schema"]}
            for t in recorded_body("ellmer__anthropic-tool.yaml")["tools"]
        ],
    },
    expect_tool="current_date",
    expect_finish="tool_calls",
)
CODE_EXECUTION_STREAM = Case(  # a server tool, passed through provider_options
    "pydantic-ai__test_anthropic_code_execution_tool_stream.yaml",
    {
        "model": "claude-sonnet-4-6",
        "max_tokens": 4096,
        "messages": ["what is 65465-6544 * 65464-6+1.02255"],
        "provider_options": {
            "anthropic": {
                "thinking": {"type": "enabled", "budget_tokens": 3000},
                "tool_choice": {"type": "auto"},
                "tools": [{"name": "code_execution", "type": "code_execution_20260120"}],
            }
        },
    },
    stream=True,
    expect_finish="stop",
)
WEB_SEARCH_STREAM = Case(
    "pydantic-ai__test_anthropic_web_search_tool_stream.yaml",
    {
        "model": "claude-sonnet-4-0",
        "max_tokens": 4096,
        "system": "You are a helpful assistant.\n\n",
        "messages": ["Give me the top 3 news in the world today."],
        "provider_options": {
            "anthropic": {
                "tool_choice": {"type": "auto"},
                "tools": [
                    {
                        "allowed_domains": None,
                        "blocked_domains": None,
                        "name": "web_search",
                        "type": "web_search_20250305",
                        "user_location": None,
                    }
                ],
            }
        },
    },
    stream=True,
    expect_finish="stop",
)
REASONING_FOLLOW_UP = Case(  # the signed thinking block of turn 1 goes back in turn 2
    "pydantic-ai__test_anthropic_model_thinking_part.yaml",
    {
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "reasoning_effort": "minimal",
        "messages": [
            STREET,
            recorded_turn("pydantic-ai__test_anthropic_model_thinking_part.yaml", 1, 1),
            recorded_text("pydantic-ai__test_anthropic_model_thinking_part.yaml", 1, 2),
        ],
    },
    interaction=1,
    expect_finish="stop",
)
TOOL_WITH_THINKING_FOLLOW_UP = Case(
    "pydantic-ai__test_anthropic_tool_with_thinking.yaml",
    {
        "model": "claude-sonnet-4-0",
        "max_tokens": 4096,
        "tools": [COUNTRY_TOOL],
        "tool_choice": "auto",
        "messages": [
            "What is the largest city in the user country?",
            recorded_turn("pydantic-ai__test_anthropic_tool_with_thinking.yaml", 1, 1),
            recorded_turn("pydantic-ai__test_anthropic_tool_with_thinking.yaml", 1, 2),
        ],
        "provider_options": {"anthropic": {"thinking": {"type": "enabled", "budget_tokens": 3000}}},
    },
    interaction=1,
    expect_text="Mexico City",
    expect_finish="stop",
)
PARALLEL_TOOLS_ROUND_TRIP = Case(  # four tool results in one user turn
    "pydantic-ai__test_multiple_parallel_tool_calls.yaml",
    {
        **PARALLEL_TOOLS.request,
        "messages": [
            PARALLEL_TOOLS.request["messages"][0],
            recorded_turn("pydantic-ai__test_multiple_parallel_tool_calls.yaml", 1, 1),
            recorded_turn("pydantic-ai__test_multiple_parallel_tool_calls.yaml", 1, 2),
        ],
    },
    interaction=1,
    expect_text="Daisy",
    expect_finish="stop",
)
PARALLEL_TOOLS_STREAM = Case(  # two streamed tool_use blocks
    "llm-anthropic__test_tools.yaml",
    {
        "model": "claude-haiku-4-5-20251001",
        "messages": ["Two names for a pet pelican"],
        "tools": [PELICAN_TOOL],
        "max_tokens": 8192,
        "temperature": 1.0,
    },
    stream=True,
    expect_tool="pelican_name_generator",
    expect_finish="tool_calls",
)
COUNT_TOKENS_SYSTEM = Case(
    "ellmer__anthropic-count-tokens.yaml",
    {"model": "claude-sonnet-5", "system": "Answer succinctly", "messages": ["What's the current date?"]},
    interaction=1,
)
COUNT_TOKENS_CACHED = Case(
    "pydantic-ai__test_anthropic_cache_count_tokens.yaml",
    {
        "model": "claude-sonnet-4-5",
        "system": "You are a helpful assistant.",
        "max_tokens": 4096,
        "messages": [recorded_text("pydantic-ai__test_anthropic_cache_count_tokens.yaml", 0, 0)],
        "provider_options": {"anthropic": {"cache_control": {"type": "ephemeral", "ttl": "5m"}}},
    },
)

#: every non-error chat/stream scenario, by name
SCENARIOS: dict[str, Case] = {
    "chat": CHAT,
    "stream": STREAM,
    "system_prompt": SYSTEM_PROMPT,
    "multi_turn": MULTI_TURN,
    "tool_call": TOOL_CALL,
    "tool_round_trip": TOOL_ROUND_TRIP,
    "tool_call_stream": TOOL_CALL_STREAM,
    "tool_round_trip_stream": TOOL_ROUND_TRIP_STREAM,
    "structured": STRUCTURED,
    "reasoning": REASONING,
    "reasoning_stream": REASONING_STREAM,
    "stream_text": STREAM_TEXT,
    "thinking_stream": THINKING_STREAM,
    "thinking_prompt": THINKING_PROMPT,
    "redacted_stream": REDACTED_STREAM,
    "prefill_stop": PREFILL_STOP,
    "stop_settings": STOP_SETTINGS,
    "parallel_tools": PARALLEL_TOOLS,
    "tool_required": TOOL_REQUIRED,
    "structured_by_tool": STRUCTURED_BY_TOOL,
    "structured_chat": STRUCTURED_CHAT,
    "opus_schema": OPUS_SCHEMA,
    "tool_with_thinking": TOOL_WITH_THINKING,
    "cached_prompt": CACHED_PROMPT,
    "ellmer_tool": ELLMER_TOOL,
    "code_execution_stream": CODE_EXECUTION_STREAM,
    "web_search_stream": WEB_SEARCH_STREAM,
    "reasoning_follow_up": REASONING_FOLLOW_UP,
    "tool_with_thinking_follow_up": TOOL_WITH_THINKING_FOLLOW_UP,
    "parallel_tools_round_trip": PARALLEL_TOOLS_ROUND_TRIP,
    "parallel_tools_stream": PARALLEL_TOOLS_STREAM,
}
COUNT_TOKENS_SCENARIOS: dict[str, Case] = {
    "count_tokens": COUNT_TOKENS,
    "count_tokens_system": COUNT_TOKENS_SYSTEM,
    "count_tokens_cached": COUNT_TOKENS_CACHED,
}

# -- errors ------------------------------------------------------------------------------------

_MIRASCOPE = "mirascope__python__tests__e2e__input__cassettes__"
ERRORS: dict[str, ErrorCase] = {
    "auth": ErrorCase(
        "mirascope__anthropic_claude_sonnet_4_0.yaml",
        {"model": "claude-sonnet-4-0", "max_tokens": 16000, "messages": ["This should fail with AuthenticationError"]},
        error=E.AuthenticationError,
        status_code=401,
    ),
    "auth_stream": ErrorCase(
        _MIRASCOPE + "test_authentication_error_stream__anthropic_claude_sonnet_4_0.yaml",
        {"model": "claude-sonnet-4-0", "max_tokens": 16000, "messages": ["This should fail with AuthenticationError"]},
        stream=True,
        error=E.AuthenticationError,
        status_code=401,
    ),
    "not_found": ErrorCase(
        _MIRASCOPE + "test_model_not_found__anthropic_claude_sonnet_4_0.yaml",
        {
            "model": "this-model-does-not-exist-12345",
            "max_tokens": 16000,
            "messages": ["This should fail with NotFoundError"],
        },
        error=E.NotFoundError,
        status_code=404,
    ),
    "not_found_stream": ErrorCase(
        _MIRASCOPE + "test_model_not_found_stream__anthropic_claude_sonnet_4_0.yaml",
        {
            "model": "this-model-does-not-exist-12345",
            "max_tokens": 16000,
            "messages": ["This should fail with NotFoundError"],
        },
        stream=True,
        error=E.NotFoundError,
        status_code=404,
    ),
    "not_found_typo": ErrorCase(
        "pydantic-ai__test_model_name_suggestion_anthropic_.yaml",
        {"model": "claude-sonet-4-5", "max_tokens": 4096, "messages": ["hello"]},
        error=E.NotFoundError,
        status_code=404,
    ),
    "invalid_request": ErrorCase(  # a real 400 that is NOT a context-length error
        "pydantic-ai__test_anthropic_explicit_effort_xhigh_unsupported_model_errors.yaml",
        {
            "model": "claude-opus-4-6",
            "max_tokens": 4096,
            "messages": ["What is 2+2?"],
            "provider_options": {"anthropic": {"output_config": {"effort": "xhigh"}}},
        },
        error=E.InvalidRequestError,
        status_code=400,
    ),
    "rate_limit": ErrorCase(
        "authored__rate_limit_429.yaml",
        {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": ["Hello"]},
        error=E.RateLimitError,
        status_code=429,
        expect_retry_after=True,
    ),
    "context_length": ErrorCase(
        "authored__prompt_too_long_400.yaml",
        {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": ["Hello"]},
        error=E.ContextWindowExceededError,
        status_code=400,
    ),
    "server": ErrorCase(
        "authored__overloaded_529.yaml",
        {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": ["Hello"]},
        stream=True,
        error=E.ProviderServerError,
        status_code=529,
    ),
    "server_500": ErrorCase(
        "authored__api_error_500.yaml",
        {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": ["Hello"]},
        error=E.ProviderServerError,
        status_code=500,
    ),
    "stream_overloaded": ErrorCase(  # event: error inside a 200 stream
        "authored__stream_error_overloaded.yaml",
        {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": ["Hello"]},
        stream=True,
        error=E.ProviderServerError,
    ),
}

# -- replay helpers -------------------------------------------------------------------------------


def make_provider(client: Any, case: Case) -> AnthropicProvider:
    """Our provider on the kit's recording client, with the test key."""
    return AnthropicProvider(
        ProviderConfig(api_key=TEST_API_KEY, http_client=client, base_url=case.base_url, options=dict(case.options))
    )


def use_cassette(case: Case) -> AbstractContextManager[Any]:
    """The vcrpy cassette of ``case``, replaying from ``case.interaction`` on."""
    return replay_from(CASSETTES, case.cassette, case.interaction)


#: a system prompt cached by cache_control, written then read (ruby_llm)
PROMPT_CACHE = (
    "ruby_llm__chat_prompt_cache_round-trip_anthropic_claude-haiku-4-5_writes_then_reads_the_prompt_cache.yaml"
)


def replay(case: Case) -> CaseResult:
    """Replay ``case`` through our provider (chat or stream_chat)."""
    return asyncio.run(run_case(case, make_provider, CASSETTES))


def replay_count_tokens(case: Case) -> tuple[Any, list[Any]]:
    """Replay a count_tokens ``case``: ``(TokenCount, sent requests)``."""
    return asyncio.run(run_count_tokens(case, make_provider, CASSETTES))


def collect(events: list[Any]) -> ChatResponse:
    acc = StreamAccumulator()
    for e in events:
        acc.add(e)
    return acc.response("anthropic")
