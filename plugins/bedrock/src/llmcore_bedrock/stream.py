"""ConverseStream (binary event stream) → llmcore stream events.

Bytes are framed by :mod:`llmcore.http.eventstream` (CRC-checked, any split);
each ``event`` message's ``:event-type`` and JSON payload map to events:

* ``messageStart`` → :class:`ResponseMetadata` (id = request id, model = the model id called);
* ``contentBlockStart`` with ``toolUse`` → first :class:`ToolCallDelta` (id, name);
* ``contentBlockDelta``: ``text`` → :class:`TextDelta`; ``toolUse.input`` →
  :class:`ToolCallDelta`; ``reasoningContent`` ``text``/``signature``/
  ``redactedContent`` → :class:`ReasoningDelta`;
* ``contentBlockStop`` of a tool block → :class:`ToolCall` (arguments parsed once);
* ``messageStop`` → the stop reason; ``metadata`` → usage (+ metrics/trace).

The :class:`UsageEvent` and the :class:`Finish` are emitted when the stream
ends (``metadata`` follows ``messageStop``), so ``Finish`` is last. Messages of
type ``exception``/``error`` raise the typed error (throttling →
RateLimitError, ...). A stream that ends before ``messageStop`` — cut off at
a message boundary — raises :class:`ProviderResponseError`, as does any
framing corruption.
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
    ToolCallDelta,
    UsageEvent,
    WarningEvent,
)
from llmcore.http.eventstream import aiter_eventstream
from llmcore.pluginkit import ToolCallBuffer
from llmcore.types import CallWarning

from .errors import error_from_stream_message
from .finish import map_stop_reason
from .usage import map_usage

__all__ = ["decode_stream"]


async def decode_stream(
    chunks: AsyncIterable[bytes],
    *,
    provider: str = "bedrock",
    model: str | None = None,
    request_id: str | None = None,
    warnings: list[CallWarning] | None = None,
) -> AsyncIterator[StreamEvent]:
    """Decode a ConverseStream body into stream events (see the module docstring)."""
    for w in warnings or ():
        yield WarningEvent(w)
    tools: dict[int, ToolCallBuffer] = {}
    started = False
    stopped = False
    raw_stop: str | None = None
    usage = None
    metadata: dict[str, Any] = {}
    async for msg in aiter_eventstream(chunks, provider):
        if msg.message_type != "event":
            raise error_from_stream_message(msg, provider, request_id)
        et = msg.event_type
        data = msg.json(provider)
        if not isinstance(data, dict):
            raise ProviderResponseError(f"{et} event payload is not an object", provider=provider,
                                        raw=msg.payload[:500])
        if et == "contentBlockDelta":
            delta = data.get("delta") or {}
            if "text" in delta:
                if delta["text"]:
                    yield TextDelta(delta["text"])
            elif "toolUse" in delta:
                index = data.get("contentBlockIndex", 0)
                tool = tools.get(index)
                if tool is None:
                    raise ProviderResponseError("toolUse delta without contentBlockStart", provider=provider,
                                                raw=msg.payload[:500])
                piece = (delta["toolUse"] or {}).get("input", "")
                if piece:
                    tool.parts.append(piece)
                    yield ToolCallDelta(index=index, arguments_delta=piece)
            elif "reasoningContent" in delta:
                rc = delta["reasoningContent"] or {}
                if "text" in rc:
                    yield ReasoningDelta(text=rc["text"])
                elif "signature" in rc:
                    yield ReasoningDelta(signature=rc["signature"])
                elif "redactedContent" in rc:
                    yield ReasoningDelta(redacted=True, data=rc["redactedContent"])
        elif et == "contentBlockStart":
            start = (data.get("start") or {}).get("toolUse")
            if start is not None:
                index = data.get("contentBlockIndex", 0)
                tool = tools[index] = ToolCallBuffer(start.get("toolUseId", ""), start.get("name", ""))
                yield ToolCallDelta(index=index, id=tool.id, name=tool.name)
        elif et == "contentBlockStop":
            index = data.get("contentBlockIndex", 0)
            done = tools.pop(index, None)
            if done is not None:
                yield done.finish(index, provider)
        elif et == "messageStart":
            if not started:
                started = True
                yield ResponseMetadata(id=request_id, model=model)
        elif et == "messageStop":
            stopped = True
            raw_stop = data.get("stopReason")
            if "additionalModelResponseFields" in data:
                metadata["additionalModelResponseFields"] = data["additionalModelResponseFields"]
        elif et == "metadata":
            usage = map_usage(data.get("usage"))
            for key in ("metrics", "trace", "performanceConfig"):
                if key in data:
                    metadata[key] = data[key]
        # other event types are newer than this codec: nothing to map
    if not stopped:
        raise ProviderResponseError("the event stream ended before messageStop (truncated)", provider=provider)
    for index, tool in list(tools.items()):  # a tool block the stream never closed
        yield tool.finish(index, provider)
    if usage is not None:
        yield UsageEvent(usage)
    yield Finish(map_stop_reason(raw_stop), raw_stop, metadata or None)
