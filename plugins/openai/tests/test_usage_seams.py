"""Usage seams: top-level ``cached_tokens`` and list indices in ``usage_fallbacks``."""

from __future__ import annotations

import json
from dataclasses import replace

from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatStreamDecoder, map_usage, parse_response
from llmcore_openai.chat.usage import find_usage


def test_top_level_cached_tokens() -> None:
    u = map_usage({"prompt_tokens": 100, "completion_tokens": 5, "cached_tokens": 64})
    assert (u.input_tokens, u.cache_read_tokens) == (100, 64)
    nested = map_usage({"prompt_tokens": 100, "prompt_tokens_details": {"cached_tokens": 10}, "cached_tokens": 64})
    assert nested.cache_read_tokens == 10  # prompt_tokens_details wins
    assert map_usage({"prompt_tokens": 10, "cached_tokens": 64}).cache_read_tokens is None  # cannot be part of 10
    assert map_usage({"prompt_tokens": 10}).cache_read_tokens is None


def test_find_usage_indexes_lists() -> None:
    chunk = {"usage": None, "choices": [{"index": 0, "delta": {}, "usage": {"prompt_tokens": 3}}]}
    assert find_usage(chunk, (("choices", 0, "usage"),)) == {"prompt_tokens": 3}
    assert find_usage({"choices": []}, (("choices", 0, "usage"),)) is None
    assert find_usage({"choices": "x"}, (("choices", 0, "usage"),)) is None


def test_choice_level_usage_in_a_stream() -> None:
    dialect = replace(COMPATIBLE_DIALECT, usage_fallbacks=(("choices", 0, "usage"),))
    dec = ChatStreamDecoder(dialect, "p")
    events = dec.feed_data(json.dumps({"id": "a", "choices": [{"index": 0, "delta": {"content": "Hi"}}]}))
    events += dec.feed_data(
        json.dumps(
            {
                "id": "a",
                "choices": [
                    {
                        "index": 0,
                        "delta": {},
                        "finish_reason": "stop",
                        "usage": {"prompt_tokens": 8, "completion_tokens": 1, "cached_tokens": 8},
                    }
                ],
            }
        )
    )
    events += dec.feed_data("[DONE]") + dec.close()
    usage = [e for e in events if e.type == "usage"]
    assert len(usage) == 1 and (usage[0].usage.input_tokens, usage[0].usage.cache_read_tokens) == (8, 8)  # type: ignore[attr-defined]
    r = parse_response(
        {
            "id": "a",
            "choices": [{"index": 0, "message": {"content": "Hi"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 8, "completion_tokens": 1, "cached_tokens": 4},
        },
        dialect,
        provider="p",
    )
    assert r.usage.cache_read_tokens == 4
