"""The Bedrock provider: wiring of the Converse codec onto :class:`HTTPProvider`.

* ``chat`` → ``POST /model/{modelId}/converse`` (JSON);
  ``stream_chat`` → ``POST /model/{modelId}/converse-stream``
  (``application/vnd.amazon.eventstream``); ``count_tokens`` →
  ``POST /model/{modelId}/count-tokens`` (method ``"api"``), or a labelled
  estimate for a model CountTokens does not support. The model id is
  percent-encoded as one path segment (ids contain ``:``, ARNs ``/``).
* ``embed`` → ``POST /model/{modelId}/invoke`` with the model family's body (Titan Text
  Embeddings, Cohere Embed, Nova Multimodal Embeddings; see :mod:`llmcore_bedrock.embeddings`).
* ``rerank`` → ``POST /rerank`` on the Agents for Amazon Bedrock Runtime endpoint
  (``bedrock-agent-runtime.{region}.amazonaws.com``, signed like the rest; see
  :mod:`llmcore_bedrock.rerank`). Its base URL: the ``agent_base_url`` option, else
  ``AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME``, else the runtime base URL with
  ``bedrock-runtime`` → ``bedrock-agent-runtime`` when it is the AWS endpoint, else the
  runtime base URL itself (a proxy or local server serving both).
* Auth: SigV4 over exactly the bytes sent, or a Bedrock API key as a bearer
  token (see :mod:`llmcore_bedrock.auth`).
* Base URL: ``https://bedrock-runtime.{region}.amazonaws.com``, or
  ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME``, or ``base_url=...``.
* Options: ``region``, ``profile``, ``aws_access_key_id``,
  ``aws_secret_access_key``, ``aws_session_token``, ``agent_base_url``; anything else is a
  :class:`ConfigurationError`.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, RerankRequest, RerankResponse, RerankResult
from llmcore.errors import ConfigurationError, InvalidRequestError, LLMCoreError, ProviderResponseError
from llmcore.events import StreamEvent
from llmcore.http.errors import request_id_from
from llmcore.pluginkit import check_options
from llmcore.provider import HTTPProvider, OutgoingRequest, ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import ChatRequest, ChatResponse, TokenCount

from . import SPEC
from . import embeddings as emb
from . import rerank as rr
from .auth import resolve_auth
from .errors import error_from_http
from .request import build_converse_body, build_count_tokens_body, model_path
from .response import parse_converse
from .stream import decode_stream

__all__ = ["BedrockProvider", "count_tokens_model_id"]

EVENTSTREAM = "application/vnd.amazon.eventstream"
_GEO_PREFIX = re.compile(r"^(?:us|us-gov|eu|apac|jp|au|ca|global)\.(?=[a-z0-9-]+\.)")


def count_tokens_model_id(model: str) -> str:
    """CountTokens wants the bare model id, not a cross-region inference
    profile: ``us.anthropic.claude-...`` → ``anthropic.claude-...``."""
    return _GEO_PREFIX.sub("", model)


class BedrockProvider(HTTPProvider):
    """Models on Amazon Bedrock through the Converse API."""

    spec: ClassVar[ProviderSpec] = SPEC
    #: provider settings accepted in ``ProviderConfig.options``
    KNOWN_OPTIONS: ClassVar[tuple[str, ...]] = (
        "region",
        "profile",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "agent_base_url",
    )
    #: Rerank pages followed at most (``nextToken``); more is a typed error, not an endless loop
    MAX_RERANK_PAGES: ClassVar[int] = 100

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        check_options(config.options, self.KNOWN_OPTIONS, self.spec.name)
        base = config.base_url or os.environ.get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME") or None
        auth, region = resolve_auth(config.api_key, config.options, base)
        if not base:
            if not region:
                raise ConfigurationError(
                    "no AWS region for bedrock: set AWS_REGION (or AWS_DEFAULT_REGION), pass options "
                    "region=..., or give base_url=...",
                    provider=self.spec.name,
                )
            base = f"https://bedrock-runtime.{region}.amazonaws.com"
        super().__init__(dataclasses.replace(config, base_url=base))
        self.region = region
        self._auth = auth
        self._no_count_tokens: set[str] = set()
        agent = config.options.get("agent_base_url") or os.environ.get("AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME")
        if agent is not None and not isinstance(agent, str):
            raise ConfigurationError("option agent_base_url must be a URL string", provider=self.spec.name)
        self.agent_base_url = (agent or rr.agent_runtime_url(self.base_url)).rstrip("/")
        if agent:
            from llmcore.reliability.security import check_base_url

            check_base_url(self.agent_base_url, self.spec.name, sends_key=True)

    @property
    def auth_scheme(self) -> str:
        """``"sigv4"`` or ``"bearer"``."""
        return self._auth.scheme

    def __repr__(self) -> str:
        return f"BedrockProvider(base_url={self.base_url!r}, region={self.region!r}, auth={self._auth.scheme!r})"

    # -- HTTP plumbing ----------------------------------------------------------------

    def finalize_request(self, request: OutgoingRequest) -> None:
        # Authenticate the request exactly as it will be sent (SigV4 signs these bytes and this
        # URL), on every transport.
        self._auth.apply(request)

    def make_error(self, status: int, raw: bytes, headers: Mapping[str, str]) -> LLMCoreError:
        return error_from_http(status, raw, headers, self.spec.name)

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        err = error_from_http(status, text.encode(), {}, self.spec.name)
        return err.message, err.code, type(err)

    # -- the three operations --------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """One non-streamed ``Converse`` call."""
        body, warnings = build_converse_body(request)
        path = model_path(request.model, "converse")
        await self._auth.prepare()
        data, resp = await self.request_json("POST", path, body)
        return parse_converse(
            data,
            model=request.model,
            request_id=request_id_from(resp.headers),
            warnings=warnings,
            provider=self.spec.name,
        )

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """A ``ConverseStream`` call, decoded from the binary event stream."""
        body, warnings = build_converse_body(request)
        path = model_path(request.model, "converse-stream")
        await self._auth.prepare()
        async with self.open_stream(path, body, headers={"accept": EVENTSTREAM}) as resp:
            ctype = resp.headers.get("content-type", "")
            if ctype and "eventstream" not in ctype:
                raw = await resp.aread()
                raise ProviderResponseError(
                    f"expected an event stream from converse-stream, got {ctype}",
                    provider=self.spec.name,
                    status_code=resp.status_code,
                    request_id=request_id_from(resp.headers),
                    raw=raw[:500],
                )
            async for ev in decode_stream(
                resp.aiter_bytes(),
                provider=self.spec.name,
                model=request.model,
                request_id=request_id_from(resp.headers),
                warnings=warnings,
            ):
                yield ev

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """Exact input tokens from ``CountTokens`` (method ``"api"``). For a
        model CountTokens does not support (Bedrock says so with a 400), a
        labelled estimate (method ``"estimate"``); that answer is remembered
        so the model is not asked again."""
        model = count_tokens_model_id(request.model)
        if model in self._no_count_tokens:
            return self._estimate(request, model)
        body = build_count_tokens_body(request)
        await self._auth.prepare()
        try:
            data, _ = await self.request_json("POST", model_path(model, "count-tokens"), body)
        except InvalidRequestError as e:
            if type(e) is InvalidRequestError and "support counting tokens" in e.message:
                self._no_count_tokens.add(model)
                return self._estimate(request, model)
            raise
        n = data.get("inputTokens") if isinstance(data, dict) else None
        if not isinstance(n, int) or isinstance(n, bool):
            raise ProviderResponseError(
                "CountTokens answer has no inputTokens", provider=self.spec.name, raw=str(data)[:500]
            )
        return TokenCount(input_tokens=n, method="api")

    # -- embeddings ---------------------------------------------------------------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per InvokeModel call: Titan and Nova one text, Cohere 96."""
        return emb.embedding_limits(model)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """InvokeModel with the model family's body. Every body is built (and so every
        parameter checked) before the first request; one-text families (Titan, Nova) send
        one request a text, in order."""
        per_request = emb.embedding_limits(request.model)[0] or len(request.texts)
        if per_request == 1:
            bodies = [(emb.build_embedding_body(request, i), 1) for i in range(len(request.texts))]
        else:
            bodies = [(emb.build_embedding_body(request), len(request.texts))]
        path = model_path(request.model, "invoke")
        vectors: list[Any] = []
        tokens: int | None = 0
        meta: dict[str, Any] = {}
        await self._auth.prepare()
        for body, n in bodies:
            data, resp = await self.request_json("POST", path, body, headers={"accept": "application/json"})
            got, t, meta = emb.parse_embedding_response(data, request, resp.headers, n)
            vectors.extend(got)
            tokens = None if tokens is None or t is None else tokens + t
        return emb.response(request, vectors, tokens, meta if len(bodies) == 1 else {})

    # -- rerank ---------------------------------------------------------------------------

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        """Agents for Amazon Bedrock Runtime ``Rerank`` (``POST {agent_base_url}/rerank``), signed
        like every other request; ``nextToken`` pages are followed and merged."""
        body = rr.build_rerank_body(request, self.region)
        url = f"{self.agent_base_url}/rerank"
        results: list[RerankResult] = []
        seen: set[int] = set()
        await self._auth.prepare()
        for _ in range(self.MAX_RERANK_PAGES):
            data, _resp = await self.request_json("POST", url, body)
            page, token = rr.parse_rerank_page(data, request, seen)
            results.extend(page)
            if token is None:
                return rr.response(request, results)
            body = {**body, "nextToken": token}
        raise ProviderResponseError(
            f"Rerank still had a nextToken after {self.MAX_RERANK_PAGES} pages", provider=self.spec.name
        )

    @staticmethod
    def _estimate(request: ChatRequest, model: str) -> TokenCount:
        from llmcore.tokens import estimate_tokens

        est = estimate_tokens(request)
        return est.model_copy(
            update={"detail": f"Bedrock CountTokens does not support {model}; ~4 characters per token"}
        )
