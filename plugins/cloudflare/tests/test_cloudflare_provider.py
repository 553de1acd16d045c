"""Cloudflare specifics: the exact request bodies and URLs, configuration
errors, warnings and strict mode, the envelope, usage and finish reasons."""

from __future__ import annotations

import asyncio
import json

import cloudflare_cases as C
import pytest
from llmcore import errors as E
from llmcore.events import Finish, TextDelta, UsageEvent
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_cloudflare.provider import CloudflareProvider
from llmcore_cloudflare.response import parse_result
from llmcore_cloudflare.stream import decode_stream
from llmcore_testing import TEST_API_KEY
from llmcore_testing.conformance import assert_not_leaked
from llmcore_testing.streams import ChunkedStream, split_every

ALL_CASES = [
    C.CHAT,
    C.CHAT_NEW_YORK,
    C.STREAM,
    C.SYSTEM_PROMPT,
    C.MULTI_TURN,
    C.TOOL_CALL,
    C.TOOL_CALL_STREAM,
    C.TOOL_ROUND_TRIP,
    C.TOOL_ROUND_TRIP_STREAM,
    *C.ERRORS.values(),
]


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.cassette}{'-stream' if c.stream else ''}")
def test_sent_request_is_the_recorded_one(case: C.Case) -> None:
    """Body, method and URL (model id verbatim in the path) equal the cassette's."""
    _, sent = C.replay(case.cassette, case.chat_request(), stream=case.stream)
    assert len(sent) == 1
    recorded = C.recorded_request(case.cassette)
    assert C.sent_json(sent) == json.loads(recorded["body"])
    assert str(sent[0].url) == recorded["uri"]
    assert sent[0].method == "POST"
    assert sent[0].headers["authorization"] == f"Bearer {TEST_API_KEY}"


def test_model_id_keeps_at_and_slashes_in_the_path() -> None:
    _, sent = C.replay(C.CHAT.cassette, C.CHAT.chat_request())
    assert sent[0].url.raw_path.decode() == f"/client/v4/accounts/{C.ACCOUNT}/ai/run/@cf/meta/llama-3.1-8b-instruct"


def test_chat_reads_result_and_usage() -> None:
    r, _ = C.replay(C.CHAT.cassette, C.CHAT.chat_request())
    assert r.text.startswith("Hello, World first appeared in 1974")
    assert (r.usage.input_tokens, r.usage.output_tokens) == (43, 55)
    assert r.finish_reason == "stop" and r.model == C.LLAMA and r.provider == "cloudflare"


def test_stream_deltas_and_usage() -> None:
    r, _ = C.replay(C.STREAM.cassette, C.STREAM.chat_request(), stream=True)
    assert r.text == "New York is located in the northeastern United States."
    assert (r.usage.input_tokens, r.usage.output_tokens) == (41, 11)


def test_tool_call_without_id_gets_one_and_parsed_arguments() -> None:
    r, _ = C.replay(C.TOOL_CALL.cassette, C.TOOL_CALL.chat_request())
    (call,) = r.tool_calls
    assert call.name == "getWeather" and call.id.startswith("call_")
    assert call.arguments == {"latitude": "51.5074", "longitude": "-0.1278"}
    assert json.loads(call.raw_arguments) == call.arguments
    assert r.text == "" and r.finish_reason == "tool_calls"


def test_streaming_with_tools_is_one_non_streamed_call() -> None:
    r, sent = C.replay(C.TOOL_CALL.cassette, C.TOOL_CALL.chat_request(), stream=True)
    assert "stream" not in C.sent_json(sent)
    assert [c.name for c in r.tool_calls] == ["getWeather"]


def test_success_false_with_http_200_is_a_typed_error() -> None:
    err, _ = C.replay("authored__out_of_capacity_200.yaml", C.SIMPLE)
    assert isinstance(err, E.RateLimitError) and err.retryable
    assert err.code == "3040" and "No more data centers" in err.message
    assert err.status_code is None and err.provider == "cloudflare"


def test_error_codes_refine_the_status() -> None:
    err, _ = C.replay("authored__no_such_model_400.yaml", {**C.SIMPLE, "model": "@cf/meta/llama-9-instruct"})
    assert isinstance(err, E.NotFoundError) and err.code == "5007" and err.status_code == 400
    err, _ = C.replay("authored__auth_error_401.yaml", C.SIMPLE)
    assert isinstance(err, E.AuthenticationError) and err.message == "Authentication error"
    assert_not_leaked(TEST_API_KEY, err)


# -- configuration ----------------------------------------------------------------------


def test_missing_account_id_names_env_var_and_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDFLARE_ACCOUNT_ID", raising=False)
    with pytest.raises(E.ConfigurationError) as ei:
        CloudflareProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert "CLOUDFLARE_ACCOUNT_ID" in str(ei.value) and "account_id" in str(ei.value)


def test_account_id_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", C.ACCOUNT)
    p = CloudflareProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert p.run_path(C.LLAMA) == f"accounts/{C.ACCOUNT}/ai/run/{C.LLAMA}"


def test_missing_key_names_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN", raising=False)
    with pytest.raises(E.ConfigurationError) as ei:
        CloudflareProvider(ProviderConfig(options=C.OPTIONS))
    assert "CLOUDFLARE_API_TOKEN" in str(ei.value)


def test_unknown_option_lists_known_ones() -> None:
    with pytest.raises(E.ConfigurationError) as ei:
        CloudflareProvider(ProviderConfig(api_key=TEST_API_KEY, options={**C.OPTIONS, "acount": "x"}))
    assert "acount" in str(ei.value) and "account_id" in str(ei.value)


def test_key_is_never_in_repr() -> None:
    p = CloudflareProvider(ProviderConfig(api_key=TEST_API_KEY, options=C.OPTIONS))
    assert_not_leaked(TEST_API_KEY, p, p.config)


# -- warnings and strict mode -------------------------------------------------------------


def _request(**kw: object) -> ChatRequest:
    return ChatRequest(model=C.LLAMA, messages=["Hello"], **kw)  # type: ignore[arg-type]


def test_unsupported_parameters_become_warnings() -> None:
    from llmcore_cloudflare.request import build_body

    body, warnings = build_body(
        _request(stop=["\n"], reasoning_effort="low", response_format={"type": "json_object"}), stream=False
    )
    assert {w.feature for w in warnings} == {"stop", "reasoning_effort", "response_format"}
    assert "stop" not in body and "response_format" not in body


def test_forced_tool_choice_warns_and_none_sends_no_tools() -> None:
    from llmcore_cloudflare.request import build_body

    body, warnings = build_body(_request(tools=[C.WEATHER_TOOL], tool_choice="required"), stream=False)
    assert body["tools"][0]["name"] == "getWeather" and [w.feature for w in warnings] == ["tool_choice"]
    body, warnings = build_body(_request(tools=[C.WEATHER_TOOL], tool_choice="none"), stream=False)
    assert "tools" not in body and not warnings


def test_images_are_reported_not_dropped_silently() -> None:
    from llmcore_cloudflare.request import build_body

    req = ChatRequest(
        model=C.LLAMA,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image", "url": "https://example.com/cat.png"},
                ],
            }
        ],
    )
    body, warnings = build_body(req, stream=False)
    assert body["messages"] == [{"role": "user", "content": "What is this?"}]
    assert [w.feature for w in warnings] == ["vision"]


def test_strict_mode_raises_before_any_request() -> None:
    err, sent = C.replay(C.CHAT.cassette, _request(stop=["x"], strict=True))
    assert isinstance(err, E.UnsupportedFeatureError) and not sent


def test_warnings_ride_on_the_response() -> None:
    req = ChatRequest(**{**C.HELLO, "stop": ["\n\n"]})
    r, _ = C.replay(C.CHAT.cassette, req)
    assert [w.feature for w in r.warnings] == ["stop"]


def test_provider_options_are_merged_into_the_body() -> None:
    from llmcore_cloudflare.request import build_body

    body, _ = build_body(_request(provider_options={"cloudflare": {"top_k": 5}, "openai": {"x": 1}}), stream=False)
    assert body["top_k"] == 5 and "x" not in body


# -- result mapping -----------------------------------------------------------------------


def test_usage_absent_is_unknown_not_zero() -> None:
    r = parse_result({"response": "hi"}, model=C.LLAMA)
    assert r.usage.input_tokens is None and r.usage.output_tokens is None


def test_length_inferred_from_max_tokens() -> None:
    usage = {"prompt_tokens": 5, "completion_tokens": 16, "total_tokens": 21}
    assert parse_result({"response": "a", "usage": usage}, model=C.LLAMA, max_tokens=16).finish_reason == "length"
    assert parse_result({"response": "a", "usage": usage}, model=C.LLAMA, max_tokens=64).finish_reason == "stop"


def test_openai_shaped_result_is_read() -> None:
    r = parse_result(
        {
            "choices": [
                {
                    "message": {
                        "content": "hi",
                        "tool_calls": [
                            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a":1}'}}
                        ],
                    },
                    "finish_reason": "tool_calls",
                }
            ],
            "usage": {"prompt_tokens": 3, "completion_tokens": 4},
        },
        model="m",
    )
    assert r.text == "hi" and r.tool_calls[0].id == "c1" and r.tool_calls[0].arguments == {"a": 1}
    assert r.finish_reason == "tool_calls" and r.usage.output_tokens == 4


def _decode(raw: bytes) -> list[object]:
    async def go() -> list[object]:  # split anywhere
        return [
            ev async for ev in decode_stream(ChunkedStream(split_every(raw, [7])), provider="cloudflare", headers={})
        ]

    return asyncio.run(go())


def test_stream_decoder_events() -> None:
    events = _decode(
        b'data: {"response":"Hi"}\n\ndata: {"response":" there","usage":{"prompt_tokens":2,'
        b'"completion_tokens":2}}\n\ndata: [DONE]\n\n'
    )
    assert [type(e) for e in events] == [TextDelta, TextDelta, UsageEvent, Finish]


def test_stream_cut_off_before_done_is_an_error() -> None:
    with pytest.raises(E.ProviderResponseError, match="DONE"):
        _decode(b'data: {"response":"Hi"}\n\n')


def test_stream_error_envelope_is_typed() -> None:
    with pytest.raises(E.RateLimitError):
        _decode(b'data: {"success":false,"errors":[{"code":3040,"message":"No more data centers"}]}\n\n')
