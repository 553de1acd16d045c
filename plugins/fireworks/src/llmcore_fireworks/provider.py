"""Fireworks AI over ``llmcore-openai``'s shared Chat Completions codec.

Quirks (https://docs.fireworks.ai/api-reference/post-chatcompletions,
https://docs.fireworks.ai/guides/reasoning):

* model ids are resource names, ``accounts/fireworks/models/<name>``; a bare
  ``<name>`` (``fireworks/llama-v3p3-70b-instruct``) is expanded to Fireworks'
  own catalogue, ``accounts/fireworks/models/<name>``; anything with a ``/``
  (your own account's models and deployments) is sent as given;
* streams carry usage on the chunk with the finish reason unasked:
  ``stream_options`` is not sent;
* reasoning text arrives in ``reasoning_content`` and is sent back on earlier
  assistant turns ("interleaved thinking": models that use it need it after a
  tool result; the others ignore it);
* errors are ``{"error": {"message", "param", "code": "NOT_FOUND", "type": "error"}}``:
  the HTTP status picks the class, the upper-case ``code`` is kept.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider
from llmcore_openai.embeddings import EmbeddingsAPI

from . import SPEC

if TYPE_CHECKING:
    from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import Warnings

__all__ = ["CATALOGUE", "FIREWORKS_DIALECT", "FireworksProvider"]

CATALOGUE = "accounts/fireworks/models/"
FIREWORKS_DIALECT = replace(
    COMPATIBLE_DIALECT,
    stream_usage=False,
    reasoning_fields=("reasoning_content",),
    send_reasoning_field="reasoning_content",
)


class FireworksProvider(EmbeddingsAPI, ChatCompletionsProvider):
    """Fireworks AI's ``/inference/v1/chat/completions`` and ``/inference/v1/embeddings``.

    Embeddings: ``{"model", "input": [...], "dimensions"?, "encoding_format": "base64"}``.
    ``dimensions`` shortens the vectors of models that support it (nomic-embed-text-v1.5 and
    later, qwen3-embedding); base64 float32 is not in Fireworks' API reference but its server
    honours it (a recording answers base64 strings). A model name without ``/`` gets the
    ``accounts/fireworks/models/`` prefix, as for chat. The reference allows at most 2048 inputs
    per request; no input type, no truncation choice (too-long inputs are refused by the server).
    """

    spec = SPEC
    dialect = FIREWORKS_DIALECT
    embeddings_base64 = True
    max_embedding_inputs = 2048  # "any array must be 2048 ... or less" (API reference, Create embeddings)
    max_embedding_tokens = None

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        if "/" not in request.model:
            request = replace(request, model=CATALOGUE + request.model)
        return await super().embed(request)

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if "/" not in body["model"]:
            body["model"] = CATALOGUE + body["model"]
