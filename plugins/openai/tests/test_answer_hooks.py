"""The ChatCompletionsProvider hooks for failures inside 2xx answers: ``check_answer``
(non-streamed answers and JSON sent instead of a stream) and ``stream_decoder``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import ChatRequest
from llmcore_openai.chat import ChatCompletionsProvider, ChatStreamDecoder

OK = {
    "id": "c",
    "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
}
SSE = b'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\n'


class Checked(ChatCompletionsProvider):
    spec = ProviderSpec(name="checked", factory="x:y", requires_key=False, base_url="http://localhost:1/v1")

    def check_answer(self, data: Any, headers: Any = None) -> None:
        if isinstance(data, dict) and data.get("status", 0) != 0:
            raise E.RateLimitError(f"status {data['status']}", provider=self.spec.name, code=str(data["status"]))

    def stream_decoder(self, warnings: Any) -> ChatStreamDecoder:
        provider = self

        class Decoder(ChatStreamDecoder):
            __slots__ = ()

            def feed(self, chunk: Any) -> Any:
                provider.check_answer(chunk)
                return super().feed(chunk)

        return Decoder(self.dialect, self.spec.name, warnings, self.map_usage)


def _provider(body: bytes, content_type: str) -> Checked:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": content_type}, content=body)

    return Checked(ProviderConfig(http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))))


async def _stream(p: Checked) -> list[Any]:
    return [e async for e in p.stream_chat(ChatRequest(model="m", messages=["x"]))]


def test_check_answer_on_a_non_streamed_answer() -> None:
    req = ChatRequest(model="m", messages=["x"])
    with pytest.raises(E.RateLimitError, match="status 1002"):
        asyncio.run(_provider(json.dumps({"status": 1002}).encode(), "application/json").chat(req))
    assert asyncio.run(_provider(json.dumps(OK).encode(), "application/json").chat(req)).text == "hi"


def test_json_instead_of_a_stream() -> None:
    with pytest.raises(E.RateLimitError):  # the hook's error
        asyncio.run(_stream(_provider(json.dumps({"status": 1002}).encode(), "application/json")))
    with pytest.raises(E.AuthenticationError):  # an OpenAI-style error body
        asyncio.run(
            _stream(_provider(json.dumps({"error": {"message": "bad key", "code": 401}}).encode(), "application/json"))
        )
    with pytest.raises(E.ProviderResponseError, match="not a stream"):
        asyncio.run(_stream(_provider(json.dumps(OK).encode(), "application/json")))
    # a real stream mislabelled as JSON is still decoded
    events = asyncio.run(_stream(_provider(SSE, "application/json")))
    assert [e.text for e in events if e.type == "text"] == ["hi"] and events[-1].type == "finish"


def test_stream_decoder_hook_checks_every_chunk() -> None:
    body = SSE.replace(b'"finish_reason":"stop"', b'"finish_reason":null') + b'data: {"status": 1039}\n\n'
    with pytest.raises(E.RateLimitError, match="1039"):
        asyncio.run(_stream(_provider(body, "text/event-stream")))
