"""Anthropic ``Message`` object → :class:`llmcore.types.ChatResponse`.

Content blocks become parts in order: ``text`` → :class:`TextPart` (adjacent
text blocks are joined, as the stream accumulator does), ``thinking`` →
:class:`ReasoningPart` with its ``signature``, ``redacted_thinking`` →
:class:`ReasoningPart` with ``redacted=True`` and the opaque ``data``,
``tool_use`` → :class:`ToolCallPart`; server-tool blocks
(``server_tool_use``, ``mcp_tool_use``, every ``*_tool_result``) →
:class:`ServerToolCallPart` / :class:`ServerToolResultPart` with the block whole
in ``data`` (see :mod:`.blocks`); a text block's ``citations`` →
:class:`Citation` on that text, spanning the block. Any other block type is kept
whole in ``provider_metadata["unmapped"]`` with a warning (``keep_unmapped``).
Reasoning and server-tool parts are stamped with the provider name so the next
turn can send them back.

Built with ``model_construct``: the provider's output is not re-validated, but
a message of the wrong shape (a block that is no object, a text that is no
string…) is a :class:`ProviderResponseError` with an excerpt (a ``try`` around
the parse: free on success), and so is one with no content and no stop reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.pluginkit import SHAPE_ERRORS, keep_unmapped, malformed
from llmcore.types import (
    CallWarning,
    ChatResponse,
    Message,
    ReasoningPart,
    TextPart,
    ToolCallPart,
)

from .blocks import SERVER_CALL_TYPES, citation, is_result_type, result_part, server_call_part
from .finish import map_finish_reason
from .usage import map_usage

__all__ = ["opt_sig", "opt_str", "parse_message", "text_of"]


def opt_str(v: Any) -> str | None:
    """``v`` when it is a non-empty string, else ``None`` (optional metadata)."""
    return v if isinstance(v, str) and v else None


def opt_sig(v: Any) -> str | None:
    """A signature: ``None`` when empty, else it must be a string."""
    return text_of(v, "signature") if v else None


def text_of(v: Any, field: str) -> str:
    """``v`` when it is a string; else a ``TypeError`` naming ``field`` (the parse guard reports it)."""
    if not isinstance(v, str):
        raise TypeError(f"{field} is {type(v).__name__}, not a string")
    return v


def parse_message(
    data: Any,
    *,
    provider: str = "anthropic",
    warnings: list[CallWarning] | None = None,
    request_id: str | None = None,
) -> ChatResponse:
    """Build the response; :class:`ProviderResponseError` if ``data`` is not a message."""
    if not isinstance(data, Mapping) or not isinstance(data.get("content"), list):
        raise ProviderResponseError(
            "the response is not an Anthropic message", provider=provider, raw=json.dumps(data)[:500]
        )
    try:
        return _parse(data, provider, warnings, request_id)
    except SHAPE_ERRORS as e:
        raise malformed(provider, "message", data, e) from None


def _parse(
    data: Mapping[str, Any], provider: str, warnings: list[CallWarning] | None, request_id: str | None
) -> ChatResponse:
    parts: list[Any] = []
    warnings = list(warnings or ())
    top: dict[str, Any] = {}  # provider_metadata["unmapped"] (keep_unmapped)
    call_names: dict[str, str] = {}
    text_buf: list[str] | None = None  # the text blocks of the current TextPart
    cites: list[Any] = []  # and their citations
    pos = 0  # characters of answer text so far
    for block in data["content"]:
        t = block.get("type")
        if t == "text":
            text = text_of(block.get("text") or "", "text block")
            block_cites = block.get("citations") or ()
            if text or block_cites:  # an empty block adds nothing (and the stream emits no delta for it)
                if text_buf is None:
                    text_buf, cites = [], []
                    parts.append((text_buf, cites))
                text_buf.append(text)
                if block_cites:  # most blocks have none: no generator built for them
                    cites.extend(citation(c, pos, pos + len(text), provider) for c in block_cites)
                pos += len(text)
            continue
        text_buf = None
        if t == "thinking":
            parts.append(
                ReasoningPart.model_construct(
                    type="reasoning",
                    text=text_of(block.get("thinking") or "", "thinking"),
                    signature=opt_sig(block.get("signature")),
                    redacted=False,
                    data=None,
                    provider=provider,
                )
            )
        elif t == "redacted_thinking":
            parts.append(
                ReasoningPart.model_construct(
                    type="reasoning",
                    text="",
                    signature=None,
                    redacted=True,
                    data=block.get("data"),
                    provider=provider,
                )
            )
        elif t == "tool_use":
            args = block.get("input")
            if not isinstance(args, dict):
                raise ProviderResponseError("tool_use input is not an object", provider=provider, raw=str(args)[:500])
            parts.append(
                ToolCallPart.model_construct(
                    type="tool_call",
                    id=text_of(block.get("id") or "", "tool_use id"),
                    name=text_of(block.get("name") or "", "tool_use name"),
                    arguments=args,
                    raw_arguments=json.dumps(args, separators=(",", ":"), ensure_ascii=False),
                )
            )
        elif t in SERVER_CALL_TYPES:
            call = server_call_part(block, provider)
            call_names[call.id] = call.name
            parts.append(call)
        elif is_result_type(t):
            parts.append(result_part(block, provider, call_names))
        else:
            keep_unmapped(top, warnings, provider, str(t), block)
    content = [
        TextPart.model_construct(type="text", text="".join(p[0]), citations=p[1]) if isinstance(p, tuple) else p
        for p in parts
    ]
    all_cites = [c for p in content if isinstance(p, TextPart) for c in p.citations]
    raw_reason = data.get("stop_reason")
    if raw_reason is not None:
        text_of(raw_reason, "stop_reason")
    elif not content:
        raise ProviderResponseError(
            "the message has no content and no stop reason", provider=provider, raw=json.dumps(data)[:500]
        )
    meta: dict[str, Any] = {}
    if data.get("stop_sequence") is not None:
        meta["stop_sequence"] = data["stop_sequence"]
    if request_id:
        meta["request_id"] = request_id
    if data.get("container"):  # code execution's container (id, expiry): pass its id back to reuse it
        meta["container"] = data["container"]
    return ChatResponse.model_construct(
        id=opt_str(data.get("id")),
        model=opt_str(data.get("model")),
        provider=provider,
        message=Message.model_construct(role="assistant", content=content),
        finish_reason=(
            "tool_calls"
            if raw_reason is None and any(isinstance(p, ToolCallPart) for p in content)
            else map_finish_reason(raw_reason)
        ),
        raw_finish_reason=raw_reason,
        usage=map_usage(data.get("usage")),
        warnings=warnings,
        provider_metadata={**top, "anthropic": meta} if meta else top,
        citations=all_cites,
        parsed=None,
        raw=data,
    )
