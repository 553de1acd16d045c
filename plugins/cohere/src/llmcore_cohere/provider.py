"""The Cohere provider: wiring of the codec onto :class:`HTTPProvider`.

* Auth: ``Authorization: Bearer <key>`` from ``CO_API_KEY`` (or
  ``COHERE_API_KEY``, or ``api_key=...``).
* Base URL: ``https://api.cohere.com``, or ``CO_API_URL``, or ``base_url=...``.
* Options: ``client_name`` (sent as Cohere's ``X-Client-Name`` header).
  Anything else is a :class:`ConfigurationError` naming the known options.
* ``chat``: ``POST /v2/chat`` (``stream: false``); ``stream_chat``: the same
  with ``stream: true`` (SSE); ``count_tokens``: ``POST /v1/tokenize``
  (method ``"api"``), which tokenizes *text only*: the chat template,
  message framing, tool-schema framing and images are not counted, so a
  chat call's ``usage.input_tokens`` is larger than the count.
* ``embed``: ``POST /v2/embed``; ``rerank``: ``POST /v2/rerank`` (see
  :mod:`llmcore_cohere.embeddings` for the parameter mapping).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, RerankRequest, RerankResponse
from llmcore.errors import ConfigurationError, LLMCoreError, ProviderResponseError
from llmcore.events import StreamEvent
from llmcore.pluginkit import check_options
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import ChatRequest, ChatResponse, TokenCount

from . import SPEC
from .embeddings import (
    EMBED_PATH,
    MAX_EMBED_TEXTS,
    RERANK_PATH,
    build_embed_body,
    build_rerank_body,
    parse_embed_response,
    parse_rerank_response,
)
from .errors import error_details
from .request import build_chat_body, build_tokenize_bodies
from .response import parse_chat_response
from .stream import decode_stream

__all__ = ["CohereProvider", "CHAT_PATH", "TOKENIZE_PATH"]

CHAT_PATH = "/v2/chat"
TOKENIZE_PATH = "/v1/tokenize"
COUNT_DETAIL = (
    "Cohere /v1/tokenize counts the request's text (system, messages, tool calls and results, tool "
    "schemas); the chat template and message framing are not counted"
)


class CohereProvider(HTTPProvider):
    """Cohere Command models over the v2 Chat API."""

    spec: ClassVar[ProviderSpec] = SPEC
    #: provider settings accepted in ``ProviderConfig.options``
    KNOWN_OPTIONS: ClassVar[tuple[str, ...]] = ("client_name",)

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        check_options(config.options, self.KNOWN_OPTIONS, self.spec.name)
        client_name = config.options.get("client_name")
        if client_name is not None and (not isinstance(client_name, str) or not client_name.strip()):
            raise ConfigurationError("option client_name must be a non-empty string", provider=self.spec.name)
        super().__init__(config)
        self._client_name: str | None = client_name

    def auth_headers(self) -> dict[str, str]:
        h = {"authorization": f"Bearer {self.api_key}"}
        if self._client_name:
            h["x-client-name"] = self._client_name
        return h

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        return error_details(status, body, text)

    # -- the operations --------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """One non-streamed ``POST /v2/chat``."""
        body, warnings = build_chat_body(request, stream=False)
        data, _ = await self.request_json("POST", CHAT_PATH, body)
        return parse_chat_response(data, model=request.model, warnings=warnings)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """A streamed ``POST /v2/chat`` (``stream: true``, server-sent events)."""
        body, warnings = build_chat_body(request, stream=True)
        async with self.open_stream(CHAT_PATH, body) as resp:
            async for ev in decode_stream(resp.aiter_bytes(), model=request.model, warnings=warnings):
                yield ev

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """Tokens of the request's text by ``POST /v1/tokenize`` with the request's model
        (several calls when the text exceeds the endpoint's 65,536 characters)."""
        total = 0
        bodies = build_tokenize_bodies(request)
        for body in bodies:
            data, _ = await self.request_json("POST", TOKENIZE_PATH, body)
            tokens = data.get("tokens") if isinstance(data, dict) else None
            if not isinstance(tokens, list):
                raise ProviderResponseError(
                    "tokenize answer has no tokens", provider=self.spec.name, raw=str(data)[:500]
                )
            total += len(tokens)
        detail = COUNT_DETAIL if bodies else "the request has no text to count"
        return TokenCount(input_tokens=total, method="api", detail=detail)

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per ``/v2/embed`` call: 96 texts; no per-call token limit is
        documented (each text is truncated, or refused with ``truncate="error"``, on its own)."""
        return MAX_EMBED_TEXTS, None

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """One ``POST /v2/embed`` of at most 96 texts."""
        body = build_embed_body(request)
        data, _ = await self.request_json("POST", EMBED_PATH, body)
        return parse_embed_response(data, request)

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        """One ``POST /v2/rerank``."""
        data, _ = await self.request_json("POST", RERANK_PATH, build_rerank_body(request))
        return parse_rerank_response(data, request)
