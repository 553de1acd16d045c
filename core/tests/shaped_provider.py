"""A small provider for the structured-output, cache and usage tests.

It speaks a minimal JSON wire format to a real local server
(:class:`scripted_server.ScriptedServer`), so the whole facade → provider →
HTTP path runs for real; each spec declares different structured-output
modes. The request body carries ``system``, ``messages``,
``response_format``, ``tools`` and ``tool_choice`` as the facade built them.

Answers (non-stream): ``{"id", "model", "text", "tool_calls": [{"id",
"name", "arguments"}], "usage": {"in", "out", "cached"}, "finish"}``.
Streams: SSE lines ``{"text": ...}``, ``{"tool": {"index", "id", "name",
"args"}}`` and a last ``{"done": true, "usage": ..., "finish": ...}``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from llmcore.events import (
    Finish,
    ResponseMetadata,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    UsageEvent,
)
from llmcore.hookspecs import hookimpl
from llmcore.http import aiter_sse
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import ChatRequest, ChatResponse, Message, TextPart, ToolCallPart, Usage

KEY = "shaped-secret-key-123456"


def _spec(name: str, modes: tuple[str, ...], prices: str | None = None) -> ProviderSpec:
    return ProviderSpec(
        name=name,
        factory=f"shaped_provider:{name.replace('-', '_').title().replace('_', '')}Provider",
        env_keys=(f"{name.upper().replace('-', '_')}_API_KEY",),
        base_url="http://127.0.0.1:9/v1",
        capabilities=Capabilities(streaming=True, tools=True, structured_output=modes),  # type: ignore[arg-type]
        prices=prices,
    )


SCHEMA_SPEC = _spec("shaped-schema", ("json_schema",), prices="shaped_prices:prices.json")
TOOL_SPEC = _spec("shaped-tool", ("tool",))
JSON_SPEC = _spec("shaped-json", ("json_object",))
PLAIN_SPEC = _spec("shaped-plain", ())


def _usage(u: dict[str, Any] | None) -> Usage:
    u = u or {}
    return Usage(input_tokens=u.get("in"), output_tokens=u.get("out"), cache_read_tokens=u.get("cached"))


class _Base(HTTPProvider):
    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"}

    def _body(self, r: ChatRequest, stream: bool) -> dict[str, Any]:
        return {
            "model": r.model,
            "stream": stream,
            "system": r.system_text(),
            "messages": [{"role": m.role, "content": m.text} for m in r.messages],
            "response_format": r.response_format.model_dump(by_alias=True) if r.response_format else None,
            "tools": [t.model_dump() for t in r.tools] if r.tools else None,
            "tool_choice": r.tool_choice.model_dump() if r.tool_choice else None,
        }

    async def chat(self, request: ChatRequest) -> ChatResponse:
        d, _ = await self.request_json("POST", "chat", self._body(request, False))
        parts: list[Any] = [TextPart(text=d["text"])] if d.get("text") else []
        parts += [
            ToolCallPart(id=c["id"], name=c["name"], arguments=json.loads(c["arguments"]), raw_arguments=c["arguments"])
            for c in d.get("tool_calls") or ()
        ]
        return ChatResponse(
            id=d.get("id"),
            model=d.get("model"),
            provider=self.spec.name,
            message=Message(role="assistant", content=parts),
            finish_reason=d.get("finish", "stop"),
            raw_finish_reason=d.get("finish", "stop"),
            usage=_usage(d.get("usage")),
        )

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        calls: dict[int, dict[str, Any]] = {}
        async with self.open_stream("chat", self._body(request, True)) as resp:
            first = True
            async for sse in aiter_sse(resp.aiter_bytes()):
                d = json.loads(sse.data)
                if first:
                    first = False
                    yield ResponseMetadata(d.get("id"), d.get("model"))
                if "text" in d:
                    yield TextDelta(d["text"])
                elif "tool" in d:
                    t = d["tool"]
                    c = calls.setdefault(t["index"], {"id": t.get("id"), "name": t.get("name"), "args": ""})
                    c["args"] += t.get("args", "")
                    yield ToolCallDelta(t["index"], t.get("id"), t.get("name"), t.get("args", ""))
                elif d.get("done"):
                    for i, c in sorted(calls.items()):
                        yield ToolCall(c["id"], c["name"], json.loads(c["args"] or "{}"), c["args"], i)
                    yield UsageEvent(_usage(d.get("usage")))
                    yield Finish(d.get("finish", "stop"), d.get("finish", "stop"))


class ShapedSchemaProvider(_Base):
    spec = SCHEMA_SPEC


class ShapedToolProvider(_Base):
    spec = TOOL_SPEC

    def transform_schema(self, schema: dict[str, Any], mode: str) -> dict[str, Any]:
        """The seam: this provider wants closed objects (as strict providers do)."""
        from llmcore.structured import strict_schema

        return strict_schema(schema)


class ShapedJsonProvider(_Base):
    spec = JSON_SPEC


class ShapedPlainProvider(_Base):
    spec = PLAIN_SPEC


class plugin:
    @staticmethod
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        return [SCHEMA_SPEC, TOOL_SPEC, JSON_SPEC, PLAIN_SPEC]


# -- server side -------------------------------------------------------------------------


def answer(
    text: str = "",
    *,
    tool_calls: list[dict[str, Any]] | None = None,
    usage: dict[str, Any] | None = None,
    finish: str | None = None,
    model: str = "shaped-1-2025-01-01",
) -> web.Response:
    """A non-streamed answer."""
    return web.json_response(
        {
            "id": "r-1",
            "model": model,
            "text": text,
            "tool_calls": tool_calls or [],
            "usage": usage or {"in": 10, "out": 5},
            "finish": finish or ("tool_calls" if tool_calls else "stop"),
        }
    )


async def stream(
    request: web.Request,
    *,
    texts: list[str] = (),
    tool: tuple[str, list[str]] | None = None,  # type: ignore[assignment]
    usage: dict[str, Any] | None = None,
    model: str = "shaped-1-2025-01-01",
) -> web.StreamResponse:
    """A streamed answer: text pieces, or one tool call whose arguments arrive in pieces."""
    resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
    await resp.prepare(request)

    async def send(d: dict[str, Any]) -> None:
        await resp.write(b"data: " + json.dumps({"id": "r-1", "model": model, **d}).encode() + b"\n\n")

    for t in texts:
        await send({"text": t})
    if tool is not None:
        name, pieces = tool
        for i, p in enumerate(pieces):
            await send(
                {"tool": {"index": 0, "id": "call-1" if i == 0 else None, "name": name if i == 0 else None, "args": p}}
            )
    await send(
        {"done": True, "usage": usage or {"in": 10, "out": 5}, "finish": "tool_calls" if tool is not None else "stop"}
    )
    return resp
