"""Built-in tools (:mod:`llmcore.builtin_tools`) on the Converse API.

Converse has one: Amazon Nova's web grounding, a system tool —
``WebSearchTool`` → ``toolConfig.tools[] {"systemTool": {"name": "nova_grounding"}}`` on the Nova
models (its ``provider_options={"bedrock": {...}}`` merged into ``systemTool``). Another model, or
another built-in tool, is refused before the network; options Nova grounding has no field for
(``max_uses``, domains, ``user_location``, ``search_context_size``) are warnings (errors with
``strict=True``).
"""

from __future__ import annotations

from typing import Any

from llmcore.builtin_tools import WebSearchTool, options_for, refuse
from llmcore.pluginkit import CallWarnings
from llmcore.types import ChatRequest

__all__ = ["system_tools"]

_UNSENT = ("max_uses", "allowed_domains", "blocked_domains", "user_location", "search_context_size")


def system_tools(request: ChatRequest, warn: CallWarnings) -> list[dict[str, Any]]:
    """The ``toolConfig.tools`` entries of ``request.builtin_tools``, in order."""
    out: list[dict[str, Any]] = []
    for tool in request.builtin_tools or ():
        if not isinstance(tool, WebSearchTool):
            raise refuse(tool, "bedrock")
        if "nova" not in request.model:
            raise refuse(tool, "bedrock", f"Converse's web grounding is Amazon Nova's, not {request.model}'s")
        for name in _UNSENT:
            if getattr(tool, name) is not None:
                warn.add(f"WebSearchTool.{name}", f"Nova web grounding has no {name}; not sent")
        out.append({"systemTool": {"name": "nova_grounding", **options_for(tool, "bedrock")}})
    return out
