"""DeepSeek on the shared Chat Completions and Responses codecs.

Option ``api``: ``"chat"`` (default, ``POST /chat/completions``) or ``"responses"``
(``POST /responses``, DeepSeek's Responses API).

Quirks (https://api-docs.deepseek.com):

* Reasoning text arrives in ``reasoning_content`` and becomes a reasoning part.
  It is sent back only where the API needs it: on assistant messages that
  carry tool calls (thinking mode requires the reasoning of tool-call turns in
  every later request and answers 400 without it; the reasoning of other turns
  "does not need to participate" and is not sent).
* Usage: ``prompt_cache_hit_tokens`` → ``cache_read_tokens`` (``prompt_tokens``
  already counts hits and misses).
* Thinking mode (every model but ``deepseek-chat`` unless ``provider_options``
  say ``thinking: {"type": "disabled"}``) ignores ``temperature`` and
  ``top_p``: they are not sent, with a warning; a tool-call turn without
  reasoning is sent with ``reasoning_content: ""`` (the field is required).
* Structured output is JSON mode (``json_object``) only; ``json_schema`` gives a
  warning (the shared codec) — the facade's structured output uses JSON mode.
* Built-in tools: ``WebSearchTool`` is DeepSeek's server-side web search on the Responses API
  (``api="responses"``): the ``{"type": "web_search"}`` tool entry of the recorded request;
  its ``web_search_call`` items (``search`` with ``queries``, ``open_page`` with ``url``) come
  back as server-tool parts. On Chat Completions every built-in tool is refused before the
  network, pointing to ``api="responses"`` (the Chat Completions form, ``deepseek_web_search``,
  is documented but has no recording; give it with ``provider_options`` if you need it). The
  tool's ``provider_options={"deepseek": {...}}`` are merged into its entry (e.g.
  ``{"type": "deepseek_web_search"}``).
* Finish reasons: the shared map, which maps DeepSeek's ``insufficient_system_resource`` (the server
  cut the answer short) → ``error``.
* Errors: an unknown model is HTTP 400 "Model Not Exist" →
  :class:`~llmcore.errors.NotFoundError`; 402 "Insufficient Balance" →
  :class:`~llmcore.errors.PermissionDeniedError` (the status mapping).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import ConfigurationError, LLMCoreError, NotFoundError
from llmcore.provider import ProviderConfig
from llmcore.types import Usage
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings, map_usage
from llmcore_openai.responses.provider import ResponsesAPI

from . import SPEC

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["DEEPSEEK_DIALECT", "DeepSeekProvider"]

DEEPSEEK_DIALECT = replace(
    COMPATIBLE_DIALECT,
    reasoning_fields=("reasoning_content",),
    send_reasoning_field="reasoning_content",
    send_reasoning_on="tool_calls",
    structured_output=("json_object",),
)


class DeepSeekProvider(ResponsesAPI, ChatCompletionsProvider):
    """DeepSeek's OpenAI-compatible Chat Completions API, or its Responses API with ``api="responses"``."""

    spec = SPEC
    dialect = DEEPSEEK_DIALECT
    options: ClassVar[Mapping[str, str]] = {
        "api": '"chat" (Chat Completions, default) or "responses" (Responses API: built-in web search)',
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self.api = self.option("api", "chat")
        if self.api not in ("chat", "responses"):
            raise ConfigurationError(
                f'deepseek option api must be "chat" or "responses", not {self.api!r}', provider="deepseek"
            )

    def map_usage(self, raw: Any) -> Usage:
        """OpenAI's fields, with ``prompt_cache_hit_tokens`` as the cache read."""
        usage = map_usage(raw)
        hit = raw.get("prompt_cache_hit_tokens") if isinstance(raw, dict) else None
        if isinstance(hit, int) and not isinstance(hit, bool):
            usage.cache_read_tokens = hit
        return usage

    @staticmethod
    def thinking(request: ChatRequest) -> bool:
        """Whether the request runs in thinking mode: ``provider_options``'
        ``thinking.type`` if given, else every model but ``deepseek-chat`` (the
        non-thinking alias; thinking defaults to enabled)."""
        t = request.options_for("deepseek").get("thinking")
        if isinstance(t, dict) and t.get("type") in ("enabled", "disabled"):
            return bool(t["type"] == "enabled")
        return request.model != "deepseek-chat"

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if not self.thinking(request):
            return
        for name in ("temperature", "top_p"):
            if name in body:
                del body[name]
                warnings.add(name, f"DeepSeek's thinking mode ignores {name}; not sent")
        for m in body.get("messages") or ():  # thinking mode needs the field on every tool-call turn, even empty
            if m["role"] == "assistant" and m.get("tool_calls"):
                m.setdefault("reasoning_content", "")

    def builtin_tools_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        """Chat Completions bodies only (the Responses API maps built-in tools itself): DeepSeek's
        server-side web search is mapped on its Responses API; refused here with that hint."""
        from llmcore.builtin_tools import refuse

        for tool in request.builtin_tools or ():
            raise refuse(tool, self.spec.name, "its web search needs the Responses API: option api='responses'")

    async def chat(self, request: ChatRequest) -> ChatResponse:
        if self.api == "responses":
            return await self.responses_chat(request)
        return await super().chat(request)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        events = self.responses_stream(request) if self.api == "responses" else super().stream_chat(request)
        async for ev in events:
            yield ev

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if status == 400 and message.strip().lower() == "model not exist":
            cls = NotFoundError
        return message, code, cls
