"""Opaque reasoning data that travels as a list of blocks (``ChatDialect.reasoning_data_field``).

OpenRouter answers with ``reasoning_details``: a list of blocks —
``{"type": "reasoning.text", "text", "signature"?, "format", "index"}``,
``{"type": "reasoning.summary", "summary", ...}``,
``{"type": "reasoning.encrypted", "data", ...}`` — that must go back unchanged
on the assistant message of the next turn (Anthropic thinking signatures,
encrypted OpenAI reasoning). The codec keeps the list as
:attr:`llmcore.types.ReasoningPart.data`:

* a response's list is attached to its first reasoning part (or to a new one
  with empty text when the answer has no reasoning text);
* a stream sends the blocks in fragments: :class:`BlockMerger` merges them by
  ``index`` (string fields ``text``/``summary``/``data``/``signature`` are
  concatenated, the others keep their first value) and the decoder emits the
  merged list once, on a :class:`~llmcore.events.ReasoningDelta`, when the
  stream ends;
* on requests, the data lists of an assistant message's reasoning parts (from
  this provider, or of unknown origin) are sent back under the same field.
"""

from __future__ import annotations

from typing import Any

from llmcore.types import ReasoningPart

__all__ = ["BlockMerger", "attach_reasoning_data", "reasoning_data_of"]

_JOINED = ("text", "summary", "data", "signature")


class BlockMerger:
    """Merges streamed block fragments by their ``index``, in first-seen order."""

    __slots__ = ("_blocks", "_order")

    def __init__(self) -> None:
        self._blocks: dict[Any, dict[str, Any]] = {}
        self._order: list[Any] = []

    def add(self, fragments: Any) -> None:
        if not isinstance(fragments, list):
            return
        for frag in fragments:
            if not isinstance(frag, dict):
                continue
            key = frag.get("index", len(self._order))
            block = self._blocks.get(key)
            if block is None:
                self._blocks[key] = dict(frag)
                self._order.append(key)
                continue
            for k, v in frag.items():
                if k in _JOINED and isinstance(v, str) and isinstance(block.get(k), str):
                    block[k] += v
                elif block.get(k) is None:
                    block[k] = v

    def blocks(self) -> list[dict[str, Any]]:
        return [self._blocks[k] for k in self._order]


def attach_reasoning_data(parts: list[Any], blocks: Any, provider: str) -> None:
    """Put a response's block list on its first reasoning part (a new one if none)."""
    if not isinstance(blocks, list) or not blocks:
        return
    for p in parts:
        if isinstance(p, ReasoningPart):
            p.data = blocks
            return
    parts.insert(
        0,
        ReasoningPart.model_construct(
            type="reasoning",
            text="",
            signature=None,
            redacted=False,
            data=blocks,
            provider=provider,
        ),
    )


def reasoning_data_of(parts: list[Any], provider: str | None) -> list[Any]:
    """The block lists of an assistant message's reasoning parts, concatenated."""
    out: list[Any] = []
    for p in parts:
        if isinstance(p, ReasoningPart) and isinstance(p.data, list) and p.provider in (None, provider):
            out.extend(p.data)
    return out
