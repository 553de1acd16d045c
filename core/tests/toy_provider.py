"""A minimal provider over the toy server's wire format (used by core tests
as a stand-in for a plugin; it is real code over a real HTTP server)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from llmcore.events import Finish, StreamEvent, TextDelta, UsageEvent
from llmcore.hookspecs import hookimpl
from llmcore.http import aiter_sse
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import ChatRequest, ChatResponse, Message, TextPart, Usage

SPEC = ProviderSpec(
    name="toy",
    factory="toy_provider:ToyProvider",
    env_keys=("TOY_API_KEY",),
    base_url="http://127.0.0.1:9/v1",
    model_prefixes=("toy-",),
    capabilities=Capabilities(streaming=True),
)


class ToyProvider(HTTPProvider):
    spec = SPEC

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"}

    def _body(self, request: ChatRequest, stream: bool) -> dict[str, Any]:
        return {
            "model": request.model,
            "stream": stream,
            "messages": [{"role": m.role, "content": m.text} for m in request.messages],
        }

    async def chat(self, request: ChatRequest) -> ChatResponse:
        data, _ = await self.request_json("POST", "chat", self._body(request, False))
        return ChatResponse(
            provider="toy",
            message=Message(role="assistant", content=[TextPart(text=data["text"])]),
            finish_reason="stop",
            usage=Usage(input_tokens=data["in"], output_tokens=data["out"]),
        )

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        async with self.open_stream("chat", self._body(request, True)) as resp:
            async for sse in aiter_sse(resp.aiter_bytes()):
                d = json.loads(sse.data)
                if "delta" in d:
                    yield TextDelta(d["delta"])
                else:
                    yield UsageEvent(Usage(input_tokens=d["in"], output_tokens=d["out"]))
                    yield Finish("stop", "done")


class plugin:
    @staticmethod
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        return [SPEC]
