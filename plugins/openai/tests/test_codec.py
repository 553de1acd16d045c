"""Unit tests of the Chat Completions and Responses codecs, run through the real
providers over httpx with a MockTransport serving recorded (or, where no
recording has the case, hand-made) bytes."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from llmcore import errors as E
from llmcore.events import StreamAccumulator
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.types import ChatRequest
from llmcore_openai.chat import map_finish_reason
from llmcore_testing import TEST_API_KEY, check_stream_invariants
from llmcore_testing.cassette_format import deserialize
from openai_testutil import CASSETTES, run

KEY = "sk-" + "proj-abcdefghijklmnopqrstuvwxyz0123456789"  # a fake, built so no key-shaped literal is in code


def recorded(cassette: str, interaction: int = 0) -> tuple[dict[str, Any], bytes]:
    data = deserialize((CASSETTES / cassette).read_text())["interactions"][interaction]
    body = data["response"]["body"]["string"]
    return data["response"], body.encode() if isinstance(body, str) else body


class Chunked(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for c in self.chunks:
            yield c


def split(data: bytes, sizes: Callable[[], int]) -> list[bytes]:
    out, i = [], 0
    while i < len(data):
        n = max(1, sizes())
        out.append(data[i : i + n])
        i += n
    return out


class Server:
    """A MockTransport that answers every request with one prepared response
    and remembers the requests."""

    def __init__(
        self,
        status: int = 200,
        body: bytes | list[bytes] = b"",
        headers: dict[str, str] | None = None,
        content_type: str = "text/event-stream",
    ) -> None:
        self.status, self.body = status, body
        self.headers = {"content-type": content_type, **(headers or {})}
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        chunks = self.body if isinstance(self.body, list) else [self.body]
        return httpx.Response(self.status, headers=self.headers, stream=Chunked(chunks))

    def provider(self, name: str = "openai", **kw: Any) -> Any:
        spec = get_registry().get(name)
        assert spec is not None
        client = httpx.AsyncClient(transport=httpx.MockTransport(self.handler))
        kw.setdefault("api_key", TEST_API_KEY)
        return load_provider(spec, http_client=client, **kw)

    @property
    def sent(self) -> dict[str, Any]:
        return json.loads(self.requests[-1].content)


async def collect(provider: Any, req: ChatRequest) -> tuple[list[Any], Any]:
    events, acc = [], StreamAccumulator()
    async for ev in provider.stream_chat(req):
        events.append(ev)
        acc.add(ev)
    return events, acc.response(provider.spec.name)


def sse(*chunks: Any, done: bool = True) -> bytes:
    text = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks)
    return (text + ("data: [DONE]\n\n" if done else "")).encode()


def chunk(
    delta: dict[str, Any] | None = None, finish: str | None = None, usage: Any = None, choices: bool = True
) -> dict[str, Any]:
    c: dict[str, Any] = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "gpt-4o-mini"}
    c["choices"] = [{"index": 0, "delta": delta or {}, "finish_reason": finish}] if choices else []
    c["usage"] = usage
    return c


REQ = ChatRequest(model="gpt-4o-mini", messages=["hi"])
TOOL_REQ = ChatRequest(
    model="gpt-4o-mini",
    messages=["What is 1231 * 2331?"],
    tools=[{"name": "multiply", "parameters": {"type": "object"}}],
)


def describe(events: list[Any]) -> list[tuple[Any, ...]]:
    out = []
    for e in events:
        d = {k: getattr(e, k) for k in e.__slots__ if k != "type"}  # type: ignore[attr-defined]
        if "usage" in d:
            d["usage"] = d["usage"].model_dump()
        if "warning" in d:
            d["warning"] = d["warning"].model_dump()
        out.append((e.type, json.dumps(d, sort_keys=True, default=str)))
    return out


# -- SSE framing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cassette", "interaction", "api", "req"),
    [
        ("llm__test_tool_use_basic.yaml", 0, "chat", TOOL_REQ),
        ("pydantic-ai__test_openai_moderation_stream.yaml", 0, "chat", REQ),
        ("llm__test_tools_streaming_variant_a.yaml", 1, "chat", REQ),
        ("llm__test_responses_tool_use_streaming.yaml", 1, "responses", REQ),  # its answer has a multi-byte UTF-8 sign
        ("pydantic-ai__test_openai_responses_stream.yaml", 0, "responses", TOOL_REQ),
    ],
)
def test_sse_split_at_any_byte_boundary(cassette: str, interaction: int, api: str, req: ChatRequest) -> None:
    _, body = recorded(cassette, interaction)
    whole = Server(body=body)
    expected, response = run(collect(whole.provider(options={"api": api}), req))
    check_stream_invariants(expected, response)
    assert response.text or response.tool_calls
    rng = random.Random(1234)
    splits: list[Callable[[], int]] = [lambda: 1, lambda: 2, lambda: 3, lambda: 7, lambda: rng.randint(1, 40)]
    for sizes in splits:
        pieces = split(body, sizes)
        events, _ = run(collect(Server(body=pieces).provider(options={"api": api}), req))
        assert describe(events) == describe(expected)
    # CRLF line endings decode the same.
    crlf = body.replace(b"\n", b"\r\n")
    events, _ = run(collect(Server(body=split(crlf, lambda: rng.randint(1, 9))).provider(options={"api": api}), req))
    assert describe(events) == describe(expected)


def test_keep_alive_comments_are_ignored() -> None:
    _, body = recorded("llm__test_tool_use_basic.yaml", 1)
    expected, _ = run(collect(Server(body=body).provider(), REQ))
    noisy = b": keep-alive\n\n" + body.replace(b"\n\ndata: ", b"\n\n: keep-alive\n\n: ping 123\ndata: ")
    assert noisy.count(b"keep-alive") > 5
    events, _ = run(collect(Server(body=noisy).provider(), REQ))
    assert describe(events) == describe(expected)


def test_done_ends_the_stream() -> None:
    body = sse(chunk({"content": "Hi"}), chunk(finish="stop")) + b"data: {not json after DONE\n\n"
    events, r = run(collect(Server(body=body).provider(), REQ))
    assert r.text == "Hi" and r.finish_reason == "stop"
    assert events[-1].type == "finish"


def test_usage_only_chunk_and_null_usage_chunks() -> None:
    usage = {
        "prompt_tokens": 20,
        "completion_tokens": 5,
        "total_tokens": 25,
        "prompt_tokens_details": {"cached_tokens": 12},
        "completion_tokens_details": {"reasoning_tokens": 3},
    }
    body = sse(
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Hello"}),
        chunk(finish="stop"),
        chunk(usage=usage, choices=False),
        {"id": "chatcmpl-1", "choices": [], "usage": None, "moderation": {"flagged": False}},
    )
    events, r = run(collect(Server(body=body).provider(), REQ))
    types = [e.type for e in events]
    assert types == ["metadata", "text", "usage", "finish"]
    assert r.usage.model_dump() == {
        "input_tokens": 20,
        "output_tokens": 5,
        "cache_read_tokens": 12,
        "cache_write_tokens": None,
        "reasoning_tokens": 3,
    }


def test_no_usage_means_unknown_not_zero() -> None:
    body = sse(chunk({"content": "Hi"}), chunk(finish="stop"))
    events, r = run(collect(Server(body=body).provider("openai_compatible", base_url="http://127.0.0.1:8000/v1"), REQ))
    assert "usage" not in [e.type for e in events]
    assert r.usage.input_tokens is None and r.usage.output_tokens is None


def test_two_parallel_tool_calls_by_index() -> None:
    body = sse(
        chunk(
            {
                "role": "assistant",
                "tool_calls": [
                    {"index": 0, "id": "call_a", "type": "function", "function": {"name": "weather", "arguments": ""}}
                ],
            }
        ),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]}),
        chunk(
            {
                "tool_calls": [
                    {"index": 1, "id": "call_b", "type": "function", "function": {"name": "time", "arguments": '{"tz"'}}
                ]
            }
        ),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]}),
        chunk({"tool_calls": [{"index": 1, "function": {"arguments": ': "CET"}'}}]}),
        chunk(finish="tool_calls"),
    )
    events, r = run(collect(Server(body=body).provider(), TOOL_REQ))
    check_stream_invariants(events, r)
    assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [
        ("call_a", "weather", {"city": "Paris"}),
        ("call_b", "time", {"tz": "CET"}),
    ]
    deltas = [e for e in events if e.type == "tool_call_delta"]
    assert [(d.index, d.id, d.name) for d in deltas if d.id] == [(0, "call_a", "weather"), (1, "call_b", "time")]
    assert r.finish_reason == "tool_calls"


def test_tool_calls_without_index_or_finish_reason() -> None:
    """Servers that omit ``index`` and ``finish_reason`` still yield complete calls."""
    body = sse(
        chunk({"tool_calls": [{"id": "c1", "function": {"name": "a", "arguments": "{}"}}]}),
        chunk({"tool_calls": [{"id": "c2", "function": {"name": "b", "arguments": '{"x":1}'}}]}),
    )
    events, r = run(
        collect(Server(body=body).provider("openai_compatible", base_url="http://127.0.0.1:8000/v1"), TOOL_REQ)
    )
    check_stream_invariants(events, r)
    assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [("c1", "a", {}), ("c2", "b", {"x": 1})]
    assert (r.finish_reason, r.raw_finish_reason) == ("tool_calls", None)


def test_truncated_stream_is_an_error() -> None:
    body = sse(chunk({"content": "Hel"}), done=False)
    with pytest.raises(E.ProviderResponseError, match="ended before"):
        run(collect(Server(body=body).provider(), REQ))


def test_reasoning_deltas_from_dialect_fields() -> None:
    body = sse(
        chunk({"reasoning_content": "think "}),
        chunk({"reasoning_content": "hard"}),
        chunk({"content": "42"}),
        chunk(finish="stop"),
    )
    events, r = run(collect(Server(body=body).provider("openai_compatible", base_url="http://127.0.0.1:8000/v1"), REQ))
    check_stream_invariants(events, r)
    assert r.reasoning == "think hard" and r.text == "42"
    assert r.message.content[0].provider == "openai_compatible"
    # api.openai.com never sends reasoning text on Chat Completions: the openai dialect reads none.
    _, r2 = run(collect(Server(body=body).provider(), REQ))
    assert r2.reasoning == "" and r2.text == "42"


# -- finish reasons ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "calls", "expected"),
    [
        ("stop", False, "stop"),
        ("length", False, "length"),
        ("tool_calls", True, "tool_calls"),
        ("function_call", True, "tool_calls"),
        ("content_filter", False, "content_filter"),
        ("eos", False, "stop"),
        ("eos_token", False, "stop"),
        ("eos_token", True, "tool_calls"),
        ("something_new", False, "other"),
        (None, False, "other"),
        ("stop", True, "tool_calls"),
        (None, True, "tool_calls"),
        ("length", True, "length"),
    ],
)
def test_finish_mapping(raw: str | None, calls: bool, expected: str) -> None:
    assert map_finish_reason(raw, calls) == expected


def test_refusal_is_text_with_warning_and_content_filter() -> None:
    msg = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
    body = json.dumps(
        {"id": "c", "model": "gpt-4o", "choices": [{"index": 0, "message": msg, "finish_reason": "stop"}]}
    ).encode()
    r = run(Server(body=body, content_type="application/json").provider().chat(REQ))
    assert r.text == "I can't help with that." and r.finish_reason == "content_filter"
    assert r.raw_finish_reason == "stop" and [w.feature for w in r.warnings] == ["refusal"]
    stream = sse(chunk({"refusal": "I can't "}), chunk({"refusal": "help."}), chunk(finish="stop"))
    events, rs = run(collect(Server(body=stream).provider(), REQ))
    assert rs.text == "I can't help." and rs.finish_reason == "content_filter"
    assert [e.warning.feature for e in events if e.type == "warning"] == ["refusal"]


# -- errors --------------------------------------------------------------------------------------------


def _err(
    status: int, body: Any, headers: dict[str, str] | None = None, name: str = "openai", **kw: Any
) -> E.LLMCoreError:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    server = Server(status, raw, headers, content_type="application/json")
    provider = server.provider(name, **kw)
    with pytest.raises(E.LLMCoreError) as info:
        run(provider.chat(REQ))
    return info.value


def _oai(message: str, type_: str | None, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


@pytest.mark.parametrize(
    ("status", "body", "cls", "code"),
    [
        (
            401,
            _oai("Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
            E.AuthenticationError,
            "invalid_api_key",
        ),
        (
            403,
            _oai("Country not supported", "invalid_request_error", "unsupported_country_region_territory"),
            E.PermissionDeniedError,
            None,
        ),
        (404, _oai("The model `x` does not exist", "invalid_request_error", "model_not_found"), E.NotFoundError, None),
        (
            400,
            _oai("The requested model 'x' does not exist.", "invalid_request_error", "model_not_found"),
            E.NotFoundError,
            "model_not_found",
        ),
        (429, _oai("Rate limit reached for requests", "requests", "rate_limit_exceeded"), E.RateLimitError, None),
        (
            429,
            _oai("You exceeded your current quota", "insufficient_quota", "insufficient_quota"),
            E.PermissionDeniedError,
            "insufficient_quota",
        ),
        (
            429,
            _oai("You exceeded your current quota", "insufficient_quota", "credit_balance_exhausted"),
            E.PermissionDeniedError,
            "credit_balance_exhausted",
        ),
        (
            400,
            _oai(
                "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
                "invalid_request_error",
                None,
            ),
            E.ContextWindowExceededError,
            None,
        ),
        (
            400,
            _oai(
                "Your input exceeds the context window of this model.",
                "invalid_request_error",
                "context_length_exceeded",
            ),
            E.ContextWindowExceededError,
            "context_length_exceeded",
        ),
        (
            400,
            {
                "error": {
                    "message": "You passed 4097 input tokens and requested 16 output tokens. However, the model's "
                    "context length is only 4096 tokens, resulting in a maximum input length of 4080 "
                    "tokens. Please reduce the length of the input prompt. (parameter=input_tokens, "
                    "value=4097)",
                    "type": "BadRequestError",
                    "param": "input_tokens",
                    "code": 400,
                }
            },
            E.ContextWindowExceededError,
            "400",
        ),  # vLLM's wording since ~0.11
        (
            400,
            {
                "error": "Trying to keep the first 5120 tokens when context the overflows. However, the model is loaded "
                "with context length of only 4096 tokens, which is not enough. Try to load the model with a larger "
                "context length, or provide a shorter input"
            },
            E.ContextWindowExceededError,
            None,
        ),  # LM Studio
        (
            422,
            {
                "error": "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` "
                "tokens and 200 `max_new_tokens`",
                "error_type": "validation",
            },
            E.ContextWindowExceededError,
            None,
        ),  # TGI (Hugging Face endpoints; Together serves the same wording)
        (
            400,
            {
                "error": {
                    "code": 400,
                    "message": "the request exceeds the available context size, try increasing it",
                    "type": "exceed_context_size_error",
                    "n_prompt_tokens": 2100,
                    "n_ctx": 2048,
                }
            },
            E.ContextWindowExceededError,
            "400",
        ),  # llama.cpp's llama-server (xllamacpp serves the same)
        (
            400,
            {
                "error": {
                    "message": "The response was filtered",
                    "type": None,
                    "param": "prompt",
                    "code": "content_filter",
                    "innererror": {"code": "ResponsibleAIPolicyViolation"},
                }
            },
            E.ContentFilterError,
            "content_filter",
        ),
        (
            400,
            _oai(
                "Your request was rejected as a result of our safety system.",
                "invalid_request_error",
                "content_policy_violation",
            ),
            E.ContentFilterError,
            None,
        ),
        (
            400,
            _oai("Invalid 'temperature'", "invalid_request_error", "decimal_below_min_value"),
            E.InvalidRequestError,
            "decimal_below_min_value",
        ),
        (500, _oai("The server had an error", "server_error", None), E.ProviderServerError, "server_error"),
        (503, b"<html>upstream connect error</html>", E.ProviderServerError, None),
        (
            500,
            {"object": "error", "message": "engine dead", "type": "InternalServerError", "param": None, "code": 500},
            E.ProviderServerError,
            None,
        ),
    ],
)
def test_error_body_mapping(status: int, body: Any, cls: type[E.LLMCoreError], code: str | None) -> None:
    err = _err(status, body, {"x-request-id": "req_123", "retry-after": "3"})
    assert type(err) is cls, f"{type(err).__name__} is not {cls.__name__}"
    assert err.status_code == status and err.provider == "openai" and err.request_id == "req_123"
    assert err.message
    if code is not None:
        assert err.code == code
    assert err.retry_after == 3.0


def test_insufficient_quota_is_not_retryable_but_rate_limit_is() -> None:
    quota = _err(429, _oai("You exceeded your current quota", "insufficient_quota", "insufficient_quota"))
    rate = _err(429, _oai("Rate limit reached", "tokens", "rate_limit_exceeded"))
    assert not quota.is_retryable and rate.is_retryable


@pytest.mark.parametrize(
    ("api", "body", "cls"),
    [
        (
            "chat",
            sse(chunk({"content": "Hi"}), {"error": {"message": "Upstream overloaded", "code": 502}}),
            E.ProviderServerError,
        ),
        (
            "chat",
            sse({"error": {"message": "Rate limit exceeded: free-models-per-min", "code": 429}}),
            E.RateLimitError,
        ),
        (
            "chat",
            sse(
                {"error": {"message": "This model's maximum context length is 4096 tokens", "type": "BadRequestError"}}
            ),
            E.ContextWindowExceededError,
        ),
        (
            "responses",
            b'event: error\ndata: {"type":"error","code":"rate_limit_exceeded","message":"slow down",'
            b'"param":null,"sequence_number":1}\n\n',
            E.RateLimitError,
        ),
        (
            "responses",
            b'data: {"type":"response.created","response":{"id":"resp_1","model":"gpt-4o"}}\n\n'
            b'data: {"type":"response.failed","response":{"id":"resp_1","status":"failed",'
            b'"error":{"code":"server_error","message":"The model failed"}}}\n\n',
            E.ProviderServerError,
        ),
    ],
)
def test_errors_inside_a_200_stream(api: str, body: bytes, cls: type[E.LLMCoreError]) -> None:
    provider = Server(body=body).provider(options={"api": api})
    with pytest.raises(E.LLMCoreError) as info:
        run(collect(provider, REQ))
    assert type(info.value) is cls and info.value.message and info.value.provider == "openai"


# -- configuration and secrets ---------------------------------------------------------------------------


def test_unknown_option_names_the_known_ones() -> None:
    with pytest.raises(E.ConfigurationError) as info:
        Server().provider(options={"apy": "responses"})
    msg = str(info.value)
    assert "apy" in msg and all(k in msg for k in ("api", "organization", "project", "count_tokens"))
    with pytest.raises(E.ConfigurationError, match=r"chat.*responses"):
        Server().provider(options={"api": "assistants"})
    with pytest.raises(E.ConfigurationError, match="stream_usage"):
        Server().provider("openai_compatible", base_url="http://127.0.0.1:8000/v1", options={"stream_usage": "yes"})


def test_missing_key_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="OPENAI_API_KEY"):
        Server().provider(api_key=None)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server = Server(body=sse(chunk({"content": "x"}), chunk(finish="stop")))
    run(collect(server.provider(api_key=None), REQ))
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_compatible_needs_a_base_url_and_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_COMPATIBLE_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_COMPATIBLE_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="OPENAI_COMPATIBLE_BASE_URL"):
        Server().provider("openai_compatible", api_key=None)
    server = Server(body=sse(chunk({"content": "x"}), chunk(finish="stop")))
    monkeypatch.setenv("OPENAI_COMPATIBLE_BASE_URL", "http://127.0.0.1:8080/v1/")
    run(collect(server.provider("openai_compatible", api_key=None), REQ))
    assert str(server.requests[0].url) == "http://127.0.0.1:8080/v1/chat/completions"
    assert "authorization" not in server.requests[0].headers
    monkeypatch.setenv("OPENAI_COMPATIBLE_API_KEY", "local-secret-token")
    run(collect(server.provider("openai_compatible", api_key=None), REQ))
    assert server.requests[-1].headers["authorization"] == "Bearer local-secret-token"


def test_key_never_in_repr_or_errors() -> None:
    echo = _oai(
        f"Incorrect API key provided: {KEY}. You can find your API key at ...",
        "invalid_request_error",
        "invalid_api_key",
    )
    server = Server(401, json.dumps(echo).encode(), content_type="application/json")
    provider = server.provider(api_key=KEY)
    assert KEY not in repr(provider) and KEY not in repr(provider.config)
    with pytest.raises(E.AuthenticationError) as info:
        run(provider.chat(REQ))
    err = info.value
    for text in (str(err), repr(err), str(err.raw), err.message):
        assert KEY not in text
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"  # it was sent, only never shown


def test_organization_and_project_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_env")
    server = Server(body=sse(chunk({"content": "x"}), chunk(finish="stop")))
    run(collect(server.provider(options={"organization": "org-1"}), REQ))
    h = server.requests[0].headers
    assert h["openai-organization"] == "org-1" and h["openai-project"] == "proj_env"


# -- request mapping ------------------------------------------------------------------------------------


def _sent_body(req: ChatRequest, name: str = "openai", api: str = "chat", **kw: Any) -> dict[str, Any]:
    body = (
        sse(chunk({"content": "ok"}), chunk(finish="stop"))
        if api == "chat"
        else (b'data: {"type":"response.completed","response":{"id":"r","status":"completed","output":[]}}\n\n')
    )
    server = Server(body=body)
    run(collect(server.provider(name, options={"api": api} if name == "openai" else {}, **kw), req))
    return server.sent


def test_provider_options_pass_through_untouched() -> None:
    extra = {"logit_bias": {"50256": -100}, "user": "u1", "service_tier": "flex", "stream_options": {"x": [1, {}]}}
    body = _sent_body(
        ChatRequest(
            model="gpt-4o",
            messages=["hi"],
            temperature=0.5,
            provider_options={"openai": extra, "anthropic": {"thinking": {}}},
        )
    )
    for k, v in extra.items():
        assert body[k] == v
    assert "thinking" not in body and body["temperature"] == 0.5


def test_round_trip_mapping_of_tool_calls_and_results() -> None:
    req = ChatRequest(
        model="gpt-4o",
        system="Be brief.",
        tools=[{"name": "f", "parameters": {"type": "object"}}],
        tool_choice={"name": "f"},
        messages=[
            {"role": "user", "content": "go"},
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Calling."},
                    {
                        "type": "tool_call",
                        "id": "call_1",
                        "name": "f",
                        "arguments": {"a": 1},
                        "raw_arguments": '{"a": 1}',
                    },
                ],
            },
            {"role": "tool", "content": [{"type": "tool_result", "tool_call_id": "call_1", "content": "done"}]},
        ],
    )
    body = _sent_body(req)
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "go"},
        {
            "role": "assistant",
            "content": "Calling.",
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "done"},
    ]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert body["stream_options"] == {"include_usage": True}
    rbody = _sent_body(req, api="responses")
    assert rbody["instructions"] == "Be brief."
    assert rbody["input"] == [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": "Calling."},
        {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": '{"a": 1}'},
        {"type": "function_call_output", "call_id": "call_1", "output": "done"},
    ]
    assert rbody["tool_choice"] == {"type": "function", "name": "f"}


def test_max_tokens_field_per_dialect() -> None:
    req = ChatRequest(model="gpt-4o", messages=["hi"], max_tokens=50)
    assert _sent_body(req)["max_completion_tokens"] == 50
    compat = _sent_body(req, "openai_compatible", base_url="http://127.0.0.1:8000/v1")
    assert compat["max_tokens"] == 50 and "max_completion_tokens" not in compat
    assert _sent_body(req, api="responses")["max_output_tokens"] == 50


def test_unsupported_parameters_warn_or_fail_in_strict_mode() -> None:
    # Reasoning models take no temperature: dropped with a warning (chat and stream).
    req = ChatRequest(model="o3-mini", messages=["hi"], temperature=0.2, top_p=0.9)
    server = Server(body=sse(chunk({"content": "x"}), chunk(finish="stop")))
    events, r = run(collect(server.provider(), req))
    assert "temperature" not in server.sent and "top_p" not in server.sent
    assert sorted(w.feature for w in r.warnings) == ["temperature", "top_p"]
    assert [e.type for e in events][:3] == ["metadata", "warning", "warning"]
    # The Responses API has no stop sequences or seed.
    server = Server(
        body=json.dumps({"id": "r", "object": "response", "status": "completed", "output": []}).encode(),
        content_type="application/json",
    )
    r = run(
        server.provider(options={"api": "responses"}).chat(
            ChatRequest(model="gpt-4o", messages=["hi"], stop=["x"], seed=1)
        )
    )
    assert "stop" not in server.sent and "seed" not in server.sent
    assert sorted(w.feature for w in r.warnings) == ["seed", "stop"]
    # strict: a typed error before any request is sent.
    strict = Server()
    with pytest.raises(E.UnsupportedFeatureError, match="seed"):
        run(
            strict.provider(options={"api": "responses"}).chat(
                ChatRequest(model="gpt-4o", messages=["hi"], seed=1, strict=True)
            )
        )
    assert strict.requests == []


def test_unsendable_content_fails_before_the_network() -> None:
    server = Server()
    req = ChatRequest(
        model="gpt-4o",
        messages=[
            {
                "role": "user",
                "content": [{"type": "file", "url": "https://example.com/a.docx", "media_type": "application/msword"}],
            }
        ],
    )
    with pytest.raises(E.UnsupportedFeatureError, match="application/msword"):
        run(server.provider().chat(req))
    assert server.requests == []


# -- Responses API ------------------------------------------------------------------------------------


def test_encrypted_reasoning_round_trips_as_reasoning_part_data() -> None:
    """Turn 1's reasoning item comes back as ReasoningPart.data and is sent on
    turn 2 exactly as OpenAI returned it (what simonw/llm sent in the recording)."""
    from llmcore.types import Message, ToolResultPart
    from test_conformance import _encrypted_reasoning_history

    _, body1 = recorded("llm__test_responses_round_trips_encrypted_reasoning.yaml", 0)
    server = Server(body=body1, content_type="application/json")
    provider = server.provider(options={"api": "responses"})
    history = _encrypted_reasoning_history()
    first = ChatRequest(
        model=history["model"], tools=history["tools"], reasoning_effort="high", messages=history["messages"][:1]
    )
    r1 = run(provider.chat(first))
    reasoning = [p for p in r1.message.content if p.type == "reasoning"]
    item = json.loads(body1)["output"][0]
    assert len(reasoning) == 1 and reasoning[0].provider == "openai"
    assert reasoning[0].data == {"id": item["id"], "encrypted_content": item["encrypted_content"]}
    assert server.sent["include"] == ["reasoning.encrypted_content"] and server.sent["store"] is False
    call = r1.tool_calls[0]
    second = ChatRequest(
        model=first.model,
        tools=first.tools,
        reasoning_effort="high",
        messages=[
            *first.messages,
            r1.message,
            Message(role="tool", content=[ToolResultPart(tool_call_id=call.id, content="123124")]),
        ],
    )
    _, body2 = recorded("llm__test_responses_round_trips_encrypted_reasoning.yaml", 1)
    server2 = Server(body=body2, content_type="application/json")
    run(server2.provider(options={"api": "responses"}).chat(second))
    recorded_input = json.loads(
        deserialize((CASSETTES / "llm__test_responses_round_trips_encrypted_reasoning.yaml").read_text())[
            "interactions"
        ][1]["request"]["body"]
    )["input"]
    sent = server2.sent["input"]
    assert (
        sent[1]
        == {"type": "reasoning", "id": item["id"], "encrypted_content": item["encrypted_content"], "summary": []}
        == recorded_input[1]
    )
    assert sent[2]["call_id"] == recorded_input[2]["call_id"] and sent[3] == recorded_input[3]


def test_other_providers_reasoning_is_not_sent_to_responses() -> None:
    req = ChatRequest(
        model="gpt-5",
        messages=[
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "t", "signature": "sig", "provider": "anthropic"},
                    {"type": "text", "text": "a"},
                ],
            },
            {"role": "user", "content": "q2"},
        ],
    )
    body = _sent_body(req, api="responses")
    assert [i.get("type", i.get("role")) for i in body["input"]] == ["user", "assistant", "user"]


def test_responses_incomplete_is_length() -> None:
    resp = {
        "id": "r",
        "object": "response",
        "model": "gpt-4o",
        "status": "incomplete",
        "incomplete_details": {"reason": "max_output_tokens"},
        "output": [{"type": "message", "content": [{"type": "output_text", "text": "Par"}]}],
        "usage": {"input_tokens": 5, "output_tokens": 1},
    }
    server = Server(body=json.dumps(resp).encode(), content_type="application/json")
    r = run(server.provider(options={"api": "responses"}).chat(REQ))
    assert (r.text, r.finish_reason, r.raw_finish_reason) == ("Par", "length", "max_output_tokens")
    assert r.usage.cache_read_tokens is None and r.usage.input_tokens == 5


def test_json_object_mode_against_a_recorded_server() -> None:
    """response_format json_object, replayed from Ollama's cloud /v1 endpoint."""
    from llmcore_testing import Case
    from openai_testutil import provider_for, replay

    schema = (
        '{"properties": {"name": {"type": "string"}, "animal": {"type": "string"}, "age": {"type": "integer"}}, '
        '"required": ["name", "animal", "age"], "type": "object", "additionalProperties": false, '
        '"title": "Pet"}'
    )
    system = (
        f"\nAlways respond with a JSON object that's compatible with this schema:\n\n{schema}\n\n"
        "Don't include any text or Markdown fencing before or after.\n"
    )
    case = Case(
        "compat-ollama-pydantic-ai__test_ollama_cloud_prompted_output.yaml",
        {
            "model": "gpt-oss:20b",
            "system": system,
            "response_format": {"type": "json_object"},
            "messages": ["Generate a pet: a 3 year old black cat named Loki"],
        },
        base_url="https://ollama.com/v1",
    )

    async def go() -> tuple[Any, list[httpx.Request]]:
        sent: list[httpx.Request] = []

        async def hook(r: httpx.Request) -> None:
            sent.append(r)

        async with httpx.AsyncClient(event_hooks={"request": [hook]}) as client:
            with replay(case.cassette):
                return await provider_for("openai_compatible", case, client).chat(case.chat_request()), sent

    r, sent = run(go())
    body = json.loads(sent[0].content)
    assert body["response_format"] == {"type": "json_object"} and body["messages"][0]["content"] == system
    assert json.loads(r.text) == {"name": "Loki", "animal": "cat", "age": 3}
    assert r.reasoning.startswith("We need to output JSON")
    assert r.usage.input_tokens == 172 and r.usage.output_tokens == 88


def test_streamed_reasoning_item_keeps_the_final_encrypted_content() -> None:
    """The encrypted_content of ``output_item.added`` may be incomplete: the one
    from ``output_item.done`` is what rides on the ReasoningPart."""
    _, body = recorded("pydantic-ai__test_openai_responses_streaming_usage.yaml")
    req = ChatRequest(
        model="gpt-5",
        messages=["Calculate 100 * 200 / 3"],
        reasoning_effort="low",
        tool_choice="required",
        tools=[{"name": "final_result", "parameters": {"type": "object"}}],
    )
    events, r = run(collect(Server(body=body).provider(options={"api": "responses"}), req))
    check_stream_invariants(events, r)
    done = next(
        json.loads(line[6:])
        for line in body.decode().splitlines()
        if line.startswith("data: ") and '"response.output_item.done"' in line and '"reasoning"' in line
    )
    parts = [p for p in r.message.content if p.type == "reasoning"]
    assert len(parts) == 1 and parts[0].data == {
        "id": done["item"]["id"],
        "encrypted_content": done["item"]["encrypted_content"],
    }
    assert r.tool_calls[0].arguments == {"result": 6666} and r.finish_reason == "tool_calls"
    assert (r.usage.reasoning_tokens, r.usage.output_tokens) == (448, 469)


def test_streamed_reasoning_summary_parts_join_like_the_final_response() -> None:
    item = {
        "id": "rs_1",
        "type": "reasoning",
        "encrypted_content": "enc",
        "summary": [{"type": "summary_text", "text": "First."}, {"type": "summary_text", "text": "Second."}],
    }
    final = {
        "id": "resp_1",
        "object": "response",
        "model": "o4-mini",
        "status": "completed",
        "output": [item, {"type": "message", "content": [{"type": "output_text", "text": "Done"}]}],
        "usage": {"input_tokens": 3, "output_tokens": 9, "output_tokens_details": {"reasoning_tokens": 6}},
    }
    evs = [
        {"type": "response.created", "response": {"id": "resp_1", "model": "o4-mini"}},
        {"type": "response.output_item.added", "output_index": 0, "item": {**item, "summary": []}},
        {"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "summary_index": 0, "delta": "Fir"},
        {"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "summary_index": 0, "delta": "st."},
        {"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "summary_index": 1, "delta": "Second."},
        {"type": "response.output_item.done", "output_index": 0, "item": item},
        {"type": "response.output_text.delta", "output_index": 1, "delta": "Done"},
        {"type": "response.completed", "response": final},
    ]
    body = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in evs).encode()
    events, streamed = run(collect(Server(body=body).provider(options={"api": "responses"}), REQ))
    check_stream_invariants(events, streamed)
    whole = run(
        Server(body=json.dumps(final).encode(), content_type="application/json")
        .provider(options={"api": "responses"})
        .chat(REQ)
    )
    assert streamed.reasoning == whole.reasoning == "First.\n\nSecond."
    assert [p.model_dump() for p in streamed.message.content] == [p.model_dump() for p in whole.message.content]


def test_parallel_function_calls_after_reasoning_on_the_responses_api() -> None:
    """simonw/llm's 4th turn: one reasoning item, then five parallel function calls."""
    _, body = recorded("llm__test_responses_interleaved_reasoning_between_tool_calls.yaml", 3)
    r = run(Server(body=body, content_type="application/json").provider(options={"api": "responses"}).chat(REQ))
    assert [p.type for p in r.message.content] == ["reasoning"] + ["tool_call"] * 5
    assert [c.arguments["key"] for c in r.tool_calls] == [
        "begin",
        "value",
        "the value 7",
        "Begin with the value 7.",
        "start2",
    ]
    assert len({c.id for c in r.tool_calls}) == 5 and all(c.name == "db_lookup" for c in r.tool_calls)
    assert r.finish_reason == "tool_calls"
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.reasoning_tokens) == (532, 119, 17)


def test_a_rejected_stream_request_is_a_typed_error() -> None:
    """pydantic-ai's recording: a streamed Responses request answered with a JSON 400."""
    _, body = recorded("pydantic-ai__test_openai_responses_model_http_error.yaml")
    server = Server(400, body, content_type="application/json")
    with pytest.raises(E.InvalidRequestError) as info:
        run(collect(server.provider(options={"api": "responses"}), REQ))
    err = info.value
    assert type(err) is E.InvalidRequestError and err.status_code == 400
    assert err.code == "decimal_below_min_value" and "temperature" in err.message


def test_responses_api_mixin_on_another_compatible_provider() -> None:
    """The ResponsesAPI seam: any ChatCompletionsProvider gains POST {base}/responses
    (custom path), with its customize_body hook and provider_options merged last."""
    from llmcore.provider import ProviderConfig
    from llmcore.spec import ProviderSpec
    from llmcore_openai.chat import ChatCompletionsProvider
    from llmcore_openai.responses.provider import ResponsesAPI

    class Local(ResponsesAPI, ChatCompletionsProvider):
        spec = ProviderSpec(name="local", factory="x:y", requires_key=False, base_url="http://localhost:1/v1")
        responses_path = "custom/responses"

        def customize_body(self, request: Any, body: dict[str, Any], warnings: Any) -> None:
            body["seen_by_hook"] = sorted(body)
            body["temperature"] = 0.5

    completed = {
        "type": "response.completed",
        "response": {
            "id": "resp_1",
            "model": "m",
            "status": "completed",
            "usage": {"input_tokens": 3, "output_tokens": 1},
            "output": [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Hi"}]}],
        },
    }
    server = Server(
        body=b'data: {"type":"response.created","response":{"id":"resp_1","model":"m"}}\n\n'
        b'data: {"type":"response.output_text.delta","delta":"Hi"}\n\n' + f"data: {json.dumps(completed)}\n\n".encode()
    )
    p = Local(ProviderConfig(http_client=httpx.AsyncClient(transport=httpx.MockTransport(server.handler))))
    req = ChatRequest(model="m", messages=["Hello"], provider_options={"local": {"temperature": 0.1}})
    _events, resp = run(collect(_as_stream(p), req))
    assert resp.text == "Hi" and resp.usage.input_tokens == 3 and resp.finish_reason == "stop"
    sent = server.requests[-1]
    assert sent.url.path == "/v1/custom/responses"
    body = json.loads(sent.content)
    assert "Hello" in json.dumps(body["input"]) and body["stream"] is True
    assert "input" in body["seen_by_hook"] and body["temperature"] == 0.1  # hook ran, options merged last


def _as_stream(p: Any) -> Any:
    class View:
        spec = p.spec

        def stream_chat(self, req: ChatRequest) -> Any:
            return p.responses_stream(req)

    return View()
