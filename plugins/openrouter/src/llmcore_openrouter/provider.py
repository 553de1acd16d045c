"""OpenRouter on the shared Chat Completions codec.

Quirks (https://openrouter.ai/docs, ``api-specs/openrouter/openapi.yaml``):

* Model ids are ``org/model`` (``openrouter/anthropic/claude-sonnet-4``); the
  spec sets ``routes_org_models`` so an unclaimed ``org/model`` name routes here.
* Options: ``provider`` (the provider-routing object: ``order``,
  ``allow_fallbacks``, ``only``, ``ignore``, ``sort``, …, sent as the body's
  ``provider`` on every request; ``provider_options={"openrouter": {"provider":
  ...}}`` overrides it per request), ``http_referer`` and ``x_title`` (app
  attribution headers ``HTTP-Referer`` / ``X-Title``).
* Reasoning: text in ``reasoning``; ``reasoning_details`` (text with
  signatures, summaries, encrypted blocks) is kept on the reasoning part and
  sent back on the assistant message next turn (the shared codec's
  ``reasoning_data_field``). ``reasoning_effort`` is OpenRouter's shorthand.
* Streams: ``: OPENROUTER PROCESSING`` keep-alive comments are skipped; an
  ``{"error": ...}`` chunk inside a 200 stream raises the typed error.
* Errors: ``{"error": {"code": <status>, "message", "metadata": {"provider_name",
  "raw"}}}`` — the upstream provider's name and raw message are added to the
  message ("Provider returned error" alone says nothing); "<id> is not a valid
  model ID" (HTTP 400) → :class:`~llmcore.errors.NotFoundError`.
* Usage: ``prompt_tokens_details.cache_write_tokens`` → ``cache_write_tokens``. The routed
  ``provider`` and the whole ``usage`` object (``cost``, ``cost_details``,
  ``server_tool_use_details``) are kept in ``provider_metadata["openrouter"]``, in chat and in
  streams (the ``Finish`` event), so a streamed answer reports its cost too; so is the choice's
  ``native_finish_reason``, the routed provider's own finish reason (e.g. ``end_turn``).
* Server tools: ``WebSearchTool`` / ``WebFetchTool`` → ``openrouter:web_search`` /
  ``openrouter:web_fetch`` (:meth:`OpenRouterProvider.builtin_tools_body`); the answer's
  ``annotations`` become citations (the shared codec).
* Embeddings: ``POST /embeddings`` (:class:`~llmcore_openai.embeddings.EmbeddingsAPI`, float JSON,
  ``dimensions``); rerank: ``POST /rerank`` (:class:`~llmcore_openai.rerank.RerankAPI`). OpenRouter's
  own ``usage.cost`` (USD, with ``cost_details``), the routed ``provider`` and the ``id`` go to the
  response's ``provider_metadata``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import ConfigurationError, LLMCoreError, NotFoundError
from llmcore.provider import ProviderConfig
from llmcore.types import Usage
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings, map_usage
from llmcore_openai.embeddings import EmbeddingsAPI
from llmcore_openai.rerank import RerankAPI

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = ["OPENROUTER_DIALECT", "OpenRouterProvider"]

OPENROUTER_DIALECT = replace(
    COMPATIBLE_DIALECT,
    max_tokens_field="max_completion_tokens",
    reasoning_fields=("reasoning",),
    reasoning_data_field="reasoning_details",
    # the routed upstream provider and OpenRouter's usage extras (cost, cost_details, server_tool_use_details:
    # how many web searches the server tools ran), which Usage has no field for
    metadata_fields=("provider", "usage", "service_tier"),
    # the routed provider's own finish reason (e.g. "end_turn", "MAX_TOKENS"), next to the normalised one
    choice_metadata_fields=("native_finish_reason",),
)


class OpenRouterProvider(EmbeddingsAPI, RerankAPI, ChatCompletionsProvider):
    """OpenRouter's OpenAI-compatible Chat Completions, Embeddings and Rerank APIs."""

    spec = SPEC
    dialect = OPENROUTER_DIALECT
    options: ClassVar[Mapping[str, str]] = {
        "provider": "provider routing preferences (order, allow_fallbacks, only, ignore, sort, ...), sent as is",
        "http_referer": "your app's URL, sent as the HTTP-Referer attribution header",
        "x_title": "your app's name, sent as the X-Title attribution header",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self.routing = self.option("provider")
        if self.routing is not None and not isinstance(self.routing, dict):
            raise ConfigurationError(
                "openrouter option provider must be a dict (provider routing preferences)", provider="openrouter"
            )

    def extra_headers(self) -> dict[str, str]:
        h = super().extra_headers()
        for option, header in (("http_referer", "HTTP-Referer"), ("x_title", "X-Title")):
            value = self.option(option)
            if value:
                h[header] = str(value)
        return h

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if self.routing:
            body["provider"] = self.routing

    def builtin_tools_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        """OpenRouter's server tools (https://openrouter.ai/docs/guides/features/server-tools,
        ``WebSearchServerTool`` / ``WebFetchServerTool`` in its OpenAPI spec), appended to ``tools``:

        * ``WebSearchTool`` → ``{"type": "openrouter:web_search", "parameters": {max_uses,
          allowed_domains, excluded_domains, search_context_size, user_location}}``;
        * ``WebFetchTool`` → ``{"type": "openrouter:web_fetch", "parameters": {max_uses,
          allowed_domains, blocked_domains, max_content_tokens}}`` (``citations`` has no field: a
          warning). As with search, the Chat Completions answer carries no item for the tool: its text
          and any annotations (citations) are the answer.

        The tool's ``provider_options={"openrouter": {...}}`` merge into ``parameters`` (``engine``,
        ``max_results``, ...); other built-in tools are refused."""
        from llmcore.builtin_tools import WebFetchTool, WebSearchTool, options_for, refuse

        for tool in request.builtin_tools or ():
            if not isinstance(tool, (WebSearchTool, WebFetchTool)):
                raise refuse(tool, self.spec.name)
            params: dict[str, Any] = {}
            if tool.max_uses is not None:
                params["max_uses"] = tool.max_uses
            if isinstance(tool, WebSearchTool):
                kind = "openrouter:web_search"
                if tool.allowed_domains is not None:
                    params["allowed_domains"] = list(tool.allowed_domains)
                if tool.blocked_domains is not None:
                    params["excluded_domains"] = list(tool.blocked_domains)
                if tool.search_context_size is not None:
                    params["search_context_size"] = tool.search_context_size
                if tool.user_location is not None:
                    params["user_location"] = {
                        "type": "approximate",
                        **tool.user_location.model_dump(exclude_none=True),
                    }
            else:
                kind = "openrouter:web_fetch"
                if tool.allowed_domains is not None:
                    params["allowed_domains"] = list(tool.allowed_domains)
                if tool.blocked_domains is not None:
                    params["blocked_domains"] = list(tool.blocked_domains)
                if tool.max_content_tokens is not None:
                    params["max_content_tokens"] = tool.max_content_tokens
                if tool.citations is not None:
                    warnings.add("WebFetchTool.citations", "OpenRouter's web_fetch has no citations switch; not sent")
            params.update(options_for(tool, self.spec.name))
            entry: dict[str, Any] = {"type": kind}
            if params:
                entry["parameters"] = params
            body["tools"] = [*body.get("tools", ()), entry]

    def map_usage(self, raw: Any) -> Usage:
        usage = map_usage(raw)
        details = raw.get("prompt_tokens_details") if isinstance(raw, dict) else None
        written = details.get("cache_write_tokens") if isinstance(details, dict) else None
        if isinstance(written, int) and not isinstance(written, bool):
            usage.cache_write_tokens = written
        return usage

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if status == 400 and message.endswith("is not a valid model ID"):
            cls = NotFoundError
        err = body.get("error") if isinstance(body, dict) else None
        meta = err.get("metadata") if isinstance(err, dict) else None
        if isinstance(meta, dict) and isinstance(meta.get("raw"), str) and meta["raw"] not in message:
            who = meta.get("provider_name")
            message = f"{message} ({who}: {meta['raw']})" if who else f"{message}: {meta['raw']}"
        return message, code, cls
