"""Ollama ``/api/chat`` NDJSON stream → llmcore stream events.

Each line is one JSON object (decoded once by :func:`llmcore.http.aiter_ndjson`):

* the first line → :class:`ResponseMetadata` (the model Ollama reports; no id);
* ``message.thinking`` → :class:`ReasoningDelta`; ``message.content`` →
  :class:`TextDelta`;
* ``message.tool_calls`` arrive *complete* (Ollama does not stream
  arguments): each becomes one :class:`ToolCallDelta` carrying the whole
  arguments, then a :class:`ToolCall` (missing ids generated stably, as in
  ``chat``);
* ``done: true`` → :class:`UsageEvent` and :class:`Finish` (with the
  durations in ``provider_metadata["timings"]``);
* an ``{"error": ...}`` line (a failure after the 200 status was sent) →
  the typed error, raised; a stream that ends without ``done: true`` →
  :class:`~llmcore.errors.ProviderResponseError`; so is a line of the wrong
  shape (``tool_calls: "x"``, ``content: 5``…) and a stream that is done having
  carried no content, no ``done_reason`` and no counts.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.events import (
    Finish,
    ReasoningDelta,
    ResponseMetadata,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    UsageEvent,
    WarningEvent,
)
from llmcore.http.ndjson import aiter_ndjson
from llmcore.pluginkit import SHAPE_ERRORS, malformed
from llmcore.types import CallWarning

from .errors import stream_error
from .finish import map_finish_reason
from .response import opt_str, text_of, tool_calls_of
from .usage import map_usage, timings

__all__ = ["decode_stream"]

PROVIDER = "ollama"


class _State:
    __slots__ = ("content", "first", "n_calls")

    def __init__(self) -> None:
        self.first = True
        self.n_calls = 0
        self.content = False


def _events(chunk: Any, st: _State) -> list[StreamEvent]:
    """The events of one NDJSON line (``Finish`` last when it is the ``done`` line)."""
    if not isinstance(chunk, dict):
        raise ProviderResponseError("stream line is not a JSON object", provider=PROVIDER, raw=str(chunk)[:500])
    if "error" in chunk:
        raise stream_error(chunk, PROVIDER)
    out: list[StreamEvent] = []
    if st.first:
        st.first = False
        out.append(ResponseMetadata(id=None, model=opt_str(chunk.get("model"))))
    msg: dict[str, Any] = chunk.get("message") or {}
    thinking = msg.get("thinking")
    if thinking:
        st.content = True
        out.append(ReasoningDelta(text_of(thinking, "message.thinking")))
    content = msg.get("content")
    if content:
        st.content = True
        out.append(TextDelta(text_of(content, "message.content")))
    if msg.get("tool_calls"):
        for i, cid, name, args, raw in tool_calls_of(msg, chunk.get("created_at"), st.n_calls):
            out.append(ToolCallDelta(i, id=cid, name=name, arguments_delta=raw))
            out.append(ToolCall(cid, name, args, raw, i))
            st.n_calls += 1
    if chunk.get("done"):
        raw_finish = chunk.get("done_reason")
        if raw_finish is not None:
            text_of(raw_finish, "done_reason")
        usage = map_usage(chunk)
        if raw_finish is None and not (st.content or st.n_calls) and usage.output_tokens is None:
            raise ProviderResponseError(
                "the stream was done with no content, no done_reason and no counts",
                provider=PROVIDER,
                raw=str(chunk)[:500],
            )
        t = timings(chunk)
        out.append(UsageEvent(usage))
        out.append(
            Finish(
                map_finish_reason(raw_finish, has_tool_calls=st.n_calls > 0),
                raw_finish,
                {"timings": t} if t else None,
            )
        )
    return out


async def decode_stream(
    chunks: AsyncIterable[bytes], *, warnings: list[CallWarning] | None = None
) -> AsyncIterator[StreamEvent]:
    """Decode Ollama's NDJSON bytes into llmcore events (exactly one :class:`Finish`, last)."""
    for w in warnings or ():
        yield WarningEvent(w)
    st = _State()
    async for chunk in aiter_ndjson(chunks, PROVIDER):
        try:
            events = _events(chunk, st)
        except SHAPE_ERRORS as e:
            raise malformed(PROVIDER, "stream line", chunk, e) from None
        for ev in events:
            yield ev
        if chunk.get("done"):
            return
    raise ProviderResponseError("ollama stream ended before done: true (the answer is incomplete)", provider=PROVIDER)
