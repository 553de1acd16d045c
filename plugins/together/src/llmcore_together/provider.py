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
from llmcore_openai.embeddings import EmbeddingsAPI
from llmcore_openai.rerank import RerankAPI

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import Warnings

__all__ = ["TOGETHER_DIALECT", "TogetherProvider"]

TOGETHER_DIALECT = replace(
    COMPATIBLE_DIALECT,
    stream_usage=False,
    reasoning_fields=("reasoning", "reasoning_content"),
    think_tags=True,
    choice_metadata_fields=("seed",),  # the sampling seed the answer used, kept in provider_metadata
)


class TogetherProvider(EmbeddingsAPI, RerankAPI, ChatCompletionsProvider):
    """Together AI's ``/v1/chat/completions``, ``/v1/embeddings`` and ``/v1/rerank``.

    Embeddings: ``{"model", "input": [...], "encoding_format": "base64"}`` — Together's
    OpenAPI request has only ``model`` and ``input``, but its server honours
    ``encoding_format`` (a recording answers base64 float32 strings), so vectors travel as
    base64. It has no ``dimensions`` and no input type: both are refused before the network.
    Rerank: the Cohere/Jina shape (``query``, ``documents``, ``top_n``; ``return_documents``
    and ``rank_fields`` via ``provider_options={"together": {...}}``).
    """

    spec = SPEC
    dialect = TOGETHER_DIALECT
    embeddings_base64 = True
    embeddings_dimensions = False
    # Together documents no per-request input count; our bound keeps one request modest
    max_embedding_inputs = 256
    max_embedding_tokens = None

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        for m in body["messages"]:
            for i, call in enumerate(m.get("tool_calls") or ()):
                call.setdefault("index", i)

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if status == 403 and cls is None and classify(400, None, None, message) is ContextWindowExceededError:
            cls = ContextWindowExceededError
        return message, code, cls
