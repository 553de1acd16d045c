"""OpenAI Responses API background mode: start a response without waiting
for it, then poll, wait, cancel or resume its stream.

    import llmcore
    from llmcore_openai import background

    m = llmcore.model("openai/o3-pro", api="responses")
    job = background.start(m, "Write a long report on ...")   # BackgroundJob(id, status)
    answer = background.wait(m, job.id)                        # polls GET /responses/{id}
    background.cancel(m, job.id)                               # POST /responses/{id}/cancel

Contract (OpenAI's Responses API reference):

* :func:`start` sends the request llmcore would send for ``m.chat(messages,
  **params)`` with ``background: true`` and ``store: true`` (the API keeps a
  background response only when stored) and returns the handle at once —
  status ``queued`` or ``in_progress``.
* :func:`retrieve` is ``GET /responses/{id}``; :func:`wait` polls it every
  ``poll_interval`` seconds until the status is final and returns the
  :class:`~llmcore.types.ChatResponse` of a ``completed`` (or ``incomplete``)
  response. A ``failed`` one raises :class:`~llmcore.errors.ProviderServerError`
  with the API's message and code; a ``cancelled`` one
  :class:`BackgroundCancelledError`; no final status within ``timeout``
  seconds :class:`~llmcore.errors.ProviderTimeoutError` (the response keeps
  running: wait again or cancel it).
* :func:`cancel` is ``POST /responses/{id}/cancel`` (cancelling a finished
  response is the API's error, typed like any other).
* :func:`stream` resumes the event stream of a response started with
  ``stream=True`` from after event ``starting_after`` (the ``sequence_number``
  of the last event seen): ``GET /responses/{id}?stream=true&starting_after=N``.
  Events are llmcore's stream events, as from ``m.stream``.

Every call goes through the model's own provider (its key, base URL and HTTP
client); errors are llmcore's typed errors. The model must use the Responses
API (``api="responses"``); anything else is an
:class:`~llmcore.errors.UnsupportedFeatureError` before the network. These
calls do not pass the model's retry, budget or usage hooks: a background
response is billed when it runs, and ``ChatResponse.usage`` says what it used.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmcore.errors import (
    InvalidRequestError,
    LLMCoreError,
    ProviderResponseError,
    ProviderServerError,
    ProviderTimeoutError,
    UnsupportedFeatureError,
)

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.facade import Model
    from llmcore.types import ChatResponse

__all__ = [
    "BackgroundCancelledError",
    "BackgroundJob",
    "FINAL_STATUSES",
    "acancel",
    "aretrieve",
    "astart",
    "astream",
    "await_response",
    "cancel",
    "retrieve",
    "start",
    "stream",
    "wait",
]

#: statuses after which a background response changes no more
FINAL_STATUSES = frozenset({"completed", "failed", "cancelled", "incomplete"})
_ID = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


class BackgroundCancelledError(LLMCoreError):
    """The background response was cancelled before it finished."""


@dataclass(frozen=True)
class BackgroundJob:
    """A background response: ``id``, ``status`` (``queued``, ``in_progress``,
    ``completed``, ``failed``, ``cancelled``, ``incomplete``) and ``data``, the
    API's response object as it was last seen."""

    id: str
    status: str
    data: dict[str, Any]

    @property
    def done(self) -> bool:
        """Whether the status is final (:data:`FINAL_STATUSES`)."""
        return self.status in FINAL_STATUSES


def _provider(model: Model) -> Any:
    p = model.base_provider
    if getattr(p, "api", None) != "responses" or not hasattr(p, "responses_request"):
        raise UnsupportedFeatureError(
            f"background mode is the Responses API's: use llmcore.model('{model.name}', api='responses')",
            provider=model.spec.name,
        )
    return p


def _check_id(model: Model, response_id: Any) -> str:
    if not isinstance(response_id, str) or not _ID.match(response_id):
        raise InvalidRequestError(
            f"a background response id is a string like 'resp_...', not {response_id!r}", provider=model.spec.name
        )
    return response_id


def _job(model: Model, data: Any) -> BackgroundJob:
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("status"), str):
        raise ProviderResponseError(
            "the Responses API answered without a response id and status", provider=model.spec.name, raw=str(data)
        )
    return BackgroundJob(data["id"], data["status"], data)


async def astart(model: Model, messages: Any, **params: Any) -> BackgroundJob:
    """Start a background response for ``messages`` (parameters as for ``model.chat``)."""
    p = _provider(model)
    request, _ = model.request(messages, **params)
    body, _w = p.responses_request(request, stream=False)
    body["background"] = True
    body["store"] = True
    data, _ = await p.request_json("POST", p.responses_path, body, headers=p.extra_headers())
    return _job(model, data)


async def aretrieve(model: Model, response_id: str) -> BackgroundJob:
    """The response as it is now (``GET /responses/{id}``)."""
    p = _provider(model)
    rid = _check_id(model, response_id)
    data, _ = await p.request_json("GET", f"{p.responses_path}/{rid}", headers=p.extra_headers())
    return _job(model, data)


async def acancel(model: Model, response_id: str) -> BackgroundJob:
    """Cancel a queued or running background response (``POST /responses/{id}/cancel``)."""
    p = _provider(model)
    rid = _check_id(model, response_id)
    data, _ = await p.request_json("POST", f"{p.responses_path}/{rid}/cancel", headers=p.extra_headers())
    return _job(model, data)


def answer(model: Model, job: BackgroundJob) -> ChatResponse:
    """The answer of a finished job; typed errors for a failed or cancelled one."""
    from .responses.response import parse_response

    name = model.spec.name
    if job.status == "failed":
        raw_error = job.data.get("error")
        err: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
        raise ProviderServerError(
            f"background response {job.id} failed: {err.get('message') or 'no message'}",
            provider=name,
            code=err.get("code"),
        )
    if job.status == "cancelled":
        raise BackgroundCancelledError(f"background response {job.id} was cancelled", provider=name)
    if job.status not in ("completed", "incomplete"):
        raise InvalidRequestError(
            f"background response {job.id} is still {job.status}: wait for it (background.wait)", provider=name
        )
    return parse_response(job.data, provider=name, warnings=[])


async def await_response(
    model: Model, response_id: str, *, poll_interval: float = 2.0, timeout: float | None = None
) -> ChatResponse:
    """Poll until the response is final and return its answer (see the module docstring)."""
    if not poll_interval > 0:
        raise InvalidRequestError(f"poll_interval must be > 0 seconds, not {poll_interval!r}", provider=model.spec.name)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        job = await aretrieve(model, response_id)
        if job.done:
            return answer(model, job)
        if deadline is not None and time.monotonic() + poll_interval > deadline:
            raise ProviderTimeoutError(
                f"background response {response_id} is still {job.status} after {timeout} s; it keeps running: "
                "wait again, or cancel it",
                provider=model.spec.name,
            )
        await asyncio.sleep(poll_interval)


async def astream(model: Model, response_id: str, *, starting_after: int | None = None) -> AsyncIterator[StreamEvent]:
    """Resume the stream of a background response started with ``stream=True``, after event
    ``starting_after`` (``None``: from the start)."""
    from .responses.stream import ResponsesStreamDecoder, aiter_events

    p = _provider(model)
    rid = _check_id(model, response_id)
    if starting_after is not None and (isinstance(starting_after, bool) or not isinstance(starting_after, int)):
        raise InvalidRequestError(
            f"starting_after is an event's sequence_number (an int), not {starting_after!r}", provider=model.spec.name
        )
    params: dict[str, Any] = {"stream": "true"}
    if starting_after is not None:
        params["starting_after"] = str(starting_after)
    decoder = ResponsesStreamDecoder(model.spec.name, [])
    async with p.open_stream(
        f"{p.responses_path}/{rid}", None, method="GET", headers=p.extra_headers(), params=params
    ) as resp:
        async for ev in aiter_events(resp.aiter_bytes(), decoder):
            yield ev


# -- sync ---------------------------------------------------------------------------------------


def start(model: Model, messages: Any, **params: Any) -> BackgroundJob:
    """Sync :func:`astart`."""
    from llmcore._sync import run

    return run(astart(model, messages, **params))


def retrieve(model: Model, response_id: str) -> BackgroundJob:
    """Sync :func:`aretrieve`."""
    from llmcore._sync import run

    return run(aretrieve(model, response_id))


def cancel(model: Model, response_id: str) -> BackgroundJob:
    """Sync :func:`acancel`."""
    from llmcore._sync import run

    return run(acancel(model, response_id))


def wait(model: Model, response_id: str, *, poll_interval: float = 2.0, timeout: float | None = None) -> ChatResponse:
    """Sync :func:`await_response`."""
    from llmcore._sync import run

    return run(await_response(model, response_id, poll_interval=poll_interval, timeout=timeout))


def stream(model: Model, response_id: str, *, starting_after: int | None = None) -> Iterator[StreamEvent]:
    """Sync :func:`astream`."""
    from llmcore._sync import iterate

    return iterate(astream(model, response_id, starting_after=starting_after))
