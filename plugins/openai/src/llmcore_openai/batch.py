"""OpenAI Batch API (:class:`llmcore.batching.BatchProvider`), as a mixin of
:class:`~llmcore_openai.provider.OpenAIProvider`.

* submit: the requests as JSONL (``custom_id`` = input index, ``method``,
  ``url`` = ``/v1/chat/completions`` or ``/v1/responses`` with
  ``api="responses"``, ``body`` = exactly what a live call sends), uploaded
  with ``POST /files`` (``purpose=batch``), then ``POST /batches``
  (``completion_window: 24h``);
* status: ``GET /batches/{id}``;
* results: the output file (``GET /files/{output_file_id}/content``) and the
  error file, each line ``{"custom_id", "response": {"status_code", "body"},
  "error"}``, mapped by ``custom_id`` with the same codec and error mapping as
  a live call.

Reference: https://platform.openai.com/docs/api-reference/batch
"""

from __future__ import annotations

import json
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
from llmcore.errors import InvalidRequestError, LLMCoreError, ProviderResponseError

if TYPE_CHECKING:
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["OpenAIBatch", "STATES"]

#: OpenAI batch status -> normalised state
STATES: dict[str, BatchState] = {
    "validating": "pending",
    "in_progress": "running",
    "finalizing": "finalizing",
    "completed": "completed",
    "failed": "failed",
    "expired": "expired",
    "cancelling": "cancelling",
    "cancelled": "cancelled",
}


class OpenAIBatch:
    """Batch methods for an OpenAI provider (needs ``build_request``,
    ``responses_request``, ``request_json``, ``extra_headers`` and the codec)."""

    def _batch_endpoint(self) -> tuple[str, str]:
        api = getattr(self, "api", "chat")
        return (api, "/v1/responses") if api == "responses" else ("chat", "/v1/chat/completions")

    async def batch_submit(self, requests: Sequence[ChatRequest]) -> BatchRef:
        """Upload the JSONL and create the batch; see the module docstring."""
        this: Any = self
        api, url = self._batch_endpoint()
        lines: list[bytes] = []
        warnings = {}
        for i, req in enumerate(requests):
            body, w = this.responses_request(req, False) if api == "responses" else this.build_request(req, False)
            if w.items:
                warnings[i] = list(w.items)
            lines.append(
                json.dumps(
                    {"custom_id": str(i), "method": "POST", "url": url, "body": body},
                    separators=(",", ":"),
                    ensure_ascii=False,
                ).encode()
            )
        content = b"\n".join(lines) + b"\n"
        raw = await send(
            this,
            "POST",
            "files",
            data={"purpose": "batch"},
            files={"file": ("llmcore-batch.jsonl", content, "application/jsonl")},
            headers=this.extra_headers(),
        )
        file_id = _json(raw, this.spec.name).get("id")
        if not isinstance(file_id, str):
            raise ProviderResponseError(
                "the file upload answered without an id", provider=this.spec.name, raw=raw[:500]
            )
        data, _ = await this.request_json(
            "POST",
            "batches",
            {"input_file_id": file_id, "endpoint": url, "completion_window": "24h"},
            headers=this.extra_headers(),
        )
        batch_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(batch_id, str):
            raise ProviderResponseError(
                "the batch was created without an id", provider=this.spec.name, raw=str(data)[:500]
            )
        extra = {"api": "responses"} if api == "responses" else {}
        return BatchRef(this.spec.name, batch_id, len(requests), extra, warnings)

    async def _batch(self, ref: BatchRef) -> dict[str, Any]:
        this: Any = self
        data, _ = await this.request_json("GET", f"batches/{ref.id}", headers=this.extra_headers())
        if not isinstance(data, dict) or "status" not in data:
            raise ProviderResponseError("not a batch object", provider=this.spec.name, raw=str(data)[:500])
        return data

    async def batch_status(self, ref: BatchRef) -> BatchStatus:
        """``GET /batches/{id}``, normalised."""
        return _status(ref, await self._batch(ref))

    async def batch_results(self, ref: BatchRef) -> list[ChatResponse | LLMCoreError]:
        """Download and map the output and error files, in input order."""
        this: Any = self
        name = this.spec.name
        data = await self._batch(ref)
        status = _status(ref, data)
        if not status.done:
            raise BatchNotReadyError(f"batch {ref} is {status.raw_state}; results are not ready", provider=name)
        if status.state == "failed" and not data.get("output_file_id") and not data.get("error_file_id"):
            raise InvalidRequestError(
                f"batch {ref} failed: {status.error or 'no reason given'}", provider=name, raw=str(data)[:2000]
            )
        found: dict[int, ChatResponse | LLMCoreError] = {}
        for key in ("output_file_id", "error_file_id"):
            file_id = data.get(key)
            if not isinstance(file_id, str) or not file_id:
                continue
            raw = await send(this, "GET", f"files/{file_id}/content", headers=this.extra_headers())
            for line in iter_jsonl(raw, name):
                i = index_of(line.get("custom_id"), ref.count)
                if i is not None:
                    found[i] = self._batch_line(line, ref)
        missing = {"cancelled": BatchCanceledError, "expired": BatchExpiredError}.get(status.state)
        return results_in_order(ref, found, missing=missing)

    def _batch_line(self, line: dict[str, Any], ref: BatchRef) -> ChatResponse | LLMCoreError:
        this: Any = self
        name = this.spec.name
        resp = line.get("response")
        err = line.get("error")
        if isinstance(resp, dict) and isinstance(resp.get("status_code"), int):
            code, body = resp["status_code"], resp.get("body")
            if code >= 300:
                e = this.make_error(code, json.dumps(body).encode(), {})
                e.request_id = e.request_id or resp.get("request_id")
                return e  # type: ignore[no-any-return]
            try:
                if ref.extra.get("api") == "responses":
                    from .responses.response import parse_response as parse_responses

                    return parse_responses(body, provider=name)
                from .chat.response import parse_response

                return parse_response(body, this.dialect, provider=name, usage_mapper=this.map_usage)
            except LLMCoreError as e:
                return e
        if isinstance(err, dict):
            code = str(err.get("code") or "")
            msg = str(err.get("message") or code or "the request failed")
            if code == "batch_expired":
                return BatchExpiredError(msg, provider=name, code=code)
            if code == "batch_cancelled":
                return BatchCanceledError(msg, provider=name, code=code)
            return LLMCoreError(msg, provider=name, code=code or None, raw=json.dumps(err))
        return ProviderResponseError(
            "a batch result line has neither response nor error", provider=name, raw=json.dumps(line)[:500]
        )


def _json(raw: bytes, provider: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise ProviderResponseError("response is not JSON", provider=provider, raw=raw[:500]) from None
    if not isinstance(data, dict):
        raise ProviderResponseError("response is not a JSON object", provider=provider, raw=raw[:500])
    return data


def _status(ref: BatchRef, data: dict[str, Any]) -> BatchStatus:
    raw_state = str(data.get("status"))
    rc = data.get("request_counts")
    counts: dict[str, Any] = rc if isinstance(rc, dict) else {}
    errors = (data.get("errors") or {}).get("data") if isinstance(data.get("errors"), dict) else None
    error = None
    if errors:
        error = "; ".join(
            f"{e.get('message')}" + (f" (line {e['line']})" if e.get("line") is not None else "")
            for e in errors
            if isinstance(e, dict)
        )
    return BatchStatus(
        id=str(ref),
        provider=ref.provider,
        state=STATES.get(raw_state, "running"),
        raw_state=raw_state,
        total=counts.get("total"),
        succeeded=counts.get("completed"),
        failed=counts.get("failed"),
        error=error,
        raw=data,
    )
