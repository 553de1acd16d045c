"""Many calls at once: one model over many prompts, one prompt over many models.

* :func:`generate` / :func:`agenerate` run a list (or any iterable) of prompts
  through one model with at most ``concurrency`` calls in flight, and return
  the results **in input order**: a :class:`~llmcore.types.ChatResponse` or,
  for an item that failed, the exception object (a typed
  :class:`~llmcore.errors.LLMCoreError`) — one failure never ends the batch.
  Memory stays bounded: ``concurrency`` worker tasks pull prompts from the
  iterable one at a time, so 10^5 prompts never become 10^5 tasks. A progress
  line is drawn on stderr when it is a terminal.
* :func:`multi_chat` / :func:`amulti_chat` send one request to several
  models at once and return ``{model name: response or exception}``.

"Model" here is anything with ``achat(messages, **overrides)``: a model name,
:class:`llmcore.Model`, :func:`llmcore.fallback`, :func:`llmcore.router`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

from .errors import ConfigurationError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .options import CallOptions, ChatModel, Progress, Prompt
    from .types import ChatResponse

__all__ = ["generate", "agenerate", "multi_chat", "amulti_chat", "as_model", "as_prompts", "Result"]

#: what one item of a batch ends as
Result = Union["ChatResponse", Exception]


def as_model(model: Any, **options: Any) -> Any:
    """A model name becomes :func:`llmcore.model` (with ``options``); anything
    with an ``achat`` method is used as it is."""
    if isinstance(model, str):
        from .facade import Model

        return Model(model, **options)
    if options:
        raise ConfigurationError(
            f"model options ({', '.join(sorted(options))}) apply only to model names, "
            f"not to an already built {type(model).__name__}"
        )
    if not callable(getattr(model, "achat", None)):
        raise ConfigurationError(f"expected a model name or a model (with achat), not {type(model).__name__}")
    return model


def as_prompts(prompts: Any) -> Iterable[Any]:
    """The prompts of a batch entry point. A string (or bytes) is **one**
    prompt, and so is one message dict (``{"role": ..., "content": ...}``):
    iterating either would send one request per character or per key.
    Anything else must be an iterable of prompts."""
    if isinstance(prompts, (str, bytes, Mapping)):
        return [prompts]
    if not isinstance(prompts, Iterable):
        raise ConfigurationError(
            f"prompts must be a string or an iterable of prompts (a list of strings or of message lists), "
            f"not {type(prompts).__name__}"
        )
    return prompts  # type: ignore[no-any-return]


def model_name(model: Any) -> str:
    """The name a model is reported under (``Model.name``, else its repr)."""
    name = getattr(model, "name", None)
    return name if isinstance(name, str) and name else repr(model)


async def agenerate(
    model: str | ChatModel,
    prompts: Prompt | Iterable[Prompt],
    *,
    concurrency: int = 8,
    progress: Progress = None,
    on_result: Callable[[int, Result], None] | None = None,
    **overrides: Unpack[CallOptions],
) -> list[Result]:
    """Run every prompt through ``model``; results in input order.

    ``prompts``: any iterable of what ``Model.chat`` accepts (a string, a list
    of messages, ...); a generator is consumed lazily. A single string (or
    one message dict) is one prompt: a list of one result comes back. ``concurrency``: the
    most calls in flight at once. ``progress``: ``None`` (a progress line on
    stderr if it is a terminal), ``True``/``False``, or a callable
    ``(done, total, errors)``. ``on_result(index, result)`` is called as each
    item finishes (e.g. to write results to disk as they come). ``overrides``
    are request parameters for every call (``temperature=0``, ...).

    An item that fails is its exception object in the list (not raised);
    cancelling the call cancels the calls in flight.
    """
    from ._progress import make_progress

    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ConfigurationError(f"concurrency must be a positive integer, not {concurrency!r}")
    prompts = as_prompts(prompts)
    m = as_model(model)
    total = len(prompts) if isinstance(prompts, Sequence) else None
    bar = make_progress(progress, total, f"generate {model_name(m)}")
    results: list[Any] = []
    items = iter(prompts)

    async def worker() -> None:
        while True:
            try:  # no await between taking an item and reserving its slot
                prompt = next(items)
            except StopIteration:
                return
            i = len(results)
            results.append(None)
            try:
                r: Any = await m.achat(prompt, **overrides)
            except Exception as e:  # per item, by contract
                r = e
            results[i] = r
            bar.update(not isinstance(r, Exception))
            if on_result is not None:
                on_result(i, r)

    n = concurrency if total is None else max(1, min(concurrency, total))
    tasks = [asyncio.ensure_future(worker()) for _ in range(n)]
    try:
        await asyncio.gather(*tasks)
    finally:
        for t in tasks:
            t.cancel()
        bar.close()
    return results


def generate(
    model: str | ChatModel,
    prompts: Prompt | Iterable[Prompt],
    *,
    concurrency: int = 8,
    progress: Progress = None,
    on_result: Callable[[int, Result], None] | None = None,
    **overrides: Unpack[CallOptions],
) -> list[Result]:
    """Sync :func:`agenerate` (works inside a running event loop too)."""
    from ._sync import run

    return run(agenerate(model, prompts, concurrency=concurrency, progress=progress, on_result=on_result, **overrides))


def _keyed(models: Sequence[Any] | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(models, Mapping):
        return {str(k): as_model(v) for k, v in models.items()}
    if isinstance(models, (str, bytes)):
        raise ConfigurationError("multi_chat takes a list of models (or a {name: model} dict), not one name")
    models = list(models)
    keys = [spec if isinstance(spec, str) else model_name(as_model(spec)) for spec in models]
    dup = next((k for i, k in enumerate(keys) if k in keys[:i]), None)
    if dup is not None:
        raise ConfigurationError(f"model {dup!r} is listed twice; pass a {{name: model}} dict to name them")
    return {k: as_model(spec) for k, spec in zip(keys, models, strict=True)}


async def amulti_chat(
    models: Sequence[str | ChatModel] | Mapping[str, str | ChatModel],
    messages: Prompt,
    **overrides: Unpack[CallOptions],
) -> dict[str, Result]:
    """Send ``messages`` to every model at once; ``{name: response or exception}``
    in the order given. Names are the model strings as given (or ``Model.name``),
    or the keys of a ``{name: model}`` dict."""
    keyed = _keyed(models)
    if not keyed:
        raise ConfigurationError("multi_chat needs at least one model")

    async def one(m: Any) -> Result:
        try:
            return await m.achat(messages, **overrides)  # type: ignore[no-any-return]
        except Exception as e:  # per model, by contract
            return e

    results = await asyncio.gather(*(one(m) for m in keyed.values()))
    return dict(zip(keyed, results, strict=True))


def multi_chat(
    models: Sequence[str | ChatModel] | Mapping[str, str | ChatModel],
    messages: Prompt,
    **overrides: Unpack[CallOptions],
) -> dict[str, Result]:
    """Sync :func:`amulti_chat`."""
    from ._sync import run

    return run(amulti_chat(models, messages, **overrides))
