"""Workers AI SSE stream → llmcore stream events.

With ``"stream": true`` a text generation model answers ``text/event-stream``
(https://developers.cloudflare.com/workers-ai/get-started/streaming/)::

    data: {"response":"New"}

    data: {"response":" York","usage":{...}}     # usage, when sent, rides on a chunk

    data: [DONE]

Each ``data`` line is parsed once. ``usage`` may arrive on any chunk (the
last one wins) and is emitted once, before the single ``Finish``. A stream
that ends without ``[DONE]`` was cut off, and one with no text, no finish
reason and fewer tokens than ``max_tokens`` carried no answer: both are a
:class:`ProviderResponseError`, as is a field of the wrong type.
A chunk that is a failed envelope (``success: false``) raises the typed error.
Models served in the OpenAI chunk shape (``choices[0].delta.content``) are
read too.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.events import Finish, StreamEvent, TextDelta, UsageEvent, WarningEvent
from llmcore.http.sse import aiter_sse
from llmcore.types import CallWarning, Usage

from .errors import envelope_error
from .response import finish_reason, parse_usage

__all__ = ["decode_stream"]


async def decode_stream(
    chunks: AsyncIterable[bytes],
    *,
    provider: str,
    headers: Mapping[str, str],
    max_tokens: int | None = None,
    warnings: list[CallWarning] | None = None,
) -> AsyncIterator[StreamEvent]:
    """Decode the SSE bytes of one ``ai/run`` stream."""
    for w in warnings or ():
        yield WarningEvent(w)
    usage: Usage | None = None
    raw_finish: str | None = None
    done = False
    produced = False  # any text so far
    async for sse in aiter_sse(chunks):
        data = sse.data
        if data == "[DONE]":
            done = True
            break
        try:
            chunk: Any = json.loads(data)
        except ValueError:
            raise ProviderResponseError("stream chunk is not JSON", provider=provider, raw=data[:500]) from None
        if not isinstance(chunk, dict):
            raise ProviderResponseError("stream chunk is not a JSON object", provider=provider, raw=data[:500])
        if chunk.get("success") is False:
            raise envelope_error(chunk, headers, provider)
        text = chunk.get("response")
        if text is None:
            choices = chunk.get("choices")
            if isinstance(choices, list) and choices and isinstance(choices[0], dict):
                delta = choices[0].get("delta")
                text = delta.get("content") if isinstance(delta, dict) else None
                if text is not None and not isinstance(text, str):
                    raise ProviderResponseError("delta.content is not a string", provider=provider, raw=data[:500])
                raw_finish = choices[0].get("finish_reason") or raw_finish
        if text:
            produced = True
            yield TextDelta(text if isinstance(text, str) else json.dumps(text))
        if chunk.get("usage"):
            usage = parse_usage(chunk["usage"])
        if chunk.get("finish_reason"):
            raw_finish = chunk["finish_reason"]  # not a string: finish_reason() raises the typed error
    if not done:
        raise ProviderResponseError("the stream ended before data: [DONE]", provider=provider)
    reason, raw = finish_reason(
        raw_finish, tool_calls=False, usage=usage or Usage(), max_tokens=max_tokens, provider=provider
    )
    if not produced and raw_finish is None and reason != "length":
        # [DONE] after only empty chunks (no text, no finish reason, max_tokens not reached)
        raise ProviderResponseError("the stream carried no answer before data: [DONE]", provider=provider)
    if usage is not None:
        yield UsageEvent(usage)
    yield Finish(reason, raw)
