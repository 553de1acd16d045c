"""Provider batch APIs from the user's side: submit, status, retrieve, or all in one.

>>> bid = llmcore.batch_submit("openai/gpt-4.1-mini", ["Hi", "Bye"], max_tokens=50)
>>> bid
'openai:batch_abc123?n=2'
>>> llmcore.batch_status(bid).state            # later, maybe in another process
'completed'
>>> llmcore.batch_retrieve(bid)                # [ChatResponse | LLMCoreError, ...] in input order

``llmcore.batch(model, prompts)`` does the three and polls in between.
Results have the shape of :func:`llmcore.generate`. A provider without a
batch API raises :class:`~llmcore.errors.UnsupportedFeatureError`
("batch is not supported by <provider>") before any network call.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, LLMCoreError, ProviderTimeoutError, UnsupportedFeatureError
from .base import BatchProvider, BatchRef, BatchStatus

if TYPE_CHECKING:
    from ..facade import Model
    from ..options import Prompt
    from ..types import ChatResponse

__all__ = [
    "batch",
    "abatch",
    "batch_submit",
    "abatch_submit",
    "batch_status",
    "abatch_status",
    "batch_retrieve",
    "abatch_retrieve",
    "BatchWarning",
]


class BatchWarning(UserWarning):
    """A parameter of a batched request the provider cannot honour (the
    response-side ``CallWarning`` of a live call, raised at submit time)."""


def _batch_provider(provider: Any, name: str) -> Any:
    """The provider under the middleware stack (one key of a key pool) if it
    has a batch API, else the typed "not supported" error."""
    from ..reliability.base import leaves

    base = leaves(provider)[0]
    if not isinstance(base, BatchProvider):
        raise UnsupportedFeatureError(
            f"batch is not supported by {name}: its plugin has no batch API "
            "(use llmcore.generate for concurrent live calls)",
            provider=name,
        )
    return base


def _model(model: Any) -> Any:
    from ..facade import Model

    if isinstance(model, str):
        return Model(model, retry=False)
    if isinstance(model, Model):
        return model
    raise ConfigurationError(f"batch needs one model (a name or llmcore.model(...)), not {type(model).__name__}")


def _provider_for(ref: BatchRef, connection: dict[str, Any]) -> Any:
    from ..loader import load_provider
    from ..plugins import get_registry
    from ..resolve import _install_hint

    spec = get_registry().get(ref.provider)
    if spec is None:
        raise ConfigurationError(
            f"batch {ref} belongs to provider {ref.provider!r}, which is not installed: {_install_hint(ref.provider)}",
            provider=ref.provider,
        )
    from ..facade import _CONNECTION, _checked_connection

    unknown = sorted(set(connection) - set(_CONNECTION))
    if unknown:
        raise ConfigurationError(
            f"unknown connection option(s) {', '.join(unknown)}; known: {', '.join(_CONNECTION)}", provider=ref.provider
        )
    connection = _checked_connection(dict(connection), ref.provider)  # bad values: typed, before the network
    return _batch_provider(load_provider(spec, **connection), ref.provider)


async def _submit(model: Any, prompts: Iterable[Any], overrides: dict[str, Any]) -> tuple[BatchRef, Any]:
    from ..fanout import as_prompts

    m = _model(model)
    provider = _batch_provider(m.base_provider, m.spec.name)
    # a single string is one prompt, not one request per character
    requests = [m.request(p, **overrides)[0] for p in as_prompts(prompts)]  # bad input: typed error before the network
    if not requests:
        raise ConfigurationError("batch needs at least one prompt")
    ref = await provider.batch_submit(requests)
    return ref, provider


async def abatch_submit(model: str | Model, prompts: Prompt | Iterable[Prompt], **overrides: Any) -> str:
    """Submit ``prompts`` (each what ``Model.chat`` takes) as one provider
    batch; returns the batch id (a string to keep: it is all that
    :func:`abatch_status` / :func:`abatch_retrieve` need, in any process).
    What the provider cannot honour is reported as :class:`BatchWarning`
    (or raised with ``strict=True``)."""
    ref, _ = await _submit(model, prompts, overrides)
    for i, ws in sorted(ref.warnings.items()):
        for w in ws:
            warnings.warn(f"{ref.provider} batch request {i}: {w.feature}: {w.detail}", BatchWarning, stacklevel=2)
    return str(ref)


async def abatch_status(batch_id: str, **connection: Any) -> BatchStatus:
    """Where the batch stands. ``connection``: ``api_key``, ``base_url``,
    ``http_client``, ``timeout``, ``headers`` (default: the provider's env vars)."""
    ref = BatchRef.parse(batch_id)
    return await _provider_for(ref, connection).batch_status(ref)  # type: ignore[no-any-return]


async def abatch_retrieve(batch_id: str, **connection: Any) -> list[ChatResponse | LLMCoreError]:
    """The results in input order: a :class:`ChatResponse` or the typed error of
    each request. :class:`BatchNotReadyError` while the batch still runs."""
    from ..plugins import get_registry
    from .accounting import count_results

    ref = BatchRef.parse(batch_id)
    results = await _provider_for(ref, connection).batch_results(ref)
    count_results(str(ref), results, spec=get_registry().get(ref.provider))  # usage log + hook, once per process
    return results  # type: ignore[no-any-return]


async def abatch(
    model: str | Model,
    prompts: Prompt | Iterable[Prompt],
    *,
    poll_interval: float = 30.0,
    max_poll_interval: float = 300.0,
    timeout: float | None = None,
    on_status: Callable[[BatchStatus], object] | None = None,
    **overrides: Any,
) -> list[ChatResponse | LLMCoreError]:
    """Submit, poll until done, retrieve. Polling starts every ``poll_interval``
    seconds and backs off (x1.5) to ``max_poll_interval``; a retryable error
    while polling is tolerated (up to 5 in a row). ``timeout`` (seconds) raises
    :class:`ProviderTimeoutError` naming the batch id (the batch keeps running:
    retrieve it later). ``on_status(BatchStatus)`` is called after every poll.
    Warnings from the request mapping are on each response's ``warnings``."""
    from .accounting import count_results

    m = _model(model)
    submitted = time.perf_counter()
    ref, provider = await _submit(m, prompts, overrides)
    start = time.monotonic()
    delay = poll_interval
    errors_in_row = 0
    while True:
        try:
            status = await provider.batch_status(ref)
            errors_in_row = 0
        except LLMCoreError as e:
            errors_in_row += 1
            if not e.is_retryable or errors_in_row > 5:
                raise
            status = None
        if status is not None:
            if on_status is not None:
                on_status(status)
            if status.done:
                break
        if timeout is not None and time.monotonic() - start + delay > timeout:
            raise ProviderTimeoutError(
                f"batch {ref} did not finish within {timeout}s; it keeps running: "
                f"llmcore.batch_retrieve({str(ref)!r}) later",
                provider=ref.provider,
            )
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, max_poll_interval)
    results = await provider.batch_results(ref)
    count_results(str(ref), results, spec=m.spec, model=m, started=submitted)  # m.usage, usage log, hook
    for i, ws in ref.warnings.items():
        r = results[i] if i < len(results) else None
        if ws and r is not None and not isinstance(r, LLMCoreError):
            r.warnings = [*ws, *r.warnings]
    return results  # type: ignore[no-any-return]


def batch_submit(model: str | Model, prompts: Prompt | Iterable[Prompt], **overrides: Any) -> str:
    """Sync :func:`abatch_submit`."""
    from .._sync import run

    return run(abatch_submit(model, prompts, **overrides))


def batch_status(batch_id: str, **connection: Any) -> BatchStatus:
    """Sync :func:`abatch_status`."""
    from .._sync import run

    return run(abatch_status(batch_id, **connection))


def batch_retrieve(batch_id: str, **connection: Any) -> list[ChatResponse | LLMCoreError]:
    """Sync :func:`abatch_retrieve`."""
    from .._sync import run

    return run(abatch_retrieve(batch_id, **connection))


def batch(model: str | Model, prompts: Prompt | Iterable[Prompt], **options: Any) -> list[ChatResponse | LLMCoreError]:
    """Sync :func:`abatch`."""
    from .._sync import run

    return run(abatch(model, prompts, **options))
