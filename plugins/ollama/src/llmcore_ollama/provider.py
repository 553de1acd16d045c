"""The Ollama provider: wiring of the codec onto :class:`HTTPProvider`.

* Server: ``OLLAMA_HOST`` (``http://localhost:11434`` by default; a bare
  ``host:port`` such as ``0.0.0.0:11434`` is accepted, see
  :mod:`llmcore_ollama.host`) or ``base_url=...``.
* Auth: none for a local server. ``OLLAMA_API_KEY`` (or ``api_key=...``), when
  set, is sent as ``Authorization: Bearer`` (ollama.com's hosted API).
* Options: ``keep_alive`` (how long the server keeps the model loaded, e.g.
  ``"10m"`` or ``0``) and ``options`` (default model options for every
  request, e.g. ``{"num_ctx": 8192}``). Anything else is a ConfigurationError.
* ``chat``: ``POST /api/chat`` with ``stream: false``; ``stream_chat``: the
  same, streamed as NDJSON; ``count_tokens``: a labelled estimate (Ollama has
  no tokenize endpoint); :meth:`OllamaProvider.list_models`: ``GET /api/tags``;
  ``embed``: ``POST /api/embed`` (see :mod:`llmcore_ollama.embeddings`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any, ClassVar

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
from llmcore.errors import ConfigurationError, LLMCoreError, ProviderResponseError
from llmcore.events import StreamEvent
from llmcore.pluginkit import check_options
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.tokens import estimate_tokens
from llmcore.types import ChatRequest, ChatResponse, TokenCount

from . import SPEC
from .embeddings import EMBED_PATH, MAX_EMBED_TEXTS, build_embed_body, parse_embed_response
from .errors import error_details
from .host import normalize_host
from .request import build_chat_body
from .response import parse_chat_response
from .stream import decode_stream

__all__ = ["OllamaProvider", "CHAT_PATH", "TAGS_PATH"]

CHAT_PATH = "/api/chat"
TAGS_PATH = "/api/tags"


class OllamaProvider(HTTPProvider):
    """Models served by Ollama, over its native chat API."""

    spec: ClassVar[ProviderSpec] = SPEC
    #: provider settings accepted in ``ProviderConfig.options``
    KNOWN_OPTIONS: ClassVar[tuple[str, ...]] = ("keep_alive", "options")

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        opts = check_options(
            config.options, self.KNOWN_OPTIONS, self.spec.name, "(model options such as num_ctx go in options={...})"
        )
        keep_alive = opts.get("keep_alive")
        if keep_alive is not None and (isinstance(keep_alive, bool) or not isinstance(keep_alive, (str, int, float))):
            raise ConfigurationError("option keep_alive must be a duration string or a number", provider=self.spec.name)
        model_options = opts.get("options")
        if model_options is not None and not isinstance(model_options, dict):
            raise ConfigurationError("option options must be a dict of model options", provider=self.spec.name)
        base = config.base_url or os.environ.get("OLLAMA_HOST") or SPEC.base_url or ""
        super().__init__(replace(config, base_url=normalize_host(base)))
        self._keep_alive = keep_alive
        self._model_options: dict[str, Any] = dict(model_options or {})

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        return error_details(status, body, text)

    def _body(self, request: ChatRequest, stream: bool) -> tuple[dict[str, Any], list[Any]]:
        return build_chat_body(request, stream=stream, default_options=self._model_options, keep_alive=self._keep_alive)

    # -- the three operations --------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """One non-streamed ``POST /api/chat``."""
        body, warnings = self._body(request, stream=False)
        data, _ = await self.request_json("POST", CHAT_PATH, body)
        return parse_chat_response(data, warnings=warnings)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """A streamed ``POST /api/chat`` (NDJSON lines)."""
        body, warnings = self._body(request, stream=True)
        async with self.open_stream(CHAT_PATH, body, headers={"accept": "application/x-ndjson"}) as resp:
            async for ev in decode_stream(resp.aiter_bytes(), warnings=warnings):
                yield ev

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """An estimate, labelled ``method="estimate"``: Ollama has no tokenize endpoint."""
        est = estimate_tokens(request)
        return TokenCount(
            input_tokens=est.input_tokens,
            method="estimate",
            detail=f"Ollama has no tokenize endpoint: {est.detail}",
        )

    # -- embeddings ----------------------------------------------------------------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per ``/api/embed`` request: 512 texts (our bound; Ollama documents
        none), no token limit (each text is cut to, or refused beyond, the model's context)."""
        return MAX_EMBED_TEXTS, None

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """One ``POST /api/embed``."""
        body = build_embed_body(request, keep_alive=self._keep_alive, default_options=self._model_options)
        data, _ = await self.request_json("POST", EMBED_PATH, body)
        return parse_embed_response(data, request)

    # -- extra -------------------------------------------------------------------------

    async def list_models(self) -> list[dict[str, Any]]:
        """The models the server has (``GET /api/tags``): one dict per model, as
        Ollama describes it (``name``, ``model``, ``size``, ``digest``,
        ``modified_at``, ``details``)."""
        data, _ = await self.request_json("GET", TAGS_PATH)
        models = data.get("models") if isinstance(data, dict) else None
        if not isinstance(models, list):
            raise ProviderResponseError(
                "/api/tags answer has no models list", provider=self.spec.name, raw=str(data)[:500]
            )
        return [m for m in models if isinstance(m, dict)]
