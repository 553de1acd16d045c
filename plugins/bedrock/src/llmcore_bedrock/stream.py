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
framing corruption, an event of the wrong shape (``delta.text: 5``, a
non-integer ``contentBlockIndex``…: the guard around each event's mapping) and a
stream that stopped with no content, no stop reason and no usage.
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
from llmcore.pluginkit import SHAPE_ERRORS, ToolCallBuffer, malformed
from llmcore.types import CallWarning

from .errors import error_from_stream_message
from .finish import map_stop_reason
from .response import text_of
from .usage import map_usage

__all__ = ["decode_stream"]


def _index(data: dict[str, Any]) -> int:
    i = data.get("contentBlockIndex", 0)
    if not isinstance(i, int) or isinstance(i, bool):
        raise TypeError(f"contentBlockIndex is {type(i).__name__}, not an integer")
    return i


def _object(v: Any, field: str) -> dict[str, Any]:
    if not isinstance(v, dict):  # ``"text" in "x"`` would be a substring test, not a key test
        raise TypeError(f"{field} is {type(v).__name__}, not an object")
    return v


class _Decoder:
    """The state of one ConverseStream: :meth:`feed` one event's payload, :meth:`close` at the end."""

    __slots__ = ("content", "metadata", "model", "provider", "raw_stop", "request_id", "started", "stopped",
                 "tools", "usage")

    def __init__(self, provider: str, model: str | None, request_id: str | None) -> None:
        self.provider = provider
        self.model = model
        self.request_id = request_id
        self.tools: dict[int, ToolCallBuffer] = {}
        self.started = False
        self.stopped = False
        self.content = False
        self.raw_stop: str | None = None
        self.usage: Any = None
        self.metadata: dict[str, Any] = {}

    def feed(self, et: str | None, data: dict[str, Any], payload: bytes) -> list[StreamEvent]:
        provider = self.provider
        if et == "contentBlockDelta":
            delta = _object(data.get("delta") or {}, "delta")
            if "text" in delta:
                if delta["text"]:
                    self.content = True
                    return [TextDelta(text_of(delta["text"], "delta.text"))]
            elif "toolUse" in delta:
                index = _index(data)
                tool = self.tools.get(index)
                if tool is None:
                    raise ProviderResponseError("toolUse delta without contentBlockStart", provider=provider,
                                                raw=payload[:500])
                piece = text_of((delta["toolUse"] or {}).get("input", "") or "", "toolUse.input")
                if piece:
                    tool.parts.append(piece)
                    return [ToolCallDelta(index=index, arguments_delta=piece)]
            elif "reasoningContent" in delta:
                rc = _object(delta["reasoningContent"] or {}, "reasoningContent")
                self.content = True
                if "text" in rc:
                    return [ReasoningDelta(text=text_of(rc["text"], "reasoningContent.text"))]
                if "signature" in rc:
                    return [ReasoningDelta(signature=text_of(rc["signature"], "reasoningContent.signature"))]
                if "redactedContent" in rc:
                    return [ReasoningDelta(redacted=True, data=rc["redactedContent"])]
        elif et == "contentBlockStart":
            start = (data.get("start") or {}).get("toolUse")
            if start is not None:
                index = _index(data)
                tool = self.tools[index] = ToolCallBuffer(
                    text_of(start.get("toolUseId", ""), "toolUseId"), text_of(start.get("name", ""), "toolUse.name")
                )
                self.content = True
                return [ToolCallDelta(index=index, id=tool.id, name=tool.name)]
        elif et == "contentBlockStop":
            index = _index(data)
            done = self.tools.pop(index, None)
            if done is not None:
                return [done.finish(index, provider)]
        elif et == "messageStart":
            if not self.started:
                self.started = True
                return [ResponseMetadata(id=self.request_id, model=self.model)]
        elif et == "messageStop":
            self.stopped = True
            stop = data.get("stopReason")
            self.raw_stop = text_of(stop, "stopReason") if stop is not None else None
            if "additionalModelResponseFields" in data:
                self.metadata["additionalModelResponseFields"] = data["additionalModelResponseFields"]
        elif et == "metadata":
            self.usage = map_usage(data.get("usage"))
            for key in ("metrics", "trace", "performanceConfig"):
                if key in data:
                    self.metadata[key] = data[key]
        # other event types are newer than this codec: nothing to map
        return []

    def close(self) -> list[StreamEvent]:
        provider = self.provider
        if not self.stopped:
            raise ProviderResponseError("the event stream ended before messageStop (truncated)", provider=provider)
        if self.raw_stop is None and not self.content and self.usage is None:
            raise ProviderResponseError(
                "the event stream stopped with no content, no stop reason and no usage", provider=provider
            )
        out: list[StreamEvent] = []
        for index, tool in list(self.tools.items()):  # a tool block the stream never closed
            out.append(tool.finish(index, provider))
        if self.usage is not None:
            out.append(UsageEvent(self.usage))
        out.append(Finish(map_stop_reason(self.raw_stop), self.raw_stop, self.metadata or None))
        return out


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
    dec = _Decoder(provider, model, request_id)
    async for msg in aiter_eventstream(chunks, provider):
        if msg.message_type != "event":
            raise error_from_stream_message(msg, provider, request_id)
        et = msg.event_type
        data = msg.json(provider)
        if not isinstance(data, dict):
            raise ProviderResponseError(f"{et} event payload is not an object", provider=provider,
                                        raw=msg.payload[:500])
        try:
            events = dec.feed(et, data, msg.payload)
        except SHAPE_ERRORS as e:
            raise malformed(provider, f"{et} event", data, e) from None
        for ev in events:
            yield ev
    for ev in dec.close():
        yield ev
