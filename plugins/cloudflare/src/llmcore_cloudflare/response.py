"""Workers AI ``result`` → :class:`~llmcore.types.ChatResponse` (and the
equivalent stream events, for calls answered in one piece).

A text generation ``result`` is ``{"response": str, "tool_calls"?: [...],
"usage"?: {"prompt_tokens", "completion_tokens", "total_tokens"}}``. Tool
calls come flat, ``{"name", "arguments": {...}}`` with no id (llmcore makes
one up so that the result can be matched to the call), or OpenAI-shaped
``{"id", "type": "function", "function": {"name", "arguments": "..."}}``.
Models served in the OpenAI chat-completion shape (``choices[0].message``)
are read too.

Workers AI reports no finish reason for native models: ``tool_calls`` when
the model called a tool; ``length`` when the request set ``max_tokens`` and
the model generated exactly that many tokens; ``stop`` otherwise.

A result with neither ``response`` nor tool calls (nor ``choices``), or with a
field of the wrong type (a finish reason, content, tool name or id that is not a
string), is a :class:`~llmcore.errors.ProviderResponseError`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.events import Finish, StreamEvent, TextDelta, ToolCall, UsageEvent, WarningEvent
from llmcore.pluginkit import unknown_finish_reason
from llmcore.types import CallWarning, ChatResponse, FinishReason, Message, TextPart, ToolCallPart, Usage

__all__ = ["finish_reason", "parse_result", "parse_tool_calls", "parse_usage", "result_events"]

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "eos": "stop",
    "length": "length",
    "max_tokens": "length",
    "tool_calls": "tool_calls",
    "content_filter": "content_filter",
}


def parse_usage(raw: Any) -> Usage:
    """``usage`` → :class:`Usage` (all ``None`` when absent: never a made-up 0)."""
    if not isinstance(raw, Mapping):
        return Usage()
    p, c = raw.get("prompt_tokens"), raw.get("completion_tokens")
    return Usage.model_construct(
        input_tokens=p if isinstance(p, int) and not isinstance(p, bool) else None,
        output_tokens=c if isinstance(c, int) and not isinstance(c, bool) else None,
        cache_read_tokens=None,
        cache_write_tokens=None,
        reasoning_tokens=None,
    )


def _excerpt(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)[:500]


def _arguments(raw: Any, provider: str) -> tuple[dict[str, Any], str]:
    if isinstance(raw, Mapping):
        return dict(raw), json.dumps(raw, separators=(",", ":"), ensure_ascii=False)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}, ""
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            raise ProviderResponseError("tool call arguments are not valid JSON", provider=provider, raw=raw) from None
        if isinstance(value, dict):
            return value, raw
    raise ProviderResponseError("tool call arguments are not a JSON object", provider=provider, raw=str(raw))


def parse_tool_calls(raw: Any, provider: str = "cloudflare") -> list[ToolCallPart]:
    """Flat or OpenAI-shaped tool calls → parts (ids made up when absent)."""
    out: list[ToolCallPart] = []
    if not isinstance(raw, list):
        return out
    for call in raw:
        if not isinstance(call, Mapping):
            continue
        fn = call.get("function")
        src = fn if isinstance(fn, Mapping) else call
        name = src.get("name")
        if not name:
            continue
        call_id = call.get("id") or f"call_{uuid.uuid4().hex[:24]}"
        if not isinstance(name, str) or not isinstance(call_id, str):
            raise ProviderResponseError(
                "a tool call's name or id is not a string", provider=provider, raw=_excerpt(call)
            )
        args, raw_args = _arguments(src.get("arguments"), provider)
        out.append(
            ToolCallPart.model_construct(
                type="tool_call", id=str(call_id), name=str(name), arguments=args, raw_arguments=raw_args
            )
        )
    return out


def finish_reason(
    raw: Any, *, tool_calls: bool, usage: Usage, max_tokens: int | None, provider: str = "cloudflare"
) -> tuple[FinishReason, str | None]:
    """Unified and raw finish reason (see the module docstring); a ``raw`` that is
    not a string is a :class:`ProviderResponseError`."""
    if raw is not None and not isinstance(raw, str):
        raise ProviderResponseError(
            f"finish_reason is a {type(raw).__name__}, not a string", provider=provider, raw=_excerpt(raw)
        )
    if tool_calls:
        return "tool_calls", raw
    if raw:
        return _FINISH.get(raw) or unknown_finish_reason(raw, "llmcore.cloudflare"), raw
    if max_tokens is not None and usage.output_tokens is not None and usage.output_tokens >= max_tokens:
        return "length", None
    return "stop", None


def _text_of(result: Mapping[str, Any]) -> str:
    text = result.get("response")
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return json.dumps(text, ensure_ascii=False)  # a structured (JSON mode) answer arrives parsed


def parse_result(
    result: Any,
    *,
    model: str,
    provider: str = "cloudflare",
    max_tokens: int | None = None,
    warnings: list[CallWarning] | None = None,
) -> ChatResponse:
    """The ``result`` of a successful envelope → :class:`ChatResponse`."""
    if not isinstance(result, Mapping):
        raise ProviderResponseError(
            "the result is not a text generation answer", provider=provider, raw=json.dumps(result)[:500]
        )
    raw_finish: str | None = None
    choices = result.get("choices")
    if "response" not in result and isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
        msg = choices[0].get("message") or {}
        text = (msg.get("content") or "") if isinstance(msg, Mapping) else ""
        if not isinstance(text, str):
            raise ProviderResponseError(
                f"message.content is a {type(text).__name__}, not a string",
                provider=provider,
                raw=_excerpt(result),
            )
        calls = parse_tool_calls(msg.get("tool_calls") if isinstance(msg, Mapping) else None, provider)
        raw_finish = choices[0].get("finish_reason")
    elif result.get("response") is None and not result.get("tool_calls"):
        # neither an answer nor a tool call: not a text generation result
        raise ProviderResponseError(
            "the result has no response and no tool calls", provider=provider, raw=_excerpt(result)
        )
    else:
        text = _text_of(result)
        calls = parse_tool_calls(result.get("tool_calls"), provider)
    usage = parse_usage(result.get("usage"))
    reason, raw_reason = finish_reason(
        raw_finish, tool_calls=bool(calls), usage=usage, max_tokens=max_tokens, provider=provider
    )
    parts: list[Any] = []
    if text:
        parts.append(TextPart.model_construct(type="text", text=str(text)))
    parts.extend(calls)
    return ChatResponse.model_construct(
        id=None,
        model=model,
        provider=provider,
        message=Message.model_construct(role="assistant", content=parts),
        finish_reason=reason,
        raw_finish_reason=raw_reason,
        usage=usage,
        warnings=list(warnings or ()),
        provider_metadata={},
        parsed=None,
        raw=None,
    )


def result_events(response: ChatResponse) -> Iterator[StreamEvent]:
    """The stream events of an answer that arrived in one piece."""
    for w in response.warnings:
        yield WarningEvent(w)
    if response.text:
        yield TextDelta(response.text)
    for i, c in enumerate(response.tool_calls):
        yield ToolCall(id=c.id, name=c.name, arguments=c.arguments, raw_arguments=c.raw_arguments, index=i)
    if response.usage.input_tokens is not None or response.usage.output_tokens is not None:
        yield UsageEvent(response.usage)
    yield Finish(response.finish_reason, response.raw_finish_reason)
