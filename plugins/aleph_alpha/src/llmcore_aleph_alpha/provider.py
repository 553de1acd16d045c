"""The Aleph Alpha provider: two endpoints behind one :class:`HTTPProvider`.

* ``POST /chat/completions`` — OpenAI-compatible
  (https://docs.aleph-alpha.com/api/pharia-inference/4.1.0/chat-completions):
  served by ``llmcore-openai``'s shared Chat Completions codec
  (:class:`~llmcore_openai.chat.ChatCompletionsProvider`) with an Aleph Alpha
  dialect — ``system``/``user``/``assistant`` messages, ``max_tokens``,
  ``temperature``, ``top_p``, ``stop``, SSE streaming with
  ``stream_options.include_usage``; no tools, no ``response_format``, no
  ``seed`` (warnings, or :class:`UnsupportedFeatureError` in strict mode).
* ``POST /complete`` — the legacy completion endpoint (:mod:`.complete`), for
  ``luminous-*`` models. It is called non-streamed; ``stream_chat`` replays
  its answer as events.
* ``POST /tokenize`` — ``count_tokens`` (method ``api``, :mod:`.tokens`).
* ``POST /batch_semantic_embed`` — ``embed`` (semantic embeddings, :mod:`.embeddings`).

Option ``api``: ``"auto"`` (default: ``complete`` for ``luminous-*`` models,
``chat`` otherwise), ``"chat"`` or ``"complete"``. Auth: ``Authorization:
Bearer <AA_TOKEN>``; base URL ``https://api.aleph-alpha.com`` (or
``AA_BASE_URL`` / ``base_url=``, e.g. an on-premise PhariaAI installation).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import Any, ClassVar

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
from llmcore.errors import ConfigurationError, LLMCoreError
from llmcore.events import Finish, StreamEvent, TextDelta, UsageEvent, WarningEvent
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import ChatRequest, ChatResponse, TokenCount
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider

from . import SPEC
from . import embeddings as emb
from .complete import COMPLETE_PATH, build_complete_body, parse_completion
from .errors import error_details
from .tokens import TOKENIZE_PATH, build_tokenize_body, parse_count

__all__ = ["ALEPH_ALPHA_DIALECT", "AlephAlphaProvider"]

ALEPH_ALPHA_DIALECT = replace(
    COMPATIBLE_DIALECT,
    path="chat/completions",
    reasoning_fields=(),
    reasoning_effort=False,
    structured_output=(),
    unsupported=frozenset({"tools", "tool_choice", "response_format", "seed"}),
    strict_tools=False,
)
"""The chat endpoint: OpenAI-compatible, without tools, structured output or seed."""

_APIS = ("auto", "chat", "complete")


class AlephAlphaProvider(ChatCompletionsProvider):
    """Aleph Alpha models over ``/chat/completions`` and ``/complete``."""

    spec: ClassVar[ProviderSpec] = SPEC
    dialect = ALEPH_ALPHA_DIALECT
    options: ClassVar[Mapping[str, str]] = {
        "api": "'auto' (default: /complete for luminous-* models, /chat/completions otherwise), 'chat' or 'complete'",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        api = self.option("api", "auto")
        if api not in _APIS:
            raise ConfigurationError(
                f"option api must be one of {', '.join(_APIS)}, not {api!r}", provider=self.spec.name
            )
        self._api: str = api

    def api_for(self, model: str) -> str:
        """``"chat"`` or ``"complete"`` for ``model``."""
        if self._api != "auto":
            return self._api
        return "complete" if model.startswith("luminous-") else "chat"

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        return error_details(status, body, text)

    # -- the operations -----------------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        if self.api_for(request.model) == "chat":
            return await super().chat(request)
        body, warnings = build_complete_body(request, self.spec.name)
        data, _ = await self.request_json("POST", COMPLETE_PATH, body, headers=self.extra_headers())
        return parse_completion(data, model=request.model, provider=self.spec.name, warnings=warnings)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        if self.api_for(request.model) == "chat":
            async for ev in super().stream_chat(request):
                yield ev
            return
        response = await self.chat(request)  # /complete is used non-streamed
        for w in response.warnings:
            yield WarningEvent(w)
        if response.text:
            yield TextDelta(response.text)
        if response.usage.input_tokens is not None or response.usage.output_tokens is not None:
            yield UsageEvent(response.usage)
        yield Finish(response.finish_reason, response.raw_finish_reason)

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """Exact token count of the text the request sends, from ``/tokenize``."""
        api = self.api_for(request.model)
        body = build_tokenize_body(request, api=api, provider=self.spec.name)
        data, _ = await self.request_json("POST", TOKENIZE_PATH, body, headers=self.extra_headers())
        return parse_count(data, api=api, provider=self.spec.name)

    # -- embeddings ------------------------------------------------------------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per request: 100 prompts."""
        return emb.MAX_PROMPTS, None

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """``POST /batch_semantic_embed``."""
        data, _ = await self.request_json("POST", emb.PATH, emb.build_body(request), headers=self.extra_headers())
        return emb.parse_response(data, request)
