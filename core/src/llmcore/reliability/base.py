"""The base of every middleware: delegate the protocol to ``inner``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ..embeddings import EmbeddingRequest, EmbeddingResponse, RerankRequest, RerankResponse
    from ..events import StreamEvent
    from ..provider import Provider
    from ..types import ChatRequest, ChatResponse, TokenCount

T = TypeVar("T")

__all__ = ["ProviderWrapper", "innermost", "leaves", "find_layer", "closing"]


class ProviderWrapper:
    """A provider that delegates to ``inner``; subclasses override what they
    change. ``spec`` is the inner provider's, so a wrapped provider looks the
    same to callers."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.spec = inner.spec

    async def chat(self, request: ChatRequest) -> ChatResponse:
        return await self.inner.chat(request)

    def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        return self.inner.stream_chat(request)

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        return await self.inner.count_tokens(request)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        return await self.inner.embed(request)  # type: ignore[attr-defined,no-any-return]

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        return await self.inner.rerank(request)  # type: ignore[attr-defined,no-any-return]

    def children(self) -> list[Any]:
        """The providers this layer delegates to (several for a key pool)."""
        return [self.inner]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r})"


def innermost(provider: Any) -> Any:
    """The provider under all wrappers (e.g. to reach ``response_hooks``)."""
    while isinstance(provider, ProviderWrapper):
        provider = provider.inner
    return provider


def leaves(provider: Any) -> list[Any]:
    """Every provider at the bottom of a middleware stack: one, or one per
    key under a :class:`~llmcore.reliability.KeyPool`. Middleware that reads
    response headers registers its ``response_hooks`` on each."""
    children = getattr(provider, "children", None)
    if children is None:
        return [provider]
    out: list[Any] = []
    for child in children():
        out.extend(leaves(child))
    return out


def find_layer(provider: Any, cls: type) -> Any:
    """The outermost layer of type ``cls`` in a middleware stack, or ``None``
    (e.g. ``find_layer(m.provider, RateLimit).status()``)."""
    while provider is not None:
        if isinstance(provider, cls):
            return provider
        provider = getattr(provider, "inner", None)
    return None


@asynccontextmanager
async def closing(stream: AsyncIterator[T]) -> AsyncIterator[AsyncIterator[T]]:
    """``async with closing(inner.stream_chat(req)) as events:`` — closes the
    inner stream when the block exits by any way (the caller stopped reading,
    an error, a timeout), so its HTTP response is released at once rather
    than when the garbage collector gets to it."""
    try:
        yield stream
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            await aclose()
