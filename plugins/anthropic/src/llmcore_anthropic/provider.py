"""The Anthropic provider: wiring of the codec onto :class:`HTTPProvider`.

* Auth: ``x-api-key`` (``ANTHROPIC_API_KEY``), ``anthropic-version: 2023-06-01``;
  the ``beta`` option (a string or list of strings) becomes the
  ``anthropic-beta`` header.
* Base URL: ``https://api.anthropic.com``, or ``ANTHROPIC_BASE_URL``, or
  ``base_url=...``.
* Options: ``beta`` and ``default_max_tokens`` (the ``max_tokens`` sent when a
  request sets none; default 4096). Anything else is a ConfigurationError.
* ``chat`` uses the non-streaming endpoint; ``stream_chat`` the SSE stream;
  ``count_tokens`` ``POST /v1/messages/count_tokens`` (method ``"api"``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from llmcore.errors import ConfigurationError, LLMCoreError
from llmcore.events import StreamEvent
from llmcore.http.errors import request_id_from
from llmcore.pluginkit import check_options
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import ChatRequest, ChatResponse, TokenCount

from . import SPEC
from .batch import AnthropicBatch
from .errors import error_details
from .request import DEFAULT_MAX_TOKENS, build_count_tokens_body, build_messages_body
from .response import parse_message
from .stream import decode_stream

__all__ = ["ANTHROPIC_VERSION", "AnthropicProvider"]

ANTHROPIC_VERSION = "2023-06-01"
MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"


class AnthropicProvider(AnthropicBatch, HTTPProvider):
    """Claude models over the Anthropic Messages API (batches: :class:`~llmcore_anthropic.batch.AnthropicBatch`)."""

    spec: ClassVar[ProviderSpec] = SPEC
    #: provider settings accepted in ``ProviderConfig.options``
    KNOWN_OPTIONS: ClassVar[tuple[str, ...]] = ("beta", "default_max_tokens")

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        options = check_options(config.options, self.KNOWN_OPTIONS, self.spec.name)
        beta = options.get("beta") or ()
        if isinstance(beta, str):
            beta = tuple(b.strip() for b in beta.split(",") if b.strip())
        if not isinstance(beta, (list, tuple)) or not all(isinstance(b, str) and b for b in beta):
            raise ConfigurationError("option beta must be a string or a list of strings", provider=self.spec.name)
        default_max = options.get("default_max_tokens", DEFAULT_MAX_TOKENS)
        if isinstance(default_max, bool) or not isinstance(default_max, int) or default_max < 1:
            raise ConfigurationError("option default_max_tokens must be a positive integer", provider=self.spec.name)
        super().__init__(config)
        self._beta: tuple[str, ...] = tuple(beta)
        self._default_max_tokens = default_max

    def transform_schema(self, schema: dict[str, Any], mode: str) -> dict[str, Any]:
        """The structured-output seam (see :mod:`llmcore.structured`): for
        ``output_config.format`` (``json_schema`` mode), keywords Anthropic
        does not accept move into descriptions (:mod:`.schema`). Tool
        schemas (``tool`` mode, not strict) are sent as they are."""
        if mode != "json_schema":
            return schema
        from .schema import anthropic_schema

        return anthropic_schema(schema)  # type: ignore[no-any-return]

    def auth_headers(self) -> dict[str, str]:
        h = {"x-api-key": self.api_key or "", "anthropic-version": ANTHROPIC_VERSION}
        if self._beta:
            h["anthropic-beta"] = ",".join(self._beta)
        return h

    def _betas_for(self, body: dict[str, Any]) -> dict[str, str] | None:
        """The ``anthropic-beta`` header for ``body``: the configured betas and those its built-in
        tools need (:func:`.builtin.builtin_betas`); ``None`` when it needs none beyond the configured."""
        from .builtin import builtin_betas

        extra = [b for b in builtin_betas(body) if b not in self._beta]
        return {"anthropic-beta": ",".join([*self._beta, *extra])} if extra else None

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        return error_details(status, body, text)

    def make_error(self, status: int, raw: bytes, headers: Any) -> LLMCoreError:
        err = super().make_error(status, raw, headers)
        if err.request_id is None and isinstance(err.raw, str):  # fall back to the body's request_id
            import json

            try:
                body = json.loads(err.raw)
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("request_id"), str):
                err.request_id = body["request_id"]
        return err

    # -- the three operations --------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """One non-streamed call to ``/v1/messages``."""
        body, warnings = build_messages_body(
            request, stream=False, provider=self.spec.name, default_max_tokens=self._default_max_tokens
        )
        data, resp = await self.request_json("POST", MESSAGES_PATH, body, headers=self._betas_for(body))
        return parse_message(data, provider=self.spec.name, warnings=warnings, request_id=request_id_from(resp.headers))

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """A streamed call to ``/v1/messages`` (``stream: true``)."""
        body, warnings = build_messages_body(
            request, stream=True, provider=self.spec.name, default_max_tokens=self._default_max_tokens
        )
        async with self.open_stream(MESSAGES_PATH, body, headers=self._betas_for(body)) as resp:
            async for ev in decode_stream(
                resp.aiter_bytes(), provider=self.spec.name, headers=resp.headers, warnings=warnings
            ):
                yield ev

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """Exact input tokens from ``/v1/messages/count_tokens``."""
        body = build_count_tokens_body(request, provider=self.spec.name)
        data, _ = await self.request_json("POST", COUNT_TOKENS_PATH, body)
        n = data.get("input_tokens") if isinstance(data, dict) else None
        if not isinstance(n, int):
            from llmcore.errors import ProviderResponseError

            raise ProviderResponseError(
                "count_tokens answer has no input_tokens", provider=self.spec.name, raw=str(data)[:500]
            )
        return TokenCount(input_tokens=n, method="api")
