"""Together AI over ``llmcore-openai``'s shared Chat Completions codec.

Quirks (https://docs.together.ai/reference/chat-completions-1, the official
OpenAPI spec, and the recordings in ``tests/cassettes``):

* streams carry usage on the last chunk unasked: ``stream_options`` is not in
  Together's request schema and is not sent;
* reasoning text arrives in ``reasoning`` (message and delta;
  https://docs.together.ai/docs/inference/chat/reasoning), or
  ``reasoning_content`` from fine-tuned reasoning models on dedicated endpoints;
  DeepSeek-R1 writes a leading ``<think>…</think>`` block into ``content``
  (https://docs.together.ai/docs/deepseek-r1), which becomes reasoning too;
* usage reports cached prompt tokens as a top-level ``cached_tokens``
  (counted inside ``prompt_tokens``, OpenAI's convention; the shared usage
  mapping reads it);
* assistant ``tool_calls`` sent back carry their ``index`` (required by
  Together's ``ToolChoice`` schema);
* "input tokens + ``max_tokens`` exceed the context length" comes back as
  HTTP 403 (https://docs.together.ai/docs/error-codes): it is a
  :class:`~llmcore.errors.ContextWindowExceededError`, not a permission error.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llmcore.errors import ContextWindowExceededError, LLMCoreError
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider
from llmcore_openai.chat.errors import classify

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import Warnings

__all__ = ["TOGETHER_DIALECT", "TogetherProvider"]

TOGETHER_DIALECT = replace(
    COMPATIBLE_DIALECT, stream_usage=False, reasoning_fields=("reasoning", "reasoning_content"), think_tags=True,
)


class TogetherProvider(ChatCompletionsProvider):
    """Together AI's ``/v1/chat/completions``."""

    spec = SPEC
    dialect = TOGETHER_DIALECT

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        for m in body["messages"]:
            for i, call in enumerate(m.get("tool_calls") or ()):
                call.setdefault("index", i)

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if status == 403 and cls is None and classify(400, None, None, message) is ContextWindowExceededError:
            cls = ContextWindowExceededError
        return message, code, cls
