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
  :class:`~llmcore.errors.ProviderResponseError`.
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
from llmcore.types import CallWarning

from .errors import stream_error
from .finish import map_finish_reason
from .response import tool_calls_of
from .usage import map_usage, timings

__all__ = ["decode_stream"]

PROVIDER = "ollama"


async def decode_stream(
    chunks: AsyncIterable[bytes], *, warnings: list[CallWarning] | None = None
) -> AsyncIterator[StreamEvent]:
    """Decode Ollama's NDJSON bytes into llmcore events (exactly one :class:`Finish`, last)."""
    for w in warnings or ():
        yield WarningEvent(w)
    first = True
    n_calls = 0
    async for chunk in aiter_ndjson(chunks, PROVIDER):
        if not isinstance(chunk, dict):
            raise ProviderResponseError("stream line is not a JSON object", provider=PROVIDER, raw=str(chunk)[:500])
        if "error" in chunk:
            raise stream_error(chunk, PROVIDER)
        if first:
            first = False
            yield ResponseMetadata(id=None, model=chunk.get("model"))
        msg: dict[str, Any] = chunk.get("message") or {}
        thinking = msg.get("thinking")
        if thinking:
            yield ReasoningDelta(thinking)
        content = msg.get("content")
        if content:
            yield TextDelta(content)
        if msg.get("tool_calls"):
            for i, cid, name, args, raw in tool_calls_of(msg, chunk.get("created_at"), n_calls):
                yield ToolCallDelta(i, id=cid, name=name, arguments_delta=raw)
                yield ToolCall(cid, name, args, raw, i)
                n_calls += 1
        if chunk.get("done"):
            raw_finish = chunk.get("done_reason")
            t = timings(chunk)
            yield UsageEvent(map_usage(chunk))
            yield Finish(
                map_finish_reason(raw_finish, has_tool_calls=n_calls > 0), raw_finish,
                {"timings": t} if t else None,
            )
            return
    raise ProviderResponseError("ollama stream ended before done: true (the answer is incomplete)", provider=PROVIDER)
