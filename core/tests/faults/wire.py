"""The two wire formats the fault server speaks, byte for byte as the real APIs
do: OpenAI Chat Completions (JSON and SSE chunks, ``data: [DONE]``) and
Anthropic Messages (JSON and named SSE events). Each can also misbehave:
cut the stream, stall it, send malformed JSON, or fail inside a 200 stream."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from typing import Any

from aiohttp import web

__all__ = ["Codec", "OpenAIWire", "AnthropicWire", "CODECS", "reset_connection"]

Tail = str  # "finish" | "cut" | "stall" | "none" | "malformed" | "error"


def reset_connection(request: web.Request) -> None:
    """Abort the TCP connection with a RST (SO_LINGER 0), before any response byte."""
    transport = request.transport
    assert transport is not None
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


class Codec:
    """What a test needs from a wire format."""

    name = ""
    path = ""

    def model(self, server_url: str, client: Any, **kw: Any) -> Any:
        raise NotImplementedError

    def ok(self, text: str, headers: dict[str, str] | None = None) -> web.Response:
        raise NotImplementedError

    def error(
        self, status: int, message: str, kind: str | None = None, headers: dict[str, str] | None = None
    ) -> web.Response:
        raise NotImplementedError

    def frames(self, pieces: list[str]) -> tuple[list[bytes], list[bytes]]:
        """``(head + one frame per piece, tail that finishes the answer)``."""
        raise NotImplementedError

    def malformed(self) -> bytes:
        raise NotImplementedError

    def error_frame(self) -> bytes:
        raise NotImplementedError

    async def stream(
        self,
        request: web.Request,
        pieces: list[str],
        *,
        tail: Tail = "finish",
        stall: float = 30.0,
        delay: float = 0.0,
        first_byte: float = 0.0,
    ) -> web.StreamResponse:
        """Stream ``pieces``, then end as ``tail`` says."""
        if first_byte:
            await asyncio.sleep(first_byte)
        resp = web.StreamResponse(headers={"content-type": "text/event-stream", "cache-control": "no-cache"})
        await resp.prepare(request)
        body, end = self.frames(pieces)
        for frame in body:
            await resp.write(frame)
            if delay:
                await asyncio.sleep(delay)
        if tail == "finish":
            for frame in end:
                await resp.write(frame)
        elif tail == "cut":
            await asyncio.sleep(0.05)  # let the frames leave before the drop
            assert request.transport is not None
            request.transport.close()
        elif tail == "stall":
            await asyncio.sleep(stall)
        elif tail == "malformed":
            await resp.write(self.malformed())
        elif tail == "error":
            await resp.write(self.error_frame())
        # "none": end the body cleanly without finishing the answer
        return resp


class OpenAIWire(Codec):
    name = "openai_compatible"
    path = "/v1/chat/completions"

    def model(self, server_url: str, client: Any, **kw: Any) -> Any:
        import llmcore

        return llmcore.model("openai_compatible/fault-model", base_url=server_url + "/v1", http_client=client, **kw)

    def ok(self, text: str, headers: dict[str, str] | None = None) -> web.Response:
        return web.json_response(
            {
                "id": "chatcmpl-fault",
                "object": "chat.completion",
                "created": 1700000000,
                "model": "fault-model",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {
                    "prompt_tokens": 5,
                    "completion_tokens": len(text.split()),
                    "total_tokens": 5 + len(text.split()),
                },
            },
            headers=headers,
        )

    def error(
        self, status: int, message: str, kind: str | None = None, headers: dict[str, str] | None = None
    ) -> web.Response:
        return web.json_response(
            {"error": {"message": message, "type": kind or "server_error", "param": None, "code": kind}},
            status=status,
            headers=headers,
        )

    @staticmethod
    def _chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        obj = {
            "id": "chatcmpl-fault",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": "fault-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return b"data: " + json.dumps(obj).encode() + b"\n\n"

    def frames(self, pieces: list[str]) -> tuple[list[bytes], list[bytes]]:
        body = [self._chunk({"role": "assistant", "content": ""})]
        body += [self._chunk({"content": p}) for p in pieces]
        usage = {
            "id": "chatcmpl-fault",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": "fault-model",
            "choices": [],
            "usage": {"prompt_tokens": 5, "completion_tokens": len(pieces), "total_tokens": 5 + len(pieces)},
        }
        end = [self._chunk({}, "stop"), b"data: " + json.dumps(usage).encode() + b"\n\n", b"data: [DONE]\n\n"]
        return body, end

    def malformed(self) -> bytes:
        return b'data: {"id":"chatcmpl-fault","choices":[{"index":0,"delta":{"content":"x"\n\n'

    def error_frame(self) -> bytes:
        return b'data: {"error":{"message":"The server had an error while processing your request","type":"server_error","code":null}}\n\n'


class AnthropicWire(Codec):
    name = "anthropic"
    path = "/v1/messages"

    def model(self, server_url: str, client: Any, **kw: Any) -> Any:
        import llmcore

        kw.setdefault("api_key", "sk-" + "ant-api03-fault-test-key-000000000000")  # built in two: no key-shaped literal
        return llmcore.model("anthropic/claude-fault-1", base_url=server_url, http_client=client, **kw)

    def ok(self, text: str, headers: dict[str, str] | None = None) -> web.Response:
        return web.json_response(
            {
                "id": "msg_fault",
                "type": "message",
                "role": "assistant",
                "model": "claude-fault-1",
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": 5, "output_tokens": len(text.split())},
            },
            headers=headers,
        )

    def error(
        self, status: int, message: str, kind: str | None = None, headers: dict[str, str] | None = None
    ) -> web.Response:
        kinds = {
            429: "rate_limit_error",
            500: "api_error",
            529: "overloaded_error",
            503: "api_error",
            401: "authentication_error",
            400: "invalid_request_error",
        }
        return web.json_response(
            {
                "type": "error",
                "error": {"type": kind or kinds.get(status, "api_error"), "message": message},
                "request_id": "req_fault",
            },
            status=status,
            headers=headers,
        )

    @staticmethod
    def _event(name: str, data: dict[str, Any]) -> bytes:
        return f"event: {name}\ndata: ".encode() + json.dumps(data).encode() + b"\n\n"

    def frames(self, pieces: list[str]) -> tuple[list[bytes], list[bytes]]:
        body = [
            self._event(
                "message_start",
                {
                    "type": "message_start",
                    "message": {
                        "id": "msg_fault",
                        "type": "message",
                        "role": "assistant",
                        "model": "claude-fault-1",
                        "content": [],
                        "stop_reason": None,
                        "stop_sequence": None,
                        "usage": {"input_tokens": 5, "output_tokens": 1},
                    },
                },
            ),
            self._event(
                "content_block_start",
                {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            ),
            b'event: ping\ndata: {"type": "ping"}\n\n',
        ]
        body += [
            self._event(
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}},
            )
            for p in pieces
        ]
        end = [
            self._event("content_block_stop", {"type": "content_block_stop", "index": 0}),
            self._event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                    "usage": {"output_tokens": len(pieces)},
                },
            ),
            self._event("message_stop", {"type": "message_stop"}),
        ]
        return body, end

    def malformed(self) -> bytes:
        return (
            b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n'
        )

    def error_frame(self) -> bytes:
        return self._event("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})


CODECS: dict[str, Codec] = {"openai_compatible": OpenAIWire(), "anthropic": AnthropicWire()}


def is_stream(request: web.Request) -> bool:
    from scripted_server import BODY

    body = request[BODY]
    return isinstance(body, dict) and bool(body.get("stream"))
