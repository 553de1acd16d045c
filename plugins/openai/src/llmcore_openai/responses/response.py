"""Responses API ``response`` object → :class:`~llmcore.types.ChatResponse`.

Output items:

* ``message`` → text (``output_text``; adjacent texts are one part, as a
  stream collects them) with its ``annotations`` as citations (offsets moved
  onto ``ChatResponse.text``); a ``refusal`` content part → text, a ``refusal``
  warning and finish ``content_filter`` (as on Chat Completions); other content
  parts → :func:`~llmcore.pluginkit.keep_unmapped` (kind ``message.<type>``);
  its ``phase`` → ``provider_metadata[provider]["phases"]`` (:func:`keep_phase`);
* top-level ``content_filters`` (Azure), ``service_tier`` and ``tool_usage`` → ``provider_metadata[provider]``
  (:data:`METADATA_FIELDS`);
* ``reasoning`` → a :class:`ReasoningPart` whose ``text`` is the summary
  (parts joined by a blank line) and whose ``data`` is
  ``{"id": ..., "encrypted_content": ...}``, echoed on the next turn;
* ``function_call`` → a tool call (``id`` is the ``call_id``);
* built-in (server-run) tool items → server-tool parts, generated images →
  :class:`ImagePart` (see :mod:`.items`);
* anything else → kept whole in ``provider_metadata["unmapped"]`` with an
  ``unmapped:<type>`` warning.

Finish: ``completed`` → ``stop`` (``tool_calls`` when function calls were
made); ``incomplete`` → ``length`` for ``max_output_tokens``,
``content_filter`` for ``content_filter``; ``failed`` raises the typed error.
Usage: ``input_tokens`` (includes ``input_tokens_details.cached_tokens``),
``output_tokens`` (includes ``output_tokens_details.reasoning_tokens``).

A response of the wrong shape (an output item that is no object, a text that is
no string…) or one with no output and no status is a
:class:`~llmcore.errors.ProviderResponseError` with an excerpt.
"""

from __future__ import annotations

from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.pluginkit import SHAPE_ERRORS, keep_unmapped, malformed, parse_arguments
from llmcore.types import (
    CallWarning,
    ChatResponse,
    Citation,
    FinishReason,
    Message,
    ReasoningPart,
    TextPart,
    ToolCallPart,
    Usage,
)

from ..chat.errors import stream_error
from ..chat.response import opt_str, refusal_warning, wrong_type
from .items import citation_of, is_server_item, server_item_parts

__all__ = ["parse_response", "map_usage", "finish_of", "keep_phase", "keep_response_fields", "reasoning_data"]


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def map_usage(raw: Any) -> Usage:
    """Responses ``usage`` → :class:`Usage` (``None`` fields when absent)."""
    if not isinstance(raw, dict):
        return Usage()
    idt = raw.get("input_tokens_details")
    odt = raw.get("output_tokens_details")
    return Usage.model_construct(
        input_tokens=_int(raw.get("input_tokens")),
        output_tokens=_int(raw.get("output_tokens")),
        cache_read_tokens=_int(idt.get("cached_tokens")) if isinstance(idt, dict) else None,
        cache_write_tokens=None,
        reasoning_tokens=_int(odt.get("reasoning_tokens")) if isinstance(odt, dict) else None,
    )


def finish_of(resp: dict[str, Any], has_tool_calls: bool) -> tuple[FinishReason, str | None]:
    """``(unified, raw)`` finish reason of a response object."""
    status = resp.get("status")
    if status is not None and not isinstance(status, str):
        raise wrong_type("status", status)
    if status == "incomplete":
        reason = (resp.get("incomplete_details") or {}).get("reason")
        if reason is not None and not isinstance(reason, str):
            raise wrong_type("incomplete_details.reason", reason)
        if reason == "max_output_tokens":
            return "length", reason
        if reason == "content_filter":
            return "content_filter", reason
        return "other", reason or status
    if status == "completed" or status is None:
        return ("tool_calls" if has_tool_calls else "stop"), status
    return "other", status


#: top-level response fields kept in ``provider_metadata[provider]`` when they hold data (Azure's
#: content-filter verdicts on the prompt and the answer; the tier that served and priced the call; the
#: tokens built-in tools used, which ``Usage`` has no field for, e.g. Azure's ``image_gen``)
METADATA_FIELDS = ("content_filters", "service_tier", "tool_usage")


def keep_response_fields(meta: dict[str, Any], provider: str, data: dict[str, Any]) -> None:
    """The :data:`METADATA_FIELDS` of a response object that hold data → ``provider_metadata``."""
    for f in METADATA_FIELDS:
        if data.get(f):
            meta.setdefault(provider, {})[f] = data[f]


def keep_phase(meta: dict[str, Any], provider: str, item: dict[str, Any]) -> None:
    """A message item's ``phase`` (``commentary`` / ``final_answer``: OpenAI's codex models,
    DeepSeek) → ``provider_metadata[provider]["phases"]``, one entry per message item in order.
    Not sent back next turn: a llmcore message has no place for it yet (OpenAI's guide: resending
    it helps those models; leaving it out is accepted)."""
    phase = item.get("phase")
    if isinstance(phase, str):
        meta.setdefault(provider, {}).setdefault("phases", []).append(phase)


def reasoning_data(item: dict[str, Any]) -> dict[str, Any]:
    """The data of a reasoning item that must be echoed back: its ``id`` and ``encrypted_content``,
    and, for an item whose reasoning is in ``content`` (``reasoning_text`` parts: open-weight models,
    DeepSeek), that ``content`` and ``summary`` as they came, since such a server wants the item back
    in the form it sent (a summary rebuilt from the text would move its reasoning into ``summary``)."""
    data = {"id": item.get("id"), "encrypted_content": item.get("encrypted_content")}
    content = item.get("content")
    if isinstance(content, list) and content:
        data["content"] = content
        data["summary"] = item.get("summary") if isinstance(item.get("summary"), list) else []
    return data


def reasoning_summary(item: dict[str, Any]) -> str:
    """Summary (or, for open-weight models, reasoning) text of a reasoning item."""
    texts = [s.get("text", "") for s in item.get("summary") or () if isinstance(s, dict)]
    if not any(texts):
        texts = [c.get("text", "") for c in item.get("content") or () if isinstance(c, dict)]
    return "\n\n".join(t for t in texts if t)


def parse_response(data: Any, *, provider: str, warnings: list[CallWarning] | None = None) -> ChatResponse:
    """Map a parsed ``response`` object; :class:`ProviderResponseError` for one of the wrong shape."""
    try:
        return _parse(data, provider, warnings)
    except SHAPE_ERRORS as e:
        raise malformed(provider, "Responses API response", data, e) from None


def _text(v: Any, field: str) -> str:
    if not isinstance(v, str):
        raise wrong_type(field, v)
    return v


def _parse(data: Any, provider: str, warnings: list[CallWarning] | None) -> ChatResponse:
    if not isinstance(data, dict) or data.get("object") not in (None, "response"):
        raise ProviderResponseError("body is not a Responses API response", provider=provider, raw=str(data)[:500])
    if data.get("status") == "failed":
        raise stream_error({"error": data.get("error") or {"message": "the response failed"}}, provider)
    parts: list[Any] = []
    warns = list(warnings or ())
    meta: dict[str, Any] = {}
    cites: list[Citation] = []
    text_len = 0  # length of ChatResponse.text so far: annotation offsets are moved onto it
    refused = False
    calls = 0

    def add_text(text: str, citations: list[Citation]) -> None:
        # adjacent text (two output_text parts, two messages) is one part, as a stream collects it
        nonlocal text_len
        last = parts[-1] if parts else None
        if isinstance(last, TextPart):
            parts[-1] = TextPart.model_construct(
                type="text", text=last.text + text, citations=[*last.citations, *citations]
            )
        else:
            parts.append(TextPart.model_construct(type="text", text=text, citations=citations))
        text_len += len(text)
        cites.extend(citations)

    for item in data.get("output") or ():
        t = item.get("type")
        if t == "message":
            keep_phase(meta, provider, item)
            for c in item.get("content") or ():
                ct = c.get("type")
                if ct == "output_text":
                    text = _text(c.get("text") or "", "output_text.text")
                    anns = [
                        citation_of(a, text_len, provider) for a in c.get("annotations") or () if isinstance(a, dict)
                    ]
                    if text or anns:
                        add_text(text, anns)
                elif ct == "refusal":
                    if c.get("refusal"):
                        refused = True
                        add_text(_text(c["refusal"], "refusal"), [])
                else:
                    keep_unmapped(meta, warns, provider, f"message.{ct}", c)
        elif t == "reasoning":
            parts.append(
                ReasoningPart.model_construct(
                    type="reasoning",
                    text=reasoning_summary(item),
                    signature=None,
                    redacted=False,
                    data=reasoning_data(item),
                    provider=provider,
                )
            )
        elif t == "function_call":
            raw = _text(item.get("arguments") or "", "function_call.arguments")
            calls += 1
            parts.append(
                ToolCallPart.model_construct(
                    type="tool_call",
                    id=_text(item.get("call_id") or item.get("id") or f"call_{calls}", "call_id"),
                    name=_text(item.get("name") or "", "function_call.name"),
                    arguments=parse_arguments(raw, provider),
                    raw_arguments=raw,
                )
            )
        elif is_server_item(t):
            parts.extend(server_item_parts(item, provider))
        else:
            keep_unmapped(meta, warns, provider, str(t), item)
    if not parts and data.get("status") is None:
        raise ProviderResponseError("the response has no output and no status", provider=provider, raw=str(data)[:500])
    finish, raw_finish = finish_of(data, calls > 0)
    keep_response_fields(meta, provider, data)
    if refused:
        warns.append(refusal_warning())
        finish = "content_filter"
    return ChatResponse.model_construct(
        id=opt_str(data.get("id")),
        model=opt_str(data.get("model")),
        provider=provider,
        message=Message.model_construct(role="assistant", content=parts),
        finish_reason=finish,
        raw_finish_reason=raw_finish,
        usage=map_usage(data.get("usage")),
        warnings=warns,
        citations=cites,
        provider_metadata=meta,
        parsed=None,
        raw=data,
    )
