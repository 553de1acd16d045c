"""Built-in tools (:mod:`llmcore.builtin_tools`) on the Messages API.

* ``WebSearchTool`` → ``{"type": "web_search_20250305", "name": "web_search", "max_uses",
  "allowed_domains", "blocked_domains", "user_location": {"type": "approximate", ...}}``;
* ``WebFetchTool`` → ``{"type": "web_fetch_20250910", "name": "web_fetch", "max_uses",
  "allowed_domains", "blocked_domains", "citations": {"enabled"}, "max_content_tokens"}`` (beta
  ``web-fetch-2025-09-10``);
* ``CodeExecutionTool`` → ``{"type": "code_execution_20250825", "name": "code_execution"}`` (beta
  ``code-execution-2025-08-25``);
* ``MCPServerTool`` → an entry of the top-level ``mcp_servers`` (``{"type": "url", "url", "name",
  "authorization_token", "tool_configuration": {"enabled": true, "allowed_tools"}}``, beta
  ``mcp-client-2025-04-04``).

``provider_options={"anthropic": {...}}`` of a tool is merged into its entry (``{"type":
"web_search_20260209"}`` picks another tool version; the beta header follows the version: only the
versions named here add one). ``FileSearchTool`` and ``ImageGenerationTool`` are refused.
"""

from __future__ import annotations

from typing import Any

from llmcore.builtin_tools import (
    BuiltinTool,
    CodeExecutionTool,
    MCPServerTool,
    WebFetchTool,
    WebSearchTool,
    options_for,
    refuse,
)
from llmcore.types import ChatRequest

__all__ = ["builtin_tool_entries", "builtin_betas", "BETAS"]

#: tool versions (and ``mcp_servers``) → the ``anthropic-beta`` value they need
BETAS: dict[str, str] = {
    "web_fetch_20250910": "web-fetch-2025-09-10",
    "code_execution_20250825": "code-execution-2025-08-25",
    "code_execution_20250522": "code-execution-2025-05-22",
    "mcp_servers": "mcp-client-2025-04-04",
}


def _domains(entry: dict[str, Any], tool: WebSearchTool | WebFetchTool) -> None:
    if tool.max_uses is not None:
        entry["max_uses"] = tool.max_uses
    if tool.allowed_domains is not None:
        entry["allowed_domains"] = list(tool.allowed_domains)
    if tool.blocked_domains is not None:
        entry["blocked_domains"] = list(tool.blocked_domains)


def _entry(tool: BuiltinTool, provider: str) -> dict[str, Any]:
    if isinstance(tool, WebSearchTool):
        entry: dict[str, Any] = {"type": "web_search_20250305", "name": "web_search"}
        _domains(entry, tool)
        if tool.user_location is not None:
            loc = tool.user_location.model_dump(exclude_none=True)
            entry["user_location"] = {"type": "approximate", **loc}
    elif isinstance(tool, WebFetchTool):
        entry = {"type": "web_fetch_20250910", "name": "web_fetch"}
        _domains(entry, tool)
        if tool.citations is not None:
            entry["citations"] = {"enabled": tool.citations}
        if tool.max_content_tokens is not None:
            entry["max_content_tokens"] = tool.max_content_tokens
    elif isinstance(tool, CodeExecutionTool):
        entry = {"type": "code_execution_20250825", "name": "code_execution"}
    elif isinstance(tool, MCPServerTool):
        entry = {"type": "url", "url": tool.url, "name": tool.name}
        if tool.authorization:
            entry["authorization_token"] = tool.authorization
        if tool.allowed_tools is not None:
            entry["tool_configuration"] = {"enabled": True, "allowed_tools": list(tool.allowed_tools)}
    else:
        raise refuse(tool, provider)
    entry.update(options_for(tool, provider))
    return entry


def builtin_tool_entries(request: ChatRequest, provider: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(entries for ``tools``, entries for ``mcp_servers``) of ``request.builtin_tools``; raises
    :class:`~llmcore.errors.UnsupportedFeatureError` for a tool the Messages API has not."""
    tools: list[dict[str, Any]] = []
    servers: list[dict[str, Any]] = []
    for t in request.builtin_tools or ():
        (servers if isinstance(t, MCPServerTool) else tools).append(_entry(t, provider))
    return tools, servers


def builtin_betas(body: dict[str, Any]) -> list[str]:
    """The ``anthropic-beta`` values the built body needs (its tool versions, ``mcp_servers``)."""
    out = [BETAS[t["type"]] for t in body.get("tools") or () if isinstance(t, dict) and t.get("type") in BETAS]
    if body.get("mcp_servers"):
        out.append(BETAS["mcp_servers"])
    return list(dict.fromkeys(out))
