"""Cassettes authored from a provider's docs, and the standard scenarios they answer.

Where no recording of a provider's API exists (no key yet, no public recording), a plugin
starts from cassettes **authored** from the provider's API reference: its documented success
answer, stream and error bodies. This module makes that honest and labelled:

* :func:`authored_scenarios` builds the standard :class:`Case` objects (system prompt,
  multi-turn, a weather tool call and its round trip, structured output, reasoning) for one
  provider's model ids, so every plugin authors the same conversations and the kit checks
  them alike; :func:`authored_error_cases` builds the five mandatory error cases
  (:data:`ERROR_KINDS`).
* :func:`interaction`, :func:`sse` and :func:`ndjson` build one request/answer pair and
  stream bodies; :func:`write_authored` writes it as ``authored__<name>.yaml`` (the
  cassette format's :func:`~llmcore_testing.cassette_format.serialize`, so it is scrubbed and
  readable like a recording) **and** its row in the directory's ``SOURCES.md`` (the
  ``| file | what it holds |`` table the provenance checker reads), saying it is authored
  and from which documentation. :func:`write_error_cassettes` does it for the five error
  kinds from the provider's documented error body.

Replace an authored file by a recording as soon as you have one (``nox -s record`` or
``LLMCORE_RECORD_MODE=new_episodes``) and update its row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .conformance import Case, ErrorCase

__all__ = [
    "SYSTEM",
    "QUESTION",
    "WEATHER_TOOL",
    "WEATHER_QUESTION",
    "COUNTRY_SCHEMA",
    "ERROR_KINDS",
    "ErrorKind",
    "Scenarios",
    "authored_error_cases",
    "authored_scenarios",
    "interaction",
    "ndjson",
    "sse",
    "write_authored",
    "write_error_cassettes",
]

SYSTEM = "You are a concise assistant. Answer in one short sentence."
QUESTION = "What is the capital of France?"
WEATHER_TOOL: dict[str, Any] = {
    "name": "get_current_weather",
    "description": "Get the current weather in a given city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "The city, e.g. Paris"}},
        "required": ["city"],
    },
}
WEATHER_QUESTION = "What is the weather in Paris right now?"
COUNTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "capital": {"type": "string"},
        "population_millions": {"type": "number"},
    },
    "required": ["name", "capital", "population_millions"],
    "additionalProperties": False,
}
REASONING_QUESTION = "Which number is bigger, 9.11 or 9.9?"


@dataclass(frozen=True)
class Scenarios:
    """The standard cases, one attribute per kit scenario."""

    chat: Case
    stream: Case
    multi_turn: Case
    tool_call: Case
    tool_call_stream: Case
    round_trip: Case
    structured: Case
    reasoning: Case
    reasoning_stream: Case
    hello: dict[str, Any]


def authored_scenarios(
    model: str,
    *,
    call_id: str,
    reasoning_model: str,
    reasoning_cassettes: tuple[str, str] = ("authored__reasoning.yaml", "authored__reasoning_stream.yaml"),
) -> Scenarios:
    """The standard cases for ``model``; ``call_id`` is the tool-call id the round-trip cassette
    answers, ``reasoning_model`` the provider's reasoning model id. Cassette names follow the
    ``authored__<scenario>.yaml`` convention."""
    ask = {"model": model, "system": SYSTEM, "messages": [QUESTION]}
    tool = {"model": model, "messages": [WEATHER_QUESTION], "tools": [WEATHER_TOOL]}
    reasoning_q = {"model": reasoning_model, "messages": [REASONING_QUESTION]}
    return Scenarios(
        chat=Case("authored__chat_system.yaml", ask, expect_text="Paris", expect_finish="stop"),
        stream=Case("authored__chat_system_stream.yaml", ask, stream=True, expect_text="Paris", expect_finish="stop"),
        multi_turn=Case(
            "authored__multi_turn.yaml",
            {
                "model": model,
                "messages": [
                    {"role": "user", "content": QUESTION},
                    {"role": "assistant", "content": "The capital of France is Paris."},
                    {"role": "user", "content": "And of Italy?"},
                ],
            },
            expect_text="Rome",
        ),
        tool_call=Case("authored__tool_call.yaml", tool, expect_tool="get_current_weather", expect_finish="tool_calls"),
        tool_call_stream=Case(
            "authored__tool_call_stream.yaml",
            tool,
            stream=True,
            expect_tool="get_current_weather",
            expect_finish="tool_calls",
        ),
        round_trip=Case(
            "authored__tool_round_trip.yaml",
            {
                "model": model,
                "tools": [WEATHER_TOOL],
                "messages": [
                    {"role": "user", "content": WEATHER_QUESTION},
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {
                                "id": call_id,
                                "type": "function",
                                "function": {"name": "get_current_weather", "arguments": '{"city":"Paris"}'},
                            }
                        ],
                    },
                    {"role": "tool", "tool_call_id": call_id, "content": "18°C and partly cloudy"},
                ],
            },
            expect_text="18°C",
        ),
        structured=Case(
            "authored__structured_json_schema.yaml",
            {
                "model": model,
                "messages": ["Give me facts about Japan as JSON."],
                "response_format": {"type": "json_schema", "name": "country", "schema": COUNTRY_SCHEMA, "strict": True},
            },
            expect_text="Tokyo",
        ),
        reasoning=Case(reasoning_cassettes[0], reasoning_q, expect_text="9.9 is bigger"),
        reasoning_stream=Case(reasoning_cassettes[1], reasoning_q, stream=True, expect_text="9.9 is bigger"),
        hello={"model": model, "messages": ["Hello"], "max_tokens": 16},
    )


# -- the five mandatory error kinds -------------------------------------------------------


@dataclass(frozen=True)
class ErrorKind:
    """One mandatory error kind of the kit (``ProviderConformance.required_errors``): the
    HTTP status a provider typically answers with, its reason phrase, the llmcore error it
    must become (by name, in :mod:`llmcore.errors`) and what provokes it."""

    status: int
    reason: str
    error: str
    what: str

    def error_class(self) -> type[Exception]:
        from llmcore import errors

        cls: type[Exception] = getattr(errors, self.error)
        return cls


#: kind -> what the kit expects; the keys are ``ProviderConformance.required_errors``
ERROR_KINDS: dict[str, ErrorKind] = {
    "auth": ErrorKind(401, "Unauthorized", "AuthenticationError", "a bad or missing API key"),
    "not_found": ErrorKind(404, "Not Found", "NotFoundError", "an unknown model"),
    "rate_limit": ErrorKind(429, "Too Many Requests", "RateLimitError", "too many requests (with Retry-After)"),
    "context_length": ErrorKind(
        400, "Bad Request", "ContextWindowExceededError", "a prompt longer than the model's context window"
    ),
    "server": ErrorKind(500, "Internal Server Error", "ProviderServerError", "a failure of the provider's server"),
}

_REASONS = {
    200: "OK",
    **{k.status: k.reason for k in ERROR_KINDS.values()},
    422: "Unprocessable Entity",
    503: "Service Unavailable",
    529: "Overloaded",
}


def authored_error_cases(
    params: Mapping[str, Any],
    *,
    prefix: str = "authored__error_",
    statuses: Mapping[str, int] | None = None,
    retry_after: bool = True,
) -> dict[str, ErrorCase]:
    """``error_cases`` for the five mandatory kinds: ``{kind: ErrorCase(...)}`` replaying
    ``<prefix><kind>.yaml`` (what :func:`write_error_cassettes` writes) with the request
    ``params`` (e.g. ``{"model": "acme-1", "messages": ["Hello"]}``). ``statuses`` overrides
    the status of a kind when the provider documents another (e.g. ``{"not_found": 400}``);
    ``retry_after=False`` when the provider's 429 carries no ``Retry-After``."""
    statuses = statuses or {}
    return {
        kind: ErrorCase(
            f"{prefix}{kind}.yaml",
            dict(params),
            error=k.error_class(),
            status_code=statuses.get(kind, k.status),
            expect_retry_after=retry_after and kind == "rate_limit",
        )
        for kind, k in ERROR_KINDS.items()
    }


# -- authoring cassettes -----------------------------------------------------------------


def sse(events: Iterable[Any], *, done: str | None = "[DONE]", event_names: bool = False) -> str:
    """A ``text/event-stream`` body: one ``data: <compact JSON>`` event per item (a ``str`` is
    sent as is), then ``data: <done>`` unless ``done`` is ``None``. With ``event_names``,
    each item is a ``(name, data)`` pair and gets an ``event: <name>`` line (Anthropic-style)."""
    out = []
    for item in events:
        name = None
        if event_names:
            name, item = item
        data = item if isinstance(item, str) else json.dumps(item, separators=(",", ":"), ensure_ascii=False)
        out.append((f"event: {name}\n" if name else "") + f"data: {data}\n\n")
    if done is not None:
        out.append(f"data: {done}\n\n")
    return "".join(out)


def ndjson(lines: Iterable[Any]) -> str:
    """An ``application/x-ndjson`` body: one compact JSON value per line."""
    return "".join(json.dumps(x, separators=(",", ":"), ensure_ascii=False) + "\n" for x in lines)


def interaction(
    url: str,
    request_body: Any,
    response_body: Any,
    *,
    method: str = "POST",
    status: int = 200,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    request_headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One request/answer pair in the cassette format (vcrpy "version 1").

    ``url`` is the provider's real endpoint (the kit replays on a loopback server and matches
    method + path). ``request_body`` and ``response_body``: a dict/list (written as compact
    JSON) or text (an :func:`sse`/:func:`ndjson` stream, an error page). ``content_type``
    defaults to ``application/json`` for JSON and ``text/event-stream`` for text starting with
    ``data:`` or ``event:``. ``headers`` are response headers (e.g. ``{"retry-after": "1"}``);
    never put a key in ``request_headers`` (the serializer drops auth headers anyway)."""

    def text(body: Any) -> str | None:
        if body is None or isinstance(body, str):
            return body
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False)

    answer = text(response_body) or ""
    if content_type is None:
        content_type = "text/event-stream" if answer.lstrip().startswith(("data:", "event:")) else "application/json"
    resp_headers = {"content-type": [content_type], **{k.lower(): [v] for k, v in (headers or {}).items()}}
    req_headers = {"content-type": ["application/json"], **{k.lower(): [v] for k, v in (request_headers or {}).items()}}
    return {
        "request": {"method": method, "uri": url, "body": text(request_body), "headers": req_headers},
        "response": {
            "status": {"code": status, "message": _REASONS.get(status, "")},
            "headers": resp_headers,
            "body": {"string": answer},
        },
    }


AUTHORED_SECTION = "<!-- authored-cassettes -->"
_SECTION_END = "<!-- /authored-cassettes -->"
_SOURCES_HEADER = """# Cassettes: where they come from

Recordings are named after their source (`<source>__<name>.yaml`, converted with
`python -m llmcore_testing.cassette_import`) or recorded with a real key
(`LLMCORE_RECORD_MODE=new_episodes pytest tests/`). Files named `authored__*.yaml` are
**authored, not recordings**: written from the provider's documentation where no recording
exists yet; replace them by recordings when you can.
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def write_authored(
    directory: str | Path,
    name: str,
    interactions: dict[str, Any] | Iterable[dict[str, Any]],
    *,
    source: str,
    what: str = "",
) -> Path:
    """Write an authored cassette and list it in ``directory/SOURCES.md``; return its path.

    ``name`` gets the ``authored__`` prefix and the ``.yaml`` suffix when missing (authored
    files must carry it: the provenance checker tells them from recordings by it).
    ``interactions``: one :func:`interaction` or several (a multi-request scenario).
    ``source`` says which documentation the bodies were taken from (a URL, a section);
    ``what`` what the file holds. The row goes into the ``| file | source | what it holds |``
    table of the section between ``<!-- authored-cassettes -->`` markers (created, with the
    whole file when there is none; an existing row for the file is replaced)."""
    directory = Path(directory)
    if not name.startswith("authored__"):
        name = "authored__" + name
    if not name.endswith((".yaml", ".yml")):
        name += ".yaml"
    if "/" in name or "\\" in name:
        raise ValueError(f"{name!r}: a cassette name, not a path")
    if not source.strip():
        raise ValueError("say where the authored bodies come from (source=...: the documentation page)")
    from .cassette_format import serialize

    items = [interactions] if isinstance(interactions, dict) else list(interactions)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(serialize({"version": 1, "interactions": items}), encoding="utf-8")
    _sources_row(directory / "SOURCES.md", name, f"| `{name}` | {_cell(source)} | {_cell(what) or '—'} |")
    return path


def _sources_row(sources: Path, name: str, row: str) -> None:
    text = sources.read_text(encoding="utf-8") if sources.is_file() else _SOURCES_HEADER
    if AUTHORED_SECTION not in text:
        text = text.rstrip("\n") + (
            f"\n\n## Authored cassettes (not recordings)\n\n{AUTHORED_SECTION}\n"
            "| file | source | what it holds |\n|---|---|---|\n"
            f"{_SECTION_END}\n"
        )
    head, rest = text.split(AUTHORED_SECTION, 1)
    body, tail = rest.split(_SECTION_END, 1) if _SECTION_END in rest else (rest, "")
    own = re.compile(r"^\|\s*`" + re.escape(name) + r"`\s*\|")
    lines = [line for line in body.strip("\n").split("\n") if line and not own.match(line)]
    lines.append(row)
    sources.write_text(f"{head}{AUTHORED_SECTION}\n" + "\n".join(lines) + f"\n{_SECTION_END}{tail}", encoding="utf-8")


def write_error_cassettes(
    directory: str | Path,
    url: str,
    request_body: Any,
    error_body: Callable[[str, str], Any],
    *,
    source: str,
    prefix: str = "error_",
    statuses: Mapping[str, int] | None = None,
    headers: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Path]:
    """The five mandatory error kinds (:data:`ERROR_KINDS`) as authored cassettes
    ``authored__<prefix><kind>.yaml``, each listed in ``SOURCES.md``.

    ``error_body(kind, message)`` returns the provider's documented error body for a kind
    (e.g. ``{"error": {"message": message, "type": kind}}``); ``statuses`` overrides a kind's
    status; ``headers`` adds response headers per kind. The 429 gets ``retry-after: 1``
    unless ``headers["rate_limit"]`` says otherwise. Replay them with
    :func:`authored_error_cases` (same ``prefix``, with ``authored__`` in front)."""
    statuses = statuses or {}
    headers = headers or {}
    out = {}
    for kind, k in ERROR_KINDS.items():
        status = statuses.get(kind, k.status)
        extra = dict(headers.get(kind, {"retry-after": "1"} if kind == "rate_limit" else {}))
        message = f"{k.what} (authored example)"
        out[kind] = write_authored(
            directory,
            f"{prefix}{kind}",
            interaction(url, request_body, error_body(kind, message), status=status, headers=extra),
            source=source,
            what=f"{status} for {k.what} → `{k.error}`",
        )
    return out
