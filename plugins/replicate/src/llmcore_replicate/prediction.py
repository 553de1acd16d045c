"""A finished prediction → :class:`~llmcore.types.ChatResponse`.

* ``output`` is a list of strings (language models stream tokens into a list:
  they are concatenated) or a single string; anything else is not text and is
  a :class:`ProviderResponseError`.
* Usage comes from ``metrics.input_token_count`` / ``metrics.output_token_count``
  when the model reports them; otherwise it is unknown (``None``).
* Replicate reports no finish reason. It is ``length`` when the request set
  ``max_tokens`` and the model produced exactly that many tokens (per
  ``metrics``), else ``stop``; the raw reason is the prediction status.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.types import CallWarning, ChatResponse, FinishReason, Message, TextPart, Usage

__all__ = ["TERMINAL", "finish_reason", "output_text", "parse_usage", "to_response"]

#: statuses after which a prediction never changes
TERMINAL = frozenset({"succeeded", "failed", "canceled", "aborted"})


def output_text(output: Any, provider: str = "replicate") -> str:
    """The text of a prediction ``output``."""
    if output is None:
        return ""
    if isinstance(output, str):
        return output
    if isinstance(output, list) and all(isinstance(x, str) for x in output):
        return "".join(output)
    raise ProviderResponseError(
        "the prediction output is not text (is this a language model?)",
        provider=provider,
        raw=json.dumps(output)[:500],
    )


def parse_usage(metrics: Any) -> Usage:
    """``metrics`` → :class:`Usage` (``None`` for counts the model did not report)."""
    if not isinstance(metrics, Mapping):
        return Usage()
    i, o = metrics.get("input_token_count"), metrics.get("output_token_count")
    return Usage.model_construct(
        input_tokens=i if isinstance(i, int) and not isinstance(i, bool) else None,
        output_tokens=o if isinstance(o, int) and not isinstance(o, bool) else None,
        cache_read_tokens=None,
        cache_write_tokens=None,
        reasoning_tokens=None,
    )


def finish_reason(usage: Usage, max_tokens: int | None) -> FinishReason:
    """``length`` when exactly ``max_tokens`` tokens were generated, else ``stop``."""
    if max_tokens is not None and usage.output_tokens is not None and usage.output_tokens >= max_tokens:
        return "length"
    return "stop"


def to_response(
    prediction: Mapping[str, Any],
    *,
    provider: str = "replicate",
    max_tokens: int | None = None,
    warnings: list[CallWarning] | None = None,
) -> ChatResponse:
    """A ``succeeded`` prediction → :class:`ChatResponse` (one without ``output`` is a
    :class:`ProviderResponseError`; an empty output is an empty answer)."""
    if prediction.get("output") is None:
        raise ProviderResponseError(
            "the prediction succeeded but has no output",
            provider=provider,
            raw=json.dumps(prediction, ensure_ascii=False, default=repr)[:500],
        )
    text = output_text(prediction.get("output"), provider)
    usage = parse_usage(prediction.get("metrics"))
    parts: list[Any] = [TextPart.model_construct(type="text", text=text)] if text else []
    pid, model = prediction.get("id"), prediction.get("model")
    return ChatResponse.model_construct(
        id=str(pid) if pid else None,
        model=str(model) if model else None,
        provider=provider,
        message=Message.model_construct(role="assistant", content=parts),
        finish_reason=finish_reason(usage, max_tokens),
        raw_finish_reason=str(prediction.get("status") or "") or None,
        usage=usage,
        warnings=list(warnings or ()),
        provider_metadata={"replicate": {"prediction_id": pid, "version": prediction.get("version")}},
        parsed=None,
        raw=None,
    )
