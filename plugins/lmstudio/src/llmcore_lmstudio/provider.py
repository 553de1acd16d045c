"""The LM Studio provider: its OpenAI-compatible endpoints through ``llmcore-openai``'s codecs.

* ``POST /v1/chat/completions`` (default): the shared Chat Completions codec
  with LM Studio's dialect — ``response_format`` only as ``json_schema``
  (LM Studio answers 400 "'response_format.type' must be 'json_schema' or
  'text'" to ``json_object``, so that becomes a warning), no
  ``reasoning_effort`` (a warning; the Responses API takes it), reasoning text
  in ``reasoning_content`` (DeepSeek-R1-style models) or ``reasoning``
  (gpt-oss), usage in streams via ``stream_options`` (LM Studio >= 0.3.18).
* ``POST /v1/responses`` with option ``api="responses"`` (LM Studio >= 0.3.29):
  the shared Responses codec, through :class:`~llmcore_openai.responses.provider.ResponsesAPI`.
* ``POST /v1/embeddings`` (https://lmstudio.ai/docs/api/openai-api): OpenAI's shape through
  :class:`~llmcore_openai.embeddings.EmbeddingsAPI`, float JSON (base64 is not documented), no
  ``dimensions`` (refused before the network), with the loaded embedding model
  (e.g. ``text-embedding-nomic-embed-text-v1.5``).

On both, ``tool_choice`` is only ``"none"``/``"auto"``/``"required"`` on LM
Studio: a choice naming one function is sent as ``"required"`` with only
that function offered, which asks for exactly the same thing.
``provider_options={"lmstudio": {...}}`` is merged into the body last
(``top_k``, ``repeat_penalty``, ``ttl``, ``draft_model``, ...).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import ConfigurationError
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings
from llmcore_openai.embeddings import EmbeddingsAPI
from llmcore_openai.responses.provider import ResponsesAPI

from . import SPEC

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["LMSTUDIO_DIALECT", "LMStudioProvider"]

LMSTUDIO_DIALECT = replace(COMPATIBLE_DIALECT, structured_output=("json_schema",), reasoning_effort=False)
"""/v1/chat/completions: json_schema only, no reasoning_effort."""


class LMStudioProvider(ResponsesAPI, EmbeddingsAPI, ChatCompletionsProvider):
    """LM Studio (``$LMSTUDIO_BASE_URL``, default ``http://localhost:1234/v1``;
    ``$LMSTUDIO_API_KEY`` only when the server requires authentication)."""

    spec: ClassVar[ProviderSpec] = SPEC
    dialect = LMSTUDIO_DIALECT
    embeddings_dimensions = False
    max_embedding_tokens = None
    options: ClassVar[Mapping[str, str]] = {
        "api": '"chat" (/v1/chat/completions, default) or "responses" (/v1/responses)',
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self.api = self.option("api", "chat")
        if self.api not in ("chat", "responses"):
            raise ConfigurationError(
                f'lmstudio option api must be "chat" or "responses", not {self.api!r}', provider=self.spec.name
            )

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        tc = body.get("tool_choice")
        if isinstance(tc, dict):  # {"type":"function","function":{"name"}} (chat) or {"type":"function","name"}
            name = (tc.get("function") or tc).get("name")
            body["tools"] = [t for t in body.get("tools") or () if (t.get("function") or t).get("name") == name]
            body["tool_choice"] = "required"

    async def chat(self, request: ChatRequest) -> ChatResponse:
        if self.api == "responses":
            return await self.responses_chat(request)
        return await super().chat(request)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        stream = self.responses_stream(request) if self.api == "responses" else super().stream_chat(request)
        async for ev in stream:
            yield ev
