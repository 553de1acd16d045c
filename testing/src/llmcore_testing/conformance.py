"""The conformance kit: a pytest base class every provider plugin subclasses.

A plugin points the kit at its cassettes and says, per scenario, which
recording to replay and which request produced it::

    class TestAcmeConformance(ProviderConformance):
        provider = "acme"
        cassette_dir = Path(__file__).parent / "cassettes"
        chat_case = Case("basic.yaml", {"model": "acme-1", "messages": ["Hello"]})
        stream_case = Case("basic_stream.yaml", {...}, stream=True)
        ...

Every scenario runs the way users run it: a :class:`~llmcore_testing.cassette_server.CassetteServer`
on a loopback port answers from the recording, and the provider is built the way
``llmcore.model`` builds it, with only ``base_url`` pointed at the server — no injected
client. Each scenario runs on every transport llmcore ships and through the facade
(``replay_paths``: ``aiohttp`` — the direct aiohttp path, the default install's —,
``httpx`` — httpx's own pool, HTTP/1.1 —, and ``facade`` — ``llmcore.model(...)`` with its
default middleware, on the default transport). A provider that builds a request
differently on one path (auth, signing, query, body) fails there. The server also
checks what it receives: every request must match a recorded one (method + path),
carry the test key or the provider's signature (:meth:`ProviderConformance.check_auth`),
and pass :meth:`ProviderConformance.validate_request` (the provider's API spec where one
exists). In record mode (``nox -s record``) scenarios go to the live API through vcrpy
instead (path ``recorded``). The kit checks:

* chat: content, finish reason, usage; stream invariants (one ``Finish``,
  last; usage at most once; metadata first; tool-call deltas concatenate to
  the final arguments; deltas concatenate to the collected content);
* stream/chat agreement on pairs of recordings of the same prompt (same
  finish reason, same tool names and arguments, text on both sides — the
  generated words differ between two recordings, so text is not compared);
* system prompt and multi-turn: what was sent contains them;
* tool-call round trip (call → result → answer), chat and stream;
* structured output, reasoning, vision where claimed;
* every stream recording (stream cases, streamed error cases, ``rechunk_cases``)
  replayed again with its body cut into other pieces (1 byte, 7 bytes, random
  sizes: ``rechunk_sizes``) gives exactly the same events, or the same error;
* ``count_tokens`` with the spec's method;
* error mapping: every error case becomes its typed error, with provider, status
  and a message, and no API key anywhere (``test_errors`` reports every failing
  kind at once). Five kinds are **mandatory** (:attr:`ProviderConformance.required_errors`;
  the keys of ``error_cases``), each an :class:`ErrorCase` with a recording of the
  provider's real (or, where none exists, authored) answer:

  - ``"auth"``: a bad or missing key (401) → ``AuthenticationError``;
  - ``"not_found"``: an unknown model (404) → ``NotFoundError``;
  - ``"rate_limit"``: too many requests (429) → ``RateLimitError``; set
    ``expect_retry_after=True`` when the recording has ``Retry-After``;
  - ``"context_length"``: a prompt longer than the model's context (usually 400)
    → ``ContextWindowExceededError``;
  - ``"server"``: a server failure (500/502/503/529) → ``ProviderServerError`` (or
    ``BackendUnavailableError`` for an overloaded backend).

  ``status_code`` is optional and checked when given; more kinds (``"permission"``,
  ``"content_filter"``...) may be added under any other key;
* lossless answers (``test_lossless``, issue 11): ``lossless_cases`` maps each claimed
  server tool (``web_search``, ``code_execution``, ... :data:`llmcore.spec.SERVER_TOOLS`),
  ``"citations"``, ``"image_output"`` and ``"prompt_caching"`` to a :class:`LosslessCase`
  (or :class:`Case`); a ``"<key>:stream"`` entry is the streamed recording of the same thing.
  Each comes out: server-tool parts (or, with ``evidence="citations"``, sources for a
  provider that searches on every call), citations whose spans index the answer's text,
  decodable images, cached tokens in ``Usage``; a key with both forms must agree (same
  kinds of parts, server tools, citations on both sides);
* nothing disappears (``test_nothing_disappears``, opt-in with ``lossless_check = True``):
  every 200 answer in the cassette directory (chat and stream; recorded and authored files
  alike) is replayed, and
  every content block, output item and annotation it holds must be a part or a citation,
  or be kept in ``provider_metadata["unmapped"]`` with an ``unmapped:<kind>`` warning
  (:mod:`llmcore_testing.lossless`; hooks: :meth:`ProviderConformance.answer_item_kinds`,
  ``answer_kind_parts``, :meth:`ProviderConformance.lossless_replay_case`);
* every capability the spec claims has a case with a cassette that proves it
  (``test_capability_claims``: ``streaming`` → ``stream_case``; ``tools`` →
  ``tool_call_case``, ``tool_call_stream_case``, ``tool_round_trip_case``; ``vision``,
  ``reasoning``, ``structured_output``, ``embeddings``, ``rerank`` → ``vision_case``,
  ``reasoning_case``, ``structured_case``, ``embedding_case``, ``rerank_case``;
  ``count_tokens="api"`` → ``count_tokens_case``; ``server_tools``, ``citations``,
  ``image_output``, ``prompt_caching`` → ``lossless_cases[<tool>]``,
  ``["citations"]``, ``["image_output"]``, ``["prompt_caching"]``); with tools and streaming claimed,
  a missing ``tool_round_trip_stream_case`` is named in a :class:`KitWarning` and in the
  skip reason of its scenario;
* no secrets in the cassettes (the scanner, plus this run's key values);
* a recording made by llmcore's own recorder (``nox -s record``; marked by
  :data:`~llmcore_testing.cassettes.RECORDED_BY_HEADER`) must be the request llmcore
  sends now: the whole JSON body is compared, with a diff on mismatch; for recordings
  made by other clients only ``model`` and ``stream`` are compared.

Scenarios a plugin does not provide are reported as skipped with the
reason (never silently passed): "not claimed" only when the spec does not claim the
capability; claimed capabilities must be provided.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import pytest

from .cassettes import SentRequests, record_mode, recording_client, replay_from
from .streams import random_sizes

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.provider import Provider
    from llmcore.types import ChatRequest, ChatResponse

__all__ = [
    "Case",
    "EmbeddingCase",
    "ErrorCase",
    "KitWarning",
    "LosslessCase",
    "ProviderConformance",
    "RerankCase",
    "REPLAY_PATHS",
    "LOSSLESS_KEYS",
    "assert_not_leaked",
    "check_stream_invariants",
    "json_differences",
    "run_case",
    "run_count_tokens",
    "run_case_served",
]

#: the ways a scenario is replayed over the cassette server (see the module docstring)
REPLAY_PATHS: tuple[str, ...] = ("aiohttp", "httpx", "facade")
#: kit tests that do not replay a recording: run once, not once per path
_PATH_FREE = frozenset(
    {
        "test_capability_claims",
        "test_cassettes_have_no_secrets",
        "test_api_key_not_in_reprs",
        # a codec question (is every recorded item kept?), asked once on the default transport
        "test_nothing_disappears",
    }
)

# A key that cannot be mistaken for a real one; the kit checks it never leaks.
TEST_API_KEY = "llmcore-test-key-do-not-leak"


def assert_not_leaked(secret: str, *objects: Any) -> None:
    """Assert ``secret`` is in no ``str()`` or ``repr()`` of ``objects`` (a provider, its
    config, an error...), nor, for an exception, in its ``raw`` body or its ``args``."""
    for obj in objects:
        texts = [str(obj), repr(obj)]
        if isinstance(obj, BaseException):
            texts += [str(getattr(obj, "raw", None) or ""), str(obj.args)]
        for text in texts:
            # raised, not asserted: pytest rewrites the asserts of a pytest11 plugin's package (this one),
            # and a rewritten ``assert secret not in text`` prints both operands, i.e. the key
            if secret in text:
                raise AssertionError(f"the secret leaked into a {type(obj).__name__}")


@dataclass
class Case:
    """One recording and the request that produced it.

    ``request`` is a :class:`ChatRequest` or the keyword arguments of one.
    ``options``/``base_url`` configure the provider for this case (e.g.
    ``options={"api": "responses"}``). ``interaction`` is the 0-based index of
    the recorded interaction the case replays: a cassette that records a
    conversation (tool call, then the answer after the tool result) is
    replayed from its second request with ``interaction=1``. ``expect_*``
    are optional extra checks on the result.
    """

    cassette: str
    request: dict[str, Any] | Any
    stream: bool = False
    interaction: int = 0
    options: dict[str, Any] = field(default_factory=dict)
    base_url: str | None = None
    expect_text: str | None = None
    expect_tool: str | None = None
    expect_finish: str | None = None
    expect_usage: bool = True

    def chat_request(self) -> ChatRequest:
        from llmcore.types import ChatRequest

        if isinstance(self.request, ChatRequest):
            return self.request
        return ChatRequest(**self.request)


@dataclass
class LosslessCase(Case):
    """A recording proving a lossless-answer capability (a value of
    ``ProviderConformance.lossless_cases``). For a server tool, ``server_tool`` is the
    provider's name of the part that must come out (``google_search`` for ``web_search``
    on Gemini; ``None``: any server-tool part); ``evidence="citations"`` for a provider
    that searches on every call and returns only the sources (Perplexity): then cited
    URLs prove the search."""

    server_tool: str | None = None
    evidence: Literal["parts", "citations"] = "parts"


@dataclass
class ErrorCase(Case):
    """A recording of a failing call and the typed error it must become."""

    error: type[Exception] = Exception
    status_code: int | None = None
    expect_retry_after: bool = False
    expect_usage: bool = False


@dataclass
class EmbeddingCase:
    """A recording of an embeddings call: ``texts`` (one string or a list) and ``params``
    (``dimensions``, ``input_type``, ...) as given to ``EmbeddingModel.embed``."""

    cassette: str
    model: str
    texts: Any
    params: dict[str, Any] = field(default_factory=dict)
    interaction: int = 0
    options: dict[str, Any] = field(default_factory=dict)
    base_url: str | None = None
    expect_dimensions: int | None = None
    expect_usage: bool = True
    #: the sent JSON body equals the recording's request body, and the vectors and input tokens equal
    #: its answer's (read by the test class's ``recorded_vectors`` / ``recorded_input_tokens``)
    exact: bool = False
    #: for an error case: the typed error the call must raise
    error: type[Exception] | None = None
    stream: ClassVar[bool] = False

    def embedding_request(self) -> Any:
        from llmcore.embeddings import embedding_request

        return embedding_request(self.model, self.texts, **self.params)


#: ``ProviderConformance.embedding_refusals`` of an embeddings endpoint of the plain OpenAI shape
#: (no task type, no truncation choice, float vectors only, no shortening): what llmcore-openai's
#: shared embeddings codec refuses before the network for such a server
OPENAI_SHAPED_EMBEDDING_REFUSALS: dict[str, dict[str, Any]] = {
    "input_type": {"input_type": "query"},
    "truncate": {"truncate": "end"},
    "embedding_type": {"embedding_type": "int8"},
    "dimensions": {"dimensions": 256},
}


@dataclass
class RerankCase:
    """A recording of a rerank call."""

    cassette: str
    model: str
    query: str
    documents: list[str]
    top_n: int | None = None
    interaction: int = 0
    options: dict[str, Any] = field(default_factory=dict)
    base_url: str | None = None
    expect_usage: bool = False
    error: type[Exception] | None = None
    stream: ClassVar[bool] = False

    def rerank_request(self) -> Any:
        from llmcore.embeddings import rerank_request

        return rerank_request(self.model, self.query, self.documents, self.top_n)


@dataclass
class CaseResult:
    """What one replay produced."""

    response: ChatResponse | None
    events: list[StreamEvent]
    sent: SentRequests
    error: BaseException | None = None
    #: the cassette interactions the loopback server answered with (``None``: not replayed over it)
    played: tuple[int, ...] | None = None

    def outcome(self) -> Any:
        """The response, or the :class:`~llmcore.errors.LLMCoreError` the call raised
        (any other exception is raised again)."""
        from llmcore.errors import LLMCoreError

        if self.error is None:
            return self.response
        if isinstance(self.error, LLMCoreError):
            return self.error
        raise self.error


#: part types a stream sends whole, as a :class:`~llmcore.events.PartEvent`
_WHOLE_PARTS = frozenset({"server_tool_call", "server_tool_result", "image", "file"})


def check_stream_invariants(events: list[StreamEvent], response: ChatResponse) -> None:
    """Assert the stream contract on ``events`` and their collected ``response``."""
    types = [e.type for e in events]
    assert types, "the stream produced no events"
    assert types.count("finish") == 1, f"expected exactly one finish event, got {types.count('finish')}"
    assert types[-1] == "finish", f"finish must be the last event, got {types[-1]!r} last"
    assert types.count("usage") <= 1, f"usage must be reported at most once, got {types.count('usage')}"
    assert types.count("metadata") <= 1, "metadata must be reported at most once"
    if "metadata" in types:
        first_content = next(
            (i for i, t in enumerate(types) if t in ("text", "reasoning", "tool_call_delta", "tool_call")), None
        )
        if first_content is not None:
            assert types.index("metadata") < first_content, "metadata must come before content"
    text = "".join(e.text for e in events if e.type == "text")  # type: ignore[union-attr]
    assert text == response.text, "text deltas do not concatenate to the collected text"
    reasoning = "".join(e.text for e in events if e.type == "reasoning")  # type: ignore[union-attr]
    assert reasoning == response.reasoning, "reasoning deltas do not concatenate to the collected reasoning"
    deltas: dict[int, list[str]] = {}
    for e in events:
        if e.type == "tool_call_delta":
            deltas.setdefault(e.index, []).append(e.arguments_delta)  # type: ignore[union-attr]
    cites = [e.citation for e in events if e.type == "citation"]  # type: ignore[union-attr]
    assert cites == list(response.citations), "citation events differ from the collected citations"
    parts = [e.part for e in events if e.type == "part"]  # type: ignore[union-attr]
    whole = [p for p in response.message.content if p.type in _WHOLE_PARTS]
    assert parts == whole, (
        f"part events {[p.type for p in parts]} differ from the collected parts {[p.type for p in whole]}"
    )
    calls = [e for e in events if e.type == "tool_call"]
    assert [c.id for c in calls] == [c.id for c in response.tool_calls]  # type: ignore[union-attr]
    for c in calls:
        assert isinstance(c.arguments, dict)  # type: ignore[union-attr]
        if c.index in deltas:  # type: ignore[union-attr]
            joined = "".join(deltas[c.index])  # type: ignore[union-attr]
            assert joined == c.raw_arguments, (  # type: ignore[union-attr]
                f"tool-call argument deltas {joined!r} != final arguments {c.raw_arguments!r}"  # type: ignore[union-attr]
            )
        if c.raw_arguments.strip():  # type: ignore[union-attr]
            assert json.loads(c.raw_arguments) == c.arguments  # type: ignore[union-attr]
    if calls:
        assert response.finish_reason == "tool_calls", (
            f"a response with tool calls must finish with 'tool_calls', not {response.finish_reason!r}"
        )


def _check_usage(response: ChatResponse, where: str) -> None:
    u = response.usage
    assert u.input_tokens is not None and u.input_tokens > 0, f"{where}: input_tokens missing"
    assert u.output_tokens is not None and u.output_tokens >= 0, f"{where}: output_tokens missing"
    for name in ("cache_read_tokens", "cache_write_tokens", "reasoning_tokens"):
        v = getattr(u, name)
        assert v is None or (isinstance(v, int) and v >= 0), f"{where}: {name}={v!r}"
    cached = (u.cache_read_tokens or 0) + (u.cache_write_tokens or 0)
    assert cached <= u.input_tokens, f"{where}: input_tokens must include cached tokens"
    if u.reasoning_tokens is not None:
        assert u.reasoning_tokens <= u.output_tokens, f"{where}: output_tokens must include reasoning tokens"


def _bears_key(value: str) -> bool:
    """``value`` (a header's) is the test key alone or after one scheme word (``Bearer``)."""
    parts = value.split()
    return parts == [TEST_API_KEY] or (
        len(parts) == 2
        and parts[1] == TEST_API_KEY
        and parts[0] != TEST_API_KEY
        and parts[0].replace("-", "").isalnum()
    )


def _was_sent(text: str, body: str) -> bool:
    """``text`` appears in a JSON request body, whether the client escaped
    non-ASCII characters (``\\u2019``) or sent them as UTF-8."""
    return json.dumps(text)[1:-1] in body or json.dumps(text, ensure_ascii=False)[1:-1] in body or text in body


def _recorded_request(cassette_path: Path, interaction: int = 0) -> tuple[dict[str, Any] | None, str | None]:
    """``(interaction, body text)`` of the first recorded request from ``interaction`` on that has a body."""
    from . import cassette_format

    data = cassette_format.deserialize(cassette_path.read_text(encoding="utf-8"))
    for inter in data.get("interactions", [])[interaction:]:
        body = inter["request"].get("body")
        if isinstance(body, dict):
            body = body.get("string")
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if body:
            return inter, body
    return None, None


def _body_text(body: Any) -> str:
    """A recorded body (a string, bytes or ``{"string": ...}``) as text."""
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return body if isinstance(body, str) else ""


def _content_type(response: dict[str, Any]) -> str:
    for k, v in (response.get("headers") or {}).items():
        if k.lower() == "content-type":
            return str(v[0] if isinstance(v, list) and v else v).lower()
    return ""


def _is_stream(response: dict[str, Any]) -> bool:
    ctype = _content_type(response)
    return any(t in ctype for t in ("text/event-stream", "ndjson", "vnd.amazon.eventstream"))


def _server_tool_names(r: ChatResponse) -> list[str]:
    return sorted({str(getattr(p, "name", "")) for p in r.message.content if p.type.startswith("server_tool")})


def _lossless_problems(key: str, case: Case, r: ChatResponse, provider: str) -> list[str]:
    """What is wrong with ``r`` as the proof of lossless capability ``key`` (empty: nothing)."""
    problems = []
    parts = r.message.content
    if key == "citations" or (isinstance(case, LosslessCase) and case.evidence == "citations"):
        if not r.citations:
            return ["no citations in the answer (ChatResponse.citations)"]
        if key != "citations" and not any(c.url for c in r.citations):
            problems.append("the search is proven by cited URLs, and no citation has one")
        n = len(r.text)
        for c in r.citations:
            if c.provider != provider:
                problems.append(f"a {c.kind} citation says provider {c.provider!r}, not {provider!r}")
            if (c.start is None) != (c.end is None) or (
                c.start is not None and c.end is not None and not 0 <= c.start <= c.end <= n
            ):
                problems.append(f"a {c.kind} citation spans {c.start}..{c.end}, outside the answer's {n} characters")
        attached = [c for p in parts if p.type == "text" for c in p.citations]  # type: ignore[union-attr]
        if any(c not in r.citations for c in attached):
            problems.append("a citation attached to a text part is not in ChatResponse.citations")
    elif key == "image_output":
        if not r.images:
            return ["no image in the answer (ChatResponse.images)"]
        for im in r.images:
            if im.data is not None and not im.to_bytes():
                problems.append("an image decodes to no bytes")
            if not (im.media_type or "").startswith("image/"):
                problems.append(f"an image has media_type {im.media_type!r}")
    elif key == "prompt_caching":
        u = r.usage
        if not (u.cache_read_tokens or u.cache_write_tokens):
            problems.append("no cached tokens in Usage (cache_read_tokens / cache_write_tokens)")
    else:  # a server tool, proven by its parts
        tools = [p for p in parts if p.type in ("server_tool_call", "server_tool_result")]
        if not tools:
            return [f"no server-tool part for {key} in the answer"]
        name = case.server_tool if isinstance(case, LosslessCase) else None
        if name is not None and not any(p.name == name for p in tools):  # type: ignore[union-attr]
            problems.append(f"no server-tool part named {name!r} (got {sorted({p.name for p in tools})})")  # type: ignore[union-attr]
        wrong = {p.provider for p in tools} - {provider}  # type: ignore[union-attr]
        if wrong:
            problems.append(f"server-tool parts say provider {sorted(map(str, wrong))}, not {provider!r}")
    return problems


def _recorded_request_body(cassette_path: Path, interaction: int = 0) -> Any:
    _, body = _recorded_request(cassette_path, interaction)
    if body:
        try:
            return json.loads(body)
        except ValueError:
            return None
    return None


def json_differences(sent: Any, recorded: Any, path: str = "$") -> list[str]:
    """Where two JSON values differ, one line each (``$.messages[1].content: sent 'a', recorded 'b'``)."""
    if isinstance(sent, dict) and isinstance(recorded, dict):
        out: list[str] = []
        for key in list(dict.fromkeys([*recorded, *sent])):
            where = f"{path}.{key}"
            if key not in sent:
                out.append(f"{where}: recorded {recorded[key]!r}, not sent")
            elif key not in recorded:
                out.append(f"{where}: sent {sent[key]!r}, not in the recording")
            else:
                out += json_differences(sent[key], recorded[key], where)
        return out
    if isinstance(sent, list) and isinstance(recorded, list):
        out = []
        for i, (a, b) in enumerate(zip(sent, recorded, strict=False)):
            out += json_differences(a, b, f"{path}[{i}]")
        if len(sent) != len(recorded):
            out.append(f"{path}: {len(sent)} items sent, {len(recorded)} recorded")
        return out
    if sent != recorded or type(sent) is not type(recorded):
        return [f"{path}: sent {sent!r}, recorded {recorded!r}"]
    return []


async def run_case(
    case: Case,
    make: Callable[[Any, Case], Provider],
    cassette_dir: Path,
    validate: Callable[[Any], Awaitable[None] | None] | None = None,
    *,
    chunk_sizes: Sequence[int] | None = None,
    repeats: bool | None = None,
) -> CaseResult:
    """Replay ``case`` through the provider built by ``make(client, case)``; with
    ``chunk_sizes``, the recorded response bodies arrive cut into pieces of those sizes;
    ``repeats``: see :func:`~llmcore_testing.cassettes.replay_from`."""

    path = cassette_dir / case.cassette
    if record_mode() == "none":
        assert path.is_file(), f"cassette {path} does not exist"
    client, sent = recording_client(chunk_sizes=chunk_sizes)
    events: list[StreamEvent] = []
    response = None
    error: BaseException | None = None
    with replay_from(cassette_dir, case.cassette, case.interaction, repeats=repeats):
        async with client:
            provider = make(client, case)
            req = case.chat_request()
            try:
                response = await _call_provider(provider, req, case.stream, events)
            except Exception as e:  # errors are part of the result
                error = e
    if validate is not None:
        for r in sent:
            out = validate(r)
            if asyncio.iscoroutine(out):
                await out
    return CaseResult(response, events, sent, error)


async def _call_provider(provider: Provider, req: ChatRequest, stream: bool, events: list[StreamEvent]) -> ChatResponse:
    """One call straight to ``provider``: its answer, or for a stream the collected answer (each event also
    appended to ``events``)."""
    from llmcore.events import StreamAccumulator

    if not stream:
        return await provider.chat(req)
    acc = StreamAccumulator()
    async for ev in provider.stream_chat(req):
        events.append(ev)
        acc.add(ev)
    return acc.response(provider.spec.name)


@contextmanager
def _transport(name: str) -> Iterator[None]:
    """The process-wide HTTP transport set to ``name`` for the duration."""
    from llmcore.http.client import configure, settings

    before = settings().transport
    configure(transport="auto" if name == "facade" else name)
    try:
        yield
    finally:
        configure(transport=before)


def _facade_call_args(req: ChatRequest) -> tuple[list[Any], dict[str, Any]]:
    """``(messages, request fields)`` that make ``Model.achat`` send ``req`` again."""
    fields = {k: getattr(req, k) for k in req.model_fields_set if k not in ("model", "messages")}
    return list(req.messages), fields


async def run_case_served(
    case: Case,
    path: str,
    make: Callable[[Any, Case], Provider],
    cassette_dir: Path,
    *,
    spec_base_url: str | None = None,
    model_options: Callable[[Case], dict[str, Any]] | None = None,
    provider_name: str | None = None,
    chunk_sizes: Sequence[int] | None = None,
    repeats: bool | None = None,
    count_tokens: bool = False,
) -> tuple[CaseResult, Any]:
    if isinstance(case, (EmbeddingCase, RerankCase)):
        return await _run_unary_served(
            case,
            path,
            make,
            cassette_dir,
            spec_base_url=spec_base_url,
            model_options=model_options,
            provider_name=provider_name,
        )
    """Replay ``case`` over a :class:`~llmcore_testing.cassette_server.CassetteServer` on ``path``
    (``aiohttp``, ``httpx`` or ``facade``, see :data:`REPLAY_PATHS`). The provider is built by
    ``make(None, case)`` with ``case.base_url`` pointing at the server (no injected client); on
    ``facade`` the call goes through ``llmcore.model(f"{provider_name}/{model}", **model_options(case))``
    instead. Returns ``(result, count)``: ``count`` is the ``TokenCount`` when ``count_tokens``.
    ``result.sent`` holds the requests as the server received them."""
    from llmcore.http.client import aclose_shared_clients

    from .cassette_server import CassetteServer

    file = cassette_dir / case.cassette
    assert file.is_file(), f"cassette {file} does not exist"
    events: list[StreamEvent] = []
    response: Any = None
    count: Any = None
    error: BaseException | None = None
    with CassetteServer.from_cassette(file, start=case.interaction, repeats=repeats, chunk_sizes=chunk_sizes) as srv:
        served = dataclasses.replace(case, base_url=srv.base_url_for(case.base_url or spec_base_url))
        req = served.chat_request()
        with _transport(path):
            try:
                if path == "facade":
                    from llmcore.facade import Model

                    opts = dict((model_options or (lambda c: {"api_key": TEST_API_KEY, **c.options}))(served))
                    opts["base_url"] = served.base_url
                    if isinstance(case, ErrorCase):
                        opts.setdefault("retry", False)  # the typed error itself, not the retries' time
                    m = Model(f"{provider_name}/{req.model}", **opts)
                    messages, fields = _facade_call_args(req)
                    if count_tokens:
                        count = await m.acount_tokens(messages, **fields)
                    elif case.stream:
                        stream = m.astream(messages, **fields)
                        async for ev in stream:
                            events.append(ev)
                        response = stream.response
                    else:
                        response = await m.achat(messages, **fields)
                else:
                    provider = make(None, served)
                    if count_tokens:
                        count = await provider.count_tokens(req)
                    else:
                        response = await _call_provider(provider, req, case.stream, events)
            except Exception as e:  # errors are part of the result
                error = e
            finally:
                await aclose_shared_clients()
    assert not srv.problems, f"{case.cassette} on {path}: " + "; ".join(srv.problems)
    return CaseResult(response, events, SentRequests(srv.received), error, tuple(srv.played())), count


async def _run_unary_served(
    case: EmbeddingCase | RerankCase,
    path: str,
    make: Callable[[Any, Any], Any],
    cassette_dir: Path,
    *,
    spec_base_url: str | None,
    model_options: Callable[[Any], dict[str, Any]] | None,
    provider_name: str | None,
) -> tuple[CaseResult, Any]:
    """:func:`run_case_served` for an embeddings or rerank case: ``(result, answer)``, the answer an
    ``EmbeddingResponse``/``RerankResponse`` (``None`` on error, which is in ``result.error``)."""
    from llmcore.http.client import aclose_shared_clients

    from .cassette_server import CassetteServer

    file = cassette_dir / case.cassette
    assert file.is_file(), f"cassette {file} does not exist"
    answer: Any = None
    error: BaseException | None = None
    with CassetteServer.from_cassette(file, start=case.interaction) as srv:
        served = dataclasses.replace(case, base_url=srv.base_url_for(case.base_url or spec_base_url))
        with _transport(path):
            try:
                if path == "facade":
                    from llmcore.embedding_facade import EmbeddingModel, RerankModel

                    opts = dict((model_options or (lambda c: {"api_key": TEST_API_KEY, **c.options}))(served))
                    opts["base_url"] = served.base_url
                    if served.error is not None:
                        opts.setdefault("retry", False)
                    name = f"{provider_name}/{served.model}"
                    if isinstance(served, EmbeddingCase):
                        answer = await EmbeddingModel(name, **opts).aembed(served.texts, **served.params)
                    else:
                        answer = await RerankModel(name, **opts).arerank(served.query, served.documents, served.top_n)
                else:
                    provider = make(None, served)
                    if isinstance(served, EmbeddingCase):
                        answer = await provider.embed(served.embedding_request())
                    else:
                        answer = await provider.rerank(served.rerank_request())
            except Exception as e:  # errors are part of the result
                error = e
            finally:
                await aclose_shared_clients()
    assert not srv.problems, f"{case.cassette} on {path}: " + "; ".join(srv.problems)
    return CaseResult(None, [], SentRequests(srv.received), error), answer


def _generated_ids_numbered(events: list[StreamEvent], recorded: str) -> list[Any]:
    """``events`` with every id that is not in the ``recorded`` cassette text (one the
    provider generated, e.g. for tool calls the server sent without an id) replaced by
    its order of appearance, so two replays compare equal; recorded ids stay as they are."""
    import dataclasses

    numbers: dict[str, str] = {}
    out: list[Any] = []
    for e in events:
        ev: Any = e
        eid = getattr(ev, "id", None)
        if isinstance(eid, str) and eid and eid not in recorded:
            ev = dataclasses.replace(ev, id=numbers.setdefault(eid, f"<generated id #{len(numbers)}>"))
        out.append(ev)
    return out


async def run_count_tokens(
    case: Case, make: Callable[[Any, Case], Provider], cassette_dir: Path
) -> tuple[Any, SentRequests]:
    """``count_tokens`` of ``case``'s request through the provider built by
    ``make(client, case)``, replayed from the case's cassette: ``(TokenCount, sent)``."""
    client, sent = recording_client()
    with replay_from(cassette_dir, case.cassette, case.interaction):
        async with client:
            return await make(client, case).count_tokens(case.chat_request()), sent


_CAPABILITY_CASES: dict[str, tuple[str, ...]] = {
    "streaming": ("stream_case",),
    "tools": ("tool_call_case", "tool_call_stream_case", "tool_round_trip_case"),
    "vision": ("vision_case",),
    "reasoning": ("reasoning_case",),
    "structured_output": ("structured_case",),
    "embeddings": ("embedding_case",),
    "rerank": ("rerank_case",),
}

#: the keys of ``lossless_cases`` besides the server tools' names (:data:`llmcore.spec.SERVER_TOOLS`)
LOSSLESS_KEYS: tuple[str, ...] = ("citations", "image_output", "prompt_caching")


def _report(what: str, *, provider: str, response: ChatResponse, **fields: Any) -> None:
    """One JSON line on ``$LLMCORE_LOSSLESS_REPORT`` (when set) about a replayed answer: what the
    recording held (``kinds``), the parts llmcore made and what it kept as ``unmapped``.
    ``python -m llmcore_testing.lossless_report FILE`` turns the lines into a per-provider table."""
    import os

    path = os.environ.get("LLMCORE_LOSSLESS_REPORT")
    if not path:
        return
    from .lossless import made_of

    made, unmapped, _ = made_of(response)
    line = {
        "what": what,
        "provider": provider,
        **{k: (dict(v) if isinstance(v, Counter) else v) for k, v in fields.items()},
        "made": {k: n for k, n in made.items() if n},
        "unmapped": dict(unmapped),
    }
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line, sort_keys=True) + "\n")


def _lossless_claims(caps: Any) -> list[str]:
    """The ``lossless_cases`` keys ``caps`` (a :class:`~llmcore.spec.Capabilities`) claims."""
    return [*caps.server_tools, *(k for k in LOSSLESS_KEYS if getattr(caps, k))]


#: cases not (yet) required by the claims check, but named when missing: ``(capability, also claimed)``
#: → attribute. Every tool-claiming plugin should prove the streamed answer after a tool result.
_ADVISED_CASES: dict[str, tuple[tuple[str, ...], str]] = {
    "tool_round_trip_stream_case": (("tools", "streaming"), "the streamed answer after a tool result"),
}


class KitWarning(UserWarning):
    """A gap in a plugin's conformance cases the kit reports without failing (see ``_ADVISED_CASES``)."""


class ProviderConformance:
    """Subclass as ``Test<Provider>Conformance`` and set the cases."""

    provider: ClassVar[str]
    cassette_dir: ClassVar[Path]

    chat_case: ClassVar[Case | None] = None
    stream_case: ClassVar[Case | None] = None
    system_prompt_case: ClassVar[Case | None] = None
    multi_turn_case: ClassVar[Case | None] = None
    tool_call_case: ClassVar[Case | None] = None
    tool_call_stream_case: ClassVar[Case | None] = None
    tool_round_trip_case: ClassVar[Case | None] = None
    tool_round_trip_stream_case: ClassVar[Case | None] = None
    structured_case: ClassVar[Case | None] = None
    reasoning_case: ClassVar[Case | None] = None
    vision_case: ClassVar[Case | None] = None
    count_tokens_case: ClassVar[Case | None] = None
    #: embeddings (``Capabilities.embeddings``): one call of several texts, and error recordings
    embedding_case: ClassVar[EmbeddingCase | None] = None
    embedding_error_cases: ClassVar[dict[str, EmbeddingCase]] = {}
    #: parameters the provider must refuse before the network: ``{"what the error says": {params}}``
    #: (each is sent with ``embedding_case``'s model and options to a port where nothing listens)
    embedding_refusals: ClassVar[dict[str, dict[str, Any]]] = {}
    #: rerank (``Capabilities.rerank``)
    rerank_case: ClassVar[RerankCase | None] = None
    #: lossless answers: server tool name / ``"citations"`` / ``"image_output"`` / ``"prompt_caching"``
    #: (``"<key>:stream"``: the streamed recording of the same) → the recording that proves it
    lossless_cases: ClassVar[dict[str, Case]] = {}
    #: server tools the spec claims that no public recording shows yet (the provider documents them
    #: and the plugin maps them on the request side, proven against the API spec): tool → why there
    #: is no recording. Named in a :class:`KitWarning` by ``test_capability_claims`` instead of
    #: failing it; a tool with a recording belongs in ``lossless_cases``
    unrecorded_server_tools: ClassVar[dict[str, str]] = {}
    #: run ``test_nothing_disappears`` over every recorded answer of ``cassette_dir``
    lossless_check: ClassVar[bool] = False
    #: what llmcore makes of provider kinds the defaults do not know (or know otherwise), e.g.
    #: ``{"document": ("citation",)}``; see :data:`llmcore_testing.lossless.KIND_PARTS`
    answer_kind_parts: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: request paths (their ends) of the chat answers ``test_nothing_disappears`` replays
    answer_paths: ClassVar[tuple[str, ...]] = (
        "/chat/completions",
        "/messages",
        "/responses",
        ":generateContent",
        ":streamGenerateContent",
        "/chat",
        ":rawPredict",
        ":streamRawPredict",
        "/converse",
        "/converse-stream",
    )
    #: provider options for the answers recorded at a path ending so (``test_nothing_disappears``), e.g.
    #: ``{"/responses": {"api": "responses"}, "/chat/completions": {"api": "chat"}}`` for a provider
    #: speaking two APIs: merged over ``chat_case``'s options
    answer_path_options: ClassVar[dict[str, dict[str, Any]]] = {}
    #: pairs of case attribute names recorded from the same prompt, one chat and one stream
    agreement_pairs: ClassVar[tuple[tuple[str, str], ...]] = (
        ("chat_case", "stream_case"),
        ("tool_call_case", "tool_call_stream_case"),
    )
    error_cases: ClassVar[dict[str, ErrorCase]] = {}
    #: more stream recordings for the re-chunk check, besides the stream cases and streamed error cases
    rechunk_cases: ClassVar[dict[str, Case]] = {}
    #: the piece sizes (cycled) the re-chunk check cuts each recorded body into: single bytes (for the
    #: first 4 KiB of every 68 KiB: a byte a write over a real socket costs ~0.4 ms, and 4 KiB already holds
    #: every event kind of a stream's start), 7-byte pieces and random sizes over the whole body
    rechunk_sizes: ClassVar[tuple[tuple[int, ...], ...]] = (
        (1,) * 4096 + (65536,),
        (7,),
        tuple(random_sizes("llmcore", 64, 64)),
    )
    #: error kinds every provider must prove (keys of ``error_cases``; what each must be: the module doc)
    required_errors: ClassVar[tuple[str, ...]] = ("auth", "not_found", "rate_limit", "context_length", "server")
    #: top-level request-body fields left out when a request is compared with a recording llmcore made
    #: (values that legitimately change between runs, e.g. a generated request id)
    recorded_body_ignore: ClassVar[tuple[str, ...]] = ()
    #: the paths every scenario is replayed on (see the module docstring); in record mode: ``("recorded",)``
    replay_paths: ClassVar[tuple[str, ...]] = REPLAY_PATHS

    # -- the replay path of each test -----------------------------------------------

    def pytest_generate_tests(self, metafunc: Any) -> None:
        """Each kit test that replays a recording runs once per replay path."""
        if metafunc.function.__name__ in _PATH_FREE or "_llmcore_replay_path" not in metafunc.fixturenames:
            return
        paths = ("recorded",) if record_mode() != "none" else self.replay_paths
        metafunc.parametrize("_llmcore_replay_path", paths, indirect=True)

    @pytest.fixture(autouse=True)
    def _llmcore_replay_path(self, request: Any) -> None:
        self.replay_path = getattr(request, "param", "recorded" if record_mode() != "none" else REPLAY_PATHS[0])

    # -- hooks a plugin may override ------------------------------------------

    def make_provider(self, client: Any, case: Case) -> Provider:
        """Build the provider for ``case`` with the kit's client."""
        from llmcore.facade import load_provider
        from llmcore.plugins import get_registry

        spec = get_registry().get(self.provider)
        assert spec is not None, f"provider {self.provider!r} is not registered (is the plugin installed?)"
        key = TEST_API_KEY if record_mode() == "none" else None
        return load_provider(spec, api_key=key, base_url=case.base_url, http_client=client, options=dict(case.options))

    def validate_request(self, request: Any) -> Awaitable[None] | None:
        """Check a sent ``httpx.Request`` (e.g. against the provider's API spec)."""
        return None

    def model_options(self, case: Case) -> dict[str, Any]:
        """The ``llmcore.model(...)`` options that build this case's provider on the ``facade``
        path, as a user would pass them (``base_url`` is set by the kit). Override together
        with :meth:`make_provider` when that passes credentials other than the test key."""
        return {"api_key": TEST_API_KEY, **case.options}

    def answer_item_kinds(self, body: Any) -> Counter[str]:
        """The provider's kinds of content blocks, output items and annotations in one recorded
        answer (a parsed non-stream body, or a stream's JSON payloads as a list), counted. The
        default knows the OpenAI Chat Completions / Responses, Anthropic Messages and Gemini
        shapes (:func:`llmcore_testing.lossless.answer_item_kinds`); override for another."""
        from .lossless import answer_item_kinds

        return answer_item_kinds(body)

    def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
        """The case that replays one 200 answer of a cassette for ``test_nothing_disappears``, or
        ``None`` to leave it out. Default: a chat answer (``answer_paths``) is asked again with
        the recorded model (from the body or the ``/models/<m>:`` path), a placeholder prompt,
        ``chat_case``'s options (plus ``answer_path_options``) and base URL — or, for a recording
        made under another path prefix (a router, a proxy), the recorded URL up to the endpoint;
        streamed when the answer is a stream."""
        from urllib.parse import unquote, urlsplit

        req, resp = recorded["request"], recorded["response"]
        path = unquote(urlsplit(str(req.get("uri", ""))).path).rstrip("/")
        if str(req.get("method", "")).upper() != "POST" or not path.endswith(self.answer_paths):
            return None
        status = resp.get("status", {})
        code = int(status.get("code", 200) if isinstance(status, dict) else status or 200)
        if code != 200:
            return None
        try:
            body = json.loads(_body_text(req.get("body")) or "{}")
        except ValueError:
            body = {}
        model = body.get("model") if isinstance(body, dict) else None
        if not model and "/models/" in path:
            model = path.split("/models/", 1)[1].split(":", 1)[0]
        elif not model and "/model/" in path:  # Bedrock: /model/{modelId}/converse[-stream]
            model = path.split("/model/", 1)[1].rsplit("/", 1)[0]
        if not isinstance(model, str) or not model:
            return None
        stream = _is_stream(resp) or ":stream" in path or path.endswith("-stream")
        base = self.chat_case or self.stream_case
        base_url = base.base_url if base else None
        if base_url is None:
            from llmcore.plugins import get_registry

            spec = get_registry().get(self.provider)
            base_url = spec.base_url if spec is not None else None
        root = unquote(urlsplit(base_url or "").path).rstrip("/")
        if not path.startswith(root + "/"):
            # recorded under another prefix (a router, a proxy): the recorded URL up to the endpoint
            cut = path.rfind("/models/") if "/models/" in path else max(path.rfind(e) for e in self.answer_paths)
            url = urlsplit(str(req.get("uri", "")))
            base_url = f"{url.scheme}://{url.netloc}{path[:cut]}" if cut > 0 else base_url
        options = dict(base.options) if base else {}
        for end, extra in self.answer_path_options.items():
            if path.endswith(end):
                options.update(extra)
        return Case(
            cassette,
            {"model": model, "messages": ["Hello"]},
            stream=stream,
            interaction=interaction,
            options=options,
            base_url=base_url,
        )

    def check_auth(self, request: Any) -> None:
        """Check a request the cassette server received is authenticated. Default: when the
        spec needs a key, the test key is sent well formed — a header's whole value, or its
        value after one scheme word (``Bearer K``, ``Token K``), or a query parameter's whole
        value; a key joined to other text (``Bearer K1,K2``) is what the real API refuses.
        Providers that sign (SigV4) or use other credentials override this."""
        from llmcore.plugins import get_registry

        spec = get_registry().get(self.provider)
        if spec is None or not spec.requires_key:
            return
        headers = [v for _, v in request.headers.multi_items()]
        query = [v for _, v in request.url.params.multi_items()]
        if any(_bears_key(v) for v in headers) or TEST_API_KEY in query:
            return
        glued = any(TEST_API_KEY in v for v in [*headers, *query])
        raise AssertionError(
            f"{request.method} {request.url.path}: the API key was "
            + (
                "sent malformed (joined to other text in a header or query value)"
                if glued
                else "not sent (no header or query parameter has it)"
            )
        )

    # -- helpers ----------------------------------------------------------------

    def run(self, case: Case, chunk_sizes: Sequence[int] | None = None) -> CaseResult:
        """Replay ``case`` on this test's replay path (see :data:`REPLAY_PATHS`)."""
        return self._replay(case, chunk_sizes=chunk_sizes)[0]

    def _replay(
        self, case: Case, *, chunk_sizes: Sequence[int] | None = None, count_tokens: bool = False
    ) -> tuple[CaseResult, Any]:
        path = getattr(self, "replay_path", "recorded" if record_mode() != "none" else REPLAY_PATHS[0])
        if path == "recorded":
            if count_tokens:
                count, sent = asyncio.run(run_count_tokens(case, self.make_provider, self.cassette_dir))
                return CaseResult(None, [], sent), count
            return asyncio.run(
                run_case(case, self.make_provider, self.cassette_dir, self.validate_request, chunk_sizes=chunk_sizes)
            ), None
        from llmcore.plugins import get_registry

        spec = get_registry().get(self.provider)
        if path == "facade":
            assert spec is not None, f"provider {self.provider!r} is not registered (is the plugin installed?)"
        res, count = asyncio.run(
            run_case_served(
                case,
                path,
                self.make_provider,
                self.cassette_dir,
                spec_base_url=spec.base_url if spec else None,
                model_options=self.model_options,
                provider_name=self.provider,
                chunk_sizes=chunk_sizes,
                count_tokens=count_tokens,
            )
        )
        for r in res.sent:
            self.check_auth(r)
            out = self.validate_request(r)
            if asyncio.iscoroutine(out):
                asyncio.run(out)
        return res, count

    def _claimed(self) -> dict[str, bool]:
        """The capabilities the spec claims (the keys of ``_CAPABILITY_CASES``); all off if unregistered."""
        from llmcore.plugins import get_registry

        spec = get_registry().get(self.provider)
        caps = spec.capabilities if spec is not None else None
        return {
            "streaming": bool(caps and caps.streaming),
            "tools": bool(caps and caps.tools),
            "vision": bool(caps and caps.vision),
            "reasoning": bool(caps and caps.reasoning),
            "structured_output": bool(caps and caps.structured_output),
            "embeddings": bool(caps and caps.embeddings),
            "rerank": bool(caps and caps.rerank),
        }

    def _missing_reason(self, attr: str) -> str:
        """Why the scenario of ``attr`` cannot run, saying whether its capability is claimed."""
        claimed = self._claimed()
        if attr in _ADVISED_CASES:
            caps, what = _ADVISED_CASES[attr]
            if all(claimed.get(c) for c in caps):
                return (
                    f"{self.provider}: claims {' and '.join(caps)} but has no {attr}: {what} is unproven "
                    f"(add a Case(..., stream=True) whose messages end with a tool result)"
                )
            return f"{self.provider}: no {attr} ({' and '.join(caps)} not both claimed)"
        cap = next((c for c, attrs in _CAPABILITY_CASES.items() if attr in attrs), None)
        if cap is None:
            return f"{self.provider}: no {attr} given"
        if claimed.get(cap):
            return f"{self.provider}: claims {cap} but has no {attr} (test_capability_claims fails for it)"
        return f"{self.provider}: no {attr} ({cap} not claimed)"

    def _need(self, attr: str) -> Case:
        import pytest

        case = getattr(self, attr)
        if case is None:
            pytest.skip(self._missing_reason(attr))
        return case  # type: ignore[no-any-return]

    def _ok(self, case: Case) -> CaseResult:
        res = self.run(case)
        if res.error is not None:
            raise AssertionError(f"{case.cassette}: unexpected error {res.error!r}") from res.error
        assert res.response is not None
        r = res.response
        assert r.finish_reason in ("stop", "length", "tool_calls", "content_filter", "error", "other")
        if case.expect_text is not None:
            assert case.expect_text.lower() in r.text.lower(), f"{case.expect_text!r} not in {r.text!r}"
        if case.expect_tool is not None:
            assert [c.name for c in r.tool_calls].count(case.expect_tool) >= 1, (
                f"expected a call to {case.expect_tool!r}, got {[c.name for c in r.tool_calls]}"
            )
        if case.expect_finish is not None:
            assert r.finish_reason == case.expect_finish, f"finish {r.finish_reason!r} != {case.expect_finish!r}"
        if case.expect_usage:
            _check_usage(r, case.cassette)
        if case.stream:
            check_stream_invariants(res.events, r)
        self._check_sent_matches_recording(case, res)
        return res

    def _check_sent_matches_recording(self, case: Case, res: CaseResult) -> None:
        """The request sent is the recorded one: for a recording llmcore made itself
        (:func:`~llmcore_testing.cassettes.is_llmcore_recording`), the whole body (after the
        recorder's scrubbing, and but for :attr:`recorded_body_ignore`); for one made by
        another client, ``model`` and the stream flag."""
        from .cassettes import is_llmcore_recording

        inter, recorded_text = _recorded_request(self.cassette_dir / case.cassette, case.interaction)
        recorded = _recorded_request_body(self.cassette_dir / case.cassette, case.interaction)
        sent = res.sent.bodies()
        assert sent, f"{case.cassette}: no request was sent"
        ours = sent[0]
        if inter is not None and is_llmcore_recording(inter):
            self._check_whole_body(case, res.sent[0].content, recorded_text or "")
            return
        if isinstance(recorded, dict) and isinstance(ours, dict):
            if "model" in recorded and "model" in ours:
                assert ours["model"] == recorded["model"], (
                    f"{case.cassette}: the case's model {ours['model']!r} is not the recorded {recorded['model']!r}"
                )
            if "stream" in recorded or "stream" in ours:
                assert bool(ours.get("stream")) == bool(recorded.get("stream")), (
                    f"{case.cassette}: stream flag differs from the recording"
                )

    def _check_whole_body(self, case: Case, sent: bytes, recorded: str) -> None:
        from .cassette_format import REDACTED
        from .secrets import configured_keys

        text = sent.decode("utf-8", "replace")
        for key in (TEST_API_KEY, *configured_keys()):  # the recorder replaced a key in a body by REDACTED
            text = text.replace(key, REDACTED)
        try:
            ours, theirs = json.loads(text), json.loads(recorded)
        except ValueError:
            assert text == recorded, (
                f"{case.cassette}: the request body differs from the one llmcore recorded "
                f"(sent {text[:200]!r}, recorded {recorded[:200]!r})"
            )
            return
        if isinstance(ours, dict) and isinstance(theirs, dict):
            for key in self.recorded_body_ignore:
                ours.pop(key, None)
                theirs.pop(key, None)
        diffs = json_differences(ours, theirs)
        assert not diffs, (
            f"{case.cassette} was recorded by llmcore, and the request sent now differs from it "
            f"({len(diffs)} difference(s); re-record with nox -s record, or fix the case or the provider):\n  "
            + "\n  ".join(diffs[:20])
            + ("\n  ..." if len(diffs) > 20 else "")
        )

    # -- the checks ---------------------------------------------------------------

    def test_chat(self) -> None:
        case = self._need("chat_case")
        assert not case.stream
        r = self._ok(case).response
        assert r is not None and (r.text.strip() or r.tool_calls), "empty answer"
        assert r.message.role == "assistant"
        assert r.provider == self.provider

    def test_stream(self) -> None:
        case = self._need("stream_case")
        assert case.stream
        res = self._ok(case)
        assert res.response is not None and res.response.text.strip(), "streamed answer has no text"
        assert sum(1 for e in res.events if e.type == "text") >= 1

    def test_stream_chat_agreement(self) -> None:
        checked = 0
        for chat_attr, stream_attr in self.agreement_pairs:
            a, b = getattr(self, chat_attr), getattr(self, stream_attr)
            if a is None or b is None:
                continue
            ra, rb = self._ok(a).response, self._ok(b).response
            assert ra is not None and rb is not None
            assert ra.finish_reason == rb.finish_reason, (
                f"{chat_attr}/{stream_attr}: finish {ra.finish_reason!r} vs {rb.finish_reason!r}"
            )
            assert [c.name for c in ra.tool_calls] == [c.name for c in rb.tool_calls]
            assert [c.arguments for c in ra.tool_calls] == [c.arguments for c in rb.tool_calls], (
                f"{chat_attr}/{stream_attr}: tool arguments differ"
            )
            assert bool(ra.text.strip()) == bool(rb.text.strip()), f"{chat_attr}/{stream_attr}: text on one side only"
            assert (ra.usage.input_tokens is None) == (rb.usage.input_tokens is None)
            checked += 1
        if not checked:
            import pytest

            pytest.skip(f"{self.provider}: no chat/stream pair recorded from the same prompt")

    def test_system_prompt(self) -> None:
        case = self._need("system_prompt_case")
        res = self._ok(case)
        system = case.chat_request().system_text()
        assert system, "system_prompt_case must have a system prompt"
        body = res.sent[0].content.decode()
        assert _was_sent(system, body), "the system prompt was not sent"

    def test_multi_turn(self) -> None:
        case = self._need("multi_turn_case")
        req = case.chat_request()
        assert len([m for m in req.messages if m.role != "system"]) >= 3, "multi_turn_case needs >= 3 turns"
        res = self._ok(case)
        body = res.sent[0].content.decode()
        for m in req.messages:
            if m.text:
                assert _was_sent(m.text, body), f"turn {m.text[:30]!r} was not sent"

    def test_tool_call(self) -> None:
        case = self._need("tool_call_case")
        r = self._ok(case).response
        assert r is not None and r.tool_calls, "expected a tool call"
        assert r.finish_reason == "tool_calls"
        names = {t.name for t in case.chat_request().tools or ()}
        for c in r.tool_calls:
            assert c.id and c.name in names and isinstance(c.arguments, dict)

    def test_tool_call_stream(self) -> None:
        case = self._need("tool_call_stream_case")
        assert case.stream
        res = self._ok(case)
        assert res.response is not None and res.response.tool_calls, "expected a streamed tool call"

    def _round_trip(self, attr: str) -> None:
        case = self._need(attr)
        req = case.chat_request()
        results = [p for m in req.messages for p in m.content if p.type == "tool_result"]
        assert results, f"{attr} must contain a tool result"
        res = self._ok(case)
        assert res.response is not None and res.response.text.strip(), "no answer after the tool result"
        body = res.sent[0].content.decode()
        for p in results:
            assert p.tool_call_id in body, "the tool call id was not sent back"  # type: ignore[union-attr]
            assert _was_sent(p.text(), body), "the tool result was not sent"  # type: ignore[union-attr]

    def test_tool_round_trip(self) -> None:
        self._round_trip("tool_round_trip_case")

    def test_tool_round_trip_stream(self) -> None:
        self._round_trip("tool_round_trip_stream_case")

    def test_structured_output(self) -> None:
        case = self._need("structured_case")
        req = case.chat_request()
        r = self._ok(case).response
        assert r is not None
        if req.response_format is not None:
            value = json.loads(r.text)
            schema = req.response_format.json_schema or {}
            for key in schema.get("required", []):
                assert key in value, f"structured output lacks required {key!r}"
        else:  # structured output by forced tool call
            assert r.tool_calls, "structured_case without response_format must force a tool call"

    def test_reasoning(self) -> None:
        case = self._need("reasoning_case")
        r = self._ok(case).response
        assert r is not None
        parts = [p for p in r.message.content if p.type == "reasoning"]
        assert parts, "expected reasoning in the response"
        assert all(p.provider == self.provider for p in parts)  # type: ignore[union-attr]

    def test_vision(self) -> None:
        case = self._need("vision_case")
        req = case.chat_request()
        assert any(p.type == "image" for m in req.messages for p in m.content), "vision_case needs an image"
        r = self._ok(case).response
        assert r is not None and r.text.strip()

    def _stream_cases(self) -> dict[str, Case]:
        """Every stream case of this class (any ``*_case`` attribute), the streamed error
        cases and ``rechunk_cases``, by name."""
        found: dict[str, Case] = {}
        for attr in sorted(dir(type(self))):
            value = getattr(self, attr, None)
            if attr.endswith("_case") and isinstance(value, Case) and value.stream:
                found[attr] = value
        found.update({f"error_cases[{k!r}]": c for k, c in self.error_cases.items() if c.stream})
        found.update({f"lossless_cases[{k!r}]": c for k, c in self.lossless_cases.items() if c.stream})
        found.update({f"rechunk_cases[{k!r}]": c for k, c in self.rechunk_cases.items()})
        return found

    def test_stream_rechunked(self) -> None:
        """A stream decodes the same however the bytes are cut: every stream recording,
        replayed with its body in pieces of each of ``rechunk_sizes``, gives exactly the
        events of the whole body (or the same error, after the same events)."""
        cases = self._stream_cases()
        if not cases:
            import pytest

            pytest.skip(f"{self.provider}: no stream recordings")
        # the facade path is the aiohttp transport plus middleware, which sees events, not bytes: there
        # each recording is replayed whole, once (some are named only here, e.g. ``rechunk_cases``, and
        # every scenario must reach ``llmcore.model``); the re-chunking is checked on aiohttp and httpx
        facade = getattr(self, "replay_path", None) == "facade"
        for name, case in cases.items():
            assert case.stream, f"{name}: rechunk cases must be stream cases"
            recorded = (self.cassette_dir / case.cassette).read_text(encoding="utf-8")
            whole = self.run(case)
            if whole.error is not None and not isinstance(case, ErrorCase):
                raise AssertionError(f"{name} ({case.cassette}): unexpected error {whole.error!r}") from whole.error
            if whole.response is not None:
                check_stream_invariants(whole.events, whole.response)
            if facade:
                continue
            whole_events = _generated_ids_numbered(whole.events, recorded)
            for sizes in self.rechunk_sizes:
                cut = self.run(case, chunk_sizes=sizes)
                where = f"{name} ({case.cassette}) in pieces of {sizes[:5]}{'...' if len(sizes) > 5 else ''} bytes"
                assert (type(cut.error), str(cut.error)) == (type(whole.error), str(whole.error)), (
                    f"{where}: {cut.error!r} instead of {whole.error!r}"
                )
                cut_events = _generated_ids_numbered(cut.events, recorded)
                if cut_events != whole_events:
                    first = next(
                        (i for i, (a, b) in enumerate(zip(cut_events, whole_events, strict=False)) if a != b),
                        min(len(cut_events), len(whole_events)),
                    )
                    raise AssertionError(
                        f"{where}: events differ from the whole body's at #{first} "
                        f"({len(cut_events)} vs {len(whole_events)} events): "
                        f"{cut_events[first : first + 2]!r} vs {whole_events[first : first + 2]!r}"
                    )

    def _unary(self, case: Any) -> tuple[CaseResult, Any]:
        path = getattr(self, "replay_path", REPLAY_PATHS[0])
        if path == "recorded":
            import pytest

            pytest.skip("embeddings and rerank are replayed over the cassette server only")
        from llmcore.plugins import get_registry

        spec = get_registry().get(self.provider)
        assert spec is not None, f"provider {self.provider!r} is not registered"
        res, answer = asyncio.run(
            run_case_served(
                case,
                path,
                self.make_provider,
                self.cassette_dir,
                spec_base_url=spec.base_url,
                model_options=self.model_options,
                provider_name=self.provider,
            )
        )
        for r in res.sent:
            self.check_auth(r)
            out = self.validate_request(r)
            if asyncio.iscoroutine(out):
                asyncio.run(out)
        return res, answer

    def test_embed(self) -> None:
        """One vector per text, in order, all of one length (the asked ``dimensions``), finite
        floats, usage when the provider reports it; the texts were sent."""
        import math

        case: Any = self._need("embedding_case")
        res, r = self._unary(case)
        if res.error is not None:
            raise AssertionError(f"{case.cassette}: unexpected error {res.error!r}") from res.error
        texts = [case.texts] if isinstance(case.texts, str) else list(case.texts)
        assert len(r.vectors) == len(texts), f"{len(r.vectors)} vectors for {len(texts)} texts"
        assert r.dimensions > 0 and all(len(v) == r.dimensions for v in r.vectors)
        want = case.expect_dimensions or case.params.get("dimensions")
        if want is not None:
            assert r.dimensions == want, f"dimensions {r.dimensions} != {want}"
        if case.params.get("embedding_type", "float") == "float":
            assert all(isinstance(x, float) and math.isfinite(x) for v in r.vectors for x in v)
        assert r.provider == self.provider
        if case.expect_usage:
            assert r.usage.input_tokens is not None and r.usage.input_tokens > 0, "input_tokens missing"
        body = res.sent[0].content.decode()
        for t in texts:
            assert _was_sent(t, body), f"text {t[:30]!r} was not sent"
        if case.exact:
            from .cassettes import Recordings

            rec = Recordings(self.cassette_dir)
            assert json.loads(body) == rec.request_body(case.cassette, case.interaction), (
                f"{case.cassette}: the sent body differs from the recorded request"
            )
            answer = rec.response_body(case.cassette, case.interaction)
            assert r.vectors == self.recorded_vectors(answer), f"{case.cassette}: vectors differ from the recording"
            assert r.usage.input_tokens == self.recorded_input_tokens(answer)

    def recorded_vectors(self, answer: Any) -> list[list[Any]]:
        """The vectors of a recorded embeddings answer (for ``EmbeddingCase(exact=True)``): by default
        OpenAI's shape, ``data[].embedding`` as numbers or base64 float32, in ``index`` order."""
        from llmcore.embeddings import decode_base64_floats

        items = sorted(answer["data"], key=lambda d: d.get("index", 0))
        return [
            decode_base64_floats(d["embedding"], self.provider) if isinstance(d["embedding"], str) else d["embedding"]
            for d in items
        ]

    def recorded_input_tokens(self, answer: Any) -> int | None:
        """The input tokens of a recorded embeddings answer; by default OpenAI's ``usage.prompt_tokens``."""
        return (answer.get("usage") or {}).get("prompt_tokens")

    def test_embedding_refusals(self) -> None:
        """Each of ``embedding_refusals`` is an ``UnsupportedFeatureError`` saying what it refuses, raised
        before any request (the provider points at a port where nothing listens)."""
        import pytest

        if not self.embedding_refusals:
            pytest.skip(f"{self.provider}: no embedding_refusals given")
        if getattr(self, "replay_path", REPLAY_PATHS[0]) != REPLAY_PATHS[0]:
            pytest.skip("refusals happen before the network: checked once, on the first path")
        case: Any = self._need("embedding_case")
        from llmcore.embeddings import embedding_request
        from llmcore.errors import UnsupportedFeatureError
        from llmcore.facade import load_provider
        from llmcore.plugins import get_registry

        spec = get_registry().get(self.provider)
        assert spec is not None, f"provider {self.provider!r} is not registered"
        provider: Any = load_provider(
            spec, api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", options=dict(case.options)
        )  # an embeddings provider: the protocol's optional operation
        for what, params in self.embedding_refusals.items():
            with pytest.raises(UnsupportedFeatureError, match=what):
                asyncio.run(provider.embed(embedding_request(case.model, ["a"], **params)))

    def test_embedding_errors(self) -> None:
        if not self.embedding_error_cases:
            import pytest

            pytest.skip(f"{self.provider}: no embedding error recordings")
        for kind, case in self.embedding_error_cases.items():
            res, _ = self._unary(case)
            assert case.error is not None, f"{kind}: an embedding error case needs error="
            assert isinstance(res.error, case.error), f"{kind}: {res.error!r} is not {case.error.__name__}"
            assert_not_leaked(TEST_API_KEY, res.error)

    def test_rerank(self) -> None:
        """Indices are distinct and in range, scores sorted best first, ``top_n`` respected,
        each result names its document."""
        case: Any = self._need("rerank_case")
        res, r = self._unary(case)
        if res.error is not None:
            raise AssertionError(f"{case.cassette}: unexpected error {res.error!r}") from res.error
        idx = [x.index for x in r.results]
        assert r.results and len(set(idx)) == len(idx), idx
        assert all(0 <= i < len(case.documents) for i in idx)
        assert [x.document for x in r.results] == [case.documents[i] for i in idx]
        scores = [x.score for x in r.results]
        if getattr(self, "replay_path", "") == "facade":
            assert scores == sorted(scores, reverse=True), "results are not sorted by score"
        if case.top_n is not None:
            assert len(r.results) <= case.top_n
        body = res.sent[0].content.decode()
        assert _was_sent(case.query, body), "the query was not sent"

    def test_count_tokens(self) -> None:
        from llmcore.plugins import get_registry

        spec = get_registry().get(self.provider)
        assert spec is not None
        method = spec.capabilities.count_tokens
        case = self.count_tokens_case
        if case is None:
            assert method != "api", "count_tokens is claimed via the API but no count_tokens_case is given"
            import pytest

            pytest.skip(f"{self.provider}: count_tokens by {method}, no recording needed")

        res, count = self._replay(case, count_tokens=True)
        sent = res.sent
        assert count.method == method, f"count_tokens method {count.method!r}, spec says {method!r}"
        assert count.input_tokens > 0
        if method == "api":
            assert sent, "count_tokens by api sent no request"

    def test_errors(self) -> None:
        """Every error case becomes its typed error (the mandatory kinds: the module doc); every
        failing kind is reported, each with what was expected and what came."""
        missing = [k for k in self.required_errors if k not in self.error_cases]
        failures = [
            f"no recording for error kind {k!r} (mandatory: {', '.join(self.required_errors)}; "
            f"add error_cases[{k!r}] = ErrorCase(...), see the kit's module doc)"
            for k in missing
        ]
        for kind, case in self.error_cases.items():
            problems = self._error_problems(case)
            failures += [f"{kind} ({case.cassette}): {p}" for p in problems]
        assert not failures, f"{self.provider}: {len(failures)} error case problem(s):\n" + "\n".join(failures)

    def _error_problems(self, case: ErrorCase) -> list[str]:
        """What is wrong with the error ``case`` became (empty: nothing)."""
        from llmcore.errors import LLMCoreError

        err = self.run(case).error
        want = case.error.__name__
        if err is None:
            return [f"no error raised, expected {want}"]
        if not isinstance(err, LLMCoreError):
            return [f"{type(err).__name__}: {err} is no llmcore error, expected {want}"]
        problems = []
        if not isinstance(err, case.error):
            problems.append(f"{type(err).__name__} ({err.message!r}), expected {want}")
        if err.provider != self.provider:
            problems.append(f"provider {err.provider!r}, expected {self.provider!r}")
        if case.status_code is not None and err.status_code != case.status_code:
            problems.append(f"status_code {err.status_code}, expected {case.status_code} (the case's status_code)")
        if not (err.message and err.message.strip()):
            problems.append("empty message, expected the provider's")
        if case.expect_retry_after and (err.retry_after is None or err.retry_after < 0):
            problems.append(f"retry_after {err.retry_after!r}, expected the recording's Retry-After (>= 0)")
        try:
            assert_not_leaked(TEST_API_KEY, err)
        except AssertionError as e:
            problems.append(str(e))
        return problems

    def test_api_key_not_in_reprs(self) -> None:
        """The provider built with the test key shows it in no repr (nor its config)."""
        case = next((c for c in (self.chat_case, self.stream_case, *self.error_cases.values()) if c is not None), None)
        if case is None:
            import pytest

            pytest.skip(f"{self.provider}: no case to build the provider from")
        client, _ = recording_client()
        try:
            provider = self.make_provider(client, case)
            assert_not_leaked(TEST_API_KEY, provider, getattr(provider, "config", None))
        finally:
            asyncio.run(client.aclose())

    def test_capability_claims(self) -> None:
        """Every capability the spec claims has a case with a cassette."""
        from llmcore.plugins import get_registry

        spec = get_registry().get(self.provider)
        assert spec is not None, f"{self.provider} is not registered"
        caps = spec.capabilities
        claimed = {
            "streaming": caps.streaming,
            "tools": caps.tools,
            "vision": caps.vision,
            "reasoning": caps.reasoning,
            "structured_output": bool(caps.structured_output),
            "embeddings": caps.embeddings,
            "rerank": caps.rerank,
        }
        unproven = []
        for cap, on in claimed.items():
            if not on:
                continue
            for attr in _CAPABILITY_CASES[cap]:
                case = getattr(self, attr)
                if case is None or not (self.cassette_dir / case.cassette).is_file():
                    unproven.append(f"{cap} (needs {attr})")
        if caps.count_tokens == "api" and (
            self.count_tokens_case is None or not (self.cassette_dir / self.count_tokens_case.cassette).is_file()
        ):
            unproven.append("count_tokens=api (needs count_tokens_case)")
        unrecorded = []
        for key in _lossless_claims(caps):
            case = self.lossless_cases.get(key) or self.lossless_cases.get(f"{key}:stream")
            if case is None or not (self.cassette_dir / case.cassette).is_file():
                if key in caps.server_tools and self.unrecorded_server_tools.get(key):
                    unrecorded.append(f"{key} ({self.unrecorded_server_tools[key]})")
                else:
                    unproven.append(f"{key} (needs lossless_cases[{key!r}])")
        if unrecorded:
            import warnings

            warnings.warn(
                KitWarning(f"{self.provider} claims server tools no recording proves: {unrecorded}"), stacklevel=2
            )
        assert not unproven, f"{self.provider} claims capabilities without a cassette: {unproven}"
        for attr, (needed, what) in _ADVISED_CASES.items():
            if all(claimed.get(c) for c in needed) and getattr(self, attr, None) is None:
                import warnings

                warnings.warn(
                    KitWarning(f"{self.provider} claims {' and '.join(needed)} but has no {attr}: {what} is unproven"),
                    stacklevel=2,
                )

    def test_lossless(self) -> None:
        """Each lossless case brings out what it proves (the module docstring), on every replay
        path; a key recorded both ways agrees between chat and stream."""
        from llmcore.plugins import get_registry
        from llmcore.spec import SERVER_TOOLS

        if not self.lossless_cases:
            import pytest

            spec = get_registry().get(self.provider)
            claimed = _lossless_claims(spec.capabilities) if spec is not None else []
            if claimed:
                pytest.skip(
                    f"{self.provider}: claims {', '.join(claimed)} but has no lossless_cases "
                    "(test_capability_claims fails for it)"
                )
            pytest.skip(
                f"{self.provider}: no lossless_cases (no server tools, citations, image output "
                "or prompt caching claimed)"
            )
        answers: dict[str, ChatResponse] = {}
        failures = []
        for key, case in self.lossless_cases.items():
            name = key.removesuffix(":stream")
            if name not in SERVER_TOOLS and name not in LOSSLESS_KEYS:
                failures.append(
                    f"{key!r}: not a lossless key (a server tool of llmcore.spec.SERVER_TOOLS, "
                    f"or {', '.join(LOSSLESS_KEYS)}, optionally with ':stream')"
                )
                continue
            if key.endswith(":stream") != case.stream:
                failures.append(f"{key!r} ({case.cassette}): stream={case.stream}, the key says otherwise")
                continue
            r = self._ok(case).response
            assert r is not None
            answers[key] = r
            _report("proof", provider=self.provider, key=key, cassette=case.cassette, response=r)
            failures += [f"{key!r} ({case.cassette}): {p}" for p in _lossless_problems(name, case, r, self.provider)]
        for key in answers:
            if key.endswith(":stream") or f"{key}:stream" not in answers:
                continue
            a, b = answers[key], answers[f"{key}:stream"]
            types_a, types_b = sorted({p.type for p in a.message.content}), sorted({p.type for p in b.message.content})
            if types_a != types_b:
                failures.append(f"{key!r}: chat has parts {types_a}, stream {types_b}")
            tools_a, tools_b = _server_tool_names(a), _server_tool_names(b)
            if tools_a != tools_b:
                failures.append(f"{key!r}: chat ran server tools {tools_a}, stream {tools_b}")
            if bool(a.citations) != bool(b.citations):
                failures.append(f"{key!r}: citations on one side only")
        assert not failures, f"{self.provider}: {len(failures)} lossless problem(s):\n" + "\n".join(failures)

    def test_nothing_disappears(self) -> None:
        """Every recorded 200 chat answer (non-stream and stream) of ``cassette_dir``, replayed:
        each block, item and annotation it holds is a part or citation of the answer, or is in
        ``provider_metadata["unmapped"]`` with its warning (:mod:`llmcore_testing.lossless`)."""
        import pytest

        from .cassettes import Recordings
        from .lossless import decode_stream_body, disappeared

        if not self.lossless_check:
            pytest.skip(
                f"{self.provider}: lossless_check is off (set lossless_check = True to check that no "
                "recorded block, item or annotation disappears)"
            )
        if record_mode() != "none":
            pytest.skip("checked on replay only")
        rec = Recordings(self.cassette_dir)
        failures: list[str] = []
        checked = 0
        for file in sorted(self.cassette_dir.glob("*.yaml")):
            for i, inter in enumerate(rec.interactions(file.name)):
                case = self.lossless_replay_case(file.name, i, inter)
                if case is None:
                    continue
                raw = rec.response_bytes(file.name, i)
                ctype = _content_type(inter["response"])
                try:
                    body: Any = decode_stream_body(raw, ctype) if case.stream else json.loads(raw)
                except ValueError:
                    continue
                kinds = self.answer_item_kinds(body)
                where = f"{file.name}#{i}{' (stream)' if case.stream else ''}"
                try:
                    res = self._replay(case)[0]
                except AssertionError as e:  # the server had no answer for what was sent
                    failures.append(
                        f"{where}: not replayable as asked ({e}); override lossless_replay_case "
                        "to ask it as recorded (or return None to leave it out)"
                    )
                    continue
                if res.played is not None and i not in res.played:
                    # the provider asked at a path this interaction does not have: another one answered
                    failures.append(
                        f"{where}: answered by interaction(s) {list(res.played)}, not this one; override "
                        "lossless_replay_case to ask it as recorded (or return None to leave it out)"
                    )
                    continue
                if res.error is not None:
                    from llmcore.errors import LLMCoreError

                    if not isinstance(res.error, LLMCoreError):
                        failures.append(f"{where}: {type(res.error).__name__}: {res.error}")
                    continue  # a typed error for a 200 (a blocked answer...) is the codec's decision
                assert res.response is not None
                checked += 1
                failures += [f"{where}: {p}" for p in disappeared(kinds, res.response, self.answer_kind_parts)]
                _report("answer", provider=self.provider, where=where, kinds=kinds, response=res.response)
        if not checked and not failures:
            pytest.skip(f"{self.provider}: no recorded 200 chat answer to check")
        assert not failures, (
            f"{self.provider}: {len(failures)} recorded item(s) disappeared from the answers:\n" + "\n".join(failures)
        )

    def test_cassettes_have_no_secrets(self) -> None:
        from .secrets import scan_paths

        findings = scan_paths([self.cassette_dir])
        assert not findings, "secrets in cassettes:\n" + "\n".join(map(str, findings))
