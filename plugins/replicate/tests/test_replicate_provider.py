"""Replicate specifics: the prediction flows (wait, poll, stream), the total
timeout, input mapping, warnings, configuration and failure mapping."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
import replicate_cases as R
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_replicate.models import DEFAULT_INPUTS, inputs_for, parse_model
from llmcore_replicate.prediction import to_response
from llmcore_replicate.provider import ReplicateProvider
from llmcore_replicate.request import build_body
from llmcore_replicate.stream import decode_events
from llmcore_testing import TEST_API_KEY
from llmcore_testing.conformance import assert_not_leaked
from llmcore_testing.streams import ChunkedStream, split_every
from replicate_spec import validate_sent

# -- the flows, request by request ---------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [R.CHAT, R.STREAM, R.CHAT_CAMELIDS, R.SYSTEM_PROMPT, R.MULTI_TURN, *R.ERRORS.values()],
    ids=lambda c: c.cassette,
)
def test_sent_requests_are_the_recorded_ones(case: R.Case) -> None:
    """Every request goes where the cassette says, in order, with the recorded
    body (the real invalid-token recording excepted: its body had no prompt)."""
    _, sent = R.replay(case.cassette, case.chat_request(), stream=case.stream)
    recorded = R.interactions(case.cassette)
    assert [(r.method, str(r.url)) for r in sent] == [(i["request"]["method"], i["request"]["uri"]) for i in recorded]
    for r, i in zip(sent, recorded, strict=True):
        validate_sent(r)
        assert r.headers["authorization"] == f"Bearer {TEST_API_KEY}"
        if r.method == "POST" and "invalid-token" not in case.cassette:
            assert R.body(r) == json.loads(i["request"]["body"])


def test_chat_waits_then_polls_urls_get() -> None:
    r, sent = R.replay(R.CHAT.cassette, R.CHAT.chat_request())
    assert sent[0].headers["prefer"] == "wait"
    assert sent[1].method == "GET" and sent[1].url.path == "/v1/predictions/jp9nrd1g2hrj20cjb2vrb55mkr"
    assert r.text == "\n\nFuzzy, gentle beasts\nSoftly grazing, quiet eyes\nLlama's gentle charm"
    assert (r.usage.input_tokens, r.usage.output_tokens) == (23, 16)
    assert r.id == "jp9nrd1g2hrj20cjb2vrb55mkr" and r.raw_finish_reason == "succeeded"


def test_stream_reads_the_sse_url_then_the_metrics() -> None:
    r, sent = R.replay(R.STREAM.cassette, R.STREAM.chat_request(), stream=True)
    assert R.body(sent[0]) == {
        "version": R.LLAMA2_VERSION.split(":")[1],
        "input": {"prompt": "write a sonnet about camelids"},
        "stream": True,
    }
    assert "prefer" not in sent[0].headers
    assert str(sent[1].url).startswith("https://streaming-api.svc.us.c.replicate.net/")
    assert sent[1].headers["accept"] == "text/event-stream"
    assert r.text.startswith("In Andean heights") and r.text.count("\n") == 3
    assert (r.usage.input_tokens, r.usage.output_tokens) == (18, 36)
    assert r.id == "4awn473bsrztjzlx2b6ufoxkkm"


# -- the total timeout, on real recordings of unfinished predictions -------------------------


def test_total_timeout_stops_polling_a_processing_prediction() -> None:
    """replicate-python's real Prefer: wait recording came back still "processing";
    with 0.2 s left and a 5 s poll interval, no poll is sent and the call ends in time."""
    start = time.monotonic()
    err, sent = R.replay(
        "replicate-python__test_models_predictions_create_blocking_True-True_.yaml",
        R.HAIKU,
        timeout=0.2,
        poll_interval=5,
    )
    assert isinstance(err, E.ProviderTimeoutError) and err.retryable
    assert "jp9nrd1g2hrj20cjb2vrb55mkr" in err.message and err.request_id == "jp9nrd1g2hrj20cjb2vrb55mkr"
    assert len(sent) == 1 and time.monotonic() - start < 2


def test_no_wait_option_sends_no_prefer_header() -> None:
    """The real asynchronous create (status "starting", no Prefer header) of llama-2-70b-chat."""
    req = {"model": "meta/llama-2-70b-chat", "messages": ["Please write a haiku about llamas."]}
    err, sent = R.replay(
        "replicate-python__models-predictions-create.yaml", req, timeout=0.2, wait=False, poll_interval=5
    )
    assert "prefer" not in sent[0].headers
    assert R.body(sent[0]) == {"input": {"prompt": "Please write a haiku about llamas."}}
    validate_sent(sent[0])
    assert isinstance(err, E.ProviderTimeoutError) and "starting" in err.message


def test_prefer_wait_is_bounded_by_the_time_left() -> None:
    async def go() -> str | None:
        p = ReplicateProvider(ProviderConfig(api_key=TEST_API_KEY, timeout=10))
        return p._prefer(p._deadline())

    assert asyncio.run(go()) == "wait=9"


# -- failures -----------------------------------------------------------------------------------


def test_rate_limit_retry_after_from_the_detail() -> None:
    err, _ = R.replay("authored__rate_limit_429.yaml", R.HELLO)
    assert isinstance(err, E.RateLimitError) and err.retry_after == 30.0
    assert err.message == "Request was throttled. Your rate limit resets in ~30s."


def test_failed_prediction_carries_its_error_and_id() -> None:
    case = R.ERRORS["context_length"]
    err, sent = R.replay(case.cassette, case.chat_request())
    assert isinstance(err, E.ContextWindowExceededError)
    assert err.message.startswith("This model's maximum context length is 8192 tokens")
    assert err.request_id == "c7w2e9r4tdrj00cj2vfb8n5k3q" and err.code == "failed" and len(sent) == 1


def test_real_401_is_authentication_error_without_the_key() -> None:
    case = R.ERRORS["auth"]
    err, _ = R.replay(case.cassette, case.chat_request())
    assert isinstance(err, E.AuthenticationError) and err.code == "Unauthenticated"
    assert err.message == "You did not pass a valid authentication token"
    assert_not_leaked(TEST_API_KEY, err)


def _events(raw: bytes) -> list[str]:
    async def go() -> list[str]:
        chunks = ChunkedStream(split_every(raw, [5]))
        return [x async for x in decode_events(chunks, provider="replicate", prediction_id="p1")]

    return asyncio.run(go())


def test_stream_events() -> None:
    raw = (
        b"event: output\nid: 1:0\ndata: Hello\n\nevent: logs\ndata: loading\n\nevent: output\ndata:  world\n\n"
        b"event: done\ndata: {}\n\n"
    )
    assert _events(raw) == ["Hello", " world"]


def test_stream_done_canceled_and_error_events_are_typed() -> None:
    with pytest.raises(E.ProviderServerError) as ei:
        _events(b'event: output\ndata: Hi\n\nevent: done\ndata: {"reason": "canceled"}\n\n')
    assert ei.value.code == "canceled" and ei.value.request_id == "p1"
    with pytest.raises(E.ProviderServerError, match="CUDA out of memory"):
        _events(b'event: error\ndata: {"detail": "CUDA out of memory"}\n\n')
    with pytest.raises(E.ProviderResponseError, match="done"):
        _events(b"event: output\ndata: Hi\n\n")


# -- input mapping, warnings, strict mode --------------------------------------------------------


def _body(model: str = R.L3, **kw: object) -> tuple[dict[str, object], list[object]]:
    req = ChatRequest(model=model, messages=["Hi"], **kw)  # type: ignore[arg-type]
    target = parse_model(model)
    return build_body(req, target, inputs_for(target), stream=False)


def test_family_input_names() -> None:
    body, _ = _body("meta/llama-2-70b-chat", max_tokens=100, temperature=0.2, top_p=0.9, seed=7, stop=["</s>", "\n\n"])
    assert body == {
        "input": {
            "prompt": "Hi",
            "max_new_tokens": 100,
            "temperature": 0.2,
            "top_p": 0.9,
            "seed": 7,
            "stop_sequences": "</s>,\n\n",
        }
    }
    body, _ = _body(max_tokens=100)
    assert body == {"input": {"prompt": "Hi", "max_tokens": 100}}


def test_provider_options_override_inputs() -> None:
    body, _ = _body(max_tokens=10, provider_options={"replicate": {"top_k": 50, "max_tokens": None}})
    assert body == {"input": {"prompt": "Hi", "top_k": 50}}


def test_tools_warn_and_strict_raises_before_sending() -> None:
    tool = {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}
    _, warnings = _body(tools=[tool], response_format={"type": "json_object"})
    assert {w.feature for w in warnings} == {"tools", "response_format"}  # type: ignore[attr-defined]
    err, sent = R.replay(R.CHAT.cassette, {**R.HAIKU, "tools": [tool], "strict": True})
    assert isinstance(err, E.UnsupportedFeatureError) and not sent


def test_warning_rides_on_the_response() -> None:
    tool = {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}
    r, _ = R.replay(R.CHAT.cassette, {**R.HAIKU, "tools": [tool]})
    assert [w.feature for w in r.warnings] == ["tools"] and r.text


def test_comma_in_stop_sequence_is_reported() -> None:
    body, warnings = _body(stop=["a,b"])
    assert "stop_sequences" not in body["input"]  # type: ignore[operator]
    assert [w.feature for w in warnings] == ["stop"]  # type: ignore[attr-defined]


def test_model_references() -> None:
    assert parse_model("meta/meta-llama-3-8b-instruct").path == "models/meta/meta-llama-3-8b-instruct/predictions"
    t = parse_model(R.LLAMA2_VERSION)
    assert t.path == "predictions" and t.version == R.LLAMA2_VERSION.split(":")[1]
    assert parse_model("a" * 64).version == "a" * 64 and inputs_for(parse_model("a" * 64)) is DEFAULT_INPUTS
    for bad in ("llama", "meta/", "meta/x:123", "../x/y"):
        with pytest.raises(E.InvalidRequestError):
            parse_model(bad)


def test_invalid_model_fails_before_any_request() -> None:
    err, sent = R.replay(R.CHAT.cassette, {**R.HAIKU, "model": "not-a-model"})
    assert isinstance(err, E.InvalidRequestError) and not sent


# -- output and usage ------------------------------------------------------------------------------


def test_output_forms_and_unknown_usage() -> None:
    assert to_response({"status": "succeeded", "output": "plain"}).text == "plain"
    r = to_response({"status": "succeeded", "output": ["a", "b"]})
    assert r.text == "ab" and r.usage.input_tokens is None and r.usage.output_tokens is None
    with pytest.raises(E.ProviderResponseError):
        to_response({"status": "succeeded", "output": ["https://replicate.delivery/x.png", {"k": 1}]})


def test_length_finish_from_metrics() -> None:
    pred = {"status": "succeeded", "output": ["x"], "metrics": {"input_token_count": 3, "output_token_count": 8}}
    assert to_response(pred, max_tokens=8).finish_reason == "length"
    assert to_response(pred, max_tokens=9).finish_reason == "stop"


# -- configuration ---------------------------------------------------------------------------------


def test_missing_key_names_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    with pytest.raises(E.ConfigurationError, match="REPLICATE_API_TOKEN"):
        ReplicateProvider(ProviderConfig())


@pytest.mark.parametrize("options", [{"wiat": True}, {"wait": 61}, {"poll_interval": 0}, {"max_poll_interval": "x"}])
def test_bad_options(options: dict[str, object]) -> None:
    with pytest.raises(E.ConfigurationError) as ei:
        ReplicateProvider(ProviderConfig(api_key=TEST_API_KEY, options=options))
    if "wiat" in options:
        assert "wait" in str(ei.value) and "poll_interval" in str(ei.value)


def test_key_is_never_in_repr() -> None:
    p = ReplicateProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert_not_leaked(TEST_API_KEY, p, p.config)


def test_the_spec_check_rejects_what_the_api_rejects() -> None:
    """``validate_sent`` is not vacuous: an unknown body field, a malformed ``Prefer`` header
    and a path that is no operation of the API all fail it."""
    url = "https://api.replicate.com/v1/models/meta/meta-llama-3-8b-instruct/predictions"
    validate_sent(httpx.Request("POST", url, json={"input": {}}, headers={"prefer": "wait=5"}))
    for bad in (
        httpx.Request("POST", url, json={"input": {}, "stream_url": "x"}),
        httpx.Request("POST", url, json={"input": {}}, headers={"prefer": "wait=999"}),
        httpx.Request("GET", "https://api.replicate.com/v1/nothing"),
    ):
        with pytest.raises(AssertionError):
            validate_sent(bad)
