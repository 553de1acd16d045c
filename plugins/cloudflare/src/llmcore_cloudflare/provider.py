"""The Cloudflare Workers AI provider: wiring of the codec onto :class:`HTTPProvider`.

* Endpoint: ``POST {base}/accounts/{account_id}/ai/run/{model}`` with base
  ``https://api.cloudflare.com/client/v4`` (or ``CLOUDFLARE_API_BASE_URL`` /
  ``base_url=...``, e.g. an AI Gateway URL). Model ids (``@cf/meta/...``,
  ``@hf/...``) go into the path as they are, ``@`` and slashes included.
* Auth: ``Authorization: Bearer <CLOUDFLARE_API_TOKEN>``.
* Options: ``account_id`` (else ``CLOUDFLARE_ACCOUNT_ID``; a
  :class:`ConfigurationError` naming both when neither is set). Anything else
  is a :class:`ConfigurationError` listing the known options.
* ``chat`` makes one non-streamed call and unwraps the
  ``{result, success, errors, messages}`` envelope; a ``success: false``
  envelope is a typed error even with HTTP 200.
* ``stream_chat`` streams SSE (``stream: true``). With tools the call is made
  non-streamed and replayed as events: Workers AI documents tool calls only
  in the non-streamed result.
* ``count_tokens``: a labelled estimate (Workers AI has no token counting
  endpoint).
* ``embed`` (the ``@cf/baai/bge-*`` text-embeddings models, ``{"text": [...]}``) and
  ``rerank`` (``@cf/baai/bge-reranker-base``, ``{"query", "contexts"}``) run the same
  ``ai/run`` endpoint; see :mod:`llmcore_cloudflare.embeddings`.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, RerankRequest, RerankResponse
from llmcore.errors import ConfigurationError, LLMCoreError, ProviderResponseError
from llmcore.events import StreamEvent
from llmcore.pluginkit import check_options
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import ChatRequest, ChatResponse

from . import SPEC
from . import embeddings as emb
from .errors import envelope_error, error_details
from .request import build_body
from .response import parse_result, result_events
from .stream import decode_stream

__all__ = ["ACCOUNT_ENV", "CloudflareProvider"]

ACCOUNT_ENV = "CLOUDFLARE_ACCOUNT_ID"


class CloudflareProvider(HTTPProvider):
    """Workers AI text generation models over the Cloudflare REST API."""

    spec: ClassVar[ProviderSpec] = SPEC
    #: provider settings accepted in ``ProviderConfig.options``
    KNOWN_OPTIONS: ClassVar[tuple[str, ...]] = ("account_id",)

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        check_options(config.options, self.KNOWN_OPTIONS, self.spec.name)
        account = config.options.get("account_id") or os.environ.get(ACCOUNT_ENV)
        if not account or not isinstance(account, str) or not account.strip():
            raise ConfigurationError(
                f"no Cloudflare account id: set {ACCOUNT_ENV} or pass the option account_id=...",
                provider=self.spec.name,
            )
        if "/" in account or "?" in account or "#" in account:
            raise ConfigurationError("option account_id must be a bare account id", provider=self.spec.name)
        super().__init__(config)
        self.account_id = account.strip()

    def __repr__(self) -> str:
        return f"CloudflareProvider(base_url={self.base_url!r}, account_id={self.account_id!r})"

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        return error_details(status, body, text)

    def run_path(self, model: str) -> str:
        """The ``ai/run`` path of ``model`` (kept verbatim: ``@cf/meta/...``)."""
        model = model.strip()
        if not model or model.startswith("/") or "?" in model or "#" in model or ".." in model:
            from llmcore.errors import InvalidRequestError

            raise InvalidRequestError(f"invalid Workers AI model id {model!r}", provider=self.spec.name)
        return f"accounts/{self.account_id}/ai/run/{model}"

    def _unwrap(self, data: Any, headers: Any) -> Any:
        """The ``result`` of an envelope; typed error when ``success`` is false."""
        if not isinstance(data, dict):
            raise ProviderResponseError(
                "the answer is not a Cloudflare API envelope", provider=self.spec.name, raw=json.dumps(data)[:500]
            )
        if data.get("success") is False:
            raise envelope_error(data, headers, self.spec.name)
        if "result" not in data:
            raise ProviderResponseError(
                "the envelope has no result", provider=self.spec.name, raw=json.dumps(data)[:500]
            )
        return data["result"]

    # -- the operations ---------------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """One non-streamed ``ai/run`` call."""
        body, warnings = build_body(request, stream=False, provider=self.spec.name)
        data, resp = await self.request_json("POST", self.run_path(request.model), body)
        return parse_result(
            self._unwrap(data, resp.headers),
            model=request.model,
            provider=self.spec.name,
            max_tokens=request.max_tokens,
            warnings=warnings,
        )

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """A streamed ``ai/run`` call (non-streamed and replayed when tools are offered)."""
        if request.tools and not (request.tool_choice and request.tool_choice.mode == "none"):
            response = await self.chat(request)
            for ev in result_events(response):
                yield ev
            return
        body, warnings = build_body(request, stream=True, provider=self.spec.name)
        async with self.open_stream(self.run_path(request.model), body) as resp:
            ctype = resp.headers.get("content-type", "")
            if "event-stream" not in ctype:
                # Some models answer a streamed request with the whole JSON envelope.
                raw = await resp.aread()
                try:
                    data = json.loads(raw)
                except ValueError:
                    raise ProviderResponseError(
                        f"expected an event stream, got {ctype or 'no content type'}",
                        provider=self.spec.name,
                        raw=raw[:500],
                    ) from None
                response = parse_result(
                    self._unwrap(data, resp.headers),
                    model=request.model,
                    provider=self.spec.name,
                    max_tokens=request.max_tokens,
                    warnings=warnings,
                )
                for ev in result_events(response):
                    yield ev
                return
            async for ev in decode_stream(
                resp.aiter_bytes(),
                provider=self.spec.name,
                headers=resp.headers,
                max_tokens=request.max_tokens,
                warnings=warnings,
            ):
                yield ev

    # -- embeddings and rerank --------------------------------------------------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per request: 100 texts (the input schema's ``maxItems``)."""
        return emb.MAX_INPUTS, None

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """One ``ai/run`` call of a text-embeddings model."""
        body = emb.build_embed_body(request)
        data, resp = await self.request_json("POST", self.run_path(request.model), body)
        return emb.parse_embed_result(self._unwrap(data, resp.headers), request)

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        """One ``ai/run`` call of the reranker."""
        body = emb.build_rerank_body(request)
        data, resp = await self.request_json("POST", self.run_path(request.model), body)
        return emb.parse_rerank_result(self._unwrap(data, resp.headers), request)
