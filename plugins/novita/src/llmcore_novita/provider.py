"""Novita AI over ``llmcore-openai``'s shared Chat Completions codec.

Quirks (https://novita.ai/docs/api-reference/model-apis-llm-create-chat-completion,
https://novita.ai/docs/guides/llm-api, https://novita.ai/docs/guides/llm-reasoning):

* base URL: the API reference's ``https://api.novita.ai/openai/v1``; the guides'
  older ``https://api.novita.ai/v3/openai`` serves the same API (``base_url=``);
* reasoning models (``deepseek/deepseek-r1``, ...) answer with
  ``reasoning_content``;
* streams may repeat a running ``usage`` on every chunk: the last one is kept
  (the shared decoder's rule), so usage is reported once;
* errors are flat ``{"code": 403, "reason": "NOT_ENOUGH_BALANCE", "message",
  "metadata"}`` objects: the ``reason`` is the error's code (the numeric
  ``code`` only repeats the HTTP status). ``NOT_ENOUGH_BALANCE`` (403) is a
  :class:`~llmcore.errors.PermissionDeniedError`, ``MODEL_NOT_AVAILABLE``
  (500) a retryable :class:`~llmcore.errors.ProviderServerError`;
* embeddings: ``POST /embeddings`` in OpenAI's shape (:class:`~llmcore_openai.embeddings.EmbeddingsAPI`;
  https://novita.ai/docs/api-reference/model-apis-llm-create-embeddings): ``baai/bge-m3``, vectors
  as base64 float32 (``encoding_format: base64``, documented), no ``dimensions`` (refused before
  the network), at most 2,048 inputs a request;
* rerank: ``POST /rerank`` (:class:`~llmcore_openai.rerank.RerankAPI`;
  https://novita.ai/docs/api-reference/model-apis-llm-create-rerank): ``{model, query, documents,
  top_n}`` → ``results[{index, relevance_score, document}]`` and ``usage.prompt_tokens``
  (``baai/bge-reranker-v2-m3``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from llmcore.errors import LLMCoreError
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider
from llmcore_openai.embeddings import EmbeddingsAPI
from llmcore_openai.rerank import RerankAPI

from . import SPEC

__all__ = ["NovitaProvider"]


class NovitaProvider(EmbeddingsAPI, RerankAPI, ChatCompletionsProvider):
    """Novita AI's OpenAI-compatible ``/chat/completions``, ``/embeddings`` and ``/rerank``."""

    spec = SPEC
    # Novita's content-filter verdict on each answer (choice content_filter_results), kept in provider_metadata
    dialect = replace(COMPATIBLE_DIALECT, choice_metadata_fields=("content_filter_results",))
    embeddings_base64 = True
    embeddings_dimensions = False
    max_embedding_inputs = 2048
    max_embedding_tokens = None

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if isinstance(body, dict) and isinstance(body.get("reason"), str) and "error" not in body:
            code = body["reason"]
        return message, code, cls
