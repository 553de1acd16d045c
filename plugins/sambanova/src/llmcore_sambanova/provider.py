"""SambaNova Cloud over ``llmcore-openai``'s shared Chat Completions codec.

Quirks (https://docs.sambanova.ai/docs/api-reference/chat-completions/create-chat-based-completion,
https://docs.sambanova.ai/docs/en/build/reasoning):

* DeepSeek-R1 puts its chain of thought at the start of ``content`` between
  ``<think>`` tags: with the dialect's ``think_tags`` that block becomes
  reasoning (non-streamed and streamed); reasoning fields (``reasoning``,
  ``reasoning_content``) are read too;
* ``usage`` carries throughput fields besides the token counts
  (``completion_tokens_per_sec``, ``time_to_first_token``, ...): only the counts
  are mapped, the rest stays in ``ChatResponse.raw``;
* streams report usage when asked with ``stream_options.include_usage``
  (documented), which is sent;
* embeddings: ``POST /v1/embeddings`` in OpenAI's shape (:class:`~llmcore_openai.embeddings.EmbeddingsAPI`;
  https://docs.sambanova.ai/docs/api-reference/embeddings/create-embeddings, ``E5-Mistral-7B-Instruct``,
  which the docs list for SambaStack deployments): float JSON (no ``encoding_format`` is
  documented), no ``dimensions`` (refused before the network).
"""

from __future__ import annotations

from dataclasses import replace

from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider
from llmcore_openai.embeddings import EmbeddingsAPI

from . import SPEC

__all__ = ["SAMBANOVA_DIALECT", "SambaNovaProvider"]

SAMBANOVA_DIALECT = replace(COMPATIBLE_DIALECT, think_tags=True)


class SambaNovaProvider(EmbeddingsAPI, ChatCompletionsProvider):
    """SambaNova Cloud's ``/v1/chat/completions`` and ``/v1/embeddings``."""

    spec = SPEC
    dialect = SAMBANOVA_DIALECT
    embeddings_dimensions = False
    max_embedding_tokens = None
