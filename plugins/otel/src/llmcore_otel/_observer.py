"""The :class:`llmcore.observe.Observer` that turns llmcore calls into spans and metrics.

One span per logical call (kind CLIENT, named ``"{operation} {model}"``), one
child span per attempt (``"{operation} {model} attempt {n}"``); a fallback
chain or router is a span of its own, parent of its candidates' calls.
Attribute names come from ``opentelemetry-semantic-conventions`` (0.66b0 and
later, whose GenAI constants follow the GenAI conventions of semantic
conventions 1.37+: ``gen_ai.provider.name``, not the older ``gen_ai.system``;
``gen_ai.input.messages``/``gen_ai.output.messages`` for content); llmcore's
own are under ``llmcore.*``.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from opentelemetry import metrics, trace
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as GA
from opentelemetry.semconv._incubating.metrics import gen_ai_metrics as GM
from opentelemetry.semconv.attributes import error_attributes as EA
from opentelemetry.semconv.attributes import server_attributes as SA
from opentelemetry.trace import NoOpTracer, ProxyTracer, ProxyTracerProvider, SpanKind, Status, StatusCode

try:  # the API's meter provider until an SDK is set (no public name for it)
    from opentelemetry.metrics._internal import _ProxyMeter, _ProxyMeterProvider
except ImportError:  # pragma: no cover - another API version: such meters count as real
    _ProxyMeter = _ProxyMeterProvider = ()  # type: ignore[assignment,misc]

from . import _content

#: llmcore provider names whose well-known ``gen_ai.provider.name`` differs
PROVIDER_NAMES = {
    "gemini": "gcp.gemini",
    "vertexai": "gcp.vertex_ai",
    "bedrock": "aws.bedrock",
    "xai": "x_ai",
    "mistral": "mistral_ai",
    "azure": "azure.ai.openai",
    "watsonx": "ibm.watsonx.ai",
}
#: llmcore operations → ``gen_ai.operation.name`` (rerank and count_tokens have no
#: well-known value: their own names)
OPERATIONS = {
    "chat": "chat",
    "stream": "chat",
    "embed": "embeddings",
    "rerank": "rerank",
    "count_tokens": "count_tokens",
}
#: stream events that carry content: the first of them is the "first token"
#: Usage fields → the conventions' detail token attributes (span only: no metric token type for them)
_DETAIL_TOKENS = (
    (GA.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, "cache_read_tokens"),
    (GA.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, "cache_write_tokens"),
    (GA.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, "reasoning_tokens"),
)
_CONTENT_EVENTS = frozenset({"text", "reasoning", "tool_call_delta", "tool_call"})


def _is_cancel(err: BaseException) -> bool:
    import asyncio

    return isinstance(err, (GeneratorExit, asyncio.CancelledError))


def _error_type(err: BaseException) -> str:
    return "cancelled" if _is_cancel(err) else type(err).__qualname__


@lru_cache(maxsize=256)
def _server(base_url: str | None) -> dict[str, Any]:
    """``server.address``/``server.port`` of a base URL (cached: a model calls one server;
    callers copy it, never change it)."""
    if not base_url:
        return {}
    try:
        u = urlsplit(base_url)
        host, port = u.hostname, u.port or (443 if u.scheme == "https" else 80)
    except ValueError:
        return {}
    return {SA.SERVER_ADDRESS: host, SA.SERVER_PORT: port} if host else {}


class Instruments:
    """The metric instruments (created once per meter provider)."""

    def __init__(self, meter: Any) -> None:
        #: "off" (the API's no-op meter), "proxy" (the global meter: no-op until an SDK is set) or "on"
        self.state = (
            "off" if isinstance(meter, metrics.NoOpMeter) else "proxy" if isinstance(meter, _ProxyMeter) else "on"
        )
        self.duration = GM.create_gen_ai_client_operation_duration(meter)
        self.tokens = GM.create_gen_ai_client_token_usage(meter)
        self.ttfc = GM.create_gen_ai_client_operation_time_to_first_chunk(meter)
        self.cost = meter.create_counter(
            "llmcore.client.cost", unit="{USD}", description="Cost of llmcore calls in US dollars (known prices only)"
        )
        self.retries = meter.create_counter(
            "llmcore.client.retries", unit="{retry}", description="Attempts after the first one, per logical call"
        )
        self.cache_hits = meter.create_counter(
            "llmcore.client.cache_hits", unit="{hit}", description="Calls answered from llmcore's response cache"
        )


class _Shape:
    """What every call of one (operation, provider, model, server) shares: the span
    name and the base attributes, and the metric attribute sets per response model
    (built once: a call copies none of them; nobody changes them)."""

    __slots__ = ("base_attributes", "metric_sets", "name")

    def __init__(self, info: Any) -> None:
        op = OPERATIONS.get(info.operation, info.operation)
        self.name = f"{op} {info.model}"
        self.base_attributes: dict[str, Any] = {
            GA.GEN_AI_OPERATION_NAME: op,
            GA.GEN_AI_PROVIDER_NAME: PROVIDER_NAMES.get(info.provider, info.provider),
            GA.GEN_AI_REQUEST_MODEL: info.model,
            **_server(info.base_url),
        }
        self.metric_sets: dict[str | None, _MetricSets] = {}

    def metrics(self, response_model: str | None) -> _MetricSets:
        sets = self.metric_sets.get(response_model)
        if sets is None:
            if len(self.metric_sets) > 64:
                self.metric_sets.clear()
            sets = self.metric_sets[response_model] = _MetricSets(self.base_attributes, response_model)
        return sets


class _MetricSets:
    """The attributes of a call's metric points: the call's, and its input and output token points'."""

    __slots__ = ("call", "input", "output")

    def __init__(self, base: dict[str, Any], response_model: str | None) -> None:
        self.call = dict(base)
        if response_model:
            self.call[GA.GEN_AI_RESPONSE_MODEL] = response_model
        self.input = {**self.call, GA.GEN_AI_TOKEN_TYPE: "input"}
        self.output = {**self.call, GA.GEN_AI_TOKEN_TYPE: "output"}


class OtelObserver:
    """Installed by :func:`llmcore_otel.instrument` with :func:`llmcore.observe.set_observer`."""

    def __init__(self, tracer: Any, instruments: Instruments, capture_content: bool) -> None:
        self.tracer = tracer
        self.instruments = instruments
        self.capture_content = capture_content
        self._shapes: dict[tuple[Any, ...], _Shape] = {}
        # whether spans and metrics are no-ops: "off", "on", or "proxy" (the API's global
        # provider: no-op until an SDK is set — checked per call until it is, then "on")
        self._traces = "off" if isinstance(tracer, NoOpTracer) else "proxy" if isinstance(tracer, ProxyTracer) else "on"
        self._metrics = instruments.state

    def _inert(self) -> bool:
        """Whether both spans and metrics are no-ops now (no SDK: nothing would be recorded)."""
        t, m = self._traces, self._metrics
        if t == "on" or m == "on":
            return False
        if t == "proxy" and not isinstance(trace.get_tracer_provider(), ProxyTracerProvider):
            self._traces = "on"  # an SDK was set (once per process, never unset)
            return False
        if m == "proxy" and not isinstance(metrics.get_meter_provider(), _ProxyMeterProvider):
            self._metrics = "on"
            return False
        return True

    def shape(self, info: Any) -> _Shape:
        key = (info.operation, info.provider, info.model, info.base_url)
        shape = self._shapes.get(key)
        if shape is None:
            if len(self._shapes) > 1024:
                self._shapes.clear()
            shape = self._shapes[key] = _Shape(info)
        return shape

    def start_call(self, info: Any) -> CallSpan | _InertCall:
        if self._inert():  # no SDK: no span, no metric point would be recorded; nothing to do
            return _INERT_CALL
        return CallSpan(self, info)


class AttemptSpan:
    __slots__ = ("call", "ended", "span")

    def __init__(self, call: CallSpan, number: int) -> None:
        self.call = call
        self.ended = False
        ctx = trace.set_span_in_context(call.span)
        self.span = call.observer.tracer.start_span(
            f"{call.name} attempt {number}",
            context=ctx,
            kind=SpanKind.INTERNAL,
            attributes={"llmcore.attempt": number},  # the rest is on the parent: each attribute costs SDK time
        )

    def end(self, error: BaseException | None = None) -> None:
        if self.ended:
            return
        self.ended = True
        if error is not None:
            _set_error(self.span, error)
        self.span.end()
        if self.call.attempt_span is self:
            self.call.attempt_span = None


def _set_error(span: Any, err: BaseException) -> None:
    span.set_attribute(EA.ERROR_TYPE, _error_type(err))
    if _is_cancel(err):
        span.set_attribute("llmcore.cancelled", True)
        span.set_status(Status(StatusCode.ERROR, "cancelled: the caller stopped before the end"))
        return
    retryable = getattr(err, "is_retryable", None)
    if isinstance(retryable, bool):
        span.set_attribute("llmcore.error.retryable", retryable)
    status = getattr(err, "status_code", None)
    if isinstance(status, int):
        span.set_attribute("llmcore.error.status_code", status)
    # llmcore's errors never hold a key (message, repr, cause chain): safe to record
    span.record_exception(err, escaped=True)
    span.set_status(Status(StatusCode.ERROR, f"{type(err).__name__}: {err}"[:500]))


class _Unrecorded:
    """The attempt of a call whose span is not recorded."""

    __slots__ = ()

    def end(self, error: BaseException | None = None) -> None:
        pass


_UNRECORDED = _Unrecorded()


class _InertCall:
    """The observation of a call while spans and metrics are no-ops (no SDK set up):
    every method does nothing, so an application with llmcore-otel installed and no
    SDK pays almost nothing per call (issue 15's no-op overhead)."""

    __slots__ = ()

    def attempt(self, number: int) -> _Unrecorded:
        return _UNRECORDED

    def key(self, key_id: str, replaced: BaseException | None = None) -> None:
        pass

    def cache_hit(self) -> None:
        pass

    def chunk(self, event: Any) -> None:
        pass

    def candidate(self, name: str, error: BaseException | None) -> None:
        pass

    def activate(self) -> AbstractContextManager[Any]:
        return nullcontext()

    def end(self, *, response: Any = None, record: Any = None, error: BaseException | None = None) -> None:
        pass


_INERT_CALL = _InertCall()


class CallSpan:
    """One logical call: its span, its attempts, its metrics."""

    __slots__ = (
        "attempt_span",
        "attempts",
        "base_attributes",
        "chunks",
        "ended",
        "first_chunk",
        "hit",
        "info",
        "name",
        "observer",
        "recording",
        "shape",
        "span",
        "started",
    )

    def __init__(self, observer: OtelObserver, info: Any) -> None:
        self.observer = observer
        self.info = info
        self.started = time.perf_counter()
        self.first_chunk: float | None = None
        self.chunks = 0
        self.attempts = 0
        self.hit = False
        self.ended = False
        self.attempt_span: AttemptSpan | None = None
        self.shape = shape = observer.shape(info)
        self.name = shape.name
        #: shared by every call of this shape: never changed
        self.base_attributes: dict[str, Any] = shape.base_attributes
        # every request attribute at creation: the SDK validates them once into the span's
        # attributes, where a set_attributes call after it costs a lock and a second pass
        # (a sampler sees them too, as the conventions ask for the request attributes)
        attrs = self._request_attributes(observer, info, shape.base_attributes)
        self.span = span = observer.tracer.start_span(self.name, kind=SpanKind.CLIENT, attributes=attrs)
        self.recording = span.is_recording()

    @staticmethod
    def _request_attributes(observer: OtelObserver, info: Any, base: dict[str, Any]) -> dict[str, Any]:
        """The shape's base attributes and the request's (a new dict: the base is shared)."""
        attrs: dict[str, Any] = {**base, "llmcore.provider": info.provider}
        if info.chain is not None:
            attrs["llmcore.chain"] = info.chain
        if info.key_id:
            attrs["llmcore.key_id"] = info.key_id
        req = info.request
        if req is not None:
            if info.operation in ("chat", "stream"):
                attrs[GA.GEN_AI_REQUEST_STREAM] = info.operation == "stream"
            for name, key in (
                (GA.GEN_AI_REQUEST_TEMPERATURE, "temperature"),
                (GA.GEN_AI_REQUEST_TOP_P, "top_p"),
                (GA.GEN_AI_REQUEST_MAX_TOKENS, "max_tokens"),
                (GA.GEN_AI_REQUEST_SEED, "seed"),
            ):
                v = getattr(req, key, None)
                if v is not None:
                    attrs[name] = v
            stop = getattr(req, "stop", None)
            if stop:
                attrs[GA.GEN_AI_REQUEST_STOP_SEQUENCES] = [stop] if isinstance(stop, str) else list(stop)
            if observer.capture_content:
                attrs.update(_content.input_attributes(req))
        return attrs

    # -- the protocol ------------------------------------------------------------------

    def attempt(self, number: int) -> AttemptSpan | _Unrecorded:
        self.attempts = max(self.attempts, number)
        if not self.recording:  # a sampled-out or no-op call: its attempts cost nothing either
            return _UNRECORDED
        if self.attempt_span is not None:  # a layer forgot to end it: never leave a span open
            self.attempt_span.end()
        self.attempt_span = a = AttemptSpan(self, number)
        return a

    def key(self, key_id: str, replaced: BaseException | None = None) -> None:
        if not self.recording:
            return
        target = self.attempt_span.span if self.attempt_span is not None else self.span
        if replaced is not None:
            target.add_event("llmcore.key_switch", {"llmcore.key_id": key_id, EA.ERROR_TYPE: _error_type(replaced)})
        target.set_attribute("llmcore.key_id", key_id)
        self.span.set_attribute("llmcore.key_id", key_id)

    def cache_hit(self) -> None:
        self.hit = True
        if self.recording:
            self.span.set_attribute("llmcore.cache_hit", True)

    def chunk(self, event: Any) -> None:
        self.chunks += 1
        if self.first_chunk is None and getattr(event, "type", None) in _CONTENT_EVENTS:
            self.first_chunk = time.perf_counter() - self.started

    def candidate(self, name: str, error: BaseException | None) -> None:
        if not self.recording:
            return
        if error is None:
            self.span.set_attribute("llmcore.chain.model", name)
        else:
            self.span.add_event("llmcore.fallback", {"llmcore.chain.model": name, EA.ERROR_TYPE: _error_type(error)})

    def activate(self) -> AbstractContextManager[Any]:
        return trace.use_span(self.span, end_on_exit=False, record_exception=False, set_status_on_exception=False)

    def end(self, *, response: Any = None, record: Any = None, error: BaseException | None = None) -> None:
        if self.ended:
            return
        self.ended = True
        duration = time.perf_counter() - self.started
        if self.attempt_span is not None:
            self.attempt_span.end(error)
        span = self.span
        recording = self.recording
        attrs: dict[str, Any] = {}  # the span's, set at once (and only when it is recorded)
        sets = self._response(attrs, response, record) if response is not None else self.shape.metrics(None)
        metric_attrs = sets.call
        if recording:
            if self.chunks:
                attrs["llmcore.stream.chunks"] = self.chunks
            if self.first_chunk is not None:
                attrs[GA.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = self.first_chunk
            if self.attempts:
                attrs["llmcore.attempts"] = self.attempts
            span.set_attributes(attrs)
        if error is not None:
            if recording:
                _set_error(span, error)
            metric_attrs = {**metric_attrs, EA.ERROR_TYPE: _error_type(error)}
        span.end()
        if self.info.chain is not None:  # a chain's candidates are measured as calls of their own
            return
        ins = self.observer.instruments
        ins.duration.record(duration, metric_attrs)
        if self.first_chunk is not None:
            ins.ttfc.record(self.first_chunk, metric_attrs)
        if self.attempts > 1:
            ins.retries.add(self.attempts - 1, metric_attrs)
        if self.hit:
            ins.cache_hits.add(1, metric_attrs)

    def _response(self, attrs: dict[str, Any], response: Any, record: Any) -> _MetricSets:
        """The answer's attributes into ``attrs`` (span); its tokens and cost recorded; returns
        the attributes of its metric points (the response model's)."""
        op = self.info.operation
        model = getattr(response, "model", None)
        if isinstance(model, str) and model:
            attrs[GA.GEN_AI_RESPONSE_MODEL] = model
        else:
            model = None
        sets = self.shape.metrics(model)
        if op in ("chat", "stream"):  # a ChatResponse: its fields, read directly
            if response.id:
                attrs[GA.GEN_AI_RESPONSE_ID] = response.id
            if isinstance(response.finish_reason, str):
                attrs[GA.GEN_AI_RESPONSE_FINISH_REASONS] = [response.finish_reason]
            if response.cached and not self.hit:
                self.cache_hit()
            if self.observer.capture_content and self.recording:
                attrs.update(_content.output_attributes(response))
            if self.info.chain is not None:  # the candidate's own call has the tokens and cost
                return sets
        elif op == "count_tokens":
            attrs["llmcore.token_count"] = response.input_tokens
            attrs["llmcore.token_count.method"] = str(response.method)
            return sets
        if op == "embed" and response.provider_metadata.get("cached_texts") == len(response.vectors):
            self.cache_hit()
        usage = response.usage
        if usage is not None and not self.hit:  # a cache hit used no tokens now
            tokens = self.observer.instruments.tokens
            n = usage.input_tokens
            if n is not None:
                attrs[GA.GEN_AI_USAGE_INPUT_TOKENS] = n
                tokens.record(n, sets.input)
            n = getattr(usage, "output_tokens", None)  # an embedding's usage may have input tokens only
            if n is not None:
                attrs[GA.GEN_AI_USAGE_OUTPUT_TOKENS] = n
                tokens.record(n, sets.output)
            for attr, field in _DETAIL_TOKENS:
                n = getattr(usage, field, None)
                if n is not None:
                    attrs[attr] = n
        cost = record.cost if record is not None else getattr(response, "cost", None)
        if cost is not None:
            attrs["llmcore.cost_usd"] = float(cost)
            if cost and not self.hit:
                self.observer.instruments.cost.add(float(cost), sets.call)
        return sets
