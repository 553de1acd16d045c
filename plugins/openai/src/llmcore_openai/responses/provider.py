"""The Responses API as a mixin for :class:`~llmcore_openai.chat.ChatCompletionsProvider`.

A server that speaks both Chat Completions and ``POST /responses`` (OpenAI,
LM Studio, ...) mixes :class:`ResponsesAPI` in before
``ChatCompletionsProvider`` and routes to :meth:`ResponsesAPI.responses_chat`
/ :meth:`ResponsesAPI.responses_stream` when its user picks that API::

    class MyProvider(ResponsesAPI, ChatCompletionsProvider):
        async def chat(self, request):
            if self.option("api") == "responses":
                return await self.responses_chat(request)
            return await super().chat(request)

The body is built by :func:`.request.build_body`, then the provider's
``customize_body`` hook runs (it sees Responses-shaped bodies too), then
``provider_options[<provider name>]`` is merged, untouched, last — the same
order as on Chat Completions. Errors share the Chat Completions mapping
(the provider's ``error_details``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

    from ..chat.request import Warnings

__all__ = ["ResponsesAPI"]


class ResponsesAPI:
    """``POST {base}/responses``, non-streamed and streamed (mixin; needs the
    ``ChatCompletionsProvider`` hooks: ``customize_body``, ``extra_headers``,
    ``request_json``, ``open_stream``)."""

    #: endpoint below the base URL
    responses_path: str = "responses"
    #: the server takes OpenAI's explicit prompt-cache breakpoints (OpenAI itself; other servers do not)
    responses_cache_breakpoints: bool = False

    def responses_request(self, request: ChatRequest, stream: bool) -> tuple[dict[str, Any], Warnings]:
        """The Responses body and the warnings; raises typed errors for bad input."""
        from .request import build_body

        name = self.spec.name  # type: ignore[attr-defined]
        body, w = build_body(
            request, stream=stream, provider=name, passthrough=False, cache_breakpoints=self.responses_cache_breakpoints
        )
        self.customize_body(request, body, w)  # type: ignore[attr-defined]
        extra = request.options_for(name)
        if extra:
            body.update(extra)
        return body, w

    async def responses_chat(self, request: ChatRequest) -> ChatResponse:
        from .response import parse_response

        body, w = self.responses_request(request, stream=False)
        data, _ = await self.request_json(  # type: ignore[attr-defined]
            "POST",
            self.responses_path,
            body,
            headers=self.extra_headers(),  # type: ignore[attr-defined]
        )
        return parse_response(data, provider=self.spec.name, warnings=w.items)  # type: ignore[attr-defined]

    async def responses_stream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        from .stream import ResponsesStreamDecoder, aiter_events

        body, w = self.responses_request(request, stream=True)
        decoder = ResponsesStreamDecoder(self.spec.name, w.items)  # type: ignore[attr-defined]
        async with self.open_stream(  # type: ignore[attr-defined]
            self.responses_path,
            body,
            headers=self.extra_headers(),  # type: ignore[attr-defined]
        ) as resp:
            async for ev in aiter_events(resp.aiter_bytes(), decoder):
                yield ev
