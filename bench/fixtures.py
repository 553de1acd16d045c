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

_DROP = {
    "content-length",
    "transfer-encoding",
    "content-encoding",
    "connection",
    "date",
    "content-type",
    "keep-alive",
    "server",
    "vary",
    "alt-svc",
}


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
    from llmcore_testing.cassette_format import deserialize

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
    return Body(
        "application/json", [_body_text(it["response"])], _headers(it["response"]), SOURCES["openai_chat"][0].name
    )


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
    return Body(
        "text/event-stream; charset=utf-8",
        [role, *content, finish, usage, "data: [DONE]\n\n"],
        _headers(it["response"]),
        SOURCES["openai_stream"][0].name,
    )


def anthropic_chat() -> Body:
    it = _interaction("anthropic_chat")
    return Body(
        "application/json", [_body_text(it["response"])], _headers(it["response"]), SOURCES["anthropic_chat"][0].name
    )


def anthropic_stream(n: int) -> Body:
    """``n`` events: message_start, content_block_start, ping, ``n - 6``
    text deltas, content_block_stop, message_delta, message_stop."""
    it = _interaction("anthropic_stream")
    events = _sse_events(_body_text(it["response"]))
    deltas = [e for e in events if e.startswith("event: content_block_delta")]
    head = [e for e in events if e.startswith(("event: message_start", "event: content_block_start", "event: ping"))]
    tail = [
        e for e in events if e.startswith(("event: content_block_stop", "event: message_delta", "event: message_stop"))
    ]
    assert len(head) == 3 and len(tail) == 3 and deltas, "unexpected anthropic stream recording"
    body = [*head, *itertools.islice(itertools.cycle(deltas), n - 6), *tail]
    return Body("text/event-stream; charset=utf-8", body, _headers(it["response"]), SOURCES["anthropic_stream"][0].name)


# -- embeddings --------------------------------------------------------------------------------
#
# No recording holds a batch of 1,000 full-length vectors, so the embeddings bodies are generated:
# deterministic unit-length vectors of float32 values (like text-embedding-3-small's), laid out
# exactly as OpenAI lays them out (2-space indentation, one number a line; see the recording
# upstream-cassettes/openai/langchaingo/TestClient_CreateEmbeddingWithDimensions.httprr), numbers
# printed as the shortest decimal that reads back as the same float32 (8 or 9 significant digits, as
# OpenAI prints them), or, for ``encoding_format: "base64"``, the float32 values little-endian in
# base64 (as in openllmetry__test_embeddings.yaml). The headers are those of a real
# text-embedding-3-small answer (EMBEDDING_SOURCE).

EMBEDDING_MODEL = "text-embedding-3-small"
EMBEDDING_DIMS = 1536
EMBEDDING_SOURCE = OPENAI_CASSETTES / (
    "ruby_llm__embedding_basic_functionality_openai_text-embedding-3-small"
    "_can_handle_a_single_text_with_custom_dimensions.yaml"
)
_EMBEDDING_SEED = 20261204


def embedding_texts(n: int) -> list[str]:
    """``n`` distinct, short, realistic input texts (what the clients send)."""
    topics = (
        "the billing API",
        "a password reset",
        "shipping to Canada",
        "the refund policy",
        "two-factor login",
        "an invoice in euros",
        "the mobile app crash",
        "bulk CSV export",
    )
    return [
        f"Support ticket {i}: a customer asks about {topics[i % len(topics)]} and wants an answer today."
        for i in range(n)
    ]


def embedding_vector(i: int, dims: int = EMBEDDING_DIMS) -> list[float]:
    """Vector ``i`` of the fixtures: unit length, each value a float32 (as a Python float)."""
    import math
    import random
    from array import array

    rng = random.Random(_EMBEDDING_SEED * 100_003 + i)
    v = [rng.gauss(0.0, 1.0) for _ in range(dims)]
    norm = math.sqrt(sum(x * x for x in v))
    return array("f", [x / norm for x in v]).tolist()


def _f32_text(x: float) -> str:
    """The shortest decimal that reads back as the float32 ``x``."""
    import struct

    pack = struct.Struct("<f").pack
    want = pack(x)
    for p in range(6, 10):
        s = f"{x:.{p}g}"
        if pack(float(s)) == want:
            return s
    return repr(x)  # pragma: no cover - 9 digits always round-trip a float32


def embeddings_body(n: int, encoding: str) -> Body:
    """OpenAI's ``POST /v1/embeddings`` answer with ``n`` vectors of 1,536 values:
    ``encoding`` ``"json"`` (numbers) or ``"base64"`` (float32, little-endian)."""
    import base64
    from array import array

    parts = ['{\n  "object": "list",\n  "data": [\n']
    for i in range(n):
        vec = embedding_vector(i)
        if encoding == "base64":
            a = array("f", vec)
            if a.itemsize != 4:  # pragma: no cover
                raise RuntimeError("float32 array is not 4 bytes a value here")
            import sys

            if sys.byteorder != "little":  # pragma: no cover
                a.byteswap()
            emb = '"' + base64.b64encode(a.tobytes()).decode() + '"'
        elif encoding == "json":
            emb = "[\n        " + ",\n        ".join(_f32_text(x) for x in vec) + "\n      ]"
        else:
            raise ValueError(encoding)
        parts.append(f'    {{\n      "object": "embedding",\n      "index": {i},\n      "embedding": {emb}\n    }}')
        parts.append(",\n" if i < n - 1 else "\n")
    tokens = sum(len(t.split()) + 4 for t in embedding_texts(n))  # ~ what tiktoken counts for these texts
    parts.append(
        f'  ],\n  "model": "{EMBEDDING_MODEL}",\n  "usage": {{\n    "prompt_tokens": {tokens},\n'
        f'    "total_tokens": {tokens}\n  }}\n}}\n'
    )
    resp = deserialize_source(EMBEDDING_SOURCE)["interactions"][0]["response"]
    return Body("application/json", ["".join(parts)], _headers(resp), f"generated ({EMBEDDING_SOURCE.name} headers)")


def deserialize_source(path: Path) -> dict:
    from llmcore_testing.cassette_format import deserialize

    return deserialize(path.read_text())  # type: ignore[no-any-return]
