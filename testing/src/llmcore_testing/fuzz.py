"""Fuzz a provider's response and stream parsers with hypothesis.

The contract under test: whatever a server answers with a 2xx — valid JSON of
any shape, wrong types in any field, fields missing, a stream cut at any byte —
a call ends in either

* a **correct result**: a :class:`~llmcore.types.ChatResponse` whose every field
  has its declared type (``.text`` works, usage counts are ints, the finish
  reason is one of :data:`~llmcore.types.FINISH_REASONS`…; checked by strict
  re-validation, :func:`check_response`) and, for a stream, events that keep
  the stream contract (:func:`~llmcore_testing.conformance.check_stream_invariants`);
* or a **typed error**: an :class:`~llmcore.errors.LLMCoreError` (normally
  :class:`~llmcore.errors.ProviderResponseError` naming the provider, with a
  short excerpt), whose text, repr, ``raw`` and ``__cause__`` chain do not hold
  the API key.

Anything else — a bare ``TypeError``/``AttributeError``/``KeyError``, a
response whose ``.text`` raises — fails the property with the input that
caused it (hypothesis shrinks it).

Inputs are seeded from real answers (a plugin's recorded cassettes):

* :func:`json_values` — any JSON value (with the usual type-confusion suspects
  first: ``None``, ``5``, ``"x"``, ``[]``, ``{}``, ``["x"]``…);
* :func:`mutations` — a JSON body with one node (at any depth, the root
  included) replaced by any JSON value, or deleted;
* :func:`stream_variants` — a recorded stream with one event's JSON mutated,
  one event dropped, and/or the bytes cut at any offset (the answer then ends
  there cleanly). Streams are split into events by a :class:`Framing`:
  :data:`SSE`, :data:`NDJSON` and :data:`EVENTSTREAM` (AWS) are built in;
  give your own for other framings.

Calls go through the user's path: :class:`FuzzServer` is a real loopback HTTP
server answering every request with the body under test, and :func:`check_call`
calls ``llmcore.model(...)`` (default middleware, retries off) against it on a
transport from :func:`transport_client` (``"aiohttp"``: the default direct
path; ``"httpx"``). A plugin's own unit test can instead hand any callable to
:func:`check_outcome`.

A plugin fuzzes its codec in a few lines with :class:`CodecFuzz`, a pytest
mixin that generates the chat and stream tests from its recordings::

    from llmcore_testing import fuzz
    from llmcore_testing.cassettes import Recordings

    REC = Recordings(Path(__file__).parent / "cassettes")

    class TestFuzz(fuzz.CodecFuzz):
        model = "acme/model-1"
        provider = "acme"
        chat = [REC.response_body(c) for c in ("chat.yaml", "tool_call.yaml")]
        streams = [REC.response_bytes("chat_stream.yaml")]

Example (a plugin's test; ``BODY`` is a recorded JSON answer)::

    from hypothesis import given
    from llmcore_testing import fuzz

    @fuzz.settings(max_examples=60)
    @given(body=fuzz.mutations(BODY))
    def test_chat_never_crashes(fuzz_server, body):
        fuzz_server.answer(fuzz.dumps(body), "application/json")
        with fuzz.transport_client("aiohttp") as client:
            m = llmcore.model("acme/model-1", base_url=fuzz_server.url, api_key=KEY, http_client=client)
            fuzz.check_call(m, stream=False, provider="acme", secret=KEY)

Needs ``hypothesis`` (in the ``testing`` extra).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as _settings
from hypothesis import strategies as st
from llmcore.errors import LLMCoreError
from llmcore.types import FINISH_REASONS, ChatResponse

from .conformance import TEST_API_KEY

if TYPE_CHECKING:
    from llmcore.events import StreamEvent

__all__ = [
    "DELETE",
    "EVENTSTREAM",
    "NDJSON",
    "SSE",
    "CodecFuzz",
    "Frame",
    "Framing",
    "FuzzServer",
    "Outcome",
    "check_call",
    "check_error",
    "check_informative",
    "check_outcome",
    "check_response",
    "cuts",
    "dumps",
    "json_values",
    "mutations",
    "paths",
    "replace_at",
    "seeded",
    "settings",
    "stream_variants",
    "transport_client",
]

T = TypeVar("T")

#: the marker :func:`replace_at` reads as "delete this node"
DELETE: Any = object()


def settings(max_examples: int = 50, **kw: Any) -> _settings:
    """hypothesis settings for a fuzz test: bounded ``max_examples``, no deadline
    (socket round trips vary on a busy CI machine), ``derandomize=True`` (the
    same examples on every run: CI is deterministic), no example database, and
    the health checks that a slow network-backed test trips turned off."""
    kw.setdefault("deadline", None)
    kw.setdefault("derandomize", True)
    kw.setdefault("database", None)
    kw.setdefault(
        "suppress_health_check",
        [
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    return _settings(max_examples=max_examples, **kw)


def dumps(value: Any) -> bytes:
    """``value`` as compact JSON bytes (how the fuzz server sends a body)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


# -- JSON inputs -----------------------------------------------------------------

#: values that break parsers most often, tried first
SUSPECTS: tuple[Any, ...] = (None, 5, "x", [], {}, ["x"], {"x": 1}, True, -1, 1.5, "", [5], [{}], [None], 0)


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """Any JSON value (nested lists and objects up to ``max_leaves`` leaves),
    the :data:`SUSPECTS` first."""
    leaves = (
        st.none()
        | st.booleans()
        | st.integers(-(2**63), 2**63)
        | st.text(max_size=8)
        | st.floats(allow_nan=False, allow_infinity=False)
    )
    tree = st.recursive(
        leaves,
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
        max_leaves=max_leaves,
    )
    return st.sampled_from(SUSPECTS) | tree


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every node of a JSON value as a path of keys/indices (``()`` is the root)."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*prefix, i))
    return out


def replace_at(value: Any, path: Sequence[Any], new: Any) -> Any:
    """A copy of ``value`` with the node at ``path`` replaced by ``new`` (or
    removed when ``new`` is :data:`DELETE`; deleting the root gives ``None``).
    Only the nodes on the path are copied."""
    if not path:
        return None if new is DELETE else new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        out: Any = dict(value)
    else:
        out = list(value)
    if not rest and new is DELETE:
        del out[head]
    else:
        out[head] = replace_at(value[head], rest, new)
    return out


def mutations(body: Any, values: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """``body`` with one node (any depth, the root too) replaced by a value
    from ``values`` (default :func:`json_values`) or deleted."""
    values = values if values is not None else json_values()
    all_paths = paths(body)

    def at(path: tuple[Any, ...]) -> st.SearchStrategy[Any]:
        new = (st.just(DELETE) | values) if path else values
        return new.map(lambda v: replace_at(body, path, v))

    return st.sampled_from(all_paths).flatmap(at)


def cuts(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` cut at any byte (the empty prefix included, the whole excluded)."""
    return st.integers(0, max(len(data) - 1, 0)).map(lambda n: data[:n])


# -- streams ---------------------------------------------------------------------


@dataclass
class Frame:
    """One event of a stream: ``data`` is its parsed JSON (or the raw text when
    it is not JSON, e.g. ``[DONE]``: then ``is_json`` is false); ``meta`` is
    whatever else the framing keeps (the SSE event name, event-stream headers)."""

    data: Any
    is_json: bool = True
    meta: Any = None


@dataclass(frozen=True)
class Framing:
    """How a stream body splits into :class:`Frame` s and back:
    ``encode(decode(body))`` must give an equivalent body."""

    name: str
    decode: Callable[[bytes], list[Frame]]
    encode: Callable[[list[Frame]], bytes]
    content_type: str = "application/octet-stream"


def _frame_of(text: str, meta: Any) -> Frame:
    try:
        return Frame(json.loads(text), True, meta)
    except ValueError:
        return Frame(text, False, meta)


def _sse_decode(body: bytes) -> list[Frame]:
    frames = []
    for block in body.decode("utf-8").replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        event, data = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        frames.append(_frame_of("\n".join(data), event))
    return frames


def _sse_encode(frames: list[Frame]) -> bytes:
    out = []
    for f in frames:
        head = f"event: {f.meta}\n" if f.meta else ""
        text = json.dumps(f.data, separators=(",", ":"), ensure_ascii=False) if f.is_json else str(f.data)
        out.append(f"{head}data: {text}\n\n")
    return "".join(out).encode()


def _ndjson_decode(body: bytes) -> list[Frame]:
    return [_frame_of(line, None) for line in body.decode("utf-8").splitlines() if line.strip()]


def _ndjson_encode(frames: list[Frame]) -> bytes:
    return "".join(
        (json.dumps(f.data, separators=(",", ":"), ensure_ascii=False) if f.is_json else str(f.data)) + "\n"
        for f in frames
    ).encode()


#: Server-sent events (``event:`` name kept in ``meta``; ``data:`` lines joined)
SSE = Framing("sse", _sse_decode, _sse_encode, "text/event-stream")
#: newline-delimited JSON (Ollama, Gemini-style line streams)
NDJSON = Framing("ndjson", _ndjson_decode, _ndjson_encode, "application/x-ndjson")


def _eventstream_decode(body: bytes) -> list[Frame]:
    from llmcore.http.eventstream import iter_eventstream

    return [_frame_of(m.payload.decode("utf-8", "replace"), dict(m.headers)) for m in iter_eventstream([body])]


def _eventstream_encode(frames: list[Frame]) -> bytes:
    from llmcore.http.eventstream import encode_eventstream_message

    return b"".join(
        encode_eventstream_message(
            f.meta or {}, json.dumps(f.data, separators=(",", ":")).encode() if f.is_json else str(f.data).encode()
        )
        for f in frames
    )


#: AWS event-stream (Bedrock ``ConverseStream``): headers kept in ``meta``, the JSON payload mutated
EVENTSTREAM = Framing("eventstream", _eventstream_decode, _eventstream_encode, "application/vnd.amazon.eventstream")


def stream_variants(
    body: bytes, framing: Framing, values: st.SearchStrategy[Any] | None = None
) -> st.SearchStrategy[bytes]:
    """A recorded stream ``body`` with one event's JSON mutated (see
    :func:`mutations`), or one event dropped, then (or instead) its bytes cut at
    any offset; an answer built from these bytes ends cleanly where they end."""
    frames = framing.decode(body)
    if not frames:
        raise ValueError(f"no {framing.name} events in the stream body")
    json_idx = [i for i, f in enumerate(frames) if f.is_json]

    def mutate(i: int) -> st.SearchStrategy[bytes]:
        f = frames[i]
        return mutations(f.data, values).map(
            lambda d: framing.encode([*frames[:i], Frame(d, True, f.meta), *frames[i + 1 :]])
        )

    def drop(i: int) -> bytes:
        return framing.encode(frames[:i] + frames[i + 1 :])

    whole = framing.encode(frames)
    changed = st.integers(0, len(frames) - 1).map(drop)
    if json_idx:
        changed = st.sampled_from(json_idx).flatmap(mutate) | changed
    return st.one_of(
        changed,
        cuts(whole),
        changed.flatmap(lambda b: cuts(b) if b else st.just(b)),
    )


def seeded(seeds: Sequence[Any], framing: Framing | None = None) -> st.SearchStrategy[Any]:
    """Answers grown from recorded ``seeds``: without ``framing``, JSON bodies
    with one node mutated (:func:`mutations`: JSON values, shown as such when a
    test fails); with one, stream bodies (:func:`stream_variants`: bytes). Serve
    either with :meth:`FuzzServer.serve`."""
    if not seeds:
        raise ValueError("no seeds to fuzz from")
    if framing is None:
        return st.one_of(*(mutations(body) for body in seeds))
    return st.one_of(*(stream_variants(body, framing) for body in seeds))


# -- the oracle --------------------------------------------------------------------


def check_response(response: Any) -> ChatResponse:
    """Assert ``response`` is a correct :class:`ChatResponse`: every field of the
    declared type (strict re-validation of its dump, so ``.text``, ``.usage``…
    cannot raise later) and a known finish reason. Returns it."""
    assert isinstance(response, ChatResponse), f"expected a ChatResponse, got {type(response).__name__}"
    try:
        ChatResponse.model_validate(response.model_dump(warnings=False), strict=True)
    except Exception as e:  # pydantic's ValidationError, or a dump that failed
        raise AssertionError(f"the response is not what its types say: {e}") from None
    assert response.finish_reason in FINISH_REASONS, response.finish_reason
    assert isinstance(response.text, str) and isinstance(response.reasoning, str)
    return response


def check_informative(response: ChatResponse) -> ChatResponse:
    """Assert a successful answer is not empty without a reason: it has text, tool
    calls or reasoning, or a finish reason other than ``"other"`` (length, a
    filter, ...) that says why it has none. Returns it."""
    assert response.text or response.tool_calls or response.reasoning or response.finish_reason != "other", response
    return response


def check_error(error: BaseException, provider: str | None = None, secret: str | None = None) -> LLMCoreError:
    """Assert ``error`` is a typed :class:`LLMCoreError` (for ``provider`` when
    given and the error names one) and that ``secret`` appears nowhere in it
    (text, repr, args, ``raw``, the ``__cause__``/``__context__`` chain)."""
    if not isinstance(error, LLMCoreError):
        raise AssertionError(f"an untyped {type(error).__name__} escaped: {error!r}") from error
    if provider is not None and error.provider is not None:
        assert error.provider == provider, f"the error names {error.provider!r}, not {provider!r}"
    str(error), repr(error)  # both must work
    if secret:
        from .conformance import assert_not_leaked

        chain: list[Any] = []
        e: BaseException | None = error
        while e is not None and len(chain) < 10:
            chain.append(e)
            e = e.__cause__ or e.__context__
        assert_not_leaked(secret, *chain)
    return error


@dataclass
class Outcome:
    """What a fuzzed call ended in: ``response`` or ``error`` (exactly one), and
    the stream ``events`` received (empty for ``chat``)."""

    response: ChatResponse | None = None
    error: LLMCoreError | None = None
    events: list[StreamEvent] = field(default_factory=list)


def check_outcome(call: Callable[[], Any], *, provider: str | None = None, secret: str | None = None) -> Outcome:
    """Run ``call`` (returns a :class:`ChatResponse`) and assert the contract:
    a correct response (:func:`check_response`) or a typed error
    (:func:`check_error`)."""
    try:
        result = call()
    except Exception as e:
        return Outcome(error=check_error(e, provider, secret))
    return Outcome(response=check_response(result))


def check_call(
    model: Any,
    *,
    stream: bool,
    prompt: Any = "hi",
    provider: str | None = None,
    secret: str | None = None,
    **overrides: Any,
) -> Outcome:
    """Call ``model`` (an ``llmcore.model(...)``) once — ``chat`` or ``stream``
    consumed to the end — and assert the contract; for a stream that succeeds,
    the stream invariants too. ``overrides`` go to the call."""
    if not stream:
        return check_outcome(lambda: model.chat(prompt, **overrides), provider=provider, secret=secret)
    events: list[Any] = []
    try:
        s = model.stream(prompt, **overrides)
        for ev in s:
            events.append(ev)
    except Exception as e:
        return Outcome(error=check_error(e, provider, secret), events=events)
    response = check_response(s.response)
    from .conformance import check_stream_invariants

    check_stream_invariants(events, response)
    return Outcome(response=response, events=events)


# -- the loopback server ------------------------------------------------------------


@dataclass
class _Answer:
    body: bytes = b"{}"
    content_type: str = "application/json"
    status: int = 200
    pieces: int = 0


class _QuietServer(ThreadingHTTPServer):
    """Does not print a traceback when the client hangs up mid-answer: a client
    that stopped reading after a typed error (a cut or broken stream) is expected."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FuzzServer:
    """A real HTTP/1.1 server on a loopback port (stdlib, its own threads) that
    answers every request, whatever the method and path, with the answer set by
    :meth:`answer`. Use as a context manager; ``url`` is ``http://127.0.0.1:<port>``
    (append the provider's base path, e.g. ``/v1``, where its ``base_url`` needs one).
    ``requests`` counts the requests served."""

    def __init__(self) -> None:
        self._answer = _Answer()
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _serve(self) -> None:
                n = int(self.headers.get("content-length") or 0)
                if n:
                    self.rfile.read(n)
                a = server._answer
                server.requests += 1
                self.send_response(a.status)
                self.send_header("content-type", a.content_type)
                self.send_header("content-length", str(len(a.body)))
                self.end_headers()
                if a.pieces > 1 and a.body:  # several writes: a stream decoder sees several chunks
                    step = max(1, len(a.body) // a.pieces)
                    for i in range(0, len(a.body), step):
                        self.wfile.write(a.body[i : i + step])
                        self.wfile.flush()
                else:
                    self.wfile.write(a.body)

            do_GET = do_POST = do_PUT = _serve

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread: threading.Thread | None = None

    def answer(
        self, body: bytes, content_type: str = "application/json", *, status: int = 200, pieces: int = 0
    ) -> None:
        """Answer the next requests with ``body`` (sent in ``pieces`` writes when > 1)."""
        self._answer = _Answer(body, content_type, status, pieces)

    def serve(self, answer: Any, framing: Framing | None = None) -> None:
        """Answer with a value drawn from :func:`seeded`: without ``framing`` a JSON
        value (sent as ``application/json``), with one stream bytes (sent with the
        framing's content type, in 3 writes so decoders see several chunks)."""
        if framing is None:
            self.answer(dumps(answer))
        else:
            self.answer(answer, framing.content_type, pieces=3)

    def start(self) -> FuzzServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FuzzServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()


#: the transports :func:`transport_client` knows
TRANSPORTS = ("aiohttp", "httpx")


@contextmanager
def transport_client(transport: str) -> Iterator[Any]:
    """The ``http_client`` to give ``llmcore.model`` for ``transport``:
    ``"aiohttp"`` gives ``None`` (the default: the shared client, whose requests
    go straight to aiohttp — what users run; the shared clients are closed on
    exit), ``"httpx"`` a fresh httpx client, closed on exit."""
    from llmcore._sync import run

    if transport == "aiohttp":
        from llmcore.http.client import aclose_shared_clients

        try:
            yield None
        finally:
            run(aclose_shared_clients())  # what the calls opened, closed before the test ends
        return
    from llmcore.http.client import HTTPSettings, make_client

    client = make_client(HTTPSettings(transport=transport))  # type: ignore[arg-type]
    try:
        yield client
    finally:
        run(client.aclose())


# -- the plugin mixin ----------------------------------------------------------------


class CodecFuzz:
    """A pytest mixin fuzzing one provider's response and stream parsers through
    ``llmcore.model`` on the default transport, seeded from its recordings.

    Subclass it as a test class (``class TestFuzz(fuzz.CodecFuzz):``) and set the
    class attributes below; the subclass then has

    * ``test_any_chat_answer_is_a_response_or_a_typed_error`` (when :attr:`chat`
      has seeds): a recorded JSON answer with one node replaced or deleted;
    * ``test_any_stream_is_a_response_or_a_typed_error`` (when :attr:`streams`
      has seeds): a recorded stream with an event mutated or dropped, cut anywhere.

    Each is ``chat``/``stream`` on a model built by :meth:`build_model` against a
    loopback :class:`FuzzServer` (the ``fuzz_server`` fixture), and must end in
    a correct, informative response (:func:`check_response`,
    :func:`check_informative`) or a typed error naming :attr:`provider` without
    :attr:`secret` (:func:`check_error`). Extra tests in the subclass can use
    ``fuzz_server`` and :meth:`call`; override :meth:`build_model` for a model
    that needs more than ``llmcore.model`` keyword options.
    """

    #: the model name given to ``llmcore.model``, e.g. ``"acme/model-1"``
    model: ClassVar[str]
    #: the provider the typed errors must name
    provider: ClassVar[str]
    #: recorded JSON answers (parsed bodies) to mutate
    chat: ClassVar[Sequence[Any]] = ()
    #: recorded stream bodies (bytes) in :attr:`framing`
    streams: ClassVar[Sequence[bytes]] = ()
    framing: ClassVar[Framing] = SSE
    #: hypothesis examples per test; :attr:`stream_examples` for the stream test when set
    examples: ClassVar[int] = 60
    stream_examples: ClassVar[int | None] = None
    #: the ``api_key`` (``None``: none passed) and what must not leak (default: the key)
    api_key: ClassVar[str | None] = TEST_API_KEY
    secret: ClassVar[str | None] = None
    #: appended to the server's URL for ``base_url`` (e.g. ``"/v1"``)
    base_path: ClassVar[str] = ""
    #: more keyword arguments for ``llmcore.model`` (``region=...``, ``account_id=...``)
    options: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        generated = {
            "test_any_chat_answer_is_a_response_or_a_typed_error": (cls.chat, None, cls.examples),
            "test_any_stream_is_a_response_or_a_typed_error": (
                cls.streams,
                cls.framing,
                cls.stream_examples or cls.examples,
            ),
        }
        for name, (seeds, framing, examples) in generated.items():
            if seeds and name not in vars(cls):  # a test the subclass writes itself wins
                setattr(cls, name, _codec_test(name, seeds, framing, examples))

    @pytest.fixture
    def fuzz_server(self) -> Iterator[FuzzServer]:
        """A loopback :class:`FuzzServer` for one test and all its examples (a
        function-scoped fixture: class scope on a method is deprecated in pytest 9)."""
        with FuzzServer() as server:
            yield server

    def build_model(self, server: FuzzServer) -> Any:
        """``llmcore.model(model, base_url=<server>+base_path, api_key=..., retry=False, **options)``."""
        import llmcore

        kw = dict(self.options)
        if self.api_key is not None:
            kw["api_key"] = self.api_key
        return llmcore.model(self.model, base_url=server.url + self.base_path, retry=False, **kw)

    def call(self, server: FuzzServer, *, stream: bool, **overrides: Any) -> Outcome:
        """One checked call (:func:`check_call`) on :meth:`build_model`'s model; a
        response must also be informative (:func:`check_informative`)."""
        secret = self.secret if self.secret is not None else self.api_key
        out = check_call(self.build_model(server), stream=stream, provider=self.provider, secret=secret, **overrides)
        if out.response is not None:
            check_informative(out.response)
        return out


def _codec_test(name: str, seeds: Sequence[Any], framing: Framing | None, examples: int) -> Callable[..., None]:
    """One generated :class:`CodecFuzz` test: serve an answer from :func:`seeded`, call, check."""

    @settings(max_examples=examples)
    @given(answer=seeded(seeds, framing))
    def test(self: CodecFuzz, fuzz_server: FuzzServer, answer: Any) -> None:
        fuzz_server.serve(answer, framing)
        self.call(fuzz_server, stream=framing is not None)

    test.__name__ = test.__qualname__ = name
    return test
