"""Perplexity on the shared Chat Completions codec.

Quirks (https://docs.perplexity.ai):

* Every answer is grounded in a web search: the response's ``citations`` (URLs)
  and ``search_results`` (title, url, date, snippet) are kept in
  ``ChatResponse.provider_metadata["perplexity"]``; in streams (where every
  chunk repeats them) they ride on the ``Finish`` event and end up in the same
  place.
* No function calling: ``tools`` / ``tool_choice`` are not sent — a warning, or
  :class:`~llmcore.errors.UnsupportedFeatureError` with ``strict=True``.
* Reasoning models (``sonar-reasoning*``) may lead their answer with a
  ``<think>…</think>`` block: it becomes a reasoning part.
* ``response_format``: ``json_schema`` is sent (``json_object`` is not accepted:
  a warning).
* ``embed`` → ``POST /v1/embeddings`` (pplx-embed, int8 vectors; see :mod:`llmcore_perplexity.embeddings`).
* Errors: ``type: too_many_prompt_tokens`` → :class:`ContextWindowExceededError`,
  ``type: invalid_model`` → :class:`NotFoundError`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
from llmcore.errors import ContextWindowExceededError, LLMCoreError, NotFoundError
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider

from . import SPEC
from . import embeddings as emb

__all__ = ["PERPLEXITY_DIALECT", "PerplexityProvider"]

PERPLEXITY_DIALECT = replace(
    COMPATIBLE_DIALECT, metadata_fields=("citations", "search_results"), reasoning_fields=(), think_tags=True,
    unsupported=frozenset({"tools", "tool_choice"}), structured_output=("json_schema",), strict_tools=False,
)
_BY_TYPE: dict[str, type[LLMCoreError]] = {
    "too_many_prompt_tokens": ContextWindowExceededError,
    "invalid_model": NotFoundError,
}


class PerplexityProvider(ChatCompletionsProvider):
    """Perplexity's Sonar Chat Completions API."""

    spec = SPEC
    dialect = PERPLEXITY_DIALECT

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        err = body.get("error") if isinstance(body, dict) else None
        kind = err.get("type") if isinstance(err, dict) else None
        return message, code, _BY_TYPE.get(kind, cls) if isinstance(kind, str) else cls

    # -- embeddings ---------------------------------------------------------------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per request: 512 texts, 120,000 tokens (the API reference)."""
        return emb.MAX_INPUTS, emb.MAX_TOKENS

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """``POST /v1/embeddings`` (the chat API has no ``/v1`` prefix, the embeddings API has)."""
        data, _ = await self.request_json("POST", "v1/embeddings", emb.build_body(request))
        return emb.parse_response(data, request)
