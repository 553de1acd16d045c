"""Built-in tools (:mod:`llmcore.builtin_tools`) on OpenAI's APIs and the servers that copy them.

Responses API (OpenAI, and xAI's ``api="responses"``), :func:`responses_tools`:

* ``WebSearchTool`` → ``{"type": "web_search", "search_context_size", "user_location":
  {"type": "approximate", ...}, "filters": {"allowed_domains"}}`` (xAI also ``excluded_domains``);
* ``FileSearchTool`` → ``{"type": "file_search", "vector_store_ids", "max_num_results"}``;
* ``CodeExecutionTool`` → ``{"type": "code_interpreter", "container": {"type": "auto"}}``;
* ``MCPServerTool`` → ``{"type": "mcp", "server_label", "server_url", "authorization",
  "allowed_tools", "headers", "server_description", "require_approval": "never"}`` (llmcore has no
  approval step: a call that waits for approval would never finish; override with
  ``provider_options={"openai": {"require_approval": "always"}}``);
* ``ImageGenerationTool`` → ``{"type": "image_generation", "size", "quality", "output_format",
  "background"}``.

Chat Completions (OpenAI's ``*-search-*`` models), :func:`chat_web_search_options`:
``WebSearchTool`` → ``web_search_options`` (``search_context_size``, ``user_location``); any other
model, or any other tool, is refused before the network.

An option the provider has no field for (``max_uses`` on OpenAI) is a warning, or an
:class:`~llmcore.errors.UnsupportedFeatureError` with ``strict=True``. A tool's
``provider_options={"<provider>": {...}}`` is merged into its entry.
"""

from __future__ import annotations

from typing import Any

from llmcore.builtin_tools import (
    BuiltinTool,
    CodeExecutionTool,
    FileSearchTool,
    ImageGenerationTool,
    MCPServerTool,
    WebSearchTool,
    options_for,
    refuse,
)
from llmcore.types import ChatRequest

from .chat.request import Warnings

__all__ = ["responses_tools", "chat_web_search_options", "is_search_model"]


def _location(tool: WebSearchTool) -> dict[str, Any] | None:
    if tool.user_location is None:
        return None
    return {"type": "approximate", **tool.user_location.model_dump(exclude_none=True)}


def _web_search(tool: WebSearchTool, provider: str, w: Warnings) -> dict[str, Any]:
    # Azure's Responses API names it web_search_preview (the tools its recorded answers echo: vercel/ai's
    # azure-web-search-preview-tool fixture)
    entry: dict[str, Any] = {"type": "web_search_preview" if provider == "azure" else "web_search"}
    if tool.search_context_size is not None:
        entry["search_context_size"] = tool.search_context_size
    loc = _location(tool)
    if loc is not None:
        entry["user_location"] = loc
    filters: dict[str, Any] = {}
    if tool.allowed_domains is not None:
        filters["allowed_domains"] = list(tool.allowed_domains)
    if tool.blocked_domains is not None:
        if provider == "xai":
            filters["excluded_domains"] = list(tool.blocked_domains)
        else:
            w.add("WebSearchTool.blocked_domains", f"{provider}'s web_search has no blocked domains; not sent")
    if filters:
        entry["filters"] = filters
    if tool.max_uses is not None:
        w.add("WebSearchTool.max_uses", f"{provider}'s web_search has no max_uses; not sent")
    return entry


def _entry(tool: BuiltinTool, provider: str, w: Warnings) -> dict[str, Any]:
    if isinstance(tool, WebSearchTool):
        entry = _web_search(tool, provider, w)
    elif isinstance(tool, FileSearchTool):
        entry = {"type": "file_search", "vector_store_ids": list(tool.vector_store_ids)}
        if tool.max_results is not None:
            entry["max_num_results"] = tool.max_results
    elif isinstance(tool, CodeExecutionTool):
        entry = {"type": "code_interpreter", "container": {"type": "auto"}}
    elif isinstance(tool, MCPServerTool):
        entry = {"type": "mcp", "server_label": tool.name, "server_url": tool.url, "require_approval": "never"}
        if tool.authorization:
            entry["authorization"] = tool.authorization
        if tool.allowed_tools is not None:
            entry["allowed_tools"] = list(tool.allowed_tools)
        if tool.headers:
            entry["headers"] = dict(tool.headers)
        if tool.description:
            entry["server_description"] = tool.description
    elif isinstance(tool, ImageGenerationTool):
        entry = {"type": "image_generation"}
        entry.update(tool.model_dump(include={"size", "quality", "output_format", "background"}, exclude_none=True))
    else:
        raise refuse(tool, provider)
    entry.update(options_for(tool, provider))
    return entry


def responses_tools(request: ChatRequest, provider: str, w: Warnings) -> list[dict[str, Any]]:
    """The Responses API ``tools`` entries of ``request.builtin_tools``, in order."""
    return [_entry(t, provider, w) for t in request.builtin_tools or ()]


def is_search_model(model: str) -> bool:
    """OpenAI's Chat Completions models that search the web (``gpt-4o-search-preview``,
    ``gpt-4o-mini-search-preview``, ``gpt-5-search-api``, ...)."""
    return "-search-" in model or model.endswith(("-search", "-search-api"))


def chat_web_search_options(request: ChatRequest, provider: str, w: Warnings) -> dict[str, Any]:
    """``web_search_options`` for OpenAI's Chat Completions search models; refuses every other
    built-in tool, and web search on another model (it needs the Responses API: ``api="responses"``)."""
    out: dict[str, Any] = {}
    for tool in request.builtin_tools or ():
        if not isinstance(tool, WebSearchTool):
            raise refuse(tool, provider, "Chat Completions has no built-in tools; use api='responses'")
        if not is_search_model(request.model):
            raise refuse(
                tool,
                provider,
                f"on Chat Completions only the search models (gpt-4o-search-preview, ...) search, not "
                f"{request.model}; use api='responses'",
            )
        if tool.search_context_size is not None:
            out["search_context_size"] = tool.search_context_size
        loc = _location(tool)
        if loc is not None:
            out["user_location"] = {"type": "approximate", "approximate": {k: v for k, v in loc.items() if k != "type"}}
        for name in ("allowed_domains", "blocked_domains", "max_uses"):
            if getattr(tool, name) is not None:
                w.add(f"WebSearchTool.{name}", f"Chat Completions' web_search_options has no {name}; not sent")
        out.update(options_for(tool, provider))
    return out
