"""Fallback chains and the capability/cost router.

Both are "models": ``chat``/``achat``, ``stream``/``astream``,
``count_tokens``/``acount_tokens``, taking what :class:`llmcore.Model` takes.

Moving on: a call goes to the next candidate when it fails with an error the
chain falls back on — by default any retryable error (``is_retryable``: rate
limit, 5xx/overloaded, timeout, connection), plus the classes (or a
predicate) given as ``on=``; ``retryable=False`` keeps only ``on``. Any other
error is raised at once (a bad request is bad everywhere). A stream falls
back only before its first event; once something was yielded, an error is
raised as it is (never a half answer from one model continued by another).
When every candidate failed, the last error is raised, with
``err.fallback_errors`` listing ``(model name, error)`` for all of them.

Each answer records where it came from in
``response.provider_metadata["routing"]``: ``{"model": name, "skipped":
[{"model": name, "error": "RateLimitError: ..."}]}``.

Models given by name are built with :func:`llmcore.model` and the extra
keyword options (e.g. ``retry=2`` so a chain moves on sooner; every model
keeps its own retry policy, which runs before the chain moves on).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Union

from .. import observe
from ..errors import ConfigurationError, LLMCoreError, UnsupportedFeatureError
from ..fanout import as_model, model_name
from ..reliability.base import closing

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..events import StreamEvent
    from ..facade import Model, Stream
    from ..options import CallOptions, ChatModel, Prompt
    from ..types import ChatRequest, ChatResponse, TokenCount
    from .catalog import ModelInfo
    from .prices import Price

__all__ = ["Fallback", "fallback", "Router", "router", "Candidate"]

log = logging.getLogger("llmcore.routing")

#: ``on=`` of a chain: more errors that move on to the next model: an exception class, a tuple
#: of them, or a predicate ``(error) -> bool``
FallbackOn = Union[type[BaseException], tuple[type[BaseException], ...], Callable[[BaseException], bool], None]


class _Chain:
    """What Fallback and Router share: try candidates in order."""

    name: str

    def __init__(
        self, on: FallbackOn, retryable: bool, on_fallback: Callable[[str, BaseException], None] | None
    ) -> None:
        if on is None:
            on = ()
        if isinstance(on, type):
            on = (on,)
        if isinstance(on, tuple):
            if not all(isinstance(c, type) and issubclass(c, BaseException) for c in on):
                raise ConfigurationError("on= takes exception classes (or one predicate function)")
        elif not callable(on):
            raise ConfigurationError(f"on= takes exception classes or a predicate, not {type(on).__name__}")
        self.on = on
        self.retryable = retryable
        self.on_fallback = on_fallback

    # -- to implement --------------------------------------------------------------

    def candidates(self, messages: Any, overrides: CallOptions) -> list[tuple[str, Any]]:
        raise NotImplementedError

    # -- the policy ----------------------------------------------------------------

    def should_fall_back(self, err: BaseException) -> bool:
        """True when ``err`` sends the call on to the next candidate."""
        if not isinstance(err, Exception):
            return False
        if isinstance(self.on, tuple):
            if self.on and isinstance(err, self.on):
                return True
        elif self.on(err):
            return True
        return self.retryable and isinstance(err, LLMCoreError) and err.is_retryable

    def _skipped(self, name: str, err: BaseException, failures: list[tuple[str, BaseException]]) -> None:
        failures.append((name, err))
        log.warning("%s: %s failed (%s: %s); trying the next model", self.name, name, type(err).__name__, err)
        if self.on_fallback is not None:
            self.on_fallback(name, err)

    @staticmethod
    def _exhausted(failures: list[tuple[str, BaseException]]) -> BaseException:
        last = failures[-1][1]
        try:
            last.fallback_errors = list(failures)  # type: ignore[attr-defined]
        except AttributeError:
            pass
        return last

    @staticmethod
    def _stamp(resp: Any, name: str, failures: list[tuple[str, BaseException]]) -> None:
        meta = getattr(resp, "provider_metadata", None)
        if isinstance(meta, dict):
            meta["routing"] = {
                "model": name,
                "skipped": [{"model": n, "error": f"{type(e).__name__}: {e}"} for n, e in failures],
            }

    # -- async -------------------------------------------------------------------

    def _observation(self, operation: str) -> observe.CallObservation | None:
        """With an observer installed (:mod:`llmcore.observe`): the chain's own call,
        under which each candidate's call nests."""
        obs = observe.observer
        if obs is None:
            return None
        return obs.start_call(observe.CallInfo(operation, "llmcore", self.name, chain=self.name))

    async def achat(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> ChatResponse:
        h = self._observation("chat")
        if h is None:
            return await self._achat(messages, overrides, None)
        try:
            resp = await self._achat(messages, overrides, h)
        except BaseException as e:
            h.end(error=e)
            raise
        h.end(response=resp)
        return resp

    async def _achat(self, messages: Any, overrides: CallOptions, h: Any) -> ChatResponse:
        failures: list[tuple[str, BaseException]] = []
        for name, m in self.candidates(messages, overrides):
            try:
                if h is None:
                    resp = await m.achat(messages, **overrides)
                else:
                    with h.activate():
                        resp = await m.achat(messages, **overrides)
            except Exception as e:
                if not self.should_fall_back(e):
                    raise
                if h is not None:
                    h.candidate(name, e)
                self._skipped(name, e, failures)
                continue
            if h is not None:
                h.candidate(name, None)
            self._stamp(resp, name, failures)
            return resp  # type: ignore[no-any-return]
        raise self._exhausted(failures)

    def astream(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> ChainStream:
        return ChainStream(self, messages, overrides)

    async def acount_tokens(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> TokenCount:
        """The count of the first candidate that answers (same fallback rules)."""
        failures: list[tuple[str, BaseException]] = []
        for name, m in self.candidates(messages, overrides):
            try:
                return await m.acount_tokens(messages, **overrides)  # type: ignore[no-any-return]
            except Exception as e:
                if not self.should_fall_back(e):
                    raise
                self._skipped(name, e, failures)
        raise self._exhausted(failures)

    # -- sync --------------------------------------------------------------------

    def chat(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> ChatResponse:
        from .._sync import run

        return run(self.achat(messages, **overrides))

    def stream(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> Stream:
        from ..facade import Stream

        return Stream(self.astream(messages, **overrides))  # type: ignore[arg-type]

    def count_tokens(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> TokenCount:
        from .._sync import run

        return run(self.acount_tokens(messages, **overrides))

    def __repr__(self) -> str:
        return self.name


class ChainStream:
    """The stream of the first candidate that starts; same surface as
    :class:`llmcore.facade.AsyncStream` (``texts()``, ``collect()``,
    ``.response``, ``.model`` = the name of the model that answered)."""

    def __init__(self, chain: _Chain, messages: Any, overrides: CallOptions) -> None:
        self._chain = chain
        self._messages = messages
        self._overrides = overrides
        self._inner: Any = None
        self.response: ChatResponse | None = None
        self.model: str | None = None

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        if observe.observer is None:
            return self._candidates(self._chain, None)
        return self._observed()

    async def _observed(self) -> AsyncIterator[StreamEvent]:
        chain = self._chain
        h = chain._observation("stream")  # at the first step: a stream never iterated is no call
        try:
            async with closing(self._candidates(chain, h)) as events:
                async for ev in events:
                    yield ev
        except BaseException as e:  # an error, or the caller closed the stream
            if h is not None:
                h.end(error=e)
            raise
        if h is not None:
            h.end(response=self.response)

    async def _candidates(self, chain: _Chain, h: Any) -> AsyncIterator[StreamEvent]:
        failures: list[tuple[str, BaseException]] = []
        for name, m in chain.candidates(self._messages, self._overrides):
            it: Any = None
            try:
                inner = m.astream(self._messages, **self._overrides)
                it = inner.__aiter__()
                if h is None:
                    first = await it.__anext__()
                else:
                    with h.activate():  # the candidate's call starts in this step: it nests under the chain's
                        first = await it.__anext__()
            except StopAsyncIteration:
                self._done(inner, name, failures)
                return
            except Exception as e:
                if not chain.should_fall_back(e):
                    raise
                if h is not None:
                    h.candidate(name, e)
                chain._skipped(name, e, failures)
                continue
            if h is not None:
                h.candidate(name, None)
            self._inner, self.model = inner, name
            yield first
            async for ev in it:
                yield ev
            self._done(inner, name, failures)
            return
        raise chain._exhausted(failures)

    def _done(self, inner: Any, name: str, failures: list[tuple[str, BaseException]]) -> None:
        self.model = name
        self.response = getattr(inner, "response", None)
        self._chain._stamp(self.response, name, failures)

    async def texts(self) -> AsyncIterator[str]:
        """Only the answer text, piece by piece."""
        async for ev in self:
            if ev.type == "text":
                yield ev.text  # type: ignore[union-attr]

    async def collect(self) -> ChatResponse:
        """Consume the stream and return the collected response."""
        async for _ in self:
            pass
        assert self.response is not None
        return self.response

    async def aclose(self) -> None:
        if self._inner is not None and hasattr(self._inner, "aclose"):
            await self._inner.aclose()


# -- fallback ----------------------------------------------------------------------


def _shared_budget(model_options: dict[str, Any], name: str) -> Any:
    """``budget=`` of a chain is one limit for all the models it builds from names
    (a number would otherwise give each model a limit of its own): made a
    :class:`~llmcore.usage.Budget` once and passed to each. Returns it (or ``None``)."""
    if model_options.get("budget") is None:
        return None
    from ..usage.budget import as_budget

    model_options["budget"] = as_budget(model_options["budget"], name)
    return model_options["budget"]


class Fallback(_Chain):
    """Try ``models`` in order (see the module docstring for when it moves on)."""

    def __init__(
        self,
        models: Sequence[str | ChatModel],
        *,
        on: FallbackOn = None,
        retryable: bool = True,
        on_fallback: Callable[[str, BaseException], None] | None = None,
        **model_options: Any,
    ) -> None:
        super().__init__(on, retryable, on_fallback)
        if isinstance(models, (str, bytes)) or not models:
            raise ConfigurationError("fallback takes a non-empty list of models")
        #: the chain's spending limit (``budget=``): one limit shared by the models it builds
        self.budget = _shared_budget(model_options, "the fallback's budget")
        self.models: list[tuple[str, Any]] = [
            (m if isinstance(m, str) else model_name(m), as_model(m, **model_options)) for m in models
        ]
        self.name = f"fallback({', '.join(n for n, _ in self.models)})"

    def candidates(self, messages: Any, overrides: CallOptions) -> list[tuple[str, Any]]:
        return self.models


def fallback(
    models: Sequence[str | ChatModel],
    *,
    on: FallbackOn = None,
    retryable: bool = True,
    on_fallback: Callable[[str, BaseException], None] | None = None,
    **model_options: Any,
) -> Fallback:
    """A model that tries ``models`` in order: ``llmcore.fallback(["anthropic/claude-sonnet-4-0",
    "openai/gpt-4.1"], on=(ContextWindowExceededError,))``. ``on``: extra error
    classes (or a predicate) that move on, besides retryable errors
    (``retryable=False``: only ``on``). ``on_fallback(name, error)`` is called
    each time a model is skipped. ``model_options`` go to models given by name."""
    return Fallback(models, on=on, retryable=retryable, on_fallback=on_fallback, **model_options)


# -- router ----------------------------------------------------------------------------


@dataclass
class Candidate:
    """One model as the router sees it for one request."""

    name: str
    model: Any
    #: ``None`` when the model can serve the request, else why not
    reason: str | None
    input_tokens: int | None = None
    output_tokens: int | None = None
    price: Price | None = None
    info: ModelInfo | None = None

    @property
    def estimated_cost(self) -> float | None:
        """Dollars for this request (estimated tokens), ``None`` if the price is unknown."""
        if self.price is None or self.input_tokens is None or self.output_tokens is None:
            return None
        return self.price.estimate(self.input_tokens, self.output_tokens)


def _has_images(req: ChatRequest) -> bool:
    from ..types import ImagePart, ToolResultPart

    for m in req.messages:
        for p in m.content:
            if isinstance(p, ImagePart):
                return True
            if (
                isinstance(p, ToolResultPart)
                and isinstance(p.content, list)
                and any(isinstance(x, ImagePart) for x in p.content)
            ):
                return True
    return False


class Router(_Chain):
    """Per call: the capable models, cheapest first (``by="cost"``) or in the
    order given (``by="order"``); the rest of that list is the fallback chain
    (``fallback=False``: only the first is tried).

    A model is capable when its provider declares — and its
    :func:`~llmcore.routing.model_info` does not deny — tool calling (the
    request has tools), vision (it has images), structured output (it has a
    ``response_format``) and reasoning (``reasoning_effort``), and when the
    estimated input tokens plus ``max_tokens`` fit its context window and
    ``max_tokens`` fits its output limit. Cost is estimated input tokens
    (~4 characters per token) times the input price plus ``max_tokens`` (or
    ``expected_output_tokens``) times the output price; prices come from
    ``prices`` (a ``{name: (input, output) per million tokens}`` dict or a
    ``(provider, model_id) -> price`` function) or :func:`~llmcore.routing.price_for`.
    Models with an unknown price come after the priced ones, in the order given.
    """

    def __init__(
        self,
        models: Sequence[str | Model],
        by: Literal["cost", "order"] = "cost",
        *,
        fallback: bool = True,
        on: FallbackOn = None,
        retryable: bool = True,
        on_fallback: Callable[[str, BaseException], None] | None = None,
        prices: Any = None,
        expected_output_tokens: int = 256,
        **model_options: Any,
    ) -> None:
        super().__init__(on, retryable, on_fallback)
        if by not in ("cost", "order"):
            raise ConfigurationError(f'router by= must be "cost" or "order", not {by!r}')
        if isinstance(models, (str, bytes)) or not models:
            raise ConfigurationError("router takes a non-empty list of models")
        self.by = by
        self.fallback = fallback
        self.expected_output_tokens = expected_output_tokens
        #: the router's spending limit (``budget=``): one limit shared by the models it builds
        self.budget = _shared_budget(model_options, "the router's budget")
        self.models: list[tuple[str, Model]] = []
        for m in models:
            built = as_model(m, **model_options)
            if not hasattr(built, "spec") or not hasattr(built, "request"):
                raise ConfigurationError(
                    f"router needs llmcore models (names or llmcore.model(...)), not {type(built).__name__}"
                )
            self.models.append((m if isinstance(m, str) else model_name(built), built))
        self._prices = prices
        self.name = f"router[{by}]({', '.join(n for n, _ in self.models)})"

    def _price(self, name: str, m: Model) -> Price | None:
        from .prices import coerce_price, price_for

        p = self._prices
        if isinstance(p, dict):
            for key in (name, f"{m.spec.name}/{m.model_id}", m.model_id):
                if key in p:
                    return coerce_price(p[key])
            return None
        if callable(p):
            return coerce_price(p(m.spec.name, m.model_id))
        return price_for(m.spec.name, m.model_id)

    def _assess(self, name: str, m: Model, messages: Any, overrides: CallOptions) -> Candidate:
        from ..tokens import estimate_tokens
        from .catalog import model_info

        info = model_info(m.spec.name, m.model_id)
        try:
            req, _ = m.request(messages, **overrides)
        except UnsupportedFeatureError as e:  # e.g. images for a provider without vision
            return Candidate(name, m, e.message, info=info)
        caps = m.spec.capabilities
        out_tokens = req.max_tokens or self.expected_output_tokens
        cand = Candidate(name, m, None, estimate_tokens(req).input_tokens, out_tokens, self._price(name, m), info)

        def denied(field: str) -> bool:
            return info is not None and getattr(info, field) is False

        if req.tools and (not caps.tools or denied("tools")):
            cand.reason = "no tool calling"
        elif _has_images(req) and (not caps.vision or denied("vision")):
            cand.reason = "no vision (the request has images)"
        elif (
            req.response_format is not None
            and req.response_format.type != "text"
            and (not caps.structured_output or denied("structured_output"))
        ):
            cand.reason = "no structured output"
        elif req.reasoning_effort is not None and not caps.reasoning:
            cand.reason = "no reasoning"
        elif info is not None and info.max_output_tokens and req.max_tokens and req.max_tokens > info.max_output_tokens:
            cand.reason = f"max_tokens {req.max_tokens} is over its output limit {info.max_output_tokens}"
        elif (
            info is not None
            and info.context_window
            and cand.input_tokens is not None
            and (cand.input_tokens + (req.max_tokens or 0) > info.context_window)
        ):
            cand.reason = (
                f"~{cand.input_tokens} input tokens + {req.max_tokens or 0} max_tokens exceed its "
                f"context window of {info.context_window}"
            )
        return cand

    def explain(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> list[Candidate]:
        """Every model with why it can or cannot serve this request and its
        estimated cost, capable ones first in the order they would be tried.
        Bad input (an unknown parameter, an invalid message) raises
        :class:`~llmcore.errors.InvalidRequestError` here, before any call."""
        assessed = [self._assess(n, m, messages, overrides) for n, m in self.models]
        ok = [c for c in assessed if c.reason is None]
        if self.by == "cost":
            priced = sorted((c for c in ok if c.estimated_cost is not None), key=lambda c: c.estimated_cost or 0.0)
            ok = priced + [c for c in ok if c.estimated_cost is None]
        return ok + [c for c in assessed if c.reason is not None]

    def candidates(self, messages: Any, overrides: CallOptions) -> list[tuple[str, Any]]:
        plan = self.explain(messages, **overrides)
        ok = [(c.name, c.model) for c in plan if c.reason is None]
        if not ok:
            why = "; ".join(f"{c.name}: {c.reason}" for c in plan)
            raise UnsupportedFeatureError(f"no model of {self.name} can serve this request ({why})")
        return ok if self.fallback else ok[:1]


def router(models: Sequence[str | Model], by: Literal["cost", "order"] = "cost", **options: Any) -> Router:
    """A model that picks, per call, the cheapest (``by="cost"``) or first
    (``by="order"``) of ``models`` that can serve the request; see :class:`Router`."""
    return Router(models, by, **options)
