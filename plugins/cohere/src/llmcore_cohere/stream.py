"""Cohere ``/v2/chat`` SSE stream → llmcore stream events.

Every ``data:`` line is parsed once; its ``type`` drives the mapping:

======================  =========================================================
``message-start``       :class:`ResponseMetadata` (id; model = requested model)
``content-start``       starts a ``text`` or ``thinking`` block (its initial text,
                        if any, is emitted as a delta)
``content-delta``       :class:`TextDelta` / :class:`ReasoningDelta`
``tool-plan-delta``     :class:`TextDelta` (the plan is text, as in ``chat``)
``tool-call-start``     :class:`ToolCallDelta` with id and name
``tool-call-delta``     :class:`ToolCallDelta` with an arguments piece
``tool-call-end``       :class:`ToolCall` (arguments parsed)
``citation-start``      held until its content item ends, then one
                        :class:`CitationEvent` per source (see
                        :mod:`llmcore_cohere.citations`; spans index the whole
                        answer text); also collected into
                        ``provider_metadata["citations"]`` as sent
``content-end``         the held citations of that item
``message-end``         citations still held (the tool plan's), :class:`UsageEvent`,
                        then :class:`Finish` carrying the citations as sent,
                        ``billed_units`` and a generation ``error``
======================  =========================================================

Citations are held to the end of their item so the span can be checked
against the item's whole text, as ``chat`` does; they attach to that text part.
``citation-end``, ``debug`` and ``data: [DONE]`` carry nothing. A stream that ends without ``message-end`` raises
:class:`~llmcore.errors.ProviderResponseError` (the answer is incomplete).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.events import (
    CitationEvent,
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
from llmcore.http.sse import SSEDecoder
from llmcore.pluginkit import SHAPE_ERRORS, malformed
from llmcore.types import CallWarning

from .citations import in_text, to_citations
from .finish import map_finish_reason
from .response import text_of, tool_arguments
from .usage import billed_units, map_usage

__all__ = ["decode_stream"]

PROVIDER = "cohere"


class _Call:
    __slots__ = ("args", "id", "name")

    def __init__(self, id: str, name: str, args: str) -> None:
        self.id = id
        self.name = name
        self.args = args


def _index(data: dict[str, Any]) -> int:
    idx = data.get("index", 0)
    if not isinstance(idx, int) or isinstance(idx, bool):
        raise TypeError(f"index is a {type(idx).__name__}")
    return idx


async def decode_stream(
    chunks: AsyncIterable[bytes], *, model: str, warnings: list[CallWarning] | None = None
) -> AsyncIterator[StreamEvent]:
    """Decode Cohere's SSE bytes into llmcore events (exactly one :class:`Finish`, last)."""
    for w in warnings or ():
        yield WarningEvent(w)
    dec = SSEDecoder(provider=PROVIDER)
    calls: dict[int, _Call] = {}
    citations: list[Any] = []
    finished = False
    produced = False  # any text, reasoning or tool call so far
    offset = 0  # characters of answer text so far
    blocks: dict[Any, tuple[int, list[str]]] = {}  # text item index or "plan" → (start offset, its text)
    held: dict[Any, list[dict[str, Any]]] = {}  # citations waiting for the end of their item

    def text(key: Any, piece: str) -> list[StreamEvent]:
        nonlocal offset, produced
        if not piece:
            return []
        blocks.setdefault(key, (offset, []))[1].append(piece)
        offset += len(piece)
        produced = True
        return [TextDelta(piece)]

    def release(key: Any) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        for c in held.pop(key, ()):
            block = blocks.get(key) if in_text(c) else None
            item_text, base = ("".join(block[1]), block[0]) if block else (None, None)
            out.extend(CitationEvent(cit, attach=block is not None) for cit in to_citations(c, item_text, base))
        return out

    def handle(data: dict[str, Any]) -> list[StreamEvent]:
        # A field of the wrong type raises here (AttributeError, TypeError, ...): the
        # caller turns it into a ProviderResponseError (no checks on the good path).
        nonlocal finished, produced
        t = data.get("type")
        delta = data.get("delta") or {}
        message = delta.get("message") or {} if isinstance(delta, dict) else {}
        if t == "content-delta":
            content = message.get("content") or {}
            if "thinking" in content:
                thinking = text_of(content["thinking"])
                produced = produced or bool(thinking)
                return [ReasoningDelta(thinking)] if thinking else []
            return text(_index(data), text_of(content.get("text")))
        if t == "tool-call-delta":
            piece = text_of(((message.get("tool_calls") or {}).get("function") or {}).get("arguments"))
            idx = _index(data)
            call = calls.get(idx)
            if call is None or not piece:
                return []
            call.args += piece
            return [ToolCallDelta(idx, arguments_delta=piece)]
        if t == "tool-plan-delta":
            return text("plan", text_of(message.get("tool_plan")))
        if t == "content-start":
            content = message.get("content") or {}
            kind = "thinking" if content.get("type") == "thinking" else "text"
            first = text_of(content.get(kind))
            if kind == "text":
                blocks.setdefault(_index(data), (offset, []))
                return text(_index(data), first)
            if not first:
                return []
            produced = True
            return [ReasoningDelta(first)]
        if t == "tool-call-start":
            tc = message.get("tool_calls") or {}
            fn = tc.get("function") or {}
            idx = _index(data)
            args = text_of(fn.get("arguments"))
            name = text_of(fn.get("name"))
            if not name:
                raise ValueError("a tool call has no name")
            call_id = text_of(tc.get("id"))
            calls[idx] = _Call(call_id, name, args)
            return [ToolCallDelta(idx, id=call_id, name=name, arguments_delta=args)]
        if t == "tool-call-end":
            idx = _index(data)
            call = calls.pop(idx, None)
            if call is None:
                return []
            produced = True
            return [ToolCall(call.id, call.name, tool_arguments(call.args), call.args, idx)]
        if t == "citation-start":
            c = message.get("citations")
            new = [c] if isinstance(c, dict) else [x for x in c if isinstance(x, dict)] if isinstance(c, list) else []
            citations.extend(new)
            for x in new:
                # no content_index (older answers): the first text item
                first_text = next((k for k in blocks if k != "plan"), None)
                key = "plan" if x.get("type") == "PLAN" else x.get("content_index", first_text)
                held.setdefault(key, []).append(x)
            return []
        if t == "content-end":
            return release(_index(data))
        if t == "message-start":
            return [ResponseMetadata(id=data.get("id"), model=model)]
        if t == "message-end":
            finished = True
            raw_finish = delta.get("finish_reason")
            if raw_finish is not None and not isinstance(raw_finish, str):
                raise TypeError(f"finish_reason is a {type(raw_finish).__name__}")
            if not produced and map_finish_reason(raw_finish) == "other":
                raise ValueError("the stream ended with no content and no finish reason")
            meta: dict[str, Any] = {}
            if citations:
                meta["citations"] = list(citations)
            usage = delta.get("usage")
            billed = billed_units(usage)
            if billed is not None:
                meta["billed_units"] = billed
            if delta.get("error"):
                meta["error"] = delta["error"]
            out: list[StreamEvent] = []
            for key in list(held):
                out.extend(release(key))
            if isinstance(usage, dict):
                out.append(UsageEvent(map_usage(usage)))
            out.append(Finish(map_finish_reason(raw_finish), raw_finish, meta or None))
            return out
        return []  # content-end, citation-end, debug, unknown

    def parse(raw: str) -> dict[str, Any] | None:
        if raw == "[DONE]":
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise ProviderResponseError("cohere stream event is not JSON", provider=PROVIDER, raw=raw[:500]) from None
        return value if isinstance(value, dict) else None

    def events(data: dict[str, Any]) -> list[StreamEvent]:
        try:
            return handle(data)
        except SHAPE_ERRORS as e:  # free on good events; wrong field types end here
            raise malformed(PROVIDER, "cohere stream event", data, e) from None

    async for chunk in chunks:
        for ev in dec.feed(chunk):
            if finished:
                continue
            data = parse(ev.data)
            if data is not None:
                for out in events(data):
                    yield out
    for ev in dec.flush():
        if not finished:
            data = parse(ev.data)
            if data is not None:
                for out in events(data):
                    yield out
    if not finished:
        raise ProviderResponseError(
            "cohere stream ended before message-end (the answer is incomplete)", provider=PROVIDER
        )
