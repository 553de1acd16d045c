"""Chat Completions SSE stream → llmcore stream events.

:class:`ChatStreamDecoder` is a small state machine fed one parsed chunk at a
time (:meth:`~ChatStreamDecoder.feed`) and closed with
:meth:`~ChatStreamDecoder.close`; :func:`aiter_events` drives it from the
SSE byte stream. What it handles:

* ``: keep-alive`` comments (dropped by the SSE decoder) and ``data: [DONE]``;
* a :class:`~llmcore.events.ResponseMetadata` from the first chunk's id/model;
* text deltas; reasoning deltas from the dialect's ``reasoning_fields``;
* tool-call deltas keyed by ``index`` (several calls in parallel, id and name
  on the first delta; servers that repeat the name on every delta or omit the
  index are tolerated); each call becomes one :class:`ToolCall` at the end;
* a leading chunk with neither ``id`` nor ``choices`` nor usage (Azure's
  ``prompt_filter_results`` preamble) does not start the response: the
  metadata comes from the first real chunk;
* the dialect's ``metadata_fields`` from any chunk and its
  ``message_metadata_fields`` from any delta (last value with data wins) →
  ``Finish.provider_metadata[<provider>]``;
* a dialect's ``reasoning_data_field`` blocks (OpenRouter's
  ``reasoning_details``), merged by index and emitted once at the end as a
  ``ReasoningDelta`` carrying ``data`` (see :mod:`.reasoning_data`);
* ``delta.annotations`` → :class:`CitationEvent` (see :mod:`.extras`); Groq's
  ``delta.executed_tools`` (merged by index) → :class:`PartEvent` once an entry
  has its output; other delta fields with data the codec does not read → kept
  (last value) with ``keep_unmapped`` at the end, on ``Finish.provider_metadata``;
* ``finish_reason`` from any chunk; usage from any chunk that carries it
  (OpenAI sends a final chunk with empty ``choices`` and the usage; others put
  it on the last choice chunk; or at a dialect's ``usage_fallbacks`` path) —
  reported once, just before ``Finish``;
* with ``dialect.think_tags``, a leading ``<think>…</think>`` block of the
  content streams as reasoning (:mod:`.think`, split across chunks safely);
* ``refusal`` deltas: streamed as text, then a ``refusal`` warning and finish
  ``content_filter`` (see :mod:`.response`);
* an ``{"error": {...}}`` chunk (servers that fail inside a 200 stream; with or
  without ``choices`` — OpenRouter sends both) → the typed error is raised.

A stream that ends with neither a finish reason nor ``[DONE]`` was cut off:
:class:`~llmcore.errors.ProviderResponseError`; so is one that ended (even with
``[DONE]``) having carried no content, no finish reason and no usage, and a chunk
of the wrong shape (``"choices": 7``, ``"delta": "x"``, ``"content": 5``…: the
guard around :meth:`~ChatStreamDecoder.feed` and :meth:`~ChatStreamDecoder.close`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Callable
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
    ToolCall,
    ToolCallDelta,
    UsageEvent,
    WarningEvent,
)
from llmcore.http.sse import SSEDecoder
from llmcore.jsonfast import loads
from llmcore.pluginkit import SHAPE_ERRORS, keep_unmapped, malformed, parse_arguments
from llmcore.types import CallWarning, Usage

from .dialect import ChatDialect
from .errors import stream_error
from .extras import annotation_citations, executed_tool_parts, is_whole, unknown_fields
from .finish import map_finish_reason
from .parts import content_items
from .reasoning_data import BlockMerger
from .response import has_data, opt_str, refusal_warning, wrong_type
from .think import ThinkSplitter
from .usage import find_usage, map_usage

__all__ = ["ChatStreamDecoder", "aiter_events"]


class _Call:
    __slots__ = ("args", "id", "name")

    def __init__(self, id: str | None, name: str | None) -> None:
        self.id = id
        self.name = name
        self.args: list[str] = []


class ChatStreamDecoder:
    """Turns parsed ``chat.completion.chunk`` objects into events."""

    __slots__ = (
        "_blocks",
        "_calls",
        "_content",
        "_done",
        "_executed",
        "_finish",
        "_last_index",
        "_metadata",
        "_order",
        "_refused",
        "_started",
        "_think",
        "_unknown",
        "_usage",
        "_warnings",
        "dialect",
        "provider",
        "usage_mapper",
    )

    def __init__(
        self,
        dialect: ChatDialect,
        provider: str,
        warnings: list[CallWarning] | None = None,
        usage_mapper: Callable[[Any], Usage] = map_usage,
    ) -> None:
        self.dialect = dialect
        self.provider = provider
        self.usage_mapper = usage_mapper
        self._warnings = list(warnings or ())
        self._started = False
        self._calls: dict[int, _Call] = {}
        self._order: list[int] = []
        self._last_index: int | None = None
        self._finish: str | None = None
        self._usage: Any = None
        self._done = False
        self._content = False
        self._refused = False
        self._think: ThinkSplitter | None = ThinkSplitter() if dialect.think_tags else None
        self._metadata: dict[str, Any] = {}
        self._blocks = BlockMerger() if dialect.reasoning_data_field else None
        self._executed: dict[Any, dict[str, Any] | None] = {}  # Groq executed_tools by index (None: emitted)
        self._unknown: dict[str, Any] = {}  # delta fields the codec does not read (last value with data)

    @property
    def done(self) -> bool:
        """``[DONE]`` was seen."""
        return self._done

    def _start(self, chunk: dict[str, Any], out: list[StreamEvent]) -> None:
        self._started = True
        out.append(ResponseMetadata(id=opt_str(chunk.get("id")), model=opt_str(chunk.get("model"))))
        for w in self._warnings:
            out.append(WarningEvent(w))

    def feed_data(self, data: str) -> list[StreamEvent]:
        """Feed one SSE ``data`` payload (a JSON chunk or ``[DONE]``)."""
        if data == "[DONE]":
            self._done = True
            return []
        try:
            chunk = loads(data)
        except ValueError:
            raise ProviderResponseError("stream chunk is not JSON", provider=self.provider, raw=data[:500]) from None
        return self.feed(chunk)

    def feed(self, chunk: Any) -> list[StreamEvent]:
        """Feed one parsed chunk; returns the events it produces. A chunk of the
        wrong shape is a :class:`ProviderResponseError` (subclasses that override
        this call ``super().feed``, which keeps the guard)."""
        try:
            return self._feed(chunk)
        except SHAPE_ERRORS as e:
            raise malformed(self.provider, "stream chunk", chunk, e) from None

    def _feed(self, chunk: Any) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        if not isinstance(chunk, dict):
            return out
        if chunk.get("error") and self.dialect.errors_in_stream:  # also next to choices (OpenRouter)
            raise stream_error(chunk, self.provider)
        for f in self.dialect.metadata_fields:
            v = chunk.get(f)
            if v not in (None, ""):
                old = self._metadata.get(f)
                # objects sent in parts (OpenAI's moderation: input, then output results) are merged
                self._metadata[f] = {**old, **v} if isinstance(old, dict) and isinstance(v, dict) else v
        usage = find_usage(chunk, self.dialect.usage_fallbacks)
        if not self._started:
            if not chunk.get("id") and not chunk.get("choices") and usage is None:
                return out  # a preamble, not the response yet (Azure's prompt_filter_results)
            self._start(chunk, out)
        if usage is not None:
            self._usage = usage
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            for f in self.dialect.choice_metadata_fields:
                if has_data(choice.get(f)):  # an empty verdict on a later chunk keeps the earlier one
                    self._metadata[f] = choice[f]
            delta = choice.get("delta") or {}
            if self._blocks is not None and delta.get(self.dialect.reasoning_data_field):
                self._blocks.add(delta[self.dialect.reasoning_data_field])
            for f in self.dialect.message_metadata_fields:
                v = delta.get(f)
                if has_data(v):
                    self._metadata[f] = v
            for f, v in unknown_fields(delta, self.dialect):
                self._unknown[f] = v
            if delta.get("executed_tools"):
                self._executed_tools(delta["executed_tools"], out)
            for f in self.dialect.reasoning_fields:
                r = delta.get(f)
                if isinstance(r, str) and r:
                    self._content = True
                    out.append(ReasoningDelta(text=r))
                    break
            text = delta.get("content")
            if text is not None and not isinstance(text, (str, list)):
                raise wrong_type("delta.content", text)
            if isinstance(text, list):  # content parts, maybe reasoning with a signature (see .parts)
                for kind, piece, sig in content_items(text):
                    self._content = True
                    if kind == "reasoning":
                        out.append(ReasoningDelta(text=piece, signature=sig))
                    elif piece:
                        out.append(TextDelta(piece))
            elif text and self._think is not None:
                self._content = True
                for kind, piece in self._think.feed(text):
                    out.append(ReasoningDelta(text=piece) if kind == "reasoning" else TextDelta(piece))
            elif text:
                self._content = True
                out.append(TextDelta(text))
            refusal = delta.get("refusal")
            if refusal is not None and not isinstance(refusal, str):
                raise wrong_type("delta.refusal", refusal)
            if refusal:
                self._refused = True
                out.append(TextDelta(refusal))
            for c in annotation_citations(delta.get("annotations"), self.provider):
                self._content = True
                out.append(CitationEvent(c, attach=not is_whole(c)))
            tcs = delta.get("tool_calls")
            if tcs:
                self._tool_deltas(tcs, out)
            fr = choice.get("finish_reason")
            if fr:
                if not isinstance(fr, str):
                    raise wrong_type("finish_reason", fr)
                self._finish = fr
        return out

    def _executed_tools(self, tools: list[Any], out: list[StreamEvent]) -> None:
        """Groq's ``executed_tools`` deltas, merged by ``index``; an entry's parts are emitted
        once it has its output (the tools run before the answer's text)."""
        for t in tools:
            if not isinstance(t, dict):
                continue
            key = t.get("index", len(self._executed))
            if key in self._executed and self._executed[key] is None:
                continue  # already emitted
            merged = {**(self._executed.get(key) or {}), **{k: v for k, v in t.items() if v is not None}}
            self._executed[key] = merged
            if merged.get("output") is not None or merged.get("search_results") is not None:
                self._content = True
                out.extend(PartEvent(p) for p in executed_tool_parts(merged, self.provider))
                self._executed[key] = None

    def _tool_deltas(self, tcs: list[Any], out: list[StreamEvent]) -> None:
        for tc in tcs:
            if not isinstance(tc, dict):
                continue
            idx = tc.get("index")
            tc_id = tc.get("id") or None
            if not isinstance(idx, int):
                # No index: a new id starts a new call, otherwise continue the last one.
                if self._last_index is None or (tc_id and self._calls[self._last_index].id not in (None, tc_id)):
                    idx = len(self._order)
                else:
                    idx = self._last_index
            fn = tc.get("function") or {}
            name = fn.get("name") or None
            args = fn.get("arguments")
            if isinstance(args, dict):
                args = json.dumps(args, separators=(",", ":"))
            for field, v in (("tool_calls.id", tc_id), ("tool_calls.function.name", name), ("arguments", args)):
                if v is not None and not isinstance(v, str):
                    raise wrong_type(field, v)
            call = self._calls.get(idx)
            first = call is None
            if call is None:
                call = self._calls[idx] = _Call(tc_id, name)
                self._order.append(idx)
            else:
                if tc_id and call.id is None:
                    call.id = tc_id
                if name and not call.name:
                    call.name = name
            self._last_index = idx
            if args:
                call.args.append(args)
            if first or args:
                out.append(
                    ToolCallDelta(
                        index=idx,
                        id=tc_id if first else None,
                        name=name if first else None,
                        arguments_delta=args or "",
                    )
                )

    def close(self) -> list[StreamEvent]:
        """End of stream: completed tool calls, usage, warnings, ``Finish``."""
        try:
            return self._close()
        except SHAPE_ERRORS as e:
            raise malformed(self.provider, "stream", None, e) from None

    def _close(self) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        if self._finish is None and not self._done:
            raise ProviderResponseError("the stream ended before the response was finished", provider=self.provider)
        if (
            self._finish is None
            and self._usage is None
            and not (
                self._content or self._refused or self._order or (self._blocks is not None and self._blocks.blocks())
            )
        ):
            raise ProviderResponseError(
                "the stream ended with no content, no finish reason and no usage", provider=self.provider
            )
        if not self._started:
            self._start({}, out)
        if self._think is not None:
            for kind, piece in self._think.flush():
                out.append(ReasoningDelta(text=piece) if kind == "reasoning" else TextDelta(piece))
        if self._blocks is not None and self._blocks.blocks():
            out.append(ReasoningDelta(data=self._blocks.blocks()))
        for pending in self._executed.values():  # executed tools that never got an output
            if pending is not None:
                out.extend(PartEvent(p) for p in executed_tool_parts(pending, self.provider))
        for idx in self._order:
            c = self._calls[idx]
            raw = "".join(c.args)
            out.append(
                ToolCall(
                    id=c.id or f"call_{idx}",
                    name=c.name or "",
                    arguments=parse_arguments(raw, self.provider),
                    raw_arguments=raw,
                    index=idx,
                )
            )
        if self._usage is not None:
            out.append(UsageEvent(self.usage_mapper(self._usage)))
        reason = map_finish_reason(self._finish, has_tool_calls=bool(self._order))
        if self._refused:
            out.append(WarningEvent(refusal_warning()))
            reason = "content_filter"
        pm: dict[str, Any] = {self.provider: self._metadata} if self._metadata else {}
        for f, v in self._unknown.items():
            out.append(WarningEvent(keep_unmapped(pm, None, self.provider, f"message.{f}", v)))
        out.append(Finish(reason, self._finish, pm or None))
        return out


async def aiter_events(chunks: AsyncIterable[bytes], decoder: ChatStreamDecoder) -> AsyncIterator[StreamEvent]:
    """Decode an SSE byte stream with ``decoder``; stops at ``[DONE]``."""
    sse = SSEDecoder(provider=decoder.provider)
    feed_data = decoder.feed_data
    async for chunk in chunks:
        for ev in sse.feed(chunk):
            for out in feed_data(ev.data):
                yield out
            if decoder.done:
                break
        if decoder.done:
            break
    else:
        for ev in sse.flush():
            for out in feed_data(ev.data):
                yield out
    for out in decoder.close():
        yield out
