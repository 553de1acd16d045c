"""Prompt-cache breakpoints for codecs of providers that take them (Anthropic
``cache_control``, Bedrock ``cachePoint``).

A request asks for caching two ways (see :class:`~llmcore.types.CachePoint`):
``Message.cache_point`` (a breakpoint after that message) and
``ChatRequest.cache_prompt`` (a breakpoint after the stable prefix: the
system prompt, or the tools when there is no system prompt, or the whole
prompt when there is neither). A codec places them in the provider's form;
this module holds what every such codec shares: where ``cache_prompt``
goes (:func:`prompt_target`) and the checks a provider would otherwise
reject after the network (:func:`check_breakpoints`).

A request with no breakpoint costs one attribute test per message here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from .errors import InvalidRequestError
from .types import CachePoint, ChatRequest

__all__ = ["MAX_BREAKPOINTS", "asks_for_cache", "check_breakpoints", "prompt_target"]

#: breakpoints a request may carry (Anthropic and Bedrock both allow four)
MAX_BREAKPOINTS = 4

_ORDER = {"1h": 2, "5m": 1, None: 1}  # no ttl = the provider's default, 5 minutes


def asks_for_cache(request: ChatRequest) -> bool:
    """Whether the request has a breakpoint: ``cache_prompt`` or a message's ``cache_point``
    (a plain loop: codecs call it on every request, and ``any(<genexpr>)`` costs ~2.5x this)."""
    if request.cache_prompt is not None:
        return True
    for m in request.messages:  # noqa: SIM110 - see the docstring
        if m.cache_point is not None:
            return True
    return False


def prompt_target(request: ChatRequest, *, has_system: bool, has_tools: bool) -> Literal["system", "tools", "last"]:
    """Where ``request.cache_prompt`` puts its breakpoint: after the system
    prompt (the prompt's tools come before it, so they are cached too), else
    after the last tool, else after the last message (the whole prompt)."""
    if has_system:
        return "system"
    if has_tools:
        return "tools"
    return "last"


def check_breakpoints(points: Sequence[CachePoint], provider: str) -> None:
    """Refuse, before the network, what the provider would reject:
    more than :data:`MAX_BREAKPOINTS` breakpoints, or a ``1h`` breakpoint
    after a shorter one (both Anthropic and Bedrock require TTLs not to
    grow along the prompt: tools, then system, then messages). ``points``
    are in prompt order."""
    if len(points) > MAX_BREAKPOINTS:
        raise InvalidRequestError(
            f"{len(points)} prompt-cache breakpoints in one request; {provider} takes at most "
            f"{MAX_BREAKPOINTS} (cache_prompt counts as one): remove some Message.cache_point marks",
            provider=provider,
        )
    longest = 2
    for p in points:
        rank = _ORDER[p.ttl]
        if rank > longest:
            raise InvalidRequestError(
                f"a 1h prompt-cache breakpoint follows a 5m one; {provider} requires longer TTLs first "
                "(tools, then system, then messages): give the earlier breakpoints ttl='1h' too",
                provider=provider,
            )
        longest = rank
