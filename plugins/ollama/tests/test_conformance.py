"""The llmcore conformance kit on Ollama's native ``/api/chat`` recordings (see
``cassettes/SOURCES.md``).

Real recordings: chat, stream, reasoning (``message.thinking`` of qwen3.6),
tool call, tool round trip, 404 model not found. Authored from Ollama's API
reference (no native recording exists): the streamed tool call and the
structured output (``format`` schema) — both Ollama's documented examples —
and the 401/429/500/context-length/mid-stream errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ollama_cases as C
from llmcore import errors as E
from llmcore_testing import EmbeddingCase, ErrorCase, ProviderConformance
from llmcore_testing.openapi import load_spec

_HELLO_CLOUD = {"model": "gpt-oss:120b", "messages": ["Hello"]}


# POST /api/embed recorded by langchaingo (httprr), nomic-embed-text, with its options.temperature
EMBED = EmbeddingCase(
    "langchaingo__TestClient_CreateEmbedding.yaml",
    "nomic-embed-text",
    "Hello world",
    options={"options": {"temperature": 0}},
    base_url=C.LOCALHOST,
    expect_dimensions=768,
)
# authored from Ollama's EmbedHandler (server/routes.go): an unknown model is a 404 "model '<name>' not found"
EMBED_NOT_FOUND = EmbeddingCase(
    "authored__embed_model_not_found_404.yaml",
    "nonexistent-embedder",
    ["Hello world"],
    base_url=C.LOCALHOST,
    error=E.NotFoundError,
)


class TestOllamaConformance(ProviderConformance):
    provider = "ollama"
    lossless_check = True
    cassette_dir = Path(__file__).parent / "cassettes"

    chat_case = C.CHAT
    stream_case = C.STREAM
    tool_call_case = C.TOOL_CALL
    tool_call_stream_case = C.TOOL_CALL_STREAM
    tool_round_trip_case = C.TOOL_ROUND_TRIP
    structured_case = C.STRUCTURED
    reasoning_case = C.REASONING
    vision_case = C.VISION  # authored from the API reference's images example (see cassettes/SOURCES.md)
    # the tool-call pair is not the same prompt (no native streamed tool call was recorded)
    agreement_pairs = (("chat_case", "stream_case"),)
    # more stream recordings for the kit's re-chunk check, cut into the pieces these tests always used
    rechunk_cases = {"say_hello": C.SAY_HELLO, "say_hello_async": C.SAY_HELLO_ASYNC}
    rechunk_sizes = ((1,) * 4096 + (65536,), (5,), (17,), (256,))
    error_cases = {
        "auth": ErrorCase(C.AUTH_401, _HELLO_CLOUD, base_url=C.CLOUD, error=E.AuthenticationError, status_code=401),
        "not_found": ErrorCase(
            C.OI_404,
            {"model": "nonexistent-model:latest", "messages": ["Why is the sky blue?"]},
            base_url=C.LOCAL,
            error=E.NotFoundError,
            status_code=404,
        ),
        "rate_limit": ErrorCase(C.AUTH_429, _HELLO_CLOUD, base_url=C.CLOUD, error=E.RateLimitError, status_code=429),
        "context_length": ErrorCase(
            C.AUTH_CONTEXT,
            {
                "model": "qwen2.5:0.5b",
                "messages": ["<the first 100 lines of /etc/dictionaries-common/words>"],
                "provider_options": {"ollama": {"truncate": False, "options": {"num_ctx": 256}}},
            },
            base_url=C.LOCALHOST,
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            C.AUTH_500,
            {"model": "llama3.2", "messages": ["Hello"]},
            base_url=C.LOCALHOST,
            error=E.ProviderServerError,
            status_code=500,
        ),
        "stream_error": ErrorCase(
            C.AUTH_MIDSTREAM,
            {"model": "gemma3", "messages": ["Is the sky blue?"]},
            stream=True,
            base_url=C.LOCALHOST,
            error=E.ProviderServerError,
        ),
    }

    embedding_case = EMBED
    embedding_error_cases = {"not_found": EMBED_NOT_FOUND}

    def validate_request(self, request: Any) -> None:
        if request.url.path in ("/api/chat", "/api/embed"):
            load_spec(C.SPEC).validate_request(request)
