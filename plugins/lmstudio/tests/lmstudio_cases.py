"""The LM Studio cassettes and the requests that produced them (see cassettes/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

from llmcore import errors as E
from llmcore_testing import Case, ErrorCase

CASSETTES = Path(__file__).parent / "cassettes"
FIXTURES = Path(__file__).parent / "fixtures" / "vercel-ai"
MODEL = "qwen2.5-7b-instruct"
QWEN = "lmstudio-community/qwen2.5-7b-instruct"
RESPONSES = {"api": "responses"}

RHYMES = {"model": MODEL, "system": "Always answer in rhymes.", "messages": ["Introduce yourself."], "temperature": 0.7}
SEARCH = {
    "name": "search_products",
    "description": "Search the product catalog by various criteria. Use this whenever a customer asks about "
    "product availability, pricing, or specifications.",
    "parameters": {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "Search terms or product name"},
            "category": {
                "type": "string",
                "description": "Product category to filter by",
                "enum": ["electronics", "clothing", "home", "outdoor"],
            },
            "max_price": {"type": "number", "description": "Maximum price in dollars"},
        },
        "required": ["query"],
        "additionalProperties": False,
    },
}
WEATHER = {
    "name": "get_current_weather",
    "description": "Get the current weather in a given location",
    "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
}
DELIVERY = {
    "name": "get_delivery_date",
    "description": "Get the delivery date for a customer's order. Call this whenever you need to know the "
    "delivery date, for example when a customer asks 'Where is my package'",
    "parameters": {
        "type": "object",
        "properties": {"order_id": {"type": "string", "description": "The customer's order ID."}},
        "required": ["order_id"],
        "additionalProperties": False,
    },
}
JOKE = {"type": "object", "properties": {"joke": {"type": "string"}}, "required": ["joke"]}
WEATHER_R = {
    "name": "weather",
    "description": "Get the weather in a location",
    "parameters": {
        "type": "object",
        "properties": {"location": {"type": "string", "description": "The location to get the weather for"}},
        "required": ["location"],
        "additionalProperties": False,
    },
}
SF = "What is the weather in San Francisco?"

CHAT = Case("authored__chat_rhymes.yaml", RHYMES, expect_finish="stop")
STREAM = Case("authored__chat_rhymes_stream.yaml", RHYMES, stream=True, expect_finish="stop")
TOOL_CALL = Case(
    "authored__tool_call_search_products.yaml",
    {"model": QWEN, "messages": ["What dell products do you have under $50 in electronics?"], "tools": [SEARCH]},
    expect_tool="search_products",
)
TOOL_CALL_STREAM = Case(
    "authored__tool_call_weather_stream.yaml",
    {"model": MODEL, "messages": ["What's the weather like in San Francisco?"], "tools": [WEATHER]},
    stream=True,
    expect_tool="get_current_weather",
)
TOOL_ROUND_TRIP = Case(
    "authored__tool_round_trip_delivery.yaml",
    {
        "model": QWEN,
        "messages": [
            {
                "role": "system",
                "content": "You are a helpful customer support assistant. Use the supplied tools to assist the user.",
            },
            {"role": "user", "content": "Give me the delivery date and time for order number 1017"},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_call",
                        "id": "377278620",
                        "name": "get_delivery_date",
                        "arguments": {"order_id": "1017"},
                        "raw_arguments": '{"order_id":"1017"}',
                    }
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_call_id": "377278620",
                        "content": '{"order_id": "1017", "delivery_date": "2024-11-19 13:03:17"}',
                    }
                ],
            },
        ],
    },
    expect_text="November 19",
    expect_finish="stop",
)
STRUCTURED = Case(
    "authored__structured_joke.yaml",
    {
        "model": MODEL,
        "system": "You are a helpful jokester.",
        "messages": ["Tell me a joke."],
        "temperature": 0.7,
        "max_tokens": 50,
        "response_format": {"type": "json_schema", "name": "joke_response", "json_schema": JOKE, "strict": True},
    },
)
REASONING = Case(
    "authored__reasoning_gpt_oss.yaml",
    {"model": "openai/gpt-oss-20b", "messages": ["9.11 and 9.8, which is greater?"]},
    expect_text="9.8",
)
RESPONSES_TOOL_CALL = Case(
    "authored__responses_tool_call.yaml",
    {
        "model": "mistralai/ministral-3-14b-reasoning",
        "messages": [SF],
        "tools": [WEATHER_R],
        "tool_choice": "required",
        "temperature": 0.1,
        "max_tokens": 512,
    },
    options=RESPONSES,
    expect_tool="weather",
)
RESPONSES_TOOL_CALL_STREAM = Case(
    "authored__responses_tool_call_stream.yaml",
    {
        "model": "zai-org/glm-4.7-flash",
        "messages": [SF],
        "tools": [WEATHER_R],
        "tool_choice": "required",
        "temperature": 0.2,
    },
    stream=True,
    options=RESPONSES,
    expect_tool="weather",
)

_HELLO = {"model": MODEL, "messages": ["Hello"]}
ERRORS = {
    "auth": ErrorCase("authored__unauthorized_401.yaml", _HELLO, error=E.AuthenticationError, status_code=401),
    "not_found": ErrorCase(
        "authored__model_not_found_404.yaml",
        {"model": "default", "messages": ["Hello"]},
        error=E.NotFoundError,
        status_code=404,
    ),
    "context_length": ErrorCase(
        "authored__context_overflow_400.yaml", _HELLO, error=E.ContextWindowExceededError, status_code=400
    ),
    "server": ErrorCase("authored__model_crashed_500.yaml", _HELLO, error=E.ProviderServerError, status_code=500),
}


def _pig_png() -> str:
    """The base64 PNG inside the authored vision cassette's data URL (the image of Ollama's documented
    images example: LM Studio's docs show no image of their own)."""
    import json

    from llmcore_testing.cassette_format import deserialize

    data = deserialize((CASSETTES / "authored__vision_image_data_url.yaml").read_text(encoding="utf-8"))
    url = json.loads(data["interactions"][0]["request"]["body"])["messages"][0]["content"][1]["image_url"]["url"]
    return url.split(",", 1)[1]  # type: ignore[no-any-return]


PIG_PNG = _pig_png()
VISION = Case(  # authored from LM Studio's OpenAI-compatible docs (no recording with an image exists)
    "authored__vision_image_data_url.yaml",
    {
        "model": "qwen2-vl-2b-instruct",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Describe this image."},
                    {"type": "image", "data": PIG_PNG, "media_type": "image/png"},
                ],
            }
        ],
    },
    expect_text="pig",
    expect_finish="stop",
)
