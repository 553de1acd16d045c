"""Spans and metrics of real llmcore calls over loopback sockets (the default aiohttp transport)."""

from __future__ import annotations

import asyncio
import gc
import json
import threading

import llmcore
import pytest
from llmcore.events import Finish, TextDelta
from llmcore.reliability.base import ProviderWrapper
from llmcore_testing.cassette_server import CassetteServer
from opentelemetry import trace
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as GA
from opentelemetry.semconv.attributes import error_attributes as EA
from opentelemetry.semconv.attributes import server_attributes as SA
from opentelemetry.trace import SpanKind, StatusCode

from conftest import OPENAI_CASSETTES, Server, Telemetry, ok, status

KEY = "sk-" + "otel" + "Q" * 24  # a fake key, built from fragments


def model(server: Server, **kw: object) -> llmcore.Model:
    kw.setdefault("retry", llmcore.reliability.RetryPolicy(max_attempts=3, initial_backoff=0.0))
    return llmcore.model("openai/gpt-4o-mini", base_url=server.url, api_key=KEY, **kw)


def calls(spans: list) -> list:
    return [s for s in spans if s.kind == SpanKind.CLIENT]


def attempts(spans: list, parent: object) -> list:
    return sorted(
        (
            s
            for s in spans
            if s.parent is not None and s.parent.span_id == parent.context.span_id and "attempt" in s.name
        ),
        key=lambda s: s.attributes["llmcore.attempt"],
    )


def test_chat_over_a_recorded_cassette(otel: Telemetry) -> None:
    with CassetteServer.from_cassette(
        OPENAI_CASSETTES / "pydantic-ai__test_max_completion_tokens_o3-mini_.yaml"
    ) as srv:
        m = llmcore.model("openai/o3-mini", base_url=srv.base_url_for("https://api.openai.com/v1"), api_key=KEY)
        r = m.chat("hello", max_tokens=100)
    assert r.text == "Hello there! How can I help you today?"
    [span] = calls(otel.spans())
    a = span.attributes
    assert span.name == "chat o3-mini"
    assert a[GA.GEN_AI_OPERATION_NAME] == "chat"
    assert a[GA.GEN_AI_PROVIDER_NAME] == "openai"
    assert a[GA.GEN_AI_REQUEST_MODEL] == "o3-mini"
    assert a[GA.GEN_AI_REQUEST_MAX_TOKENS] == 100
    assert a[GA.GEN_AI_RESPONSE_MODEL] == "o3-mini-2025-01-31"
    assert a[GA.GEN_AI_RESPONSE_ID] == "chatcmpl-Dr3KNfXKBS1oDOrhqYDuLYdjX9PM4"
    assert a[GA.GEN_AI_RESPONSE_FINISH_REASONS] == ("stop",)
    assert a[GA.GEN_AI_USAGE_INPUT_TOKENS] == 7
    assert a[GA.GEN_AI_USAGE_OUTPUT_TOKENS] == 87
    assert a[GA.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] == 64
    assert a[SA.SERVER_ADDRESS] == "127.0.0.1" and a[SA.SERVER_PORT] == srv.port
    assert a["llmcore.key_id"].startswith("sha256:")
    assert isinstance(a.get("llmcore.cost_usd"), float)
    assert "gen_ai.input.messages" not in a and "gen_ai.output.messages" not in a  # content off by default
    assert span.status.status_code == StatusCode.UNSET
    [att] = attempts(otel.spans(), span)
    assert att.attributes["llmcore.attempt"] == 1
    metrics = otel.metrics()
    assert any(
        p.attributes.get(GA.GEN_AI_REQUEST_MODEL) == "o3-mini" for p in metrics["gen_ai.client.operation.duration"]
    )
    usage = {
        p.attributes[GA.GEN_AI_TOKEN_TYPE]: p.sum
        for p in metrics["gen_ai.client.token.usage"]
        if p.attributes.get(GA.GEN_AI_REQUEST_MODEL) == "o3-mini"
    }
    assert usage == {"input": 7, "output": 87}


def test_a_retry_is_two_attempt_spans(otel: Telemetry, server: Server) -> None:
    server.replies = [status(503), ok()]
    r = model(server).chat("hi")
    assert r.text == "Hi there"
    [span] = calls(otel.spans())
    first, second = attempts(otel.spans(), span)
    assert first.status.status_code == StatusCode.ERROR
    assert first.attributes[EA.ERROR_TYPE] == "ProviderServerError"
    assert first.attributes["llmcore.error.retryable"] is True
    assert second.status.status_code == StatusCode.UNSET
    assert span.attributes["llmcore.attempts"] == 2
    assert span.status.status_code == StatusCode.UNSET
    assert span.attributes[GA.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] == 2
    retries = [p for p in otel.metrics()["llmcore.client.retries"] if p.attributes.get(SA.SERVER_PORT) == server.port]
    assert sum(p.value for p in retries) == 1


def test_an_error_sets_status_and_error_type(otel: Telemetry, server: Server) -> None:
    server.replies = [status(400, "bad things")]
    with pytest.raises(llmcore.errors.InvalidRequestError):
        model(server).chat("hi")
    [span] = calls(otel.spans())
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes[EA.ERROR_TYPE] == "InvalidRequestError"
    assert span.attributes["llmcore.error.retryable"] is False
    assert span.attributes["llmcore.error.status_code"] == 400
    [p] = [
        p for p in otel.metrics()["gen_ai.client.operation.duration"] if p.attributes.get(SA.SERVER_PORT) == server.port
    ]
    assert p.attributes[EA.ERROR_TYPE] == "InvalidRequestError"


def test_a_fallback_is_a_parent_of_both_calls(otel: Telemetry, server: Server) -> None:
    with Server() as good:
        server.replies, good.replies = [status(503)], [ok("from the second")]
        chain = llmcore.fallback([model(server, retry=False), model(good)])
        r = chain.chat("hi")
    assert r.text == "from the second"
    spans = otel.spans()
    [parent] = [s for s in spans if s.attributes.get("llmcore.chain")]
    children = [s for s in calls(spans) if s.parent is not None and s.parent.span_id == parent.context.span_id]
    assert len(children) == 2
    failed, answered = sorted(children, key=lambda s: s.attributes[SA.SERVER_PORT] != server.port)
    assert failed.status.status_code == StatusCode.ERROR
    assert answered.status.status_code == StatusCode.UNSET
    assert [e.name for e in parent.events] == ["llmcore.fallback"]
    assert parent.attributes["llmcore.chain.model"].startswith("openai/")


def test_a_cache_hit(otel: Telemetry, server: Server) -> None:
    server.replies = [ok()]
    m = model(server, cache="memory")
    m.chat("hi")
    m.chat("hi")
    assert server.hits == 1
    first, second = sorted(calls(otel.spans()), key=lambda s: s.start_time)
    assert "llmcore.cache_hit" not in first.attributes
    assert second.attributes["llmcore.cache_hit"] is True
    assert not attempts(otel.spans(), second)  # nothing was sent
    assert GA.GEN_AI_USAGE_INPUT_TOKENS not in second.attributes  # no tokens used now
    assert (
        sum(
            p.value
            for p in otel.metrics()["llmcore.client.cache_hits"]
            if p.attributes.get(SA.SERVER_PORT) == server.port
        )
        == 1
    )


def test_stream_time_to_first_chunk_and_chunks(otel: Telemetry, server: Server) -> None:
    server.replies = [ok("one two three")]
    s = model(server).stream("hi")
    assert "".join(s.texts()) == "onetwothree"  # the server sends the words as chunks
    [span] = calls(otel.spans())
    assert span.attributes[GA.GEN_AI_REQUEST_STREAM] is True
    assert span.attributes["llmcore.stream.chunks"] >= 3
    assert span.attributes[GA.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] > 0
    assert span.attributes[GA.GEN_AI_USAGE_OUTPUT_TOKENS] == 3
    assert any(
        p.attributes.get(SA.SERVER_PORT) == server.port
        for p in otel.metrics()["gen_ai.client.operation.time_to_first_chunk"]
    )


def test_a_cancelled_stream_ends_its_span_with_status(otel: Telemetry, server: Server) -> None:
    server.replies = [ok("one two three four")]

    async def main() -> None:
        stream = model(server).astream("hi")
        async for _ in stream:
            break  # the caller stops early
        await stream.aclose()

    asyncio.run(main())
    [span] = calls(otel.spans())
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes[EA.ERROR_TYPE] == "cancelled"
    assert span.attributes["llmcore.cancelled"] is True
    assert all(s.end_time is not None for s in otel.spans())


def test_spans_nest_under_the_callers_span_sync_and_async(otel: Telemetry, server: Server) -> None:
    server.replies = [ok()]
    tracer = otel.tracer_provider.get_tracer("app")
    m = model(server)
    with tracer.start_as_current_span("request handler") as outer:
        m.chat("hi")  # sync: runs on llmcore's loop thread
        list(m.stream("hi"))

        async def two() -> None:
            await asyncio.gather(m.achat("a"), m.achat("b"))

        asyncio.run(two())

    # and from another thread with its own current span
    def in_thread() -> None:
        with tracer.start_as_current_span("worker"):
            m.chat("hi")

    t = threading.Thread(target=in_thread)
    t.start()
    t.join()
    spans = otel.spans()
    [worker] = [s for s in spans if s.name == "worker"]
    chats = calls(spans)
    assert len(chats) == 5
    under_outer = [s for s in chats if s.parent is not None and s.parent.span_id == outer.get_span_context().span_id]
    assert len(under_outer) == 4
    assert all(s.context.trace_id == outer.get_span_context().trace_id for s in under_outer)
    [_in_worker] = [s for s in chats if s.parent is not None and s.parent.span_id == worker.context.span_id]
    assert trace.get_current_span() is trace.INVALID_SPAN  # nothing leaked into the caller's context


class Canned(ProviderWrapper):
    """A middleware answering streams from memory: 10^4 streams in seconds, through the
    facade, the retry layer and the observer as usual (only the network is left out)."""

    async def stream_chat(self, request: object):  # type: ignore[no-untyped-def,override]
        await asyncio.sleep(0)
        yield TextDelta("a")
        await asyncio.sleep(0)
        yield TextDelta("b")
        yield Finish("stop", "stop")


def test_ten_thousand_cancelled_streams_leave_no_open_span(otel: Telemetry) -> None:
    """Every started span ends (an open span would be missing from the exporter):
    half the streams are closed after their first event, half cancelled mid-step."""
    m = llmcore.model("openai/gpt-4o-mini", api_key=KEY, middleware=[Canned])
    n = 10_000

    async def main() -> None:
        async def one(i: int) -> None:
            s = m.astream("hi")
            if i % 2:
                it = s.__aiter__()
                await it.__anext__()
                await it.aclose()  # stopped after the first event
            else:
                task = asyncio.ensure_future(s.collect())
                await asyncio.sleep(0)
                await asyncio.sleep(0)
                task.cancel()  # cancelled inside the stream
                with pytest.raises(asyncio.CancelledError):
                    await task
                await s.aclose()

        await asyncio.gather(*(one(i) for i in range(n)))

    asyncio.run(main())
    gc.collect()
    spans = otel.spans()
    call_spans = calls(spans)
    assert len(call_spans) == n  # every stream started a call, and every call span ended
    assert all(s.status.status_code == StatusCode.ERROR for s in call_spans)
    assert all(s.attributes[EA.ERROR_TYPE] == "cancelled" for s in call_spans)
    assert len([s for s in spans if "attempt" in s.name]) == n


def test_content_capture_is_off_by_default_and_on_when_asked(otel: Telemetry, server: Server) -> None:
    from llmcore import observe

    server.replies = [ok("the answer")]
    obs = observe.get_observer()
    assert obs.capture_content is False  # type: ignore[union-attr]
    obs.capture_content = True  # type: ignore[union-attr]
    try:
        model(server).chat([{"role": "user", "content": "the question"}], system="be brief")
    finally:
        obs.capture_content = False  # type: ignore[union-attr]
    [span] = calls(otel.spans())
    assert json.loads(span.attributes["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "the question"}]}
    ]
    assert json.loads(span.attributes["gen_ai.system_instructions"]) == [{"type": "text", "content": "be brief"}]
    assert json.loads(span.attributes["gen_ai.output.messages"]) == [
        {"role": "assistant", "parts": [{"type": "text", "content": "the answer"}], "finish_reason": "stop"}
    ]


def test_the_env_var_turns_capture_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from llmcore_otel import _content

    monkeypatch.setenv(_content.ENV, "true")
    assert _content.capture_from_env()
    monkeypatch.setenv(_content.ENV, "false")
    assert not _content.capture_from_env()
    monkeypatch.delenv(_content.ENV)
    assert not _content.capture_from_env()


def test_no_key_in_any_span_attribute_or_event(otel: Telemetry, server: Server) -> None:
    """With content captured, over a key pool (switch events), errors and retries."""
    from llmcore import observe

    server.replies = [status(429, f"rate limited for {KEY}"), status(401, "nope"), ok()]
    obs = observe.get_observer()
    obs.capture_content = True  # type: ignore[union-attr]
    key2 = "sk-" + "otel" + "R" * 24
    try:
        m = llmcore.model(
            "openai/gpt-4o-mini",
            base_url=server.url,
            api_keys=[KEY, key2],
            retry=llmcore.reliability.RetryPolicy(max_attempts=3, initial_backoff=0.0),
        )
        try:
            m.chat(f"my key is not {KEY[:6]}")
        except llmcore.errors.LLMCoreError:
            pass
        server.replies, server.hits = [status(400, f"bad key {KEY}?")], 0
        with pytest.raises(llmcore.errors.LLMCoreError):
            model(server, retry=False).chat("x")
    finally:
        obs.capture_content = False  # type: ignore[union-attr]
    spans = otel.spans()
    assert spans
    blob = json.dumps(
        [
            {
                "name": s.name,
                "attributes": dict(s.attributes),
                "status": s.status.description,
                "events": [{"name": e.name, "attributes": dict(e.attributes)} for e in s.events],
            }
            for s in spans
        ],
        default=str,
    )
    for key in (KEY, key2):
        assert key not in blob
        assert key[3:] not in blob
    assert "llmcore.key_switch" in blob


def test_embeddings_and_count_tokens_are_calls_too(otel: Telemetry) -> None:
    cassette = OPENAI_CASSETTES / "openllmetry__test_embeddings.yaml"
    with CassetteServer.from_cassette(cassette) as srv:
        em = llmcore.embedding_model(
            "openai/text-embedding-ada-002", base_url=srv.base_url_for("https://api.openai.com/v1"), api_key=KEY
        )
        r = em.embed("Tell me a joke about opentelemetry")
    n = llmcore.model("openai/gpt-4o-mini", api_key=KEY).count_tokens("hello there")
    spans = calls(otel.spans())
    [embed] = [s for s in spans if s.attributes[GA.GEN_AI_OPERATION_NAME] == "embeddings"]
    assert embed.name == "embeddings text-embedding-ada-002"
    assert embed.attributes[GA.GEN_AI_USAGE_INPUT_TOKENS] == r.usage.input_tokens
    assert embed.attributes[GA.GEN_AI_RESPONSE_MODEL] == r.model
    [count] = [s for s in spans if s.attributes[GA.GEN_AI_OPERATION_NAME] == "count_tokens"]
    assert count.attributes["llmcore.token_count"] == n.input_tokens
    assert count.attributes["llmcore.token_count.method"] == n.method


def test_no_sdk_means_no_work_per_call(server: Server) -> None:
    """With the API's no-op tracer and meter (no SDK set up), the observer hands out one inert
    observation: nothing is built per call (issue 15's no-op overhead), and calls work as ever."""
    from llmcore import observe
    from llmcore_otel._observer import _INERT_CALL, Instruments, OtelObserver
    from opentelemetry.metrics import NoOpMeterProvider
    from opentelemetry.trace import NoOpTracerProvider

    noop = OtelObserver(NoOpTracerProvider().get_tracer("t"), Instruments(NoOpMeterProvider().get_meter("m")), False)
    info = observe.CallInfo("chat", "openai", "gpt-4o-mini", None, server.url, None)
    assert noop.start_call(info) is _INERT_CALL
    server.replies = [ok("fine"), status(400, "bad")]
    old = observe.set_observer(noop)
    try:
        m = model(server)
        assert m.chat("hi").text == "fine"
        with pytest.raises(llmcore.errors.InvalidRequestError):
            m.chat("hi")
    finally:
        observe.set_observer(old)
    with _INERT_CALL.activate():
        pass


def test_an_sdk_means_recorded_calls(otel: Telemetry) -> None:
    from llmcore import observe

    obs = observe.get_observer()
    assert obs is not None and not obs._inert()  # type: ignore[attr-defined]


def test_metric_attributes_are_per_call(otel: Telemetry, server: Server) -> None:
    """The metric attribute sets are shared between calls of one model: an error's
    ``error.type`` and a response model belong to that call's points only."""
    server.replies = [ok(), status(400, "bad"), ok()]
    m = model(server, retry=False)
    m.chat("hi")
    with pytest.raises(llmcore.errors.InvalidRequestError):
        m.chat("hi")
    m.chat("hi")
    points = [
        p for p in otel.metrics()["gen_ai.client.operation.duration"] if p.attributes.get(SA.SERVER_PORT) == server.port
    ]
    by_error = {p.attributes.get(EA.ERROR_TYPE): p for p in points}
    assert set(by_error) == {None, "InvalidRequestError"}
    assert by_error[None].count == 2
    assert by_error[None].attributes[GA.GEN_AI_RESPONSE_MODEL] == "gpt-4o-mini-2024-07-18"
    assert GA.GEN_AI_RESPONSE_MODEL not in by_error["InvalidRequestError"].attributes
    tokens = [p for p in otel.metrics()["gen_ai.client.token.usage"] if p.attributes.get(SA.SERVER_PORT) == server.port]
    assert {p.attributes[GA.GEN_AI_TOKEN_TYPE] for p in tokens} == {"input", "output"}
    assert all(EA.ERROR_TYPE not in p.attributes for p in tokens)


def test_a_sampler_sees_the_request_attributes_at_span_start() -> None:
    """The call span gets every request attribute at creation (one validation pass in the
    SDK, and a sampler can decide on them), not by set_attributes afterwards."""
    from llmcore.observe import CallInfo
    from llmcore_otel._observer import Instruments, OtelObserver
    from opentelemetry.metrics import NoOpMeterProvider
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Sampler

    seen: list[dict] = []

    class Recording(Sampler):
        def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None):  # type: ignore[no-untyped-def]
            seen.append(dict(attributes or {}))
            return ALWAYS_ON.should_sample(parent_context, trace_id, name, kind, attributes, links)

        def get_description(self) -> str:
            return "recording"

    observer = OtelObserver(
        TracerProvider(sampler=Recording()).get_tracer("t"), Instruments(NoOpMeterProvider().get_meter("t")), False
    )
    m = llmcore.model("openai/gpt-4o-mini", base_url="http://127.0.0.1:9/v1", api_key=KEY, max_tokens=64)
    req, _ = m.request("Hi")
    call = observer.start_call(CallInfo("chat", "openai", m.model_id, req, "http://127.0.0.1:9/v1", None))
    call.end()
    assert seen[0][GA.GEN_AI_REQUEST_MODEL] == "gpt-4o-mini"
    assert seen[0][GA.GEN_AI_REQUEST_MAX_TOKENS] == 64
    assert seen[0][GA.GEN_AI_REQUEST_STREAM] is False
    assert seen[0]["llmcore.provider"] == "openai"
    assert seen[0][SA.SERVER_ADDRESS] == "127.0.0.1"
