"""Anthropic streaming (server-sent events) → llmcore stream events.

The Messages API streams ``message_start``, then per content block
``content_block_start`` / ``content_block_delta``\\* / ``content_block_stop``,
then ``message_delta`` (stop reason, final usage) and ``message_stop``;
``ping`` may come anywhere, and ``error`` may arrive mid-stream (e.g.
``overloaded_error``) and becomes a typed error. Data lines may be padded
with whitespace; each is parsed once with ``json.loads``.

Mapping, per block ``index``:

* ``text_delta`` → :class:`TextDelta`;
* ``thinking_delta`` → :class:`ReasoningDelta` text, ``signature_delta`` →
  :class:`ReasoningDelta` carrying the signature (closes the thinking part);
  a ``redacted_thinking`` block → one :class:`ReasoningDelta` with
  ``redacted=True`` and its opaque ``data``;
* ``tool_use`` start → :class:`ToolCallDelta` with id and name, each
  ``input_json_delta`` → :class:`ToolCallDelta` with the argument piece, and at
  ``content_block_stop`` a complete :class:`ToolCall` (its ``index`` is the
  block index, shared with the deltas). Parallel calls are tracked apart.
* ``server_tool_use`` / ``mcp_tool_use`` → at ``content_block_stop`` one
  :class:`PartEvent` with a :class:`ServerToolCallPart` (its ``input`` put
  together from the ``input_json_delta`` pieces, the block whole in ``data`` as
  the non-stream answer has it); a ``*_tool_result`` block (complete in its
  ``content_block_start``) → a :class:`PartEvent` with a
  :class:`ServerToolResultPart` (see :mod:`.blocks`);
* ``citations_delta`` → at the text block's ``content_block_stop`` a
  :class:`CitationEvent` per citation, spanning that block's text;
* any other block type → at its stop, ``keep_unmapped`` (a
  :class:`WarningEvent`, the block — with any deltas it got, under
  ``"deltas"`` — in ``Finish.provider_metadata["unmapped"]``).

Usage from ``message_start`` and ``message_delta`` is merged and emitted once,
just before the single :class:`Finish`, which is always last.

An event of the wrong shape (``"delta": "x"``, a text that is no string, a
block index that is no integer…) is a :class:`ProviderResponseError` (the guard
around :meth:`StreamDecoder.feed`), and so is a stream that stopped without any
content and without a stop reason (only ``message_start``/``ping``/``message_stop``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
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
from llmcore.http.sse import aiter_sse
from llmcore.jsonfast import loads as json_loads
from llmcore.pluginkit import SHAPE_ERRORS, ToolCallBuffer, keep_unmapped, malformed
from llmcore.types import CallWarning

from .blocks import SERVER_CALL_TYPES, citation, is_result_type, result_part, server_call_part
from .errors import stream_error
from .finish import map_finish_reason
from .response import opt_sig, opt_str, text_of
from .usage import map_usage, merge_usage

__all__ = ["StreamDecoder", "decode_stream"]


def _index(data: Mapping[str, Any]) -> int:
    i = data.get("index", 0)
    if not isinstance(i, int) or isinstance(i, bool):
        raise TypeError(f"index is {type(i).__name__}, not an integer")
    return i


class _Text:
    """A text block being streamed: where it starts in the answer's text, its citations."""

    __slots__ = ("cites", "start")

    def __init__(self, start: int) -> None:
        self.start = start
        self.cites: list[Any] = []  # the provider's citation objects


class _Block:
    """A server-tool call (its JSON input in pieces), a server-tool result or an unknown block."""

    __slots__ = ("block", "deltas", "kind", "pieces")

    def __init__(self, kind: str, block: Mapping[str, Any]) -> None:
        self.kind = kind  # "call" | "result" | "unmapped"
        self.block = block
        self.pieces: list[str] = []
        self.deltas: list[Any] = []


class StreamDecoder:
    """Stateful decoder: :meth:`feed` one parsed SSE payload, get the events it
    produces; :meth:`close` at end of input. ``headers`` (of the HTTP response)
    give the request id for mid-stream errors."""

    __slots__ = (
        "_blocks",
        "_call_names",
        "_calls",
        "_content",
        "_done",
        "_finished",
        "_meta",
        "_pos",
        "_stop",
        "_usage",
        "_warnings",
        "headers",
        "provider",
    )

    def __init__(
        self,
        provider: str = "anthropic",
        headers: Mapping[str, str] | None = None,
        warnings: list[CallWarning] | None = None,
    ) -> None:
        self.provider = provider
        self.headers: Mapping[str, str] = headers or {}
        self._blocks: dict[int, Any] = {}  # index → _Text | "thinking" | ToolCallBuffer | _Block | None (skipped)
        self._pos = 0  # characters of answer text streamed so far (citation spans)
        self._call_names: dict[str, str] = {}  # server-tool call id → tool name
        self._meta: dict[str, Any] = {}  # Finish.provider_metadata (keep_unmapped)
        self._usage: dict[str, Any] = {}
        self._stop: str | None = None
        self._done = False  # message_delta with a stop reason seen
        self._finished = False  # Finish emitted
        self._content = False  # a content block started
        self._calls = False  # a tool call completed
        self._warnings = list(warnings or ())

    def feed(self, data: Mapping[str, Any], event: str | None = None) -> list[StreamEvent]:
        """Events for one SSE payload (``event`` is the SSE event name, used
        when the payload has no ``type``); a payload of the wrong shape is a
        :class:`ProviderResponseError`."""
        try:
            return self._feed(data, event)
        except SHAPE_ERRORS as e:
            raise malformed(self.provider, "stream event", data, e) from None

    def _feed(self, data: Mapping[str, Any], event: str | None) -> list[StreamEvent]:
        if self._finished:
            return []
        t = data.get("type") or event
        if t == "content_block_delta":
            return self._delta(data)
        if t == "content_block_start":
            return self._start(data)
        if t == "content_block_stop":
            return self._stop_block(data)
        if t == "ping":
            return []
        if t == "message_start":
            msg = data.get("message") or {}
            merge_usage(self._usage, msg.get("usage"))
            self._container(msg.get("container"))
            out: list[StreamEvent] = [ResponseMetadata(id=opt_str(msg.get("id")), model=opt_str(msg.get("model")))]
            out.extend(WarningEvent(w) for w in self._warnings)
            self._warnings = []
            return out
        if t == "message_delta":
            delta = data.get("delta") or {}
            if delta.get("stop_reason") is not None:
                self._stop = text_of(delta["stop_reason"], "stop_reason")
                self._done = True
            self._container(delta.get("container"))
            if delta.get("stop_sequence") is not None:  # which stop sequence matched, as in a non-streamed answer
                self._meta.setdefault("anthropic", {})["stop_sequence"] = delta["stop_sequence"]
            merge_usage(self._usage, data.get("usage"))
            return []
        if t == "message_stop":
            return self._finish()
        if t == "error":
            raise stream_error(data, self.headers, self.provider)
        return []  # an event type this version does not know

    def _container(self, container: Any) -> None:
        """Code execution's container (id, expiry), as in a non-streamed answer's ``provider_metadata``."""
        if container:
            self._meta.setdefault("anthropic", {})["container"] = container

    def _start(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        index = _index(data)
        block = data.get("content_block") or {}
        bt = block.get("type")
        self._content = True
        if bt == "text":
            tx = self._blocks[index] = _Text(self._pos)
            tx.cites.extend(block.get("citations") or ())
            text = block.get("text")
            return [self._text(text)] if text else []
        if bt == "thinking":
            self._blocks[index] = "thinking"
            text = text_of(block.get("thinking") or "", "thinking")
            sig = opt_sig(block.get("signature"))
            return [ReasoningDelta(text=text, signature=sig)] if (text or sig) else []
        if bt == "redacted_thinking":
            self._blocks[index] = None
            return [ReasoningDelta(text="", redacted=True, data=block.get("data"))]
        if bt == "tool_use":
            tb = ToolCallBuffer(text_of(block.get("id") or "", "tool_use id"), text_of(block.get("name") or "", "name"))
            self._blocks[index] = tb
            return [ToolCallDelta(index=index, id=tb.id, name=tb.name)]
        if bt in SERVER_CALL_TYPES:
            self._blocks[index] = _Block("call", block)
        elif is_result_type(bt):
            self._blocks[index] = _Block("result", block)
        else:
            self._blocks[index] = _Block("unmapped", block)
        return []

    def _delta(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        delta = data.get("delta") or {}
        dt = delta.get("type")
        if dt == "text_delta":
            text = delta.get("text")
            self._content = True
            return [self._text(text)] if text else []
        if dt == "citations_delta":
            tx = self._blocks.get(_index(data))
            if isinstance(tx, _Text):
                tx.cites.append(delta.get("citation"))
                return []
        if dt == "input_json_delta":
            index = _index(data)
            tb = self._blocks.get(index)
            if isinstance(tb, _Block) and tb.kind == "call":
                tb.pieces.append(text_of(delta.get("partial_json") or "", "partial_json"))
                return []
            if not isinstance(tb, ToolCallBuffer):
                self._unknown_delta(index, delta)
                return []
            piece = text_of(delta.get("partial_json") or "", "partial_json")
            if not piece:
                return []
            tb.parts.append(piece)
            return [ToolCallDelta(index=index, arguments_delta=piece)]
        if dt == "thinking_delta":
            text = delta.get("thinking")
            self._content = True
            return [ReasoningDelta(text=text_of(text, "thinking"))] if text else []
        if dt == "signature_delta":
            return [ReasoningDelta(signature=opt_sig(delta.get("signature")))]
        self._unknown_delta(_index(data), delta)
        return []

    def _text(self, text: Any) -> TextDelta:
        piece = text_of(text, "text")
        self._pos += len(piece)
        return TextDelta(piece)

    def _unknown_delta(self, index: int, delta: Any) -> None:
        """A delta this decoder has no event for: kept with its block when that block is unmapped
        (a delta of a known block that this version does not know is a new API feature: skipped)."""
        tb = self._blocks.get(index)
        if isinstance(tb, _Block) and tb.kind == "unmapped":
            tb.deltas.append(delta)

    def _stop_block(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        index = _index(data)
        tb = self._blocks.pop(index, None)
        if isinstance(tb, ToolCallBuffer):
            self._calls = True
            return [tb.finish(index, self.provider)]
        if isinstance(tb, _Text):
            return [CitationEvent(citation(c, tb.start, self._pos, self.provider)) for c in tb.cites]
        if not isinstance(tb, _Block):
            return []
        if tb.kind == "call":
            block = dict(tb.block)
            if tb.pieces:
                raw = "".join(tb.pieces)
                block["input"] = json_loads(raw) if raw.strip() else {}
            call = server_call_part(block, self.provider)
            self._call_names[call.id] = call.name
            return [PartEvent(call)]
        if tb.kind == "result":
            return [PartEvent(result_part(tb.block, self.provider, self._call_names))]
        item: Any = {**tb.block, "deltas": tb.deltas} if tb.deltas else tb.block
        return [WarningEvent(keep_unmapped(self._meta, None, self.provider, str(tb.block.get("type")), item))]

    def _finish(self) -> list[StreamEvent]:
        if self._stop is None and not self._content:
            raise ProviderResponseError("the stream stopped with no content and no stop reason", provider=self.provider)
        self._finished = True
        out: list[StreamEvent] = list(WarningEvent(w) for w in self._warnings)
        self._warnings = []
        if self._usage:
            out.append(UsageEvent(map_usage(self._usage)))
        reason = map_finish_reason(self._stop)
        if self._calls and self._stop is None:  # no stop reason came: the calls still need running
            reason = "tool_calls"
        out.append(Finish(reason, self._stop, provider_metadata=self._meta or None))
        return out

    def close(self) -> list[StreamEvent]:
        """End of input. A stream that stopped after its stop reason but
        before ``message_stop`` is finished normally; one cut off earlier is
        a :class:`ProviderResponseError`."""
        if self._finished:
            return []
        if self._done:
            return self._finish()
        raise ProviderResponseError(
            "the stream ended before the message was complete (no stop reason received)", provider=self.provider
        )


async def decode_stream(
    chunks: AsyncIterator[bytes],
    *,
    provider: str = "anthropic",
    headers: Mapping[str, str] | None = None,
    warnings: list[CallWarning] | None = None,
) -> AsyncIterator[StreamEvent]:
    """Decode an Anthropic SSE byte stream into llmcore events."""
    dec = StreamDecoder(provider, headers, warnings)
    loads = json_loads  # orjson when installed (llmcore-core[speedups])
    async for sse in aiter_sse(chunks):
        try:
            data = loads(sse.data)
        except ValueError:
            raise ProviderResponseError(
                f"stream event {sse.event!r} is not JSON", provider=provider, raw=sse.data[:500]
            ) from None
        if not isinstance(data, dict):
            raise ProviderResponseError("stream event is not a JSON object", provider=provider, raw=sse.data[:500])
        for ev in dec.feed(data, sse.event):
            yield ev
    for ev in dec.close():
        yield ev
