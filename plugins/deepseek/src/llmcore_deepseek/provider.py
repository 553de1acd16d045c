"""DeepSeek on the shared Chat Completions codec.

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
* Errors: an unknown model is HTTP 400 "Model Not Exist" →
  :class:`~llmcore.errors.NotFoundError`; 402 "Insufficient Balance" →
  :class:`~llmcore.errors.PermissionDeniedError` (the status mapping).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llmcore.errors import LLMCoreError, NotFoundError
from llmcore.types import Usage
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings, map_usage

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = ["DEEPSEEK_DIALECT", "DeepSeekProvider"]

DEEPSEEK_DIALECT = replace(
    COMPATIBLE_DIALECT, reasoning_fields=("reasoning_content",), send_reasoning_field="reasoning_content",
    send_reasoning_on="tool_calls", structured_output=("json_object",),
)


class DeepSeekProvider(ChatCompletionsProvider):
    """DeepSeek's OpenAI-compatible Chat Completions API."""

    spec = SPEC
    dialect = DEEPSEEK_DIALECT

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
        for m in body["messages"]:  # thinking mode needs the field on every tool-call turn, even empty
            if m["role"] == "assistant" and m.get("tool_calls"):
                m.setdefault("reasoning_content", "")

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if status == 400 and message.strip().lower() == "model not exist":
            cls = NotFoundError
        return message, code, cls
