"""Token estimates for providers with no endpoint and no published tokenizer.

An estimate is labelled ``method="estimate"`` and never presented as exact.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .types import ReasoningPart, TextPart, ToolCallPart, ToolResultPart

if TYPE_CHECKING:
    from .types import ChatRequest, TokenCount

__all__ = ["estimate_tokens", "estimated_input_tokens", "request_text"]

# ~4 characters per token is the usual figure for English with BPE
# tokenizers; each message costs a few framing tokens.
_CHARS_PER_TOKEN = 4.0
_PER_MESSAGE = 4


def request_text(request: ChatRequest) -> str:
    """All text a request sends (system, messages, tool schemas)."""
    chunks: list[str] = []
    if request.system:
        chunks.append(request.system)
    for m in request.messages:
        for p in m.content:
            if isinstance(p, TextPart):
                chunks.append(p.text)
            elif isinstance(p, ToolCallPart):
                chunks.append(p.name + (p.raw_arguments or json.dumps(p.arguments)))
            elif isinstance(p, ToolResultPart):
                chunks.append(p.text())
            elif isinstance(p, ReasoningPart):
                chunks.append(p.text)
    for t in request.tools or ():
        chunks.append(t.name + t.description + json.dumps(t.parameters))
    return "\n".join(chunks)


_TEXT_PARTS = (TextPart, ReasoningPart)


def estimated_input_tokens(request: ChatRequest) -> int:
    """The number :func:`estimate_tokens` gives, counted without building the text (the
    pre-network context check runs it on every call)."""
    chars = chunks = 0
    if request.system:
        chars += len(request.system)
        chunks += 1
    for m in request.messages:
        for p in m.content:
            if isinstance(p, _TEXT_PARTS):
                chars += len(p.text)
            elif isinstance(p, ToolCallPart):
                chars += len(p.name) + len(p.raw_arguments or json.dumps(p.arguments))
            elif isinstance(p, ToolResultPart):
                chars += len(p.text())
            else:
                continue
            chunks += 1
    for t in request.tools or ():
        chars += len(t.name) + len(t.description) + len(json.dumps(t.parameters))
        chunks += 1
    chars += max(chunks - 1, 0)  # the newlines request_text puts between chunks
    return max(int(chars / _CHARS_PER_TOKEN + 0.5) + _PER_MESSAGE * len(request.messages), 1)


def estimate_tokens(request: ChatRequest) -> TokenCount:
    """A heuristic count: characters / 4 plus per-message framing."""
    from .types import TokenCount

    return TokenCount(input_tokens=estimated_input_tokens(request), method="estimate", detail="~4 characters per token")
