"""Per-model limits and capabilities, as data.

A provider's :class:`~llmcore.spec.Capabilities` say what its plugin can do;
models of one provider still differ (context window, output limit, vision).
:func:`model_info` answers for a model from a small built-in table of
well-known models (matched by the longest id prefix, so dated ids such as
``claude-3-5-haiku-20241022`` match ``claude-3-5-haiku``) and from what you
register with :func:`register_model_info`. ``None`` means "not known": the
router then trusts the provider's declared capabilities and does not check
the limit.

Figures are the providers' published limits (model pages, 2025); register your
own to correct or extend them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

__all__ = ["ModelInfo", "model_info", "register_model_info", "BUILTIN"]


@dataclass(frozen=True)
class ModelInfo:
    """What one model can take. ``context_window``: input + output tokens;
    ``max_output_tokens``: the most it generates in one answer; ``vision``,
    ``tools``, ``structured_output``: ``False`` when the model lacks it even
    though its provider has it (``None``: as the provider declares)."""

    context_window: int | None = None
    max_output_tokens: int | None = None
    vision: bool | None = None
    tools: bool | None = None
    structured_output: bool | None = None


def _m(ctx: int, out: int, *, vision: bool | None = True) -> ModelInfo:
    return ModelInfo(context_window=ctx, max_output_tokens=out, vision=vision)


#: id prefix -> limits (the longest matching prefix wins)
BUILTIN: dict[str, ModelInfo] = {
    # OpenAI
    "gpt-5": _m(400_000, 128_000),
    "gpt-4.1": _m(1_047_576, 32_768),
    "gpt-4o": _m(128_000, 16_384),
    "gpt-4-turbo": _m(128_000, 4_096),
    "gpt-3.5-turbo": _m(16_385, 4_096, vision=False),
    "o1": _m(200_000, 100_000),
    "o3": _m(200_000, 100_000),
    "o3-mini": _m(200_000, 100_000, vision=False),
    "o4-mini": _m(200_000, 100_000),
    # Anthropic
    "claude-3-haiku": _m(200_000, 4_096),
    "claude-3-5-haiku": _m(200_000, 8_192),
    "claude-3-5-sonnet": _m(200_000, 8_192),
    "claude-3-7-sonnet": _m(200_000, 64_000),
    "claude-sonnet-4": _m(200_000, 64_000),
    "claude-opus-4": _m(200_000, 32_000),
    "claude-haiku-4-5": _m(200_000, 64_000),
    # Google
    "gemini-1.5-pro": _m(2_097_152, 8_192),
    "gemini-1.5-flash": _m(1_048_576, 8_192),
    "gemini-2.0-flash": _m(1_048_576, 8_192),
    "gemini-2.5-pro": _m(1_048_576, 65_536),
    "gemini-2.5-flash": _m(1_048_576, 65_536),
}

_user: dict[str, ModelInfo] = {}
_lock = threading.Lock()


def register_model_info(name: str, info: ModelInfo | None = None, **fields: int | bool | None) -> ModelInfo:
    """Declare (or correct) a model's limits. ``name`` is a model id prefix
    (``"gpt-4.1-mini"``) or a full ``"provider/model"`` name (exact match,
    wins over prefixes). Fields given as keywords update ``info`` (or what is
    already known for ``name``). Returns what is now registered."""
    with _lock:
        base = info or _user.get(name) or BUILTIN.get(name) or ModelInfo()
        new = replace(base, **fields)  # type: ignore[arg-type]
        _user[name] = new
        return new


def _longest_prefix(table: dict[str, ModelInfo], model_id: str) -> tuple[int, ModelInfo] | None:
    best: tuple[int, ModelInfo] | None = None
    for prefix, info in table.items():
        if "/" not in prefix and model_id.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), info)
    return best


def model_info(provider: str, model_id: str) -> ModelInfo | None:
    """What is known about ``provider``'s ``model_id`` (``None``: nothing).
    Order: an exact ``provider/model`` registration, then the longest prefix
    of the id (or of its last path segment, for ``openrouter/anthropic/...``)
    among registrations, then among the built-in table."""
    with _lock:
        exact = _user.get(f"{provider}/{model_id}")
        if exact is not None:
            return exact
        ids = [model_id]
        if "/" in model_id:
            ids.append(model_id.rsplit("/", 1)[1])
        for table in (_user, BUILTIN):
            for mid in ids:
                hit = _longest_prefix(table, mid)
                if hit is not None:
                    return hit[1]
    return None


def _reset() -> None:
    """Forget registrations (tests)."""
    with _lock:
        _user.clear()
