"""xAI (Grok) on the shared Chat Completions and Responses codecs.

Option ``api``: ``"chat"`` (default, ``POST /chat/completions``) or
``"responses"`` (``POST /responses``, xAI's recommended API for Grok 4).

Quirks (https://docs.x.ai/docs):

* Chat Completions: reasoning text in ``reasoning_content`` (Grok 3 Mini and
  the reasoning variants) becomes a reasoning part and is not sent back.
  ``usage.completion_tokens`` may *exclude* the reasoning tokens (then
  ``prompt + completion + reasoning == total``): they are added back, so
  ``output_tokens`` includes reasoning as everywhere in llmcore.
* ``reasoning_effort``: xAI takes ``none``/``low``/``medium``/``high`` (by
  model); ``minimal`` is sent as ``low`` with a warning.
* Responses API: requests ask for ``reasoning.encrypted_content`` (stateless
  turns: the encrypted reasoning rides on the reasoning part and goes back).
  Built-in tools: web search, X search (:func:`llmcore_xai.x_search`), code
  execution and remote MCP, in xAI's forms; X search's answer items become
  server-tool parts (:mod:`llmcore_xai.server_tools`).
* Errors are ``{"code": "...", "error": "<message>"}``; a wrong key is HTTP 400
  "Incorrect API key provided" → :class:`~llmcore.errors.AuthenticationError`;
  "This model's maximum prompt length is N …" and ``[input_too_large]`` →
  :class:`~llmcore.errors.ContextWindowExceededError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import AuthenticationError, ConfigurationError, ContextWindowExceededError, LLMCoreError
from llmcore.provider import ProviderConfig
from llmcore.types import Usage
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings, map_usage
from llmcore_openai.responses.provider import ResponsesAPI

from . import SPEC
from .server_tools import XAIStreamDecoder, adapt_tool_entries, parse_xai_response

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["XAIProvider"]


class XAIProvider(ResponsesAPI, ChatCompletionsProvider):
    """xAI's API: Chat Completions, or the Responses API with ``api="responses"``."""

    spec = SPEC
    dialect = COMPATIBLE_DIALECT  # reasoning_content; stream usage via stream_options
    options: ClassVar[Mapping[str, str]] = {
        "api": '"chat" (Chat Completions, default) or "responses" (Responses API)',
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self.api = self.option("api", "chat")
        if self.api not in ("chat", "responses"):
            raise ConfigurationError(f'xai option api must be "chat" or "responses", not {self.api!r}', provider="xai")

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        responses = "input" in body  # the ResponsesAPI mixin runs this hook on Responses bodies too
        holder, key = (body.get("reasoning"), "effort") if responses else (body, "reasoning_effort")
        if isinstance(holder, dict) and holder.get(key) == "minimal":
            holder[key] = "low"
            warnings.add("reasoning_effort", 'xAI has no "minimal" reasoning effort; sent "low"')
        if responses:  # stateless turns: keep the encrypted reasoning to send it back
            body.setdefault("include", ["reasoning.encrypted_content"])
            adapt_tool_entries(request, body)  # xAI's forms of the shared built-in tool entries

    def builtin_tools_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        """xAI's server-side tools are on its Responses API only (Live Search's
        ``search_parameters`` on Chat Completions is retired): refused here with that hint."""
        from llmcore.builtin_tools import refuse

        for tool in request.builtin_tools or ():
            raise refuse(tool, self.spec.name, "its server-side tools need the Responses API: option api='responses'")

    def map_usage(self, raw: Any) -> Usage:
        usage = map_usage(raw)
        total = raw.get("total_tokens") if isinstance(raw, dict) else None
        i, o, r = usage.input_tokens, usage.output_tokens, usage.reasoning_tokens
        if None not in (i, o, r, total) and r and i + o + r == total:  # type: ignore[operator]
            usage.output_tokens = o + r  # type: ignore[operator]
        return usage

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if isinstance(body, dict) and isinstance(body.get("code"), str):
            code = code or body["code"]
        lowered = message.lower()
        if "incorrect api key" in lowered:
            cls = AuthenticationError
        elif "maximum prompt length" in lowered or "input_too_large" in lowered:
            cls = ContextWindowExceededError
        return message, code, cls

    async def responses_chat(self, request: ChatRequest) -> ChatResponse:
        """The shared Responses call, parsed with X search's items as server-tool parts."""
        body, w = self.responses_request(request, stream=False)
        data, _ = await self.request_json("POST", self.responses_path, body, headers=self.extra_headers())
        return parse_xai_response(data, self.spec.name, w.items)

    async def responses_stream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """The shared Responses stream, decoded with :class:`XAIStreamDecoder`."""
        from llmcore_openai.responses.stream import aiter_events

        body, w = self.responses_request(request, stream=True)
        decoder = XAIStreamDecoder(self.spec.name, w.items)
        async with self.open_stream(self.responses_path, body, headers=self.extra_headers()) as resp:
            async for ev in aiter_events(resp.aiter_bytes(), decoder):
                yield ev

    async def chat(self, request: ChatRequest) -> ChatResponse:
        if self.api == "responses":
            return await self.responses_chat(request)
        return await super().chat(request)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        events = self.responses_stream(request) if self.api == "responses" else super().stream_chat(request)
        async for ev in events:
            yield ev
