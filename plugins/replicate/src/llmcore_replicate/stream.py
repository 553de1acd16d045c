"""A prediction's SSE stream (``urls.stream``) → text deltas.

Event types (https://replicate.com/docs/topics/predictions/streaming):

* ``output`` — data is plain text: the next piece of the output;
* ``logs`` — model logs (ignored);
* ``error`` — data is JSON ``{"detail": "..."}``: the prediction failed;
* ``done`` — data is ``{}``, or ``{"reason": "canceled"}`` / ``{"reason": "error"}``;
  the stream is over.

:func:`decode_events` yields the text pieces and returns on ``done``;
failures raise the typed error of the prediction (see :mod:`.errors`).
A stream that ends without ``done`` was cut off: :class:`ProviderResponseError`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.http.sse import aiter_sse

from .errors import prediction_error

__all__ = ["decode_events"]


def _json(data: str) -> Any:
    try:
        return json.loads(data) if data.strip() else {}
    except ValueError:
        return None


async def decode_events(
    chunks: AsyncIterable[bytes], *, provider: str, prediction_id: str | None = None
) -> AsyncIterator[str]:
    """Yield the ``output`` pieces of one prediction stream until ``done``."""
    async for sse in aiter_sse(chunks):
        event = sse.event
        if event == "output":
            if sse.data:
                yield sse.data
        elif event == "done":
            info = _json(sse.data)
            reason = info.get("reason") if isinstance(info, dict) else None
            if reason in ("canceled", "aborted"):
                raise prediction_error({"id": prediction_id, "status": reason}, provider)
            if reason == "error":
                raise prediction_error(
                    {"id": prediction_id, "status": "failed", "error": "the stream ended with an error"}, provider
                )
            return
        elif event == "error":
            info = _json(sse.data)
            detail = info.get("detail") if isinstance(info, dict) else None
            raise prediction_error(
                {"id": prediction_id, "status": "failed", "error": detail or sse.data or "stream error"}, provider
            )
        # "logs" and unknown events carry no output
    raise ProviderResponseError("the prediction stream ended before its done event", provider=provider)
