"""The llmcore conformance kit on DeepSeek recordings (pydantic-ai, ruby_llm) and
authored cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

from deepseek_cases import BERLIN, DICE, WEB_SEARCH, history, recorded_tools
from llmcore import errors as E
from llmcore.builtin_tools import WebSearchTool
from llmcore_testing import Case, ErrorCase, ProviderConformance
from llmcore_testing.conformance import LosslessCase

_Q = "What's the weather in Berlin (52.5200, 13.4050) and what's the best language to learn?"


def _pig_png() -> str:
    """The base64 PNG inside the authored vision cassette's data URL (the image of Ollama's documented images
    example: DeepSeek's vision guide inlines a local file of the reader's)."""
    import json

    from llmcore_testing.cassette_format import deserialize

    data = deserialize(
        (Path(__file__).parent / "cassettes" / "authored__vision_image_data_url.yaml").read_text("utf-8")
    )
    url = json.loads(data["interactions"][0]["request"]["body"])["messages"][0]["content"][1]["image_url"]["url"]
    return url.split(",", 1)[1]  # type: ignore[no-any-return]


PIG_PNG = _pig_png()


class TestDeepSeekConformance(ProviderConformance):
    provider = "deepseek"
    cassette_dir = Path(__file__).parent / "cassettes"
    # Capabilities.prompt_caching: DeepSeek caches prompt prefixes on its own; the recorded first answer
    # reports prompt_cache_hit_tokens 512 of 563 (-> Usage.cache_read_tokens)
    #: every recorded answer keeps its items (the Responses ones replayed with api="responses")
    lossless_check = True
    answer_path_options = {"/responses": {"api": "responses"}}
    lossless_cases = {
        "prompt_caching": LosslessCase(
            "pydantic-ai__test_deepseek_deferred_capability_with_thinking.yaml",
            {"model": "deepseek-reasoner", "messages": ["My guess is 4"]},
        ),
        # Capabilities.server_tools: the web search of DeepSeek's Responses API (api="responses"), asked
        # for with the neutral spec; four web_search_call items (one search, three open_page) in the answer
        "web_search": LosslessCase(
            WEB_SEARCH,
            {"model": "deepseek-v4-flash", "messages": ["Search the web"], "builtin_tools": [WebSearchTool()]},
            options={"api": "responses"},
            server_tool="web_search",
        ),
    }

    chat_case = Case(
        "ruby_llm__chat_basic_chat_functionality_deepseek_deepseek-chat_can_have_a_basic_conversation.yaml",
        {"model": "deepseek-chat", "messages": ["What's 2 + 2?"]},
        expect_text="4",
        expect_finish="stop",
    )
    stream_case = Case(
        "ruby_llm__chat_streaming_responses_deepseek_deepseek-chat_supports_streaming_responses.yaml",
        {"model": "deepseek-chat", "messages": ["Count from 1 to 3"]},
        stream=True,
        expect_text="3",
        expect_finish="stop",
    )
    # three turns with reasoning on the tool-call turns, which must be sent back
    multi_turn_case = Case(
        DICE,
        {
            "model": "deepseek-reasoner",
            "messages": history(DICE, 2),
            "tools": recorded_tools(DICE, 2),
            "tool_choice": "auto",
        },
        interaction=2,
        expect_text="Anne",
        expect_finish="stop",
    )
    tool_call_case = Case(
        BERLIN,
        {"model": "deepseek-chat", "messages": [_Q], "tools": recorded_tools(BERLIN)},
        expect_tool="weather",
    )
    tool_round_trip_case = Case(
        BERLIN,
        {"model": "deepseek-chat", "messages": history(BERLIN, 1), "tools": recorded_tools(BERLIN)},
        interaction=1,
        expect_text="Ruby",
        expect_finish="stop",
    )
    tool_call_stream_case = Case(
        "authored__tool_call_stream.yaml",
        {
            "model": "deepseek-chat",
            "messages": ["What's the weather in Hangzhou?"],
            "tools": recorded_tools("authored__tool_call_stream.yaml"),
        },
        stream=True,
        expect_tool="get_weather",
    )
    tool_round_trip_stream_case = Case(
        "authored__tool_call_stream.yaml",
        {
            "model": "deepseek-chat",
            "messages": history("authored__tool_call_stream.yaml", 1),
            "tools": recorded_tools("authored__tool_call_stream.yaml"),
        },
        stream=True,
        interaction=1,
        expect_text="24",
        expect_finish="stop",
    )
    structured_case = Case(
        "authored__json_output.yaml",
        {
            "model": "deepseek-chat",
            "response_format": {"type": "json_object"},
            "system": 'The user will provide some exam text. Please parse the "question" and "answer" and output them '
            "in JSON format.\n\nEXAMPLE INPUT:\nWhich is the highest mountain in the world? Mount Everest.\n\n"
            'EXAMPLE JSON OUTPUT:\n{\n    "question": "Which is the highest mountain in the world?",\n    '
            '"answer": "Mount Everest"\n}',
            "messages": ["Which is the longest river in the world? The Nile River."],
        },
        expect_text="Nile",
    )
    system_prompt_case = structured_case  # a system prompt (the JSON Output guide's)
    reasoning_case = Case(
        "pydantic-ai__test_deepseek_model_thinking_part.yaml",
        {"model": "deepseek-reasoner", "messages": ["How do I cross the street?"]},
        expect_text="crosswalk",
    )
    # no chat/stream pair of one prompt exists (the streamed tool call is authored from another prompt)
    # authored from the Vision guide (no recording with an image exists); images need a vision model (deepseek-flash)
    vision_case = Case(
        "authored__vision_image_data_url.yaml",
        {
            "model": "deepseek-flash",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is in this image?"},
                        {"type": "image", "data": PIG_PNG, "media_type": "image/png"},
                    ],
                }
            ],
        },
        expect_text="pig",
        expect_finish="stop",
    )
    agreement_pairs = ()
    error_cases = {
        "auth": ErrorCase(
            "ruby_llm__chat_error_handling_with_deepseek_deepseek-chat_raises_appropriate_auth_error.yaml",
            {"model": "deepseek-chat", "messages": ["Hello"]},
            error=E.AuthenticationError,
            status_code=401,
        ),
        "not_found": ErrorCase(
            "authored__model_not_exist_400.yaml",
            {"model": "deepseek-chatt", "messages": ["Hello"]},
            error=E.NotFoundError,
            status_code=400,
        ),
        "rate_limit": ErrorCase(
            "authored__rate_limit_429.yaml",
            {"model": "deepseek-chat", "messages": ["Hello"]},
            error=E.RateLimitError,
            status_code=429,
        ),
        "context_length": ErrorCase(
            "ruby_llm__chat_real_error_scenarios_deepseek_deepseek-chat_handles_context_length_exceeded_errors.yaml",
            {"model": "deepseek-chat", "messages": ["Hi"]},
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__server_overloaded_503.yaml",
            {"model": "deepseek-chat", "messages": ["Hello"]},
            error=E.ProviderServerError,
            status_code=503,
        ),
        "insufficient_balance": ErrorCase(
            "authored__insufficient_balance_402.yaml",
            {"model": "deepseek-chat", "messages": ["Hello"]},
            error=E.PermissionDeniedError,
            status_code=402,
        ),
    }
