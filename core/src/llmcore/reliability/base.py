"""The base of every middleware: delegate the protocol to ``inner``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..events import StreamEvent
    from ..provider import Provider
    from ..types import ChatRequest, ChatResponse, TokenCount

__all__ = ["ProviderWrapper", "innermost"]


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

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r})"


def innermost(provider: Any) -> Any:
    """The provider under all wrappers (e.g. to reach ``response_hooks``)."""
    while isinstance(provider, ProviderWrapper):
        provider = provider.inner
    return provider
