"""Gemini API batch mode (:class:`llmcore.batching.BatchProvider`), inline
requests, as a mixin of :class:`~llmcore_gemini.provider.GeminiProvider`.

* submit: ``POST models/{model}:batchGenerateContent`` with ``{"batch":
  {"displayName", "inputConfig": {"requests": {"requests": [{"request":
  <the generateContent body a live call sends>, "metadata": {"key": "<input
  index>"}}]}}}}`` — answered with a long-running operation named
  ``batches/{id}``;
* status: ``GET batches/{id}`` (``metadata.state`` ``BATCH_STATE_*``,
  ``metadata.batchStats``);
* results: the same operation once ``done``: ``response.inlinedResponses.
  inlinedResponses`` (or ``metadata.output...``), each ``{"response"} |
  {"error"}`` with our ``metadata.key`` (position as a fallback: the API
  returns them in request order).

Inline requests are limited to 20 MB per batch (larger: the file input, not
implemented here). Reference: https://ai.google.dev/api/batch-mode,
https://ai.google.dev/gemini-api/docs/batch-mode
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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
from llmcore.errors import InvalidRequestError, LLMCoreError, ProviderResponseError
from llmcore.events import StreamAccumulator

from .errors import error_from_status_body
from .response import ResponseMapper

if TYPE_CHECKING:
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["GeminiBatch", "STATES"]

STATES: dict[str, BatchState] = {
    "BATCH_STATE_PENDING": "pending",
    "BATCH_STATE_RUNNING": "running",
    "BATCH_STATE_SUCCEEDED": "completed",
    "BATCH_STATE_FAILED": "failed",
    "BATCH_STATE_CANCELLED": "cancelled",
    "BATCH_STATE_EXPIRED": "expired",
}

#: google.rpc.Code -> HTTP status, for per-request errors (which carry no HTTP status)
_RPC_HTTP = {3: 400, 5: 404, 7: 403, 8: 429, 9: 400, 11: 400, 13: 500, 14: 503, 16: 401, 4: 504}


class GeminiBatch:
    """Batch methods for :class:`~llmcore_gemini.provider.GeminiProvider`."""

    async def batch_submit(self, requests: Sequence[ChatRequest]) -> BatchRef:
        """One ``batchGenerateContent`` call with every request inline."""
        this: Any = self
        models = {r.model for r in requests}
        if len(models) != 1:
            raise InvalidRequestError("a Gemini batch runs on one model", provider=this.spec.name)
        entries = []
        warnings = {}
        for i, req in enumerate(requests):
            body, w = this._body(req)
            if w:
                warnings[i] = list(w)
            entries.append({"request": body, "metadata": {"key": str(i)}})
        model = requests[0].model
        payload = {"batch": {"displayName": "llmcore-batch", "inputConfig": {"requests": {"requests": entries}}}}
        await this.prepare()
        data, _ = await this.request_json("POST", this.model_path(model, "batchGenerateContent"), payload)
        name = data.get("name") if isinstance(data, dict) else None
        if not isinstance(name, str) or not name:
            raise ProviderResponseError(
                "batchGenerateContent answered without an operation name", provider=this.spec.name, raw=str(data)[:500]
            )
        return BatchRef(this.spec.name, name, len(requests), {}, warnings)

    async def _operation(self, ref: BatchRef) -> dict[str, Any]:
        this: Any = self
        await this.prepare()
        path = ref.id if ref.id.startswith("batches/") else f"batches/{ref.id}"
        data, _ = await this.request_json("GET", path)
        if not isinstance(data, dict):
            raise ProviderResponseError("not a batch operation", provider=this.spec.name, raw=str(data)[:500])
        return data

    async def batch_status(self, ref: BatchRef) -> BatchStatus:
        """``GET batches/{id}``, normalised."""
        return _status(ref, await self._operation(ref))

    async def batch_results(self, ref: BatchRef) -> list[ChatResponse | LLMCoreError]:
        """The inline responses of the finished operation, in input order."""
        this: Any = self
        name = this.spec.name
        op = await self._operation(ref)
        status = _status(ref, op)
        if not status.done:
            raise BatchNotReadyError(f"batch {ref} is {status.raw_state}; results are not ready", provider=name)
        entries = _inlined(op)
        if entries is None:
            if status.state == "failed" or status.error:
                raise InvalidRequestError(
                    f"batch {ref} failed: {status.error or 'no reason given'}", provider=name, raw=json.dumps(op)[:2000]
                )
            entries = []
        found: dict[int, ChatResponse | LLMCoreError] = {}
        for pos, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                continue
            meta = entry.get("metadata")
            i = index_of(meta.get("key") if isinstance(meta, Mapping) else None, ref.count)
            if i is None:
                i = pos if pos < ref.count else None
            if i is not None:
                found[i] = _entry(entry, name, op)
        missing = {"cancelled": BatchCanceledError, "expired": BatchExpiredError}.get(status.state)
        return results_in_order(ref, found, missing=missing)


def _inlined(op: Mapping[str, Any]) -> list[Any] | None:
    for root in (op.get("response"), (op.get("metadata") or {}).get("output")):
        if isinstance(root, Mapping):
            box = root.get("inlinedResponses")
            if isinstance(box, Mapping) and isinstance(box.get("inlinedResponses"), list):
                return box["inlinedResponses"]  # type: ignore[no-any-return]
            if isinstance(box, list):
                return box
    return None


def _entry(entry: Mapping[str, Any], provider: str, op: Mapping[str, Any]) -> ChatResponse | LLMCoreError:
    err = entry.get("error")
    if isinstance(err, Mapping):
        code = err.get("code")
        status = _RPC_HTTP.get(code, 500) if isinstance(code, int) else 500
        return error_from_status_body(provider, status, json.dumps({"error": dict(err)}))
    data = entry.get("response")
    if not isinstance(data, Mapping):
        return ProviderResponseError(
            "a batch entry has neither response nor error", provider=provider, raw=json.dumps(dict(entry))[:500]
        )
    model = (op.get("metadata") or {}).get("model")
    mapper = ResponseMapper(provider, model.removeprefix("models/") if isinstance(model, str) else None)
    acc = StreamAccumulator()
    try:
        for ev in mapper.feed(data):
            acc.add(ev)
        if not mapper.finished:
            return ProviderResponseError(
                "the response has no finish reason: the answer is incomplete",
                provider=provider,
                raw=json.dumps(dict(data))[:500],
            )
        for ev in mapper.end():
            acc.add(ev)
    except LLMCoreError as e:
        return e
    resp = acc.response(provider)
    resp.raw = data
    return resp


def _int(v: Any) -> int | None:
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.isdigit():  # int64 fields are JSON strings
        return int(v)
    return None


def _status(ref: BatchRef, op: Mapping[str, Any]) -> BatchStatus:
    m = op.get("metadata")
    meta: Mapping[str, Any] = m if isinstance(m, Mapping) else {}
    raw_state = meta.get("state") if isinstance(meta.get("state"), str) else None
    state: BatchState = STATES.get(raw_state or "", "running")
    error = None
    if isinstance(op.get("error"), Mapping):
        error = str(op["error"].get("message") or op["error"])
        if raw_state is None:
            state = "failed"
    elif op.get("done") and raw_state is None:
        state = "completed"
    st = meta.get("batchStats")
    stats: Mapping[str, Any] = st if isinstance(st, Mapping) else {}
    return BatchStatus(
        id=str(ref),
        provider=ref.provider,
        state=state,
        raw_state=raw_state,
        total=_int(stats.get("requestCount")),
        succeeded=_int(stats.get("successfulRequestCount")),
        failed=_int(stats.get("failedRequestCount")),
        error=error,
        raw=dict(op),
    )
