"""The vLLM cassettes and the requests that produced them (see cassettes/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path

from llmcore import errors as E
from llmcore_testing import Case, ErrorCase

CASSETTES = Path(__file__).parent / "cassettes"
MODEL = "meta-llama/Llama-3.1-8B-Instruct"
WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather in a given location",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "City and state, e.g., 'San Francisco, CA'"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["location", "unit"],
    },
}
QUESTION = "What's the weather like in San Francisco?"
ARGS = '{"location": "San Francisco, CA", "unit": "fahrenheit"}'
CALL_ID = "chatcmpl-tool-0d3a9e8c1b7f4e52a6c4f1b2d8e9a7c3"
TOOL_REQUEST = {"model": MODEL, "messages": [QUESTION], "tools": [WEATHER], "tool_choice": "auto"}
PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}

# Real recordings (openllmetry, a local vLLM server).
CHAT = Case(
    "openllmetry__test_chat_context_propagation.yaml",
    {"model": "meta-llama/Llama-3.2-1B-Instruct", "messages": ["Tell me a joke about opentelemetry"]},
    expect_finish="stop",
)
STREAM = Case(
    "openllmetry__test_trace_propagation_stream_ChatOpenAI_.yaml",
    {
        "model": "facebook/opt-125m",
        "system": "You are a helpful assistant ",
        "messages": ["Tell me a joke about OpenTelemetry"],
        "max_tokens": 20,
        "temperature": 0.7,
    },
    stream=True,
    expect_finish="length",
    expect_usage=False,
)  # recorded without stream_options, so the server sent no usage

# Authored from vLLM's documentation (see SOURCES.md).
TOOL_CALL = Case("authored__tool_call.yaml", TOOL_REQUEST, expect_tool="get_weather")
TOOL_CALL_STREAM = Case("authored__tool_call_stream.yaml", TOOL_REQUEST, stream=True, expect_tool="get_weather")
TOOL_ROUND_TRIP = Case(
    "authored__tool_round_trip.yaml",
    {
        "model": MODEL,
        "tools": [WEATHER],
        "messages": [
            {"role": "user", "content": QUESTION},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_call",
                        "id": CALL_ID,
                        "name": "get_weather",
                        "arguments": json.loads(ARGS),
                        "raw_arguments": ARGS,
                    }
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_call_id": CALL_ID,
                        "content": "Getting the weather for San Francisco, CA in fahrenheit...",
                    }
                ],
            },
        ],
    },
    expect_text="San Francisco",
    expect_finish="stop",
)
STRUCTURED = Case(
    "authored__structured_json_schema.yaml",
    {
        "model": MODEL,
        "messages": ["Generate a JSON with the name and age of one random person."],
        "response_format": {"type": "json_schema", "name": "person", "json_schema": PERSON},
    },
)
CHOICE = Case(
    "authored__structured_outputs_choice.yaml",
    {
        "model": MODEL,
        "messages": ["Classify this sentiment: vLLM is wonderful!"],
        "provider_options": {"vllm": {"structured_outputs": {"choice": ["positive", "negative"]}}},
    },
    expect_text="positive",
)
REASONING = Case(
    "authored__reasoning.yaml",
    {"model": "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "messages": ["9.11 and 9.8, which is greater?"]},
    expect_text="9.8",
)
COUNT_TOKENS = Case("authored__tokenize.yaml", {"model": MODEL, "messages": ["Hello, how are you?"]})

_HELLO = {"model": MODEL, "messages": ["Hello"]}
ERRORS = {
    "auth": ErrorCase("authored__unauthorized_401.yaml", _HELLO, error=E.AuthenticationError, status_code=401),
    "not_found": ErrorCase(
        "authored__model_not_found_404.yaml",
        {"model": "llama-3.1-8b", "messages": ["Hello"]},
        error=E.NotFoundError,
        status_code=404,
    ),
    "context_length": ErrorCase(
        "authored__context_length_400.yaml",
        {"model": MODEL, "messages": ["Summarise this document: ..."], "max_tokens": 512},
        error=E.ContextWindowExceededError,
        status_code=400,
    ),
    "server": ErrorCase("authored__engine_dead_500.yaml", _HELLO, error=E.ProviderServerError, status_code=500),
    "server_in_stream": ErrorCase(
        "authored__stream_error_in_200.yaml", _HELLO, stream=True, error=E.ProviderServerError, status_code=500
    ),
}


#: the photo of OpenAI's vision examples, also used by OpenRouter's and vLLM's
BOARDWALK = (
    "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
    "/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
)
VISION = Case(  # authored from the Multimodal Inputs guide (online serving) (no recording with an image exists)
    "authored__vision_image_url.yaml",
    {
        "model": "microsoft/Phi-3.5-vision-instruct",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What\u2019s in this image?"},
                    {"type": "image", "url": BOARDWALK},
                ],
            }
        ],
    },
    expect_text="boardwalk",
    expect_finish="stop",
)
