"""``POST /tokenize`` for ``count_tokens``.

Body ``{"model", "prompt", "tokens": false, "token_ids": true}``; the answer
``{"tokens": null, "token_ids": [...]}`` gives the count. The prompt is the
text the request would send: for ``/complete`` models exactly the rendered
prompt; for chat models the system prompt and the messages' text joined by
newlines, so the chat template's own framing tokens are not included (the
:class:`~llmcore.types.TokenCount` says so in ``detail``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.pluginkit import CallWarnings
from llmcore.tokens import request_text
from llmcore.types import ChatRequest, TokenCount

from .complete import render_prompt

__all__ = ["TOKENIZE_PATH", "build_tokenize_body", "parse_count"]

TOKENIZE_PATH = "tokenize"


def build_tokenize_body(request: ChatRequest, *, api: str, provider: str = "aleph_alpha") -> dict[str, Any]:
    """The ``/tokenize`` body for the text ``request`` sends with ``api``."""
    prompt = render_prompt(request, CallWarnings(False, provider)) if api == "complete" else request_text(request)
    return {"model": request.model, "prompt": prompt, "tokens": False, "token_ids": True}


def parse_count(data: Any, *, api: str, provider: str = "aleph_alpha") -> TokenCount:
    """The token count of a ``/tokenize`` answer."""
    ids = data.get("token_ids") if isinstance(data, Mapping) else None
    if not isinstance(ids, list):
        raise ProviderResponseError("the /tokenize answer has no token_ids", provider=provider, raw=str(data)[:500])
    detail = None if api == "complete" else "text of the messages; the chat template's framing tokens are not counted"
    return TokenCount(input_tokens=len(ids), method="api", detail=detail)
