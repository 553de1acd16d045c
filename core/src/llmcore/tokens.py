"""Token estimates for providers with no endpoint and no published tokenizer.

An estimate is labelled ``method="estimate"`` and never presented as exact.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .types import ChatRequest, TokenCount

__all__ = ["estimate_tokens", "request_text"]

# ~4 characters per token is the usual figure for English with BPE
# tokenizers; each message costs a few framing tokens.
_CHARS_PER_TOKEN = 4.0
_PER_MESSAGE = 4


def request_text(request: ChatRequest) -> str:
    """All text a request sends (system, messages, tool schemas)."""
    from .types import ReasoningPart, TextPart, ToolCallPart, ToolResultPart

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


def estimate_tokens(request: ChatRequest) -> TokenCount:
    """A heuristic count: characters / 4 plus per-message framing."""
    from .types import TokenCount

    text = request_text(request)
    n = int(len(text) / _CHARS_PER_TOKEN + 0.5) + _PER_MESSAGE * len(request.messages)
    return TokenCount(input_tokens=max(n, 1), method="estimate", detail="~4 characters per token")
