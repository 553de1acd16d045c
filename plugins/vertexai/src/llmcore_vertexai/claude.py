"""Claude on Vertex AI, through ``llmcore-anthropic``'s codec.

Vertex serves Anthropic's Messages API unchanged except for the envelope:

* the body has no ``model`` (it is in the URL) and carries
  ``anthropic_version: "vertex-2023-10-16"``;
* ``POST …/publishers/anthropic/models/{model}:rawPredict`` for a whole answer,
  ``:streamRawPredict`` for the SSE stream (the same events as Anthropic's);
* ``count_tokens`` is ``POST …/publishers/anthropic/models/count-tokens:rawPredict``
  with the model in the body;
* auth is the Google OAuth2 bearer token; errors are Google's (for the platform:
  auth, unknown model) or Anthropic's (passed through from the model).

Everything else — message and tool mapping, thinking signatures, usage, finish
reasons, stream decoding — is :mod:`llmcore_anthropic`'s. ``provider_options``
for Claude go in the ``vertexai`` namespace and are merged into the Anthropic
body, as ``provider_options["anthropic"]`` are for the Anthropic provider.

Reasoning parts of Claude and of Gemini on Vertex are both stamped
``vertexai``; Gemini's thought-signature markers (``data`` with
``thought_signature_on``) are removed before a request goes to Claude, which
could not verify them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

from llmcore.errors import ProviderResponseError
from llmcore.events import StreamEvent
from llmcore.http.errors import request_id_from
from llmcore.types import CallWarning, ChatRequest, ChatResponse, Message, ReasoningPart, TokenCount

if TYPE_CHECKING:
    from .provider import VertexAIProvider

__all__ = ["VERTEX_ANTHROPIC_VERSION", "claude_chat", "claude_count_tokens", "claude_stream"]

VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16"


def _without_gemini_signatures(request: ChatRequest) -> ChatRequest:
    def gemini_marker(p: Any) -> bool:
        return isinstance(p, ReasoningPart) and isinstance(p.data, Mapping) and "thought_signature_on" in p.data

    if not any(gemini_marker(p) for m in request.messages for p in m.content):
        return request
    messages = [
        Message.model_construct(role=m.role, content=[p for p in m.content if not gemini_marker(p)])
        for m in request.messages
    ]
    return request.model_copy(update={"messages": messages})


def _model_id(model: str) -> str:
    return model.rsplit("/", 1)[-1] if model.startswith("publishers/") else model


def _body(provider: VertexAIProvider, request: ChatRequest, stream: bool) -> tuple[dict[str, Any], list[CallWarning]]:
    from llmcore_anthropic.request import build_messages_body

    body, warnings = build_messages_body(
        _without_gemini_signatures(request),
        stream=stream,
        provider=provider.spec.name,
        default_max_tokens=provider._default_max_tokens,
    )
    body.pop("model", None)
    body.setdefault("anthropic_version", VERTEX_ANTHROPIC_VERSION)
    from llmcore_anthropic.builtin import builtin_betas

    betas = builtin_betas(body)  # built-in tool versions that need a beta: on Vertex a body field, not a header
    if betas:
        given = list(body.get("anthropic_beta") or ())  # from provider_options
        body["anthropic_beta"] = [*given, *(b for b in betas if b not in given)]
    return body, warnings


async def claude_chat(provider: VertexAIProvider, request: ChatRequest) -> ChatResponse:
    """One ``rawPredict`` call."""
    from llmcore_anthropic.response import parse_message

    body, warnings = _body(provider, request, stream=False)
    await provider.prepare()
    data, resp = await provider.request_json("POST", provider.model_path(request.model, "rawPredict"), body)
    return parse_message(data, provider=provider.spec.name, warnings=warnings, request_id=request_id_from(resp.headers))


async def claude_stream(provider: VertexAIProvider, request: ChatRequest) -> AsyncIterator[StreamEvent]:
    """A ``streamRawPredict`` call, decoded by the Anthropic stream decoder."""
    from llmcore_anthropic.stream import decode_stream

    body, warnings = _body(provider, request, stream=True)
    await provider.prepare()
    async with provider.open_stream(provider.model_path(request.model, "streamRawPredict"), body) as resp:
        async for ev in decode_stream(
            resp.aiter_bytes(), provider=provider.spec.name, headers=resp.headers, warnings=warnings
        ):
            yield ev


async def claude_count_tokens(provider: VertexAIProvider, request: ChatRequest) -> TokenCount:
    """``count-tokens:rawPredict`` (method ``"api"``)."""
    from llmcore_anthropic.request import build_count_tokens_body

    body = build_count_tokens_body(_without_gemini_signatures(request), provider=provider.spec.name)
    body["model"] = _model_id(request.model)
    await provider.prepare()
    path = provider.model_path("publishers/anthropic/models/count-tokens", "rawPredict")
    data, _ = await provider.request_json("POST", path, body)
    n = data.get("input_tokens") if isinstance(data, Mapping) else None
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:  # true is no count, nor is -1
        raise ProviderResponseError(
            "count-tokens answered without input_tokens", provider=provider.spec.name, raw=str(data)[:500]
        )
    return TokenCount(input_tokens=n, method="api")
