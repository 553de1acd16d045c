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
``citation-start``      collected into ``provider_metadata["citations"]``
``message-end``         :class:`UsageEvent`, then :class:`Finish` carrying the
                        citations, ``billed_units`` and a generation ``error``
======================  =========================================================

``content-end``, ``citation-end``, ``debug`` and ``data: [DONE]`` carry
nothing. A stream that ends without ``message-end`` raises
:class:`~llmcore.errors.ProviderResponseError` (the answer is incomplete).
"""

from __future__ import annotations

import json
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
from llmcore.http.sse import SSEDecoder
from llmcore.pluginkit import SHAPE_ERRORS, malformed
from llmcore.types import CallWarning

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
            text = text_of(content.get("text"))
            produced = produced or bool(text)
            return [TextDelta(text)] if text else []
        if t == "tool-call-delta":
            piece = text_of(((message.get("tool_calls") or {}).get("function") or {}).get("arguments"))
            idx = _index(data)
            call = calls.get(idx)
            if call is None or not piece:
                return []
            call.args += piece
            return [ToolCallDelta(idx, arguments_delta=piece)]
        if t == "tool-plan-delta":
            plan = text_of(message.get("tool_plan"))
            produced = produced or bool(plan)
            return [TextDelta(plan)] if plan else []
        if t == "content-start":
            content = message.get("content") or {}
            kind = "thinking" if content.get("type") == "thinking" else "text"
            first = text_of(content.get(kind))
            if not first:
                return []
            produced = True
            return [ReasoningDelta(first)] if kind == "thinking" else [TextDelta(first)]
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
            if isinstance(c, dict):
                citations.append(c)
            elif isinstance(c, list):
                citations.extend(c)
            return []
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
