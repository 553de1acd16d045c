# ruff: noqa: RUF001 -- Chinese full-width punctuation of the documented requests and answers
"""The ERNIE (Qianfan v2) cassettes (authored from the Qianfan API reference; see cassettes/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path

from llmcore import errors as E
from llmcore_testing import Case, ErrorCase

CASSETTES = Path(__file__).parent / "cassettes"
DS = "deepseek-v3.1-250821"
ERNIE = "ernie-4.5-turbo-128k"
WEATHER = {
    "name": "get_current_weather",
    "description": "天气查询工具",
    "parameters": {
        "properties": {
            "location": {"description": "地理位置，精确到区县级别", "type": "string"},
            "time": {"description": "时间，格式为YYYY-MM-DD", "type": "string"},
        },
        "type": "object",
    },
}
Q = "查一下上海和北京2025-8-21的天气"
CALLS = [
    (
        "04fed17840d34b1e99bf3cd6dc94150d",
        '{"location": "上海市", "time": "2025-08-21"}',
        '{"temperature": "25", "unit": "摄氏度", "description": "上海"}',
    ),
    (
        "a37ee51b99a64723bcb7f2f4d8081770",
        '{"location": "北京市", "time": "2025-08-21"}',
        '{"temperature": "20", "unit": "摄氏度", "description": "北京"}',
    ),
]
ROUND_TRIP_REQUEST = {
    "model": DS,
    "tools": [WEATHER],
    "tool_choice": "auto",
    "messages": [
        {"role": "user", "content": Q},
        {
            "role": "assistant",
            "content": [
                {
                    "type": "tool_call",
                    "id": i,
                    "name": "get_current_weather",
                    "arguments": json.loads(a),
                    "raw_arguments": a,
                }
                for i, a, _ in CALLS
            ],
        },
        {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": i, "content": r} for i, _, r in CALLS]},
    ],
}
ERNIE_Q = {"model": ERNIE, "messages": ["用一句话介绍一下文心一言。"]}
ERNIE_TOOLS = {"model": ERNIE, "messages": [Q], "tools": [WEATHER], "tool_choice": "auto"}
SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "population_millions": {"type": "number"}},
    "required": ["city", "population_millions"],
}

DOC_CHAT = Case(
    "authored__documented_chat.yaml",
    {"model": DS, "system": "You are a helpful assistant.", "messages": ["你好"]},
    expect_text="你好",
    expect_finish="stop",
)
DOC_TOOL_CALLS = Case(
    "authored__documented_tool_calls.yaml",
    {"model": DS, "messages": [Q], "tools": [WEATHER], "tool_choice": "auto"},
    expect_tool="get_current_weather",
)
DOC_ROUND_TRIP = Case(
    "authored__documented_tool_round_trip.yaml", ROUND_TRIP_REQUEST, expect_text="25摄氏度", expect_finish="stop"
)
CHAT = Case("authored__ernie_chat.yaml", ERNIE_Q, expect_text="文心一言", expect_finish="stop")
STREAM = Case("authored__ernie_chat_stream.yaml", ERNIE_Q, stream=True, expect_finish="stop")
TOOL_CALLS = Case("authored__ernie_tool_calls.yaml", ERNIE_TOOLS, expect_tool="get_current_weather")
TOOL_CALLS_STREAM = Case(
    "authored__ernie_tool_calls_stream.yaml", ERNIE_TOOLS, stream=True, expect_tool="get_current_weather"
)
REASONING = Case(
    "authored__ernie_x1_reasoning.yaml",
    {"model": "ernie-x1-turbo-32k", "messages": ["9.11和9.8哪个大？"]},
    expect_text="9.8",
)
STRUCTURED = Case(
    "authored__ernie_json_schema.yaml",
    {
        "model": ERNIE,
        "messages": ["北京的人口大约是多少？用JSON回答。"],
        "response_format": {"type": "json_schema", "name": "city", "json_schema": SCHEMA},
    },
)

_HI = {"model": ERNIE, "messages": ["你好"]}
ERRORS = {
    "auth": ErrorCase("authored__invalid_iam_token_401.yaml", _HI, error=E.AuthenticationError, status_code=401),
    "not_found": ErrorCase(
        "authored__invalid_model_401.yaml",
        {"model": "ernie-9.0-8k", "messages": ["你好"]},
        error=E.NotFoundError,
        status_code=401,
    ),
    "rate_limit": ErrorCase("authored__rpm_rate_limit_429.yaml", _HI, error=E.RateLimitError, status_code=429),
    "context_length": ErrorCase(
        "authored__tokens_too_long_400.yaml", _HI, error=E.ContextWindowExceededError, status_code=400
    ),
    "server": ErrorCase("authored__server_error_500.yaml", _HI, error=E.ProviderServerError, status_code=500),
}
