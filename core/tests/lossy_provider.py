"""A toy provider whose answers hold items of several kinds (used by test_kit_lossless as a
stand-in for a plugin with server tools, citations and generated images; real HTTP).

Wire format: ``{"items": [{"kind": ..., ...}], "in": n, "out": n}``; a stream sends one SSE
event per item, then ``{"in": n, "out": n}``. Kinds: ``text``, ``search_call``,
``search_result``, ``cite`` (a citation of the whole answer), ``image``; any other is kept
with :func:`llmcore.pluginkit.keep_unmapped` — unless the provider is built with
``options={"drop": True}`` (or ``drop_cites``), the defects the kit must catch."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from llmcore.events import CitationEvent, Finish, PartEvent, StreamEvent, TextDelta, UsageEvent, WarningEvent
from llmcore.http import aiter_sse
from llmcore.pluginkit import keep_unmapped
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import (
    CallWarning,
    ChatRequest,
    ChatResponse,
    Citation,
    ImagePart,
    Message,
    Part,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
    Usage,
)

SPEC = ProviderSpec(
    name="lossy",
    factory="lossy_provider:LossyProvider",
    env_keys=("LOSSY_API_KEY",),
    base_url="http://127.0.0.1:9/v1",
    capabilities=Capabilities(
        streaming=True, server_tools=("web_search",), citations=True, image_output=True, prompt_caching=True
    ),
)


class LossyProvider(HTTPProvider):
    spec = SPEC

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        opts = dict(getattr(self.config, "options", None) or {})
        self._drop, self._drop_cites = bool(opts.get("drop")), bool(opts.get("drop_cites"))

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"}

    def _body(self, request: ChatRequest, stream: bool) -> dict[str, Any]:
        return {"model": request.model, "stream": stream, "messages": [m.text for m in request.messages]}

    def _item(self, item: dict[str, Any], meta: dict[str, Any], warns: list[CallWarning]) -> Part | Citation | None:
        kind = item.get("kind")
        if kind == "text":
            return TextPart(text=item["text"])
        if kind == "search_call":
            return ServerToolCallPart(id=item["id"], name="search", input={"q": item["q"]}, provider="lossy", data=item)
        if kind == "search_result":
            return ServerToolResultPart(call_id=item["id"], name="search", content=item["hits"], provider="lossy")
        if kind == "cite":
            return None if self._drop_cites else Citation(kind="cite", url=item["url"], provider="lossy", data=item)
        if kind == "image":
            return ImagePart(data=item["b64"], media_type="image/png")
        if not self._drop:
            keep_unmapped(meta, warns, "lossy", str(kind), item)
        return None

    async def chat(self, request: ChatRequest) -> ChatResponse:
        data, _ = await self.request_json("POST", "chat", self._body(request, False))
        meta: dict[str, Any] = {}
        warns: list[CallWarning] = []
        parts: list[Part] = []
        cites: list[Citation] = []
        for item in data["items"]:
            out = self._item(item, meta, warns)
            if isinstance(out, Citation):
                cites.append(out)
            elif out is not None:
                parts.append(out)
        return ChatResponse(
            provider="lossy",
            message=Message(role="assistant", content=parts),
            finish_reason="stop",
            usage=Usage(input_tokens=data["in"], output_tokens=data["out"], cache_read_tokens=data.get("cached")),
            citations=cites,
            warnings=warns,
            provider_metadata=meta,
        )

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        meta: dict[str, Any] = {}
        async with self.open_stream("chat", self._body(request, True)) as resp:
            async for sse in aiter_sse(resp.aiter_bytes()):
                d = json.loads(sse.data)
                if "kind" not in d:
                    yield UsageEvent(Usage(input_tokens=d["in"], output_tokens=d["out"]))
                    yield Finish("stop", "done", provider_metadata=meta or None)
                    continue
                warns: list[CallWarning] = []
                out = self._item(d, meta, warns)
                for w in warns:
                    yield WarningEvent(w)
                if isinstance(out, Citation):
                    yield CitationEvent(out, attach=False)
                elif isinstance(out, TextPart):
                    yield TextDelta(out.text)
                elif out is not None:
                    yield PartEvent(out)
