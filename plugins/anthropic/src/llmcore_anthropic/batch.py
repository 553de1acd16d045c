"""Anthropic Message Batches (:class:`llmcore.batching.BatchProvider`), as a
mixin of :class:`~llmcore_anthropic.provider.AnthropicProvider`.

* submit: ``POST /v1/messages/batches`` with ``{"requests": [{"custom_id":
  "<input index>", "params": <the /v1/messages body a live call sends>}]}``;
* status: ``GET /v1/messages/batches/{id}`` (``processing_status``
  ``in_progress`` / ``canceling`` / ``ended``, ``request_counts``);
* results: ``GET /v1/messages/batches/{id}/results`` (JSONL; each line
  ``{"custom_id", "result": {"type": "succeeded", "message"} | {"type":
  "errored", "error"} | {"type": "canceled"} | {"type": "expired"}}``),
  read from our base URL (so a proxy base URL keeps working).

Reference: https://docs.anthropic.com/en/api/creating-message-batches,
https://docs.anthropic.com/en/api/retrieving-message-batch-results
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llmcore.batching.base import (
    BatchCanceledError,
    BatchExpiredError,
    BatchNotReadyError,
    BatchRef,
    BatchState,
    BatchStatus,
    index_of,
    results_in_order,
)
from llmcore.batching.http import iter_jsonl, send
from llmcore.errors import LLMCoreError, ProviderResponseError

from .errors import stream_error
from .request import build_messages_body
from .response import parse_message

if TYPE_CHECKING:
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["AnthropicBatch", "BATCHES_PATH", "STATES"]

BATCHES_PATH = "/v1/messages/batches"

#: processing_status -> normalised state (``ended`` is refined by the counts)
STATES: dict[str, BatchState] = {"in_progress": "running", "canceling": "cancelling", "ended": "completed"}


class AnthropicBatch:
    """Batch methods for :class:`~llmcore_anthropic.provider.AnthropicProvider`."""

    async def batch_submit(self, requests: Sequence[ChatRequest]) -> BatchRef:
        """Create the message batch; ``custom_id`` is the input index."""
        this: Any = self
        entries = []
        warnings = {}
        for i, req in enumerate(requests):
            body, w = build_messages_body(
                req, stream=False, provider=this.spec.name, default_max_tokens=this._default_max_tokens
            )
            if w:
                warnings[i] = list(w)
            entries.append({"custom_id": str(i), "params": body})
        data, _ = await this.request_json("POST", BATCHES_PATH, {"requests": entries})
        batch_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(batch_id, str):
            raise ProviderResponseError(
                "the message batch was created without an id", provider=this.spec.name, raw=str(data)[:500]
            )
        return BatchRef(this.spec.name, batch_id, len(requests), {}, warnings)

    async def batch_status(self, ref: BatchRef) -> BatchStatus:
        """``GET /v1/messages/batches/{id}``, normalised."""
        this: Any = self
        data, _ = await this.request_json("GET", f"{BATCHES_PATH}/{ref.id}")
        if not isinstance(data, dict) or "processing_status" not in data:
            raise ProviderResponseError("not a message batch", provider=this.spec.name, raw=str(data)[:500])
        raw_state = str(data["processing_status"])
        rc = data.get("request_counts")
        counts: dict[str, Any] = rc if isinstance(rc, dict) else {}
        state = STATES.get(raw_state, "running")
        if state == "completed" and data.get("cancel_initiated_at"):
            state = "cancelled"
        ok = counts.get("succeeded")
        ints = {k: v for k, v in counts.items() if isinstance(v, int)}
        bad = sum(v for k, v in ints.items() if k in ("errored", "canceled", "expired"))
        total = sum(ints.values()) if counts else None
        return BatchStatus(
            id=str(ref),
            provider=ref.provider,
            state=state,
            raw_state=raw_state,
            total=total,
            succeeded=ok,
            failed=bad if counts else None,
            raw=data,
        )

    async def batch_results(self, ref: BatchRef) -> list[ChatResponse | LLMCoreError]:
        """The results file, mapped by ``custom_id``, in input order."""
        this: Any = self
        name = this.spec.name
        status = await self.batch_status(ref)
        if not status.done:
            raise BatchNotReadyError(f"batch {ref} is {status.raw_state}; results are not ready", provider=name)
        raw = await send(this, "GET", f"{BATCHES_PATH}/{ref.id}/results")
        found: dict[int, ChatResponse | LLMCoreError] = {}
        for line in iter_jsonl(raw, name):
            i = index_of(line.get("custom_id"), ref.count)
            if i is not None:
                found[i] = _result(line.get("result"), name)
        return results_in_order(ref, found)


def _result(result: Any, provider: str) -> ChatResponse | LLMCoreError:
    kind = result.get("type") if isinstance(result, dict) else None
    if kind == "succeeded":
        try:
            return parse_message(result["message"], provider=provider)  # type: ignore[index]
        except LLMCoreError as e:
            return e
    if kind == "errored":
        err = result.get("error")  # type: ignore[union-attr]
        if isinstance(err, dict) and not isinstance(err.get("error"), dict):
            err = {"type": "error", "error": err}  # the flat shape of older results
        return stream_error(err if isinstance(err, dict) else {}, {}, provider)
    if kind == "canceled":
        return BatchCanceledError("the request was canceled before it ran", provider=provider, code="canceled")
    if kind == "expired":
        return BatchExpiredError("the batch expired before the request ran", provider=provider, code="expired")
    return ProviderResponseError(f"unknown batch result type {kind!r}", provider=provider, raw=str(result)[:500])
