"""The Replicate provider: predictions, wired onto :class:`HTTPProvider`.

* Auth: ``Authorization: Bearer <REPLICATE_API_TOKEN>``; base URL
  ``https://api.replicate.com/v1`` (or ``REPLICATE_API_BASE_URL`` / ``base_url=``).
* ``chat``: create the prediction with ``Prefer: wait`` (the server holds the
  request up to 60 s); if it is still ``starting``/``processing``, poll
  ``urls.get`` with backoff (``poll_interval`` growing by half each time, up to
  ``max_poll_interval``) until it ends or the total timeout
  (``ProviderConfig.timeout``, default 600 s) is spent — then
  :class:`ProviderTimeoutError`. ``failed``/``canceled``/``aborted`` are typed
  errors with the prediction's ``error``.
* ``stream_chat``: create the prediction (``stream: true``, no wait), read the
  SSE stream at ``urls.stream`` (``output`` pieces until ``done``), then fetch
  the prediction once for its ``metrics`` (usage). A model without a stream URL
  is polled and its output emitted in one piece.
* Options: ``wait`` (``True``: wait up to 60 s; an int 1-60: that many
  seconds; ``False``: no ``Prefer`` header, poll from the start),
  ``poll_interval`` (default 0.5 s), ``max_poll_interval`` (default 5 s).
  Anything else is a :class:`ConfigurationError` listing these.
* No tools (a warning, or :class:`UnsupportedFeatureError` in strict mode);
  ``count_tokens`` is a labelled estimate.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

from llmcore import errors as E
from llmcore.events import Finish, ResponseMetadata, StreamEvent, TextDelta, UsageEvent, WarningEvent
from llmcore.pluginkit import check_options
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import CallWarning, ChatRequest, ChatResponse, Usage

from . import SPEC
from .errors import error_details, prediction_error, retry_after_from_detail
from .models import Target, inputs_for, parse_model
from .prediction import TERMINAL, finish_reason, parse_usage, to_response
from .request import build_body
from .stream import decode_events

__all__ = ["DEFAULT_TOTAL_TIMEOUT", "ReplicateProvider"]

#: seconds a non-streamed call may take in total when ProviderConfig.timeout is not set
DEFAULT_TOTAL_TIMEOUT = 600.0
_MAX_WAIT = 60


class ReplicateProvider(HTTPProvider):
    """Language models on Replicate, through the Predictions API."""

    spec: ClassVar[ProviderSpec] = SPEC
    #: provider settings accepted in ``ProviderConfig.options``
    KNOWN_OPTIONS: ClassVar[tuple[str, ...]] = ("wait", "poll_interval", "max_poll_interval")

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        opts = check_options(config.options, self.KNOWN_OPTIONS, self.spec.name)
        wait = opts.get("wait", True)
        if not isinstance(wait, bool) and not (isinstance(wait, int) and 1 <= wait <= _MAX_WAIT):
            raise E.ConfigurationError("option wait must be True, False or seconds from 1 to 60", provider="replicate")
        poll = opts.get("poll_interval", 0.5)
        max_poll = opts.get("max_poll_interval", 5.0)
        for name, value in (("poll_interval", poll), ("max_poll_interval", max_poll)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise E.ConfigurationError(f"option {name} must be a positive number of seconds", provider="replicate")
        super().__init__(config)
        self._wait: bool | int = wait
        self._poll = float(poll)
        self._max_poll = max(float(max_poll), self._poll)

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
        return error_details(status, body, text)

    def make_error(self, status: int, raw: bytes, headers: Mapping[str, str]) -> E.LLMCoreError:
        err = super().make_error(status, raw, headers)
        if isinstance(err, E.RateLimitError) and err.retry_after is None:
            err.retry_after = retry_after_from_detail(err.message)
        return err

    # -- prediction plumbing ----------------------------------------------------------

    def _deadline(self) -> float:
        return asyncio.get_running_loop().time() + (self._timeout or DEFAULT_TOTAL_TIMEOUT)

    def _prefer(self, deadline: float) -> str | None:
        """The ``Prefer`` header: ``wait`` or ``wait=n``, within the time left."""
        if self._wait is False:
            return None
        want = _MAX_WAIT if self._wait is True else int(self._wait)
        left = round(deadline - asyncio.get_running_loop().time()) - 1  # one second of margin
        if left >= want:
            return "wait" if self._wait is True else f"wait={want}"
        return f"wait={max(1, left)}"

    def _check(self, data: Any) -> dict[str, Any]:
        # a prediction is a handful of fields: checking their types costs nothing
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("status"), str)
            or not isinstance(data.get("id"), (str, type(None)))
            or not isinstance(data.get("model"), (str, type(None)))
            or not isinstance(data.get("urls"), (dict, type(None)))
        ):
            import json

            raise E.ProviderResponseError(
                "the answer is not a prediction (a status string, and id, model and urls of the right types)",
                provider=self.spec.name,
                raw=json.dumps(data)[:500],
            )
        return data

    async def create(self, target: Target, body: dict[str, Any], *, prefer: str | None) -> dict[str, Any]:
        """Create a prediction; returns it as the server answered."""
        headers = {"prefer": prefer} if prefer else None
        data, _ = await self.request_json("POST", target.path, body, headers=headers)
        return self._check(data)

    async def poll(self, prediction: dict[str, Any], deadline: float) -> dict[str, Any]:
        """Poll ``urls.get`` until the prediction is terminal or ``deadline`` passes."""
        loop = asyncio.get_running_loop()
        interval = self._poll
        while prediction.get("status") not in TERMINAL:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise E.ProviderTimeoutError(
                    f"prediction {prediction.get('id')} is still {prediction.get('status')} after the total timeout "
                    f"of {self._timeout or DEFAULT_TOTAL_TIMEOUT:g}s",
                    provider=self.spec.name,
                    request_id=prediction.get("id"),
                )
            await asyncio.sleep(min(interval, remaining))
            if loop.time() >= deadline:
                continue  # report the timeout above, without another request
            data, _ = await self.request_json("GET", self._get_url(prediction))
            prediction = self._check(data)
            interval = min(interval * 1.5, self._max_poll)
        return prediction

    def _get_url(self, prediction: Mapping[str, Any]) -> str:
        urls = prediction.get("urls")
        url = urls.get("get") if isinstance(urls, Mapping) else None
        if isinstance(url, str) and url:
            return url
        pid = prediction.get("id")
        if not pid:
            raise E.ProviderResponseError("the prediction has neither urls.get nor an id", provider=self.spec.name)
        return f"predictions/{pid}"

    def _result(self, prediction: dict[str, Any], request: ChatRequest, warnings: list[CallWarning]) -> ChatResponse:
        if prediction.get("status") != "succeeded":
            raise prediction_error(prediction, self.spec.name)
        return to_response(prediction, provider=self.spec.name, max_tokens=request.max_tokens, warnings=warnings)

    # -- the operations ----------------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """Create with ``Prefer: wait``, poll until done, map the output."""
        target = parse_model(request.model, self.spec.name)
        body, warnings = build_body(request, target, inputs_for(target), stream=False, provider=self.spec.name)
        deadline = self._deadline()
        prediction = await self.create(target, body, prefer=self._prefer(deadline))
        prediction = await self.poll(prediction, deadline)
        return self._result(prediction, request, warnings)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """Create, then read ``urls.stream``; usage from the finished prediction."""
        target = parse_model(request.model, self.spec.name)
        body, warnings = build_body(request, target, inputs_for(target), stream=True, provider=self.spec.name)
        deadline = self._deadline()
        prediction = await self.create(target, body, prefer=None)
        for w in warnings:
            yield WarningEvent(w)
        urls = prediction.get("urls")
        stream_url = urls.get("stream") if isinstance(urls, Mapping) else None
        if prediction.get("status") in TERMINAL or not stream_url or not isinstance(stream_url, str):
            prediction = await self.poll(prediction, deadline)
            response = self._result(prediction, request, [])
            yield ResponseMetadata(id=response.id, model=response.model)
            if response.text:
                yield TextDelta(response.text)
            if response.usage.input_tokens is not None or response.usage.output_tokens is not None:
                yield UsageEvent(response.usage)
            yield Finish(response.finish_reason, response.raw_finish_reason)
            return
        pid = prediction.get("id")
        yield ResponseMetadata(id=str(pid) if pid else None, model=prediction.get("model"))
        produced = False
        async with self.open_stream(stream_url, None, method="GET", headers={"cache-control": "no-store"}) as r:
            async for piece in decode_events(r.aiter_bytes(), provider=self.spec.name, prediction_id=pid):
                produced = True
                yield TextDelta(piece)
        usage, status = Usage(), "succeeded"
        try:
            data, _ = await self.request_json("GET", self._get_url(prediction))
            final = self._check(data)
            usage, status = parse_usage(final.get("metrics")), str(final.get("status"))
        except E.LLMCoreError as e:
            yield WarningEvent(CallWarning(feature="usage", detail=f"could not read the prediction's metrics: {e}"))
        reason = finish_reason(usage, request.max_tokens)
        if not produced and reason != "length":  # done after no output: the model answered nothing
            raise E.ProviderResponseError(
                f"prediction {pid} streamed no output before its done event",
                provider=self.spec.name,
                request_id=pid,
            )
        if usage.input_tokens is not None or usage.output_tokens is not None:
            yield UsageEvent(usage)
        yield Finish(reason, status)
