"""ConverseStream (binary event stream) → llmcore stream events.

Bytes are framed by :mod:`llmcore.http.eventstream` (CRC-checked, any split);
each ``event`` message's ``:event-type`` and JSON payload map to events:

* ``messageStart`` → :class:`ResponseMetadata` (id = request id, model = the model id called);
* ``contentBlockStart`` with ``toolUse`` → first :class:`ToolCallDelta` (id, name);
* ``contentBlockDelta``: ``text`` → :class:`TextDelta`; ``toolUse.input`` →
  :class:`ToolCallDelta`; ``reasoningContent`` ``text``/``signature``/
  ``redactedContent`` → :class:`ReasoningDelta`;
* ``contentBlockStop`` of a tool block → :class:`ToolCall` (arguments parsed once);
* a ``toolUse`` start of ``type: server_tool_use`` (Nova web grounding) → at its
  stop one :class:`PartEvent` with a :class:`ServerToolCallPart` (input put
  together from the deltas); a ``toolResult`` start and its ``toolResult``
  deltas → at its stop a :class:`PartEvent` with a :class:`ServerToolResultPart`
  (both as the non-stream answer has them, see :mod:`.blocks`);
* ``citation`` deltas → at the block's stop a :class:`CitationEvent` each,
  spanning the text the block streamed (no span when it streamed none);
* any other block start or delta (a generated ``image``, …) → at the block's
  stop ``keep_unmapped``: a :class:`WarningEvent`, and the start and deltas in
  ``Finish.provider_metadata["unmapped"]``;
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

import json
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.events import (
    CitationEvent,
    Finish,
    PartEvent,
    ReasoningDelta,
    ResponseMetadata,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    UsageEvent,
    WarningEvent,
)
from llmcore.http.eventstream import aiter_eventstream
from llmcore.pluginkit import SHAPE_ERRORS, ToolCallBuffer, keep_unmapped, malformed
from llmcore.types import CallWarning

from .blocks import citation, is_server_call, result_part, server_call_part
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


class _Block:
    """What one content block index has streamed besides text and client tool calls: the text span
    (for its citations), a server-tool call or result, or a block llmcore has no part for."""

    __slots__ = ("citations", "deltas", "kind", "pieces", "start", "text_start")

    def __init__(self, text_start: int, kind: str = "text", start: Any = None) -> None:
        self.text_start = text_start
        self.kind = kind  # "text" | "call" | "result" | the unmapped start/delta kind
        self.start = start  # the contentBlockStart member (toolUse / toolResult / other)
        self.citations: list[Any] = []
        self.pieces: list[str] = []  # a server call's input JSON
        self.deltas: list[Any] = []  # a server result's content items, or an unmapped block's deltas


class _Decoder:
    """The state of one ConverseStream: :meth:`feed` one event's payload, :meth:`close` at the end."""

    __slots__ = (
        "blocks",
        "call_names",
        "content",
        "metadata",
        "model",
        "others",
        "pos",
        "provider",
        "raw_stop",
        "request_id",
        "started",
        "stopped",
        "tools",
        "usage",
    )

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
        self.blocks: dict[int, _Block] = {}  # index → citations / server tools / unmapped, see _Block
        self.others: dict[int, _Block] = {}  # index → what llmcore has no part for (keep_unmapped)
        self.call_names: dict[str, str] = {}  # server-tool call id → name
        self.pos = 0  # characters of answer text streamed so far

    def _block(self, index: int) -> _Block:
        b = self.blocks.get(index)
        if b is None:
            b = self.blocks[index] = _Block(self.pos)
        return b

    def feed(self, et: str | None, data: dict[str, Any], payload: bytes) -> list[StreamEvent]:
        provider = self.provider
        if et == "contentBlockDelta":
            delta = _object(data.get("delta") or {}, "delta")
            if "text" in delta:
                if delta["text"]:
                    self.content = True
                    piece = text_of(delta["text"], "delta.text")
                    self._block(_index(data))
                    self.pos += len(piece)
                    return [TextDelta(piece)]
            elif "citation" in delta:
                self._block(_index(data)).citations.append(delta["citation"])
            elif "toolResult" in delta and (b := self.blocks.get(_index(data))) is not None and b.kind == "result":
                items = delta["toolResult"]
                b.deltas.extend(items if isinstance(items, list) else [items])
            elif "toolUse" in delta and (b := self.blocks.get(_index(data))) is not None and b.kind == "call":
                b.pieces.append(text_of((delta["toolUse"] or {}).get("input", "") or "", "toolUse.input"))
            elif "toolUse" in delta:
                index = _index(data)
                tool = self.tools.get(index)
                if tool is None:
                    raise ProviderResponseError(
                        "toolUse delta without contentBlockStart", provider=provider, raw=payload[:500]
                    )
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
            else:
                self._unmapped(_index(data), delta, "delta")
        elif et == "contentBlockStart":
            begin = _object(data.get("start") or {}, "start")
            start = begin.get("toolUse")
            if start is not None and is_server_call(_object(start, "toolUse")):
                self.content = True
                self.blocks[_index(data)] = _Block(self.pos, "call", start)
            elif "toolResult" in begin:
                self.content = True
                self.blocks[_index(data)] = _Block(self.pos, "result", _object(begin["toolResult"], "toolResult"))
            elif start is None and begin:
                self._unmapped(_index(data), begin, "start")
            if start is not None and not is_server_call(start):
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
            out: list[StreamEvent] = []
            for table in (self.blocks, self.others):
                block = table.pop(index, None)
                if block is not None:
                    out.extend(self._stop_block(block))
            return out
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

    def _unmapped(self, index: int, item: dict[str, Any], where: str) -> None:
        """A block start or delta this codec has no event for: kept (apart from what the block maps)
        until the block stops."""
        u = self.others.get(index)
        if u is None:
            u = self.others[index] = _Block(self.pos, next(iter(item), "block"))
        if where == "start":
            u.start = item
        else:
            u.deltas.append(item)

    def _stop_block(self, b: _Block) -> list[StreamEvent]:
        provider = self.provider
        if b.kind == "call":
            tool_use = dict(b.start)
            raw = "".join(b.pieces)
            tool_use["input"] = json.loads(raw) if raw.strip() else {}
            call = server_call_part(tool_use, provider)
            self.call_names[call.id] = call.name
            return [PartEvent(call)]
        if b.kind == "result":
            return [PartEvent(result_part({**b.start, "content": b.deltas}, provider, self.call_names))]
        if b.kind != "text":  # an unmapped block (see _unmapped)
            item = {"start": b.start, "deltas": b.deltas}
            return [WarningEvent(keep_unmapped(self.metadata, None, provider, b.kind, item))]
        span = (b.text_start, self.pos) if self.pos > b.text_start else (None, None)
        return [CitationEvent(citation(c, span[0], span[1], provider)) for c in b.citations]

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
        for table in (self.blocks, self.others):  # likewise: their parts, citations and unmapped items
            for block in table.values():
                out.extend(self._stop_block(block))
            table.clear()
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
            raise ProviderResponseError(
                f"{et} event payload is not an object", provider=provider, raw=msg.payload[:500]
            )
        try:
            events = dec.feed(et, data, msg.payload)
        except SHAPE_ERRORS as e:
            raise malformed(provider, f"{et} event", data, e) from None
        for ev in events:
            yield ev
    for ev in dec.close():
        yield ev
