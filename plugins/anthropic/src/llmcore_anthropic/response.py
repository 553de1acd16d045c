"""Anthropic ``Message`` object → :class:`llmcore.types.ChatResponse`.

Content blocks become parts in order: ``text`` → :class:`TextPart` (adjacent
text blocks are joined, as the stream accumulator does), ``thinking`` →
:class:`ReasoningPart` with its ``signature``, ``redacted_thinking`` →
:class:`ReasoningPart` with ``redacted=True`` and the opaque ``data``,
``tool_use`` → :class:`ToolCallPart`. Server-tool blocks (``server_tool_use``,
``web_search_tool_result``, …) have no llmcore part; their types are listed in
``provider_metadata["anthropic"]["server_blocks"]``. Reasoning parts are
stamped with the provider name so the next turn can send them back.

Built with ``model_construct``: the provider's output is not re-validated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.types import (
    CallWarning,
    ChatResponse,
    Message,
    ReasoningPart,
    TextPart,
    ToolCallPart,
)

from .finish import map_finish_reason
from .usage import map_usage

__all__ = ["parse_message"]


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
    parts: list[Any] = []
    server_blocks: list[str] = []
    text_buf: list[str] | None = None
    for block in data["content"]:
        t = block.get("type")
        if t == "text":
            text = block.get("text")
            if text:  # an empty block adds nothing (and the stream emits no delta for it)
                if text_buf is None:
                    text_buf = []
                    parts.append(text_buf)
                text_buf.append(text)
            continue
        text_buf = None
        if t == "thinking":
            parts.append(
                ReasoningPart.model_construct(
                    type="reasoning", text=block.get("thinking") or "", signature=block.get("signature") or None,
                    redacted=False, data=None, provider=provider,
                )
            )
        elif t == "redacted_thinking":
            parts.append(
                ReasoningPart.model_construct(
                    type="reasoning", text="", signature=None, redacted=True, data=block.get("data"),
                    provider=provider,
                )
            )
        elif t == "tool_use":
            args = block.get("input")
            if not isinstance(args, dict):
                raise ProviderResponseError("tool_use input is not an object", provider=provider, raw=str(args)[:500])
            parts.append(
                ToolCallPart.model_construct(
                    type="tool_call", id=block.get("id") or "", name=block.get("name") or "", arguments=args,
                    raw_arguments=json.dumps(args, separators=(",", ":"), ensure_ascii=False),
                )
            )
        elif t is not None:
            server_blocks.append(t)
    content = [
        TextPart.model_construct(type="text", text="".join(p)) if isinstance(p, list) else p for p in parts
    ]
    raw_reason = data.get("stop_reason")
    meta: dict[str, Any] = {}
    if data.get("stop_sequence") is not None:
        meta["stop_sequence"] = data["stop_sequence"]
    if server_blocks:
        meta["server_blocks"] = server_blocks
    if request_id:
        meta["request_id"] = request_id
    return ChatResponse.model_construct(
        id=data.get("id"),
        model=data.get("model"),
        provider=provider,
        message=Message.model_construct(role="assistant", content=content),
        finish_reason=map_finish_reason(raw_reason),
        raw_finish_reason=raw_reason,
        usage=map_usage(data.get("usage")),
        warnings=list(warnings or ()),
        provider_metadata={"anthropic": meta} if meta else {},
        parsed=None,
        raw=data,
    )
