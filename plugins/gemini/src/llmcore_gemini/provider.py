"""The Gemini provider: wiring of the codec onto :class:`HTTPProvider`.

* Auth: the ``x-goog-api-key`` header (``GEMINI_API_KEY``, then
  ``GOOGLE_API_KEY``, or ``api_key=...``). Never the ``?key=`` query
  parameter, which would put the key into URLs and access logs.
* Base URL ``https://generativelanguage.googleapis.com/v1beta`` (or
  ``GEMINI_BASE_URL`` / ``base_url=...``, e.g. ``.../v1``).
* ``chat`` → ``POST models/{model}:generateContent``; ``stream_chat`` →
  ``POST models/{model}:streamGenerateContent?alt=sse``; ``count_tokens`` →
  ``POST models/{model}:countTokens`` (method ``"api"``), with the whole
  ``generateContentRequest`` so system instruction and tools are counted.
* ``embed`` (Gemini API only) → ``POST models/{model}:batchEmbedContents``, at most
  100 texts a call (see :mod:`llmcore_gemini.embeddings` for the parameter mapping).
* Options (``ProviderConfig.options``): ``schema_mode`` (``"json_schema"``,
  the default, or ``"openapi"``) and ``safety_settings`` (default
  ``safetySettings`` for every request). Anything else is a
  :class:`ConfigurationError`.

:class:`GoogleGenAIProvider` holds everything that is the same on Vertex AI;
``llmcore-vertexai`` subclasses it and overrides the seams: :meth:`auth_headers`,
:meth:`model_path`, :meth:`count_tokens_body`, :meth:`prepare` (async, e.g. to
refresh an OAuth token) and :attr:`codec`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
from llmcore.errors import ConfigurationError, LLMCoreError, ProviderResponseError
from llmcore.events import StreamAccumulator, StreamEvent, WarningEvent
from llmcore.pluginkit import check_options
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import CallWarning, ChatRequest, ChatResponse, TokenCount

from . import SPEC
from .batch import GeminiBatch
from .embeddings import MAX_EMBED_TEXTS, build_batch_embed_body, parse_batch_embed_response
from .errors import error_details, retry_delay_raw
from .request import SCHEMA_MODES, CodecSettings, build_generate_body
from .response import ResponseMapper
from .stream import decode_stream

__all__ = ["GeminiProvider", "GoogleGenAIProvider", "parse_codec_options"]


def parse_codec_options(options: Mapping[str, Any], provider: str) -> CodecSettings:
    """:class:`CodecSettings` from the ``schema_mode``/``safety_settings`` options (validated)."""
    mode = options.get("schema_mode", "json_schema")
    if mode not in SCHEMA_MODES:
        raise ConfigurationError(f"option schema_mode must be one of {SCHEMA_MODES}, not {mode!r}", provider=provider)
    safety = options.get("safety_settings")
    if safety is not None and not (isinstance(safety, (list, tuple)) and all(isinstance(s, Mapping) for s in safety)):
        raise ConfigurationError(
            "option safety_settings must be a list of {'category': ..., 'threshold': ...} dicts", provider=provider
        )
    return CodecSettings(provider=provider, schema_mode=mode, safety_settings=tuple(safety) if safety else None)


class GoogleGenAIProvider(HTTPProvider):
    """The ``generateContent`` family shared by the Gemini API and Vertex AI."""

    spec: ClassVar[ProviderSpec]
    codec: CodecSettings

    # -- seams ------------------------------------------------------------------

    def model_path(self, model: str, method: str) -> str:
        """Path (relative to the base URL) of ``method`` on ``model``."""
        name = model if model.startswith(("models/", "tunedModels/")) else f"models/{model}"
        return f"{name}:{method}"

    def count_tokens_body(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        """The ``countTokens`` body for a ``generateContent`` body."""
        name = model if model.startswith(("models/", "tunedModels/")) else f"models/{model}"
        return {"generateContentRequest": {"model": name, **body}}

    async def prepare(self) -> None:
        """Called before every request (Vertex refreshes its OAuth token here)."""

    # -- plumbing -----------------------------------------------------------------

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        return error_details(status, body, text)

    def make_error(self, status: int, raw: bytes, headers: Mapping[str, str]) -> LLMCoreError:
        """The typed error (via :meth:`error_details`); ``retry_after`` falls back to
        ``RetryInfo.retryDelay`` in the body when there is no ``Retry-After`` header."""
        err = super().make_error(status, raw, headers)
        if err.retry_after is None:
            err.retry_after = retry_delay_raw(raw)
        return err

    def _body(self, request: ChatRequest) -> tuple[dict[str, Any], list[CallWarning]]:
        return build_generate_body(request, self.codec)

    # -- the protocol ---------------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """One ``generateContent`` call, folded like a one-chunk stream. A response
        without a finish reason (or prompt block) is incomplete: :class:`ProviderResponseError`."""
        body, warnings = self._body(request)
        await self.prepare()
        data, _ = await self.request_json("POST", self.model_path(request.model, "generateContent"), body)
        mapper = ResponseMapper(self.spec.name, request.model)
        acc = StreamAccumulator()
        for w in warnings:
            acc.add(WarningEvent(w))
        for ev in mapper.feed(data):
            acc.add(ev)
        if not mapper.finished:  # Gemini: no finish reason = "the model has not stopped generating"
            raise ProviderResponseError(
                "the response has no finish reason: the answer is incomplete",
                provider=self.spec.name,
                raw=str(data)[:500],
            )
        for ev in mapper.end():
            acc.add(ev)
        resp = acc.response(self.spec.name, self.codec.provider)
        resp.raw = data
        return resp

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """``streamGenerateContent?alt=sse``; warnings first, then content, usage, finish."""
        body, warnings = self._body(request)
        await self.prepare()
        for w in warnings:
            yield WarningEvent(w)
        mapper = ResponseMapper(self.spec.name, request.model)
        path = self.model_path(request.model, "streamGenerateContent")
        async with self.open_stream(path, body, params={"alt": "sse"}) as resp:
            async for ev in decode_stream(resp, mapper, self.spec.name):
                yield ev

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """``countTokens`` for the whole request (method ``"api"``)."""
        body, _ = self._body(request)
        await self.prepare()
        path = self.model_path(request.model, "countTokens")
        data, resp = await self.request_json("POST", path, self.count_tokens_body(body, request.model))
        total = data.get("totalTokens") if isinstance(data, Mapping) else None
        if not isinstance(total, int):
            raise ProviderResponseError(
                "countTokens answered without totalTokens",
                provider=self.spec.name,
                status_code=resp.status_code,
                raw=str(data)[:500],
            )
        detail = None
        cached = data.get("cachedContentTokenCount")
        if isinstance(cached, int) and cached:
            detail = f"{cached} of them from cached content"
        return TokenCount(input_tokens=total, method="api", detail=detail)


class GeminiProvider(GeminiBatch, GoogleGenAIProvider):
    """Gemini and Gemma models over the Gemini API (``generativelanguage.googleapis.com``);
    batch mode: :class:`~llmcore_gemini.batch.GeminiBatch`."""

    spec: ClassVar[ProviderSpec] = SPEC
    #: provider settings accepted in ``ProviderConfig.options``
    KNOWN_OPTIONS: ClassVar[tuple[str, ...]] = ("schema_mode", "safety_settings")

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        check_options(config.options, self.KNOWN_OPTIONS, self.spec.name)
        self.codec = parse_codec_options(config.options, self.spec.name)
        super().__init__(config)

    def auth_headers(self) -> dict[str, str]:
        return {"x-goog-api-key": self.api_key or ""}

    # -- embeddings (the Gemini API's own; Vertex AI embeds through :predict) ------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per ``batchEmbedContents`` call: 100 texts; no per-call token
        limit is documented (each text has the model's own input limit)."""
        return MAX_EMBED_TEXTS, None

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """One ``batchEmbedContents`` call of at most 100 texts."""
        body = build_batch_embed_body(request, self.spec.name)
        data, _ = await self.request_json("POST", self.model_path(request.model, "batchEmbedContents"), body)
        return parse_batch_embed_response(data, request, self.spec.name)
