"""Response bodies for the fake server, taken from real recordings in the repo.

Every body is copied from a cassette under ``plugins/*/tests/cassettes`` (see
their ``SOURCES.md``): non-streamed bodies byte for byte; streams are the
recorded SSE events, with the recorded content events repeated in order to
reach the wanted length (``n`` events in all, including the role/start events,
the finish event and the usage event; the ``[DONE]`` terminator comes on top
for OpenAI). Response headers are the recorded ones minus hop-by-hop and
length headers (nginx sets its own).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPENAI_CASSETTES = ROOT / "plugins" / "openai" / "tests" / "cassettes"
ANTHROPIC_CASSETTES = ROOT / "plugins" / "anthropic" / "tests" / "cassettes"

#: (cassette file, interaction index) for each body
SOURCES = {
    "openai_chat": (
        OPENAI_CASSETTES
        / "mirascope__python__tests__e2e__input__cassettes__test_call_with_params__openai_gpt_4o_completions.yaml",
        0,
    ),
    "openai_stream": (OPENAI_CASSETTES / "pydantic-ai__test_run_stream_sync_streams_real_model.yaml", 1),
    "anthropic_chat": (ANTHROPIC_CASSETTES / "ellmer__anthropic-basic.yaml", 0),
    "anthropic_stream": (ANTHROPIC_CASSETTES / "llm-anthropic__test_prompt.yaml", 0),
}

_DROP = {"content-length", "transfer-encoding", "content-encoding", "connection", "date", "content-type",
         "keep-alive", "server", "vary", "alt-svc"}


@dataclass
class Body:
    """A response: ``events`` is one string for a JSON body, or the list of SSE
    event strings (each ends with a blank line) for a stream."""

    content_type: str
    events: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def size(self) -> int:
        return sum(len(e.encode()) for e in self.events)


def _interaction(name: str) -> dict:
    from llmcore.testing.cassette_format import deserialize

    path, index = SOURCES[name]
    return deserialize(path.read_text())["interactions"][index]


def _headers(resp: dict) -> dict[str, str]:
    out = {}
    for k, v in (resp.get("headers") or {}).items():
        if k.lower() in _DROP:
            continue
        out[k] = v[0] if isinstance(v, list) else str(v)
    return out


def _body_text(resp: dict) -> str:
    b = resp["body"]["string"]
    return b.decode() if isinstance(b, bytes) else b


def _sse_events(text: str) -> list[str]:
    """Split a recorded SSE body into events (each keeps its trailing blank line)."""
    return [e.strip("\n") + "\n\n" for e in text.replace("\r\n", "\n").split("\n\n") if e.strip()]


def openai_chat() -> Body:
    it = _interaction("openai_chat")
    return Body("application/json", [_body_text(it["response"])], _headers(it["response"]),
                SOURCES["openai_chat"][0].name)


def openai_stream(n: int) -> Body:
    """``n`` chunks: the role chunk, ``n - 3`` content chunks, the finish chunk
    and the usage chunk; then ``data: [DONE]``."""
    it = _interaction("openai_stream")
    events = _sse_events(_body_text(it["response"]))
    role = content = finish = usage = None
    contents = []
    for e in events:
        data = e.removeprefix("data: ").strip()
        if data == "[DONE]":
            continue
        chunk = json.loads(data)
        if chunk.get("usage"):
            usage = e
        elif chunk["choices"] and chunk["choices"][0].get("finish_reason"):
            finish = e
        elif chunk["choices"] and chunk["choices"][0]["delta"].get("role"):
            role = e
        elif chunk["choices"] and chunk["choices"][0]["delta"].get("content"):
            contents.append(e)
    assert role and contents and finish and usage, "the stream recording lacks a role/content/finish/usage chunk"
    content = list(itertools.islice(itertools.cycle(contents), n - 3))
    return Body("text/event-stream; charset=utf-8", [role, *content, finish, usage, "data: [DONE]\n\n"],
                _headers(it["response"]), SOURCES["openai_stream"][0].name)


def anthropic_chat() -> Body:
    it = _interaction("anthropic_chat")
    return Body("application/json", [_body_text(it["response"])], _headers(it["response"]),
                SOURCES["anthropic_chat"][0].name)


def anthropic_stream(n: int) -> Body:
    """``n`` events: message_start, content_block_start, ping, ``n - 6``
    text deltas, content_block_stop, message_delta, message_stop."""
    it = _interaction("anthropic_stream")
    events = _sse_events(_body_text(it["response"]))
    deltas = [e for e in events if e.startswith("event: content_block_delta")]
    head = [e for e in events if e.startswith(("event: message_start", "event: content_block_start", "event: ping"))]
    tail = [e for e in events if e.startswith(("event: content_block_stop", "event: message_delta",
                                               "event: message_stop"))]
    assert len(head) == 3 and len(tail) == 3 and deltas, "unexpected anthropic stream recording"
    body = [*head, *itertools.islice(itertools.cycle(deltas), n - 6), *tail]
    return Body("text/event-stream; charset=utf-8", body, _headers(it["response"]),
                SOURCES["anthropic_stream"][0].name)
