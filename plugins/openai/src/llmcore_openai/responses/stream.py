"""Responses API SSE events → llmcore stream events.

Events used (each SSE ``data`` is a JSON object with a ``type``):

* ``response.created`` → :class:`ResponseMetadata`;
* ``response.output_text.delta`` → text; ``response.refusal.delta`` → text
  (then a ``refusal`` warning and finish ``content_filter``);
* ``response.reasoning_summary_text.delta`` / ``response.reasoning_text.delta``
  → reasoning text (summary parts of one item are separated by a blank line,
  as in the non-streamed response); ``response.output_item.done`` of a
  ``reasoning`` item → a reasoning delta carrying the item's ``id`` and
  ``encrypted_content`` (:attr:`ReasoningDelta.data`);
* ``response.output_item.added`` (``function_call``) and
  ``response.function_call_arguments.delta`` → tool-call deltas keyed by
  ``output_index``; ``response.output_item.done`` → the complete call;
* ``response.completed`` / ``response.incomplete`` → usage and finish;
* ``response.failed`` and ``error`` → the typed error is raised.

* ``response.output_text.annotation.added`` → a :class:`CitationEvent` (offsets
  moved onto the answer's text); a message whose annotations were not streamed
  as events gets them from its ``response.output_item.done``;
* ``response.output_item.done`` of a built-in tool's item → :class:`PartEvent`
  for each of its parts (see :mod:`.items`); of an item llmcore has no part for
  → kept whole in ``Finish.provider_metadata["unmapped"]`` with a warning.

Everything else (``in_progress``, ``content_part.*``, the built-in tools'
progress events ``response.*_call.*``, partial images) is ignored: the item's
``output_item.done`` carries the whole result. A stream that ends without a terminal event was cut off:
:class:`~llmcore.errors.ProviderResponseError`; so is an event of the wrong shape
(a delta that is no string, ``"item": "x"``…: the guard around
:meth:`~ResponsesStreamDecoder.feed` and :meth:`~ResponsesStreamDecoder.close`).
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
    ToolCall,
    ToolCallDelta,
    UsageEvent,
    WarningEvent,
)
from llmcore.http.sse import SSEDecoder
from llmcore.pluginkit import SHAPE_ERRORS, keep_unmapped, malformed, parse_arguments
from llmcore.types import CallWarning

from ..chat.errors import stream_error
from ..chat.response import opt_str, refusal_warning, wrong_type
from .items import citation_of, is_server_item, server_item_parts
from .response import finish_of, keep_phase, keep_response_fields, map_usage, reasoning_data

__all__ = ["ResponsesStreamDecoder", "aiter_events"]


def _str(v: Any, field: str) -> str:
    if not isinstance(v, str):
        raise wrong_type(field, v)
    return v


def _index(v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise TypeError(f"output_index is {type(v).__name__}, not an integer")
    return v


class ResponsesStreamDecoder:
    """Turns parsed Responses API stream events into llmcore events."""

    __slots__ = (
        "_annotated",
        "_calls",
        "_final",
        "_meta",
        "_part_at",
        "_refused",
        "_started",
        "_summary_at",
        "_text_len",
        "_tool_calls_seen",
        "_warned",
        "_warnings",
        "provider",
    )

    def __init__(self, provider: str, warnings: list[CallWarning] | None = None) -> None:
        self.provider = provider
        self._warnings = list(warnings or ())
        self._started = False
        self._calls: dict[int, list[Any]] = {}  # output_index -> [call_id, name, [arg pieces]]
        self._final: dict[str, Any] | None = None
        self._refused = False
        self._summary_at: tuple[Any, Any] | None = None  # (item, summary_index) of the last reasoning text
        self._tool_calls_seen = False
        self._text_len = 0  # length of the answer's text so far (citation offsets are moved onto it)
        self._part_at: dict[tuple[Any, Any], int] = {}  # (item_id, content_index) -> where its text starts
        self._annotated: set[Any] = set()  # message items whose annotations came as annotation.added events
        self._meta: dict[str, Any] = {}  # provider_metadata (unmapped items), on Finish
        self._warned: set[str] = set()

    @property
    def done(self) -> bool:
        """A terminal event (``response.completed``/``incomplete``) was seen."""
        return self._final is not None

    def _start(self, resp: dict[str, Any], out: list[StreamEvent]) -> None:
        self._started = True
        out.append(ResponseMetadata(id=opt_str(resp.get("id")), model=opt_str(resp.get("model"))))
        for w in self._warnings:
            out.append(WarningEvent(w))

    def feed_data(self, data: str) -> list[StreamEvent]:
        """Feed one SSE ``data`` payload."""
        if data == "[DONE]":
            return []
        try:
            ev = json.loads(data)
        except ValueError:
            raise ProviderResponseError("stream event is not JSON", provider=self.provider, raw=data[:500]) from None
        return self.feed(ev)

    def feed(self, ev: Any) -> list[StreamEvent]:
        """Feed one parsed event; returns the llmcore events it produces (an
        event of the wrong shape: :class:`ProviderResponseError`)."""
        try:
            return self._feed(ev)
        except SHAPE_ERRORS as e:
            raise malformed(self.provider, "stream event", ev, e) from None

    def _feed(self, ev: Any) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        if not isinstance(ev, dict):
            return out
        t = ev.get("type")
        if t == "response.output_text.delta":
            if ev.get("delta"):
                out.append(self._text(ev, _str(ev["delta"], "delta")))
        elif t == "response.output_text.annotation.added":
            ann = ev.get("annotation")
            if isinstance(ann, dict):
                key = (ev.get("item_id"), ev.get("content_index", 0))
                self._annotated.add(key[0])
                out.append(CitationEvent(citation_of(ann, self._part_at.get(key, self._text_len), self.provider)))
        elif t in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            d = ev.get("delta")
            if d:
                at = (ev.get("item_id"), ev.get("summary_index", ev.get("content_index")))
                sep = (
                    "\n\n"
                    if self._summary_at is not None and self._summary_at[0] == at[0] and (self._summary_at[1] != at[1])
                    else ""
                )
                self._summary_at = at
                out.append(ReasoningDelta(text=sep + _str(d, "delta")))
        elif t == "response.function_call_arguments.delta":
            idx = _index(ev.get("output_index", 0))
            call = self._calls.get(idx)
            d = _str(ev.get("delta") or "", "delta")
            if call is not None and d:
                call[2].append(d)
                out.append(ToolCallDelta(index=idx, arguments_delta=d))
        elif t == "response.output_item.added":
            item = ev.get("item") or {}
            if item.get("type") == "function_call":
                idx = _index(ev.get("output_index", len(self._calls)))
                first = _str(item.get("arguments") or "", "arguments")
                call_id = _str(item.get("call_id") or item.get("id") or f"call_{idx}", "call_id")
                name = _str(item.get("name") or "", "name")
                self._calls[idx] = [call_id, name, [first] if first else []]
                out.append(ToolCallDelta(index=idx, id=call_id, name=name, arguments_delta=first))
        elif t == "response.output_item.done":
            self._item_done(ev, out)
        elif t == "response.refusal.delta":
            if ev.get("delta"):
                self._refused = True
                out.append(self._text(ev, _str(ev["delta"], "delta")))
        elif t == "response.created":
            if not self._started:
                self._start(ev.get("response") or {}, out)
        elif t in ("response.completed", "response.incomplete"):
            self._final = ev.get("response") or {}
        elif t == "response.failed":
            resp = ev.get("response") or {}
            raise stream_error({"error": resp.get("error") or {"message": "the response failed"}}, self.provider)
        elif t == "error":
            raise stream_error(ev, self.provider)
        if out and not self._started:  # content before response.created (not seen in practice)
            head: list[StreamEvent] = []
            self._start({}, head)
            out = head + out
        return out

    def _text(self, ev: dict[str, Any], delta: str) -> TextDelta:
        self._part_at.setdefault((ev.get("item_id"), ev.get("content_index", 0)), self._text_len)
        self._text_len += len(delta)
        return TextDelta(delta)

    def _unmapped(self, kind: str, item: Any, out: list[StreamEvent]) -> None:
        warning = keep_unmapped(self._meta, None, self.provider, kind, item)
        if kind not in self._warned:  # one warning a kind; every item is kept
            self._warned.add(kind)
            out.append(WarningEvent(warning))

    def _message_done(self, item: dict[str, Any], out: list[StreamEvent]) -> None:
        """Citations of a message whose annotations were not streamed as events,
        and content parts llmcore has no part for."""
        item_id = item.get("id")
        keep_phase(self._meta, self.provider, item)
        for i, c in enumerate(item.get("content") or ()):
            ct = c.get("type")
            if ct == "output_text":
                if item_id in self._annotated:
                    continue
                offset = self._part_at.get((item_id, i), self._text_len)
                for a in c.get("annotations") or ():
                    if isinstance(a, dict):
                        out.append(CitationEvent(citation_of(a, offset, self.provider)))
            elif ct != "refusal":
                self._unmapped(f"message.{ct}", c, out)

    def _item_done(self, ev: dict[str, Any], out: list[StreamEvent]) -> None:
        item = ev.get("item") or {}
        it = item.get("type")
        if it == "message":
            self._message_done(item, out)
        elif is_server_item(it):
            out.extend(PartEvent(p) for p in server_item_parts(item, self.provider))
        elif it not in ("reasoning", "function_call"):
            self._unmapped(str(it), item, out)
        if it == "reasoning":
            out.append(ReasoningDelta(text="", data=reasoning_data(item)))
            self._summary_at = None
        elif it == "function_call":
            idx = _index(ev.get("output_index", 0))
            call = self._calls.pop(idx, None)
            if call is None:
                call = [
                    _str(item.get("call_id") or item.get("id") or f"call_{idx}", "call_id"),
                    _str(item.get("name") or "", "name"),
                    [],
                ]
                out.append(ToolCallDelta(index=idx, id=call[0], name=call[1]))
            acc = "".join(call[2])
            final = item.get("arguments")
            if not isinstance(final, str):
                final = acc
            if final != acc:
                if not final.startswith(acc):  # an argument delta was lost: the call is not what was streamed
                    raise ProviderResponseError(
                        "the streamed tool-call arguments do not match the final ones",
                        provider=self.provider,
                        raw=final[:500],
                    )
                out.append(ToolCallDelta(index=idx, arguments_delta=final[len(acc) :]))
            out.append(
                ToolCall(
                    id=_str(item.get("call_id") or call[0], "call_id"),
                    name=_str(item.get("name") or call[1], "name"),
                    arguments=parse_arguments(final, self.provider),
                    raw_arguments=final,
                    index=idx,
                )
            )
            self._tool_calls_seen = True

    def close(self) -> list[StreamEvent]:
        """End of stream: usage, warnings and ``Finish``."""
        try:
            return self._close()
        except SHAPE_ERRORS as e:
            raise malformed(self.provider, "final response", self._final, e) from None

    def _close(self) -> list[StreamEvent]:
        if self._final is None:
            raise ProviderResponseError("the stream ended before the response was finished", provider=self.provider)
        out: list[StreamEvent] = []
        if not self._started:
            self._start(self._final, out)
        has_calls = any((o or {}).get("type") == "function_call" for o in self._final.get("output") or ())
        finish, raw = finish_of(self._final, has_calls or self._tool_calls_seen)
        if self._final.get("usage") is not None:
            out.append(UsageEvent(map_usage(self._final["usage"])))
        keep_response_fields(self._meta, self.provider, self._final)
        if self._refused:
            out.append(WarningEvent(refusal_warning()))
            finish = "content_filter"
        out.append(Finish(finish, raw, self._meta or None))
        return out


async def aiter_events(chunks: AsyncIterable[bytes], decoder: ResponsesStreamDecoder) -> AsyncIterator[StreamEvent]:
    """Decode an SSE byte stream with ``decoder``."""
    sse = SSEDecoder(provider=decoder.provider)
    feed_data = decoder.feed_data
    async for chunk in chunks:
        for ev in sse.feed(chunk):
            for out in feed_data(ev.data):
                yield out
    for ev in sse.flush():
        for out in feed_data(ev.data):
            yield out
    for out in decoder.close():
        yield out
