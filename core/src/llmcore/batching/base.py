"""The provider batch seam: :class:`BatchProvider`, batch ids, status, errors.

A provider that can run a list of requests offline (OpenAI Batch API,
Anthropic Message Batches, Gemini batch mode) implements three async methods
(next to the usual chat/stream_chat/count_tokens) and its spec declares
``Capabilities(batch=True)``:

* ``batch_submit(requests) -> BatchRef`` — send the requests, in order;
* ``batch_status(ref) -> BatchStatus``;
* ``batch_results(ref) -> list[ChatResponse | LLMCoreError]`` — in input
  order; raise :class:`BatchNotReadyError` while the batch runs.

A :class:`BatchRef` prints as a **self-contained id** that survives a restart:
``"<provider>:<provider's batch id>?n=<count>[&key=value...]"``, e.g.
``"openai:batch_abc123?n=3"`` or ``"gemini:batches/123?n=2"``. Results are
mapped back to inputs by the ``custom_id``/key each request carries (its
index), so nothing else needs to be kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable
from urllib.parse import parse_qsl, quote, unquote, urlencode

from ..errors import InvalidRequestError, LLMCoreError, ProviderResponseError, ProviderTimeoutError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..types import CallWarning, ChatRequest, ChatResponse

__all__ = [
    "BatchProvider",
    "BatchRef",
    "BatchStatus",
    "BatchState",
    "BatchNotReadyError",
    "BatchCanceledError",
    "BatchExpiredError",
    "results_in_order",
    "index_of",
]

#: normalised batch states (``raw_state`` keeps the provider's own)
BatchState = Literal["pending", "running", "finalizing", "completed", "failed", "cancelling", "cancelled", "expired"]
_DONE = frozenset({"completed", "failed", "cancelled", "expired"})


class BatchNotReadyError(LLMCoreError):
    """The batch has not finished: results cannot be retrieved yet
    (``retryable``: ask again later)."""

    retryable = True


class BatchCanceledError(LLMCoreError):
    """This request of the batch was cancelled before it ran."""


class BatchExpiredError(ProviderTimeoutError):
    """This request of the batch did not run before the batch expired
    (a timeout: sending it again may succeed)."""


@dataclass
class BatchRef:
    """A submitted batch: provider name, the provider's batch id, how many
    requests, and any small ``extra`` values the plugin needs to read the
    results back (strings, encoded in the id). ``warnings`` holds, per input
    index, what the request mapping could not honour (not encoded: known only
    to the process that submitted)."""

    provider: str
    id: str
    count: int
    extra: dict[str, str] = field(default_factory=dict)
    warnings: dict[int, list[CallWarning]] = field(default_factory=dict, repr=False, compare=False)

    def __str__(self) -> str:
        query = urlencode({"n": str(self.count), **dict(sorted(self.extra.items()))})
        return f"{self.provider}:{quote(self.id, safe='/-_.~')}?{query}"

    @classmethod
    def parse(cls, batch_id: str) -> BatchRef:
        """The reference a batch id stands for (:class:`InvalidRequestError` if it is not one)."""
        provider, sep, rest = str(batch_id).partition(":")
        ident, _, query = rest.partition("?")
        params = dict(parse_qsl(query, keep_blank_values=True))
        n = params.pop("n", "")
        if not sep or not provider or not ident or not n.isdigit():
            raise InvalidRequestError(
                f"{batch_id!r} is not an llmcore batch id (expected '<provider>:<id>?n=<count>', as returned by "
                "llmcore.batch_submit)"
            )
        return cls(provider, unquote(ident), int(n), params)


@dataclass
class BatchStatus:
    """Where a batch stands. ``state`` is normalised (``raw_state`` is the
    provider's); counts are ``None`` when the provider does not say."""

    id: str
    provider: str
    state: BatchState
    raw_state: str | None = None
    total: int | None = None
    succeeded: int | None = None
    failed: int | None = None
    #: a batch-level failure (e.g. the input file was rejected)
    error: str | None = None
    raw: Any = field(default=None, repr=False)

    @property
    def done(self) -> bool:
        """True once the batch will not change any more (completed, failed, cancelled, expired)."""
        return self.state in _DONE


@runtime_checkable
class BatchProvider(Protocol):
    """A provider with a batch API (see the module docstring)."""

    async def batch_submit(self, requests: Sequence[ChatRequest]) -> BatchRef: ...

    async def batch_status(self, ref: BatchRef) -> BatchStatus: ...

    async def batch_results(self, ref: BatchRef) -> list[ChatResponse | LLMCoreError]: ...


def results_in_order(
    ref: BatchRef, found: dict[int, ChatResponse | LLMCoreError], *, missing: type[LLMCoreError] | None = None
) -> list[ChatResponse | LLMCoreError]:
    """``found`` (input index → result) as a list of ``ref.count`` items; an
    index without a result becomes ``missing`` (default
    :class:`ProviderResponseError`: the provider returned nothing for it)."""
    out: list[ChatResponse | LLMCoreError] = []
    for i in range(ref.count):
        r = found.get(i)
        if r is None:
            cls = missing or ProviderResponseError
            r = cls(f"the batch returned no result for request {i}", provider=ref.provider)
        out.append(r)
    return out


def index_of(custom_id: Any, count: int) -> int | None:
    """The input index a ``custom_id`` we sent stands for (``None`` if it is not ours)."""
    if isinstance(custom_id, str) and custom_id.isdigit():
        i = int(custom_id)
        if 0 <= i < count:
            return i
    return None
