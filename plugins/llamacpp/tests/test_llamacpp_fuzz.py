"""Property tests (issue 18, defect 3), seeded from the real llama.cpp server
recordings in ``cassettes/``: whatever a llama.cpp server answers (any field of a
recorded answer replaced by any JSON value or deleted; a recorded stream with an
event mutated or dropped and cut at any byte), and whatever llama-cpp-python's
``create_chat_completion`` returns in this process (the same OpenAI-shaped dicts and
chunks, mutated the same way), a call ends in a correct response or a typed error
naming the provider (:mod:`llmcore_testing.fuzz`), never an empty answer with no
reason.

The server goes through ``llmcore.model("llamacpp_server/default")`` on the default
transport against a loopback server; the in-process provider runs on a stand-in for
``llama_cpp.Llama`` that returns the fuzzed answer (llama-cpp-python need not be
installed)."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

from hypothesis import given
from llamacpp_cases import CASSETTES
from llmcore.events import StreamAccumulator
from llmcore.types import ChatRequest, ChatResponse
from llmcore_llamacpp.local import LlamaCppProvider, LoadedModel
from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

REC = Recordings(CASSETTES)
CHAT = [REC.response_body(c) for c in ("llamacpp_server__chat.yaml", "llamacpp_server__tool_call.yaml")]
STREAMS = [
    REC.response_bytes(c) for c in ("llamacpp_server__chat_stream.yaml", "llamacpp_server__tool_call_stream.yaml")
]
REQUEST = ChatRequest(model="smollm2", messages=[{"role": "user", "content": "hi"}])


def _sane(r: ChatResponse | None) -> None:
    if r is not None:
        fuzz.check_informative(r)


class TestServerFuzz(fuzz.CodecFuzz):
    """The llama.cpp server, through ``llmcore.model`` on the default transport."""

    model = "llamacpp_server/default"
    provider = "llamacpp_server"
    api_key = None
    base_path = "/v1"
    chat = CHAT
    streams = STREAMS


# -- in process --------------------------------------------------------------------------


class _Chunks:
    """What ``create_chat_completion(stream=True)`` returns: an iterator with ``close()``."""

    def __init__(self, items: list[Any]) -> None:
        self._it = iter(items)

    def __iter__(self) -> _Chunks:
        return self

    def __next__(self) -> Any:
        return next(self._it)

    def close(self) -> None:
        pass


class _Llama:
    """A stand-in for ``llama_cpp.Llama`` answering with ``answer``."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def create_chat_completion(self, **kwargs: Any) -> Any:
        return _Chunks(self.answer) if kwargs.get("stream") else self.answer

    def tokenize(self, text: bytes, **kwargs: Any) -> list[int]:
        return list(range(len(text.split())))


def _in_process(answer: Any, stream: bool) -> ChatResponse:
    provider = LlamaCppProvider()

    async def model(name: str) -> LoadedModel:
        return LoadedModel(_Llama(answer), Path("smollm2.gguf"), threading.Lock(), None)

    provider.model = model  # type: ignore[method-assign]

    async def go() -> ChatResponse:
        if not stream:
            return await provider.chat(REQUEST)
        acc = StreamAccumulator()
        async for ev in provider.stream_chat(REQUEST):
            acc.add(ev)
        return acc.response(provider.spec.name)

    return asyncio.run(go())


def _chunks(body: bytes) -> list[Any]:
    """The JSON chunks of an SSE body (what llama-cpp-python yields in process)."""
    return [f.data for f in fuzz.SSE.decode(body) if f.is_json] if body else []


@fuzz.settings(max_examples=60)
@given(body=fuzz.mutations(CHAT[0]) | fuzz.mutations(CHAT[1]))
def test_any_in_process_answer_is_a_response_or_a_typed_error(body: Any) -> None:
    _sane(fuzz.check_outcome(lambda: _in_process(body, stream=False), provider="llamacpp").response)


@fuzz.settings(max_examples=60)
@given(body=fuzz.stream_variants(STREAMS[0], fuzz.SSE) | fuzz.stream_variants(STREAMS[1], fuzz.SSE))
def test_any_in_process_stream_is_a_response_or_a_typed_error(body: bytes) -> None:
    try:
        chunks = _chunks(body)
    except (UnicodeDecodeError, json.JSONDecodeError):  # a cut inside a character: no such in-process stream
        return
    _sane(fuzz.check_outcome(lambda: _in_process(chunks, stream=True), provider="llamacpp").response)
