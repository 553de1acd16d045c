"""The two providers of this plugin, wired from the shared codecs.

* :class:`OpenAIProvider` (``openai``) — api.openai.com: Chat Completions by
  default, the Responses API with ``api="responses"``.
* :class:`OpenAICompatibleProvider` (``openai_compatible``) — any server that
  speaks Chat Completions (vLLM, LM Studio, llama.cpp, Ollama ``/v1``…).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import ConfigurationError, ProviderResponseError
from llmcore.provider import ProviderConfig
from llmcore.types import TokenCount

from . import OPENAI_COMPATIBLE_SPEC, OPENAI_SPEC
from .batch import OpenAIBatch
from .chat import COMPATIBLE_DIALECT, OPENAI_DIALECT, ChatCompletionsProvider, Warnings
from .embeddings import EmbeddingsAPI
from .rerank import RerankAPI
from .responses import is_reasoning_model
from .responses.provider import ResponsesAPI

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["OpenAIProvider", "OpenAICompatibleProvider"]


class OpenAIProvider(OpenAIBatch, ResponsesAPI, EmbeddingsAPI, ChatCompletionsProvider):
    """OpenAI's API.

    Options: ``api`` (``"chat"`` default, or ``"responses"``), ``organization``
    and ``project`` (sent as ``OpenAI-Organization`` / ``OpenAI-Project``;
    default from ``OPENAI_ORG_ID`` / ``OPENAI_PROJECT_ID``), ``count_tokens``
    (``"tokenizer"`` default: tiktoken, see :mod:`llmcore_openai.tokens`; or
    ``"api"``: ``POST /responses/input_tokens``, exact and billed-free but a
    network call).

    Reasoning models (o-series, gpt-5 family) do not accept ``temperature`` or
    ``top_p``: they are not sent, with a warning.

    Batch API: :class:`~llmcore_openai.batch.OpenAIBatch` (``llmcore.batch``). Embeddings:
    :class:`~llmcore_openai.embeddings.EmbeddingsAPI` (base64 float32 on the wire).
    """

    spec = OPENAI_SPEC
    dialect = OPENAI_DIALECT
    embeddings_base64 = True
    responses_cache_breakpoints = True  # gpt-5.6 and later take explicit breakpoints (.cache_breakpoints)
    options: ClassVar[Mapping[str, str]] = {
        "api": '"chat" (Chat Completions, default) or "responses" (Responses API)',
        "organization": "OpenAI-Organization header (default: $OPENAI_ORG_ID)",
        "project": "OpenAI-Project header (default: $OPENAI_PROJECT_ID)",
        "count_tokens": '"tokenizer" (tiktoken, default) or "api" (POST /responses/input_tokens)',
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self.api = self.option("api", "chat")
        if self.api not in ("chat", "responses"):
            raise ConfigurationError(
                f'openai option api must be "chat" or "responses", not {self.api!r}', provider=self.spec.name
            )
        self.count_method = self.option("count_tokens", "tokenizer")
        if self.count_method not in ("tokenizer", "api"):
            raise ConfigurationError(
                f'openai option count_tokens must be "tokenizer" or "api", not {self.count_method!r}',
                provider=self.spec.name,
            )
        self.organization = self.option("organization") or os.environ.get("OPENAI_ORG_ID") or None
        self.project = self.option("project") or os.environ.get("OPENAI_PROJECT_ID") or None

    def __repr__(self) -> str:
        return f"OpenAIProvider(base_url={self.base_url!r}, api={self.api!r})"

    def extra_headers(self) -> dict[str, str]:
        h = super().extra_headers()
        if self.organization:
            h["OpenAI-Organization"] = self.organization
        if self.project:
            h["OpenAI-Project"] = self.project
        return h

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if is_reasoning_model(request.model):
            for name in ("temperature", "top_p"):
                if name in body:
                    del body[name]
                    warnings.add(name, f"{request.model} is a reasoning model and does not accept {name}; not sent")

    def builtin_tools_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        """Chat Completions: web search on the search models (``web_search_options``), nothing else
        (see :mod:`llmcore_openai.builtin`; the Responses API maps them in its own body)."""
        from .builtin import chat_web_search_options

        body["web_search_options"] = chat_web_search_options(request, self.spec.name, warnings)

    # -- Responses API (the shared ResponsesAPI mixin) -----------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        if self.api != "responses":
            return await super().chat(request)
        return await self.responses_chat(request)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        stream = self.responses_stream(request) if self.api == "responses" else super().stream_chat(request)
        async for ev in stream:
            yield ev

    # -- tokens --------------------------------------------------------------------

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """tiktoken (``method="tokenizer"``, or a labelled estimate when the
        encoding cannot be loaded), or ``POST /responses/input_tokens`` with
        ``count_tokens="api"``."""
        if self.count_method == "api":
            from .responses import build_body

            body, _ = build_body(request, stream=False, provider=self.spec.name, for_count=True)
            data, _ = await self.request_json("POST", "responses/input_tokens", body, headers=self.extra_headers())
            n = data.get("input_tokens") if isinstance(data, dict) else None
            if not isinstance(n, int):
                raise ProviderResponseError(
                    "input_tokens missing from the answer", provider=self.spec.name, raw=str(data)[:500]
                )
            return TokenCount(input_tokens=n, method="api", detail="POST /responses/input_tokens")
        from .tokens import count_request_tokens

        return await count_request_tokens(request)


class OpenAICompatibleProvider(EmbeddingsAPI, RerankAPI, ChatCompletionsProvider):
    """Any OpenAI-compatible Chat Completions server.

    Needs a base URL (``base_url=...`` or ``$OPENAI_COMPATIBLE_BASE_URL``,
    e.g. ``http://localhost:8000/v1``); the key is optional
    (``$OPENAI_COMPATIBLE_API_KEY``; without one no ``Authorization`` header is
    sent). Options tune the dialect: ``stream_usage`` (bool, default true:
    ask for usage in streams), ``max_tokens_field`` (``"max_tokens"`` default,
    or ``"max_completion_tokens"``), ``path`` (default ``"chat/completions"``),
    ``send_reasoning_field`` (echo reasoning back under this field, e.g.
    ``"reasoning_content"``). Tokens are estimated (the model's tokenizer is
    unknown).

    Embeddings: ``POST {base_url}/embeddings`` (OpenAI's body; ``dimensions`` passed on, the
    server decides). Vectors come as JSON numbers unless option ``embeddings_base64=True``
    (vLLM, llama.cpp server and OpenAI itself encode base64 float32; some servers ignore the
    field and answer numbers, which are read as well). Rerank: ``POST {base_url}/rerank`` in the
    Jina/Cohere shape (vLLM, llama.cpp server, Jina, TEI-compatible gateways); for a server whose
    ``/rerank`` sits at its root (vLLM), give the root as ``base_url`` or use its ``/v1/rerank``.
    """

    spec = OPENAI_COMPATIBLE_SPEC
    dialect = COMPATIBLE_DIALECT
    # any server: no limit known; the facade still splits at this many inputs per request
    max_embedding_inputs = 512
    max_embedding_tokens = None
    options: ClassVar[Mapping[str, str]] = {
        "stream_usage": "send stream_options.include_usage when streaming (default true)",
        "max_tokens_field": '"max_tokens" (default) or "max_completion_tokens"',
        "path": 'endpoint path below the base URL (default "chat/completions")',
        "send_reasoning_field": "echo earlier reasoning back on assistant messages under this field",
        "embeddings_base64": "ask embeddings as base64 float32 (encoding_format; default false: JSON numbers)",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        changes: dict[str, Any] = {}
        su = self.option("stream_usage")
        if su is not None:
            if not isinstance(su, bool):
                raise ConfigurationError(
                    "openai_compatible option stream_usage must be a bool", provider=self.spec.name
                )
            changes["stream_usage"] = su
        mt = self.option("max_tokens_field")
        if mt is not None:
            if mt not in ("max_tokens", "max_completion_tokens"):
                raise ConfigurationError(
                    'openai_compatible option max_tokens_field must be "max_tokens" or "max_completion_tokens"',
                    provider=self.spec.name,
                )
            changes["max_tokens_field"] = mt
        path = self.option("path")
        if path is not None:
            changes["path"] = str(path)
        srf = self.option("send_reasoning_field")
        if srf is not None:
            changes["send_reasoning_field"] = str(srf)
        b64 = self.option("embeddings_base64")
        if b64 is not None:
            if not isinstance(b64, bool):
                raise ConfigurationError(
                    "openai_compatible option embeddings_base64 must be a bool", provider=self.spec.name
                )
            self.embeddings_base64 = b64  # type: ignore[misc]  # per instance: the server's ability
        if changes:
            self.dialect = replace(self.dialect, **changes)
