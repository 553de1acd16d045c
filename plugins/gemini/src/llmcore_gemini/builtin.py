"""Built-in tools (:mod:`llmcore.builtin_tools`) on the Gemini API and Vertex AI (same codec).

* ``WebSearchTool`` → ``{"googleSearch": {}}`` (Vertex AI: ``blocked_domains`` →
  ``excludeDomains``);
* ``WebFetchTool`` → ``{"urlContext": {}}``;
* ``CodeExecutionTool`` → ``{"codeExecution": {}}``.

Keys are camelCase like the rest of the codec and the API spec (the API reads snake_case too: some
recordings have it).

A tool's ``provider_options={"<provider>": {...}}`` is merged into its inner object (e.g.
``{"gemini": {"timeRangeFilter": {...}}}``). An option Gemini has no field for (``max_uses``,
the domain lists on the Gemini API, ``user_location``) is a warning (an error with ``strict=True``);
``FileSearchTool``, ``MCPServerTool`` and ``ImageGenerationTool`` are refused (image output is a
model's ``response_modalities``, not a tool).
"""

from __future__ import annotations

from typing import Any

from llmcore.builtin_tools import CodeExecutionTool, WebFetchTool, WebSearchTool, options_for, refuse
from llmcore.pluginkit import CallWarnings
from llmcore.types import ChatRequest

__all__ = ["builtin_tool_entries"]


def _unsent(tool: WebSearchTool | WebFetchTool, names: tuple[str, ...], provider: str, warn: CallWarnings) -> None:
    for name in names:
        if getattr(tool, name, None) is not None:
            warn.add(f"{tool.label}.{name}", f"{provider} has no {name} for this tool; not sent")


def builtin_tool_entries(request: ChatRequest, provider: str, warn: CallWarnings) -> list[dict[str, Any]]:
    """The ``tools`` entries of ``request.builtin_tools``, in order."""
    out: list[dict[str, Any]] = []
    for tool in request.builtin_tools or ():
        inner: dict[str, Any] = {}
        if isinstance(tool, WebSearchTool):
            key = "googleSearch"
            unsent: tuple[str, ...] = ("max_uses", "allowed_domains", "user_location", "search_context_size")
            if tool.blocked_domains is not None and provider == "vertexai":
                inner["excludeDomains"] = list(tool.blocked_domains)
            else:
                unsent += ("blocked_domains",)
            _unsent(tool, unsent, provider, warn)
        elif isinstance(tool, WebFetchTool):
            key = "urlContext"
            _unsent(
                tool,
                ("max_uses", "allowed_domains", "blocked_domains", "citations", "max_content_tokens"),
                provider,
                warn,
            )
        elif isinstance(tool, CodeExecutionTool):
            key = "codeExecution"
        else:
            raise refuse(tool, provider)
        inner.update(options_for(tool, provider))
        out.append({key: inner})
    return out
