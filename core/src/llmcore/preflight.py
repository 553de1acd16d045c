"""Checks made before a chat call goes on the network: the context window
and the budgets. Both raise typed errors and send nothing.

Context window: when the model catalogue (:mod:`llmcore.catalogue`, user
overrides included) knows the model's context window, the request's input
tokens are estimated (~4 characters per token plus per-message framing, the
``"estimate"`` method of ``count_tokens``) and the request is refused with
:class:`~llmcore.errors.ContextWindowExceededError` when the estimate plus
``max_tokens`` passes the window by more than :data:`ESTIMATE_MARGIN` (an
estimate can be off either way; a request near the limit goes to the
provider, whose own error is typed the same). An exact count would need the
provider's endpoint (a network call) or tokenizer, so the check does not use
one; ``count_tokens()`` gives it. ``LLMCORE_CONTEXT_CHECK=0`` turns the check
off. Budgets: see :mod:`llmcore.usage.budget`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import catalogue
from .errors import ConfigurationError, ContextWindowExceededError
from .usage.budget import process_budget
from .usage.envread import EnvVars

if TYPE_CHECKING:
    from .types import ChatRequest

__all__ = ["preflight", "check_context", "ESTIMATE_MARGIN"]

#: an estimated request must pass the window by this share to be refused
ESTIMATE_MARGIN = 0.10


def _load_estimate(req: ChatRequest) -> int:
    """:func:`llmcore.tokens.estimated_input_tokens`, imported on first use (it loads
    pydantic: importing this module stays light) and kept in :data:`_estimate`, so a
    call pays no import statement."""
    global _estimate
    from .tokens import estimated_input_tokens

    _estimate = estimated_input_tokens
    return estimated_input_tokens(req)


_estimate: Callable[[ChatRequest], int] = _load_estimate


def check_context(provider: str, model_id: str, req: ChatRequest, estimate: int | None = None) -> None:
    """Raise :class:`ContextWindowExceededError` if the request's input tokens
    (``estimate``, else estimated here) plus ``max_tokens`` clearly do not fit
    ``provider``'s ``model_id``. Nothing is counted for a model without a known window."""
    info = catalogue.lookup(provider, model_id)
    if info is None or not info.context_window:
        return
    window = info.context_window
    if estimate is None:
        estimate = _estimate(req)
    out = req.max_tokens or 0
    if estimate + out <= window * (1 + ESTIMATE_MARGIN):
        return
    reserve = f" + max_tokens {out:,}" if out else ""
    raise ContextWindowExceededError(
        f"the request needs about {estimate:,} input tokens{reserve} (an estimate: ~4 characters per token), "
        f"more than {info.id}'s context window of {window:,} tokens (model catalogue, "
        f"{info.sources.get('limits', 'user override')}); nothing was sent. Shorten the messages"
        + (", lower max_tokens" if out else "")
        + ", or use a model with a larger window (count_tokens() gives the provider's count; "
        "LLMCORE_CONTEXT_CHECK=0 turns this check off)",
        provider=provider,
        code="context_window_exceeded",
    )


_CHECK_ENV = EnvVars("LLMCORE_CONTEXT_CHECK")
#: whether the check is on, per stored value of ``$LLMCORE_CONTEXT_CHECK`` (a change is a new key)
_check_memo: dict[tuple[object, ...], bool] = {}


def _context_check_on() -> bool:
    """``$LLMCORE_CONTEXT_CHECK`` is not one of 0/false/no/off (read per call, decoded once per value)."""
    key = _CHECK_ENV.stored()
    try:
        return _check_memo[key]
    except KeyError:
        pass
    on = os.environ.get("LLMCORE_CONTEXT_CHECK", "1").strip().lower() not in ("0", "false", "no", "off")
    _check_memo[key] = on
    return on


def preflight(model: Any, req: ChatRequest) -> None:
    """Both checks for one call of ``model`` (a :class:`~llmcore.facade.Model`)."""
    mb = getattr(model, "budget", None)
    pb = process_budget()
    budgets = [b for b in (mb, pb) if b is not None] if mb is not None or pb is not None else None
    check_ctx = _context_check_on()
    if not budgets and not check_ctx:
        return
    if check_ctx:
        check_context(model.spec.name, model.model_id, req)
    if budgets:
        from .types import Usage
        from .usage.prices import price_for

        price = model.price if model.price is not None else price_for(model.spec, model.model_id)
        if price is None:
            raise ConfigurationError(
                f"a budget is set but {model.spec.name}/{model.model_id} has no known price, so its spending "
                "cannot be counted; give one: llmcore.model(..., prices={'input': ..., 'output': ...}) "
                "(USD per 1M tokens) or llmcore.catalogue.add_models()",
                provider=model.spec.name,
            )
        estimate = _estimate(req)
        cost = price.cost(Usage(input_tokens=estimate, output_tokens=req.max_tokens or 0)) or 0.0
        for b in budgets:
            b.check(cost, provider=model.spec.name, model=model.model_id)
