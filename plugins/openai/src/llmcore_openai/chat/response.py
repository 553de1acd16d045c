"""Chat Completions response body → :class:`~llmcore.types.ChatResponse`.

Only the first choice is read (llmcore asks for one). Parts are built with
``model_construct`` (no re-validation). A refusal (``message.refusal``, sent by
OpenAI when it declines a structured-output request on safety grounds) becomes
the answer text, the finish reason becomes ``content_filter`` (the raw reason is
kept) and a ``refusal`` warning is added, so callers parsing JSON are not
handed the refusal as if it were data.

An answer of the wrong shape (valid JSON, wrong field types: ``"message": "hi"``,
``"content": 5``, a tool call without a string name…) is a
:class:`~llmcore.errors.ProviderResponseError` with an excerpt, and so is one that
carries nothing: no content, no tool call and no finish reason (an empty text is
only an answer when the server says why it stopped, e.g. ``length`` or
``content_filter``). Ill-typed optional metadata (``id``, ``model``) is dropped. The dialect's ``metadata_fields`` are
copied into ``provider_metadata[<provider>]``, and so are its
``message_metadata_fields`` of the message that carry data. Annotations become
citations, Groq's ``executed_tools`` server-tool parts, and any other message field
with data is kept with :func:`~llmcore.pluginkit.keep_unmapped` (see :mod:`.extras`).
An old-style ``function_call`` with no name is not a call.
"""

from __future__ import annotations

from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.pluginkit import SHAPE_ERRORS, keep_unmapped, malformed, parse_arguments
from llmcore.types import CallWarning, ChatResponse, Message, ReasoningPart, TextPart, ToolCallPart, Usage

from .dialect import ChatDialect
from .extras import annotation_citations, executed_tool_parts, is_whole, unknown_fields
from .finish import map_finish_reason
from .parts import content_items
from .reasoning_data import attach_reasoning_data
from .usage import find_usage, map_usage

__all__ = ["has_data", "opt_str", "parse_response", "reasoning_text", "refusal_warning", "wrong_type"]


def opt_str(v: Any) -> str | None:
    """``v`` when it is a non-empty string, else ``None`` (for optional metadata)."""
    return v if isinstance(v, str) and v else None


def wrong_type(field: str, value: Any) -> TypeError:
    """The error a parser raises for a field of the wrong JSON type (its guard
    turns it into a :class:`ProviderResponseError`)."""
    return TypeError(f"{field} is {type(value).__name__}, not a string")


def has_data(v: Any) -> bool:
    """A ``message_metadata_fields`` value worth keeping: not ``null``, and not
    an object whose values are all ``null``."""
    if isinstance(v, dict):
        return any(x is not None for x in v.values())
    return v is not None


def refusal_warning() -> CallWarning:
    """The warning attached to a response whose text is a refusal."""
    return CallWarning.model_construct(feature="refusal", detail="the model refused; its refusal is the text")


def reasoning_text(obj: dict[str, Any], dialect: ChatDialect) -> str | None:
    """Reasoning text of a message or delta, from the dialect's fields."""
    for f in dialect.reasoning_fields:
        v = obj.get(f)
        if isinstance(v, str) and v:
            return v
    return None


def parse_response(
    data: Any,
    dialect: ChatDialect,
    *,
    provider: str,
    usage_mapper: Any = map_usage,
    warnings: list[CallWarning] | None = None,
) -> ChatResponse:
    """Map a parsed response body. Raises :class:`ProviderResponseError` for a
    body that is not a chat completion (wrong shape, or no content and no finish
    reason)."""
    try:
        return _parse(data, dialect, provider, usage_mapper, warnings)
    except SHAPE_ERRORS as e:
        raise malformed(provider, "chat completion", data, e) from None


def _parse(
    data: Any, dialect: ChatDialect, provider: str, usage_mapper: Any, warnings: list[CallWarning] | None
) -> ChatResponse:
    if not isinstance(data, dict):
        raise ProviderResponseError("response is not a JSON object", provider=provider, raw=str(data)[:500])
    if "error" in data and "choices" not in data and dialect.errors_in_stream:
        from .errors import stream_error

        raise stream_error(data, provider)
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        raise ProviderResponseError("response has no choices", provider=provider, raw=str(data)[:500])
    choice = next((c for c in choices if isinstance(c, dict) and c.get("index", 0) == 0), choices[0])
    msg = choice.get("message") or {}
    if not isinstance(msg, dict):
        raise TypeError(f"message is {type(msg).__name__}, not an object")
    parts: list[Any] = []
    warns = list(warnings or ())
    reasoning = reasoning_text(msg, dialect)
    content = msg.get("content")
    part_reasoning: list[tuple[str, str, str | None]] = []
    if isinstance(content, list):  # content parts, maybe with reasoning parts (see .parts)
        items = content_items(content)
        content = "".join(t for k, t, _ in items if k == "text")
        part_reasoning = [i for i in items if i[0] == "reasoning"]
    elif content is not None and not isinstance(content, str):
        raise wrong_type("message.content", content)
    if dialect.think_tags and content:
        from .think import split_think

        thought, content = split_think(content)
        reasoning = reasoning or thought
    if reasoning:
        parts.append(
            ReasoningPart.model_construct(
                type="reasoning",
                text=reasoning,
                signature=None,
                redacted=False,
                data=None,
                provider=provider,
            )
        )
    for _, text, sig in part_reasoning:
        parts.append(
            ReasoningPart.model_construct(
                type="reasoning",
                text=text,
                signature=sig,
                redacted=False,
                data=None,
                provider=provider,
            )
        )
    for tool in msg.get("executed_tools") or ():  # Groq compound: built-in tools run before the answer
        if isinstance(tool, dict):
            parts.extend(executed_tool_parts(tool, provider))
    cites = annotation_citations(msg.get("annotations"), provider)
    attached = [c for c in cites if not is_whole(c)]
    if content or attached:
        parts.append(TextPart.model_construct(type="text", text=content or "", citations=attached))
    refusal = msg.get("refusal")
    if refusal is not None and not isinstance(refusal, str):
        raise wrong_type("message.refusal", refusal)
    if refusal:
        parts.append(TextPart.model_construct(type="text", text=refusal))
        warns.append(refusal_warning())
    calls = msg.get("tool_calls") or []
    fc = msg.get("function_call")
    # the deprecated single-function form; a call with no name is no call (Snowflake sends
    # "function_call": {"name": "", "arguments": ""} next to "tool_calls": null on plain answers)
    if not calls and isinstance(fc, dict) and fc.get("name"):
        calls = [{"id": "call_0", "function": fc}]
    for i, tc in enumerate(calls):
        fn = tc.get("function") or {}
        raw_args = fn.get("arguments")
        if isinstance(raw_args, dict):  # a few servers send an object
            import json

            raw_args = json.dumps(raw_args, separators=(",", ":"))
        raw_args = raw_args or ""
        tc_id, name = tc.get("id") or f"call_{i}", fn.get("name") or ""
        for field, v in (("tool_calls.id", tc_id), ("tool_calls.function.name", name), ("arguments", raw_args)):
            if not isinstance(v, str):
                raise wrong_type(field, v)
        parts.append(
            ToolCallPart.model_construct(
                type="tool_call",
                id=tc_id,
                name=name,
                arguments=parse_arguments(raw_args, provider),
                raw_arguments=raw_args,
            )
        )
    if dialect.reasoning_data_field:
        attach_reasoning_data(parts, msg.get(dialect.reasoning_data_field), provider)
    raw_finish = choice.get("finish_reason")
    if raw_finish is not None and not isinstance(raw_finish, str):
        raise wrong_type("finish_reason", raw_finish)
    if not parts and not raw_finish:
        raise ProviderResponseError(
            "the response has no content, no tool call and no finish reason",
            provider=provider,
            raw=str(data)[:500],
        )
    finish = map_finish_reason(raw_finish, has_tool_calls=bool(calls))
    if refusal:
        finish = "content_filter"
    raw_usage = find_usage(data, dialect.usage_fallbacks)
    usage = usage_mapper(raw_usage) if raw_usage is not None else Usage()
    meta = {f: data[f] for f in dialect.metadata_fields if data.get(f) not in (None, "")}
    for f in dialect.message_metadata_fields:
        if has_data(msg.get(f)):
            meta[f] = msg[f]
    for f in dialect.choice_metadata_fields:
        if choice.get(f) is not None:
            meta[f] = choice[f]
    pm: dict[str, Any] = {provider: meta} if meta else {}
    for f, v in unknown_fields(msg, dialect):
        keep_unmapped(pm, warns, provider, f"message.{f}", v)
    return ChatResponse.model_construct(
        id=opt_str(data.get("id")),
        model=opt_str(data.get("model")),
        provider=provider,
        message=Message.model_construct(role="assistant", content=parts),
        finish_reason=finish,
        raw_finish_reason=raw_finish,
        usage=usage,
        warnings=warns,
        citations=cites,
        provider_metadata=pm,
        parsed=None,
        raw=data,
    )
