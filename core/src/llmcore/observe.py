"""Observation points for tracing and metrics (``llmcore-otel`` listens here).

Core calls these at the edges of one logical call (``chat``, ``stream``,
``embed``, ``rerank``, ``count_tokens``) and of each attempt under it (a
retry, a key-pool switch). Nothing listens unless a plugin installs an
:class:`Observer` with :func:`set_observer`; then the cost of an
uninstrumented call is one module-attribute load and a ``None`` check per
call site (and per stream event) — no hook dispatch on the hot path, which
is why this is a plain protocol and not a pluggy hook (a pluggy call costs
microseconds).

Contracts for an observer:

* its methods are called on the event loop, synchronously: keep them cheap
  and never raise (an observer that raises breaks the call it observes);
* :meth:`CallObservation.end` may be called more than once (the first call
  wins) and is always called for a call that started — with ``error`` set
  to the exception, or to :class:`GeneratorExit`/:class:`asyncio.CancelledError`
  for a stream the caller closed or a task that was cancelled;
* core never imports an observer: the dependency points from the plugin to core.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

__all__ = [
    "AttemptObservation",
    "CallInfo",
    "CallObservation",
    "Observer",
    "attempt",
    "get_observer",
    "current",
    "observed",
    "set_observer",
]

T = TypeVar("T")

#: the installed observer; ``None`` (the default) means nothing listens
observer: Observer | None = None

#: the observation of the logical call running in this context (set by the facade)
_CURRENT: ContextVar[CallObservation | None] = ContextVar("llmcore_observation", default=None)


@dataclass
class CallInfo:
    """What an observer is told when a logical call starts.

    ``request`` is the checked request (a :class:`~llmcore.types.ChatRequest`,
    an embedding or rerank request): an observer that records content must do so
    only when its user asked. ``key_id`` is the short hash of the API key
    (``sha256:1a2b3c4d``) or ``None`` for a key pool (reported per attempt
    through :meth:`AttemptObservation.key`); the key itself is never given."""

    operation: str  # "chat" | "stream" | "embed" | "rerank" | "count_tokens"
    provider: str
    model: str
    request: Any = None
    base_url: str | None = None
    key_id: str | None = None
    #: for a fallback chain or router: its name (the candidates are calls of their own, nested under it)
    chain: str | None = None


class AttemptObservation(Protocol):
    """One attempt (one request sent) under a logical call."""

    def end(self, error: BaseException | None = None) -> None:
        """The attempt is over: answered (``error=None``) or failed."""


class CallObservation(Protocol):
    """One logical call, from the facade's point of view."""

    def attempt(self, number: int) -> AttemptObservation:
        """Attempt ``number`` (1 for the first) starts."""

    def key(self, key_id: str, replaced: BaseException | None = None) -> None:
        """A key pool chose the key ``key_id`` (its short hash) for the current
        attempt; ``replaced``: the error that made it move on from the previous key."""

    def cache_hit(self) -> None:
        """The answer comes from llmcore's response cache (no provider call)."""

    def chunk(self, event: Any) -> None:
        """A stream event reached the caller."""

    def candidate(self, name: str, error: BaseException | None) -> None:
        """For a chain: candidate ``name`` answered (``error=None``) or was skipped for ``error``."""

    def activate(self) -> Any:
        """A context manager making this call the parent of calls started inside it
        (a chain's candidates); use it only around code that does not suspend
        across a ``yield`` to the caller."""

    def end(self, *, response: Any = None, record: Any = None, error: BaseException | None = None) -> None:
        """The call is over: ``response`` (and its usage ``record``, with the cost)
        or ``error`` (see the module docstring for cancellation)."""


class Observer(Protocol):
    """What :func:`set_observer` installs."""

    def start_call(self, info: CallInfo) -> CallObservation:
        """A logical call starts (in the caller's context: its current span is the parent)."""


def set_observer(new: Observer | None) -> Observer | None:
    """Install ``new`` (``None``: stop observing); returns the one it replaces."""
    global observer
    old, observer = observer, new
    return old


def get_observer() -> Observer | None:
    """The installed observer, or ``None``."""
    return observer


def attempt(number: int) -> AttemptObservation | None:
    """For middleware that loops (retry): attempt ``number`` of the current call
    starts. ``None`` when nothing observes this call."""
    if observer is None:
        return None
    call = _CURRENT.get()
    return call.attempt(number) if call is not None else None


def current() -> CallObservation | None:
    """The observation of the call running in this context, if any."""
    return _CURRENT.get() if observer is not None else None


async def observed(obs: Observer, info: CallInfo, call: Callable[[], Awaitable[T]], *, attempts_reported: bool) -> T:
    """Run one unary logical call (embed, rerank, count_tokens) under an
    observation; ``attempts_reported``: the provider stack has a retry layer that
    reports its attempts (otherwise the one attempt is reported here)."""
    h = obs.start_call(info)
    token = _CURRENT.set(h)
    a = None if attempts_reported else h.attempt(1)
    try:
        result = await call()
    except BaseException as e:
        if a is not None:
            a.end(e)
        h.end(error=e)
        raise
    finally:
        _CURRENT.reset(token)
    if a is not None:
        a.end()
    h.end(response=result)
    return result
