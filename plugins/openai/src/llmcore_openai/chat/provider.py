"""The reusable Chat Completions provider base class.

See the package docstring (:mod:`llmcore_openai.chat`) for the seams.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import ConfigurationError, LLMCoreError, ProviderResponseError
from llmcore.provider import HTTPProvider, ProviderConfig

from .dialect import COMPATIBLE_DIALECT, ChatDialect
from .errors import error_details, stream_error
from .request import Warnings, build_body
from .response import parse_response
from .stream import ChatStreamDecoder, aiter_events
from .usage import map_usage

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import CallWarning, ChatRequest, ChatResponse, Usage

__all__ = ["ChatCompletionsProvider"]


class ChatCompletionsProvider(HTTPProvider):
    """An :class:`~llmcore.provider.HTTPProvider` speaking OpenAI Chat Completions.

    Subclass and set ``spec`` (and usually ``dialect``); override the small
    hooks below only for real quirks. ``options`` maps each provider option a
    user may pass (``llmcore.model(..., name=value)``) to a one-line
    description; anything else is a :class:`ConfigurationError`.
    """

    dialect: ChatDialect = COMPATIBLE_DIALECT
    options: ClassVar[Mapping[str, str]] = {}

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        unknown = sorted(set(config.options) - set(self.options))
        if unknown:
            known = ", ".join(sorted(self.options)) or "none"
            raise ConfigurationError(
                f"unknown option(s) for {self.spec.name}: {', '.join(unknown)} (known: {known})",
                provider=self.spec.name,
            )
        super().__init__(config)

    def option(self, name: str, default: Any = None) -> Any:
        """A provider option from ``config.options`` (declared in ``options``)."""
        assert name in self.options, name
        return self.config.options.get(name, default)

    # -- hooks -----------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        """``<dialect.auth_header>: <scheme> <key>``; nothing without a key."""
        if not self.api_key:
            return {}
        d = self.dialect
        value = f"{d.auth_scheme} {self.api_key}" if d.auth_scheme else self.api_key
        return {d.auth_header: value}

    def extra_headers(self) -> dict[str, str]:
        """Headers sent with every request besides auth (dialect's by default)."""
        return dict(self.dialect.extra_headers)

    def endpoint(self, request: ChatRequest) -> str:
        """The path (or absolute URL) to POST to."""
        return self.dialect.path

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        """Adjust the body in place for model-specific quirks (called before
        ``provider_options`` are merged, so users can still override)."""

    def builtin_tools_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        """Map ``request.builtin_tools`` (:mod:`llmcore.builtin_tools`) into the body, in place;
        called after ``customize_body``, before ``provider_options`` are merged. Chat Completions
        has no built-in tools: the default refuses the first (override where the server has some)."""
        from llmcore.builtin_tools import refuse

        for tool in request.builtin_tools or ():
            raise refuse(tool, self.spec.name, "not mapped on its Chat Completions API")

    def map_usage(self, raw: Any) -> Usage:
        """Usage object → :class:`Usage` (override for non-OpenAI fields)."""
        return map_usage(raw)

    def transform_schema(self, schema: dict[str, Any], mode: str) -> dict[str, Any]:
        """The structured-output seam (see :mod:`llmcore.structured`): OpenAI
        strict mode wants every object closed and every property required, so
        the facade's schema is sent in that form
        (:func:`llmcore.structured.strict_schema`) for both ``json_schema``
        (``response_format``) and ``tool`` modes. Compatible servers accept it."""
        from llmcore.structured import strict_schema

        return strict_schema(schema)

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        return error_details(status, body, text)

    def check_answer(self, data: Any, headers: Mapping[str, str] | None = None) -> None:
        """Raise the typed error for a failure a server reports *inside* a 2xx
        answer (e.g. MiniMax's ``base_resp``); also called with the JSON body a
        server may send instead of the requested stream. Default: nothing."""

    def stream_decoder(self, warnings: list[CallWarning]) -> ChatStreamDecoder:
        """The decoder of one stream; override to return a subclass (e.g. one
        whose ``feed`` checks every chunk)."""
        return ChatStreamDecoder(self.dialect, self.spec.name, warnings, self.map_usage)

    # -- the protocol ------------------------------------------------------------

    def build_request(self, request: ChatRequest, stream: bool) -> tuple[dict[str, Any], Warnings]:
        """The body to send and the warnings; raises typed errors for bad input."""
        body, w = build_body(request, self.dialect, stream=stream, provider=self.spec.name, passthrough=False)
        self.customize_body(request, body, w)
        if request.builtin_tools:
            self.builtin_tools_body(request, body, w)
        extra = request.options_for(self.spec.name)
        if extra:
            body.update(extra)
        return body, w

    async def chat(self, request: ChatRequest) -> ChatResponse:
        body, w = self.build_request(request, stream=False)
        data, resp = await self.request_json("POST", self.endpoint(request), body, headers=self.extra_headers())
        self.check_answer(data, resp.headers)
        return parse_response(
            data, self.dialect, provider=self.spec.name, usage_mapper=self.map_usage, warnings=w.items
        )

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        body, w = self.build_request(request, stream=True)
        decoder = self.stream_decoder(w.items)
        async with self.open_stream(self.endpoint(request), body, headers=self.extra_headers()) as resp:
            chunks = resp.aiter_bytes()
            if resp.headers.get("content-type", "").startswith("application/json"):
                raw = await resp.aread()
                if not raw.lstrip().startswith((b"data:", b"event:", b":")):  # not a mislabelled stream
                    self._json_instead_of_stream(raw, resp.headers)
                chunks = _one(raw)
            async for ev in aiter_events(chunks, decoder):
                yield ev

    def _json_instead_of_stream(self, raw: bytes, headers: Mapping[str, str]) -> None:
        """A 2xx JSON body answering a stream request is a failure report: raise it."""
        import json

        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        self.check_answer(data, headers)
        if isinstance(data, dict) and "error" in data and self.dialect.errors_in_stream:
            raise stream_error(data, self.spec.name)
        raise ProviderResponseError(
            "the server answered a stream request with JSON, not a stream", provider=self.spec.name, raw=raw[:500]
        )


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data
