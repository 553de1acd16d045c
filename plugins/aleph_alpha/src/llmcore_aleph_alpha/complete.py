"""The legacy ``POST /complete`` endpoint: ChatRequest → body, body → ChatResponse.

Request: ``{"model", "prompt", "maximum_tokens", "temperature", "top_p",
"stop_sequences"}`` (only the fields the request sets). ``/complete`` takes
one prompt, not messages: a single user turn is sent as it is; a longer
conversation is rendered as a ``User: ...`` / ``Assistant: ...`` transcript;
the system prompt comes first, separated by a blank line.
``provider_options["aleph_alpha"]`` is merged into the body last (e.g.
``top_k``, ``presence_penalty``, ``hosting``).

Response: ``{"model_version", "completions": [{"completion", "finish_reason"}],
"num_tokens_prompt_total", "num_tokens_generated"}``. Finish reasons:
``maximum_tokens`` → ``length``; ``end_of_text`` and ``stop_sequence_reached``
→ ``stop``; any other value → ``other``, with a warning. A completion or
finish reason that is not a string, or an answer with neither text nor a known
finish reason, is a
:class:`~llmcore.errors.ProviderResponseError`.

Not expressible here (a warning, or :class:`UnsupportedFeatureError` when
strict): tools, ``response_format``, ``seed``, ``reasoning_effort``, images.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.pluginkit import CallWarnings, transcript, unknown_finish_reason
from llmcore.types import ChatRequest, ChatResponse, FinishReason, Message, TextPart, Usage

__all__ = ["COMPLETE_PATH", "FINISH_REASONS", "build_complete_body", "parse_completion", "render_prompt"]

COMPLETE_PATH = "complete"

#: Aleph Alpha ``finish_reason`` → unified finish reason
FINISH_REASONS: dict[str, FinishReason] = {
    "maximum_tokens": "length",
    "end_of_text": "stop",
    "stop_sequence_reached": "stop",
}


def render_prompt(request: ChatRequest, warnings: CallWarnings) -> str:
    """The text prompt for ``request`` (system prompt first)."""
    prompt, left_out = transcript(request)
    if "media" in left_out:
        warnings.add("vision", "image and file parts are not sent to /complete by this plugin")
    if "tools" in left_out:
        warnings.add("tools", "tool calls and tool results in the conversation are not sent to /complete")
    if "reasoning" in left_out:
        warnings.add("reasoning", "reasoning parts of earlier turns are not sent")
    system = request.system_text()
    return f"{system}\n\n{prompt}" if system else prompt


def build_complete_body(request: ChatRequest, provider: str = "aleph_alpha") -> tuple[dict[str, Any], CallWarnings]:
    """The ``/complete`` body for ``request`` and the warnings it produced."""
    w = CallWarnings(request.strict, provider)
    body: dict[str, Any] = {"model": request.model, "prompt": render_prompt(request, w)}
    if request.max_tokens is not None:
        body["maximum_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.stop:
        body["stop_sequences"] = list(request.stop)
    if request.seed is not None:
        w.add("seed", "/complete has no seed; not sent")
    if request.tools:
        w.add("tools", "Aleph Alpha has no tool calling; the tools were not sent")
    if request.response_format is not None and request.response_format.type != "text":
        w.add("response_format", "structured output is not supported by this plugin on /complete; not sent")
    if request.reasoning_effort is not None:
        w.add("reasoning_effort", "no reasoning effort on /complete; not sent")
    body.update(request.options_for(provider))
    return body, w


def parse_completion(data: Any, *, model: str, provider: str, warnings: CallWarnings) -> ChatResponse:
    """A ``/complete`` answer → :class:`ChatResponse` (the first completion)."""
    completions = data.get("completions") if isinstance(data, Mapping) else None
    if not isinstance(completions, list) or not completions or not isinstance(completions[0], Mapping):
        raise ProviderResponseError(
            "the /complete answer has no completions", provider=provider, raw=json.dumps(data)[:500]
        )
    first = completions[0]
    text = first.get("completion")
    raw_reason = first.get("finish_reason")
    if not isinstance(text, (str, type(None))) or not isinstance(raw_reason, (str, type(None))):
        raise ProviderResponseError(
            "the /complete answer's completion or finish_reason is not a string",
            provider=provider,
            raw=json.dumps(data)[:500],
        )
    reason: FinishReason = (
        FINISH_REASONS.get(raw_reason) or unknown_finish_reason(raw_reason, "llmcore.aleph_alpha")
        if raw_reason
        else "other"
    )
    if not text and reason == "other":  # no text and no known reason: not an answer
        raise ProviderResponseError(
            "the /complete answer has neither a completion nor a finish reason",
            provider=provider,
            raw=json.dumps(data)[:500],
        )
    p, g = data.get("num_tokens_prompt_total"), data.get("num_tokens_generated")
    usage = Usage.model_construct(
        input_tokens=p if isinstance(p, int) and not isinstance(p, bool) else None,
        output_tokens=g if isinstance(g, int) and not isinstance(g, bool) else None,
        cache_read_tokens=None,
        cache_write_tokens=None,
        reasoning_tokens=None,
    )
    parts: list[Any] = [TextPart.model_construct(type="text", text=text)] if text else []
    return ChatResponse.model_construct(
        id=None,
        model=model,
        provider=provider,
        message=Message.model_construct(role="assistant", content=parts),
        finish_reason=reason,
        raw_finish_reason=raw_reason or None,
        usage=usage,
        warnings=list(warnings.items),
        provider_metadata={"aleph_alpha": {"model_version": data.get("model_version")}},
        parsed=None,
        raw=None,
    )
