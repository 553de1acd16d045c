"""llmcore: one interface to every LLM provider.

>>> import llmcore
>>> m = llmcore.model("openai/gpt-4.1-mini", temperature=0.2)
>>> m.chat("Why is the sky blue?").text

Importing this package is cheap: types, HTTP and plugins load on first use.

This namespace holds what applications use (``__all__``). Names for plugin
authors live apart, in the modules a plugin imports: :mod:`llmcore.spec`
(``ProviderSpec``, ``Capabilities``), :mod:`llmcore.hookspecs` (``hookimpl``),
:mod:`llmcore.provider` (``HTTPProvider``, ``ProviderConfig``),
:mod:`llmcore.pluginkit` (shared codec helpers) and :mod:`llmcore.batching.base`
(``BatchProvider``).
"""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: importing typing costs ~7 ms and
# this module must import in about one.
TYPE_CHECKING = False

#: this distribution's version (``llmcore-core``), read from its installed metadata on first use:
#: pyproject.toml is the one place a version is written (see _version.py)
__version__: str

# The public names. Every one is loaded lazily (``_LAZY`` below) and declared with its
# real type in the ``TYPE_CHECKING`` block, so type checkers see what users get
# (tests/test_public_api.py keeps the three in step).
__all__ = [
    "model",
    "Model",
    "generate",
    "agenerate",
    "multi_chat",
    "amulti_chat",
    "fallback",
    "router",
    "Fallback",
    "Router",
    "embedding_model",
    "rerank_model",
    "embed",
    "aembed",
    "rerank",
    "arerank",
    "EmbeddingModel",
    "RerankModel",
    "batch",
    "abatch",
    "batch_submit",
    "abatch_submit",
    "batch_status",
    "abatch_status",
    "batch_retrieve",
    "abatch_retrieve",
    "BatchStatus",
    "RetryPolicy",
    "StructuredOutputError",
    "get_registry",
    "resolve_model",
    "Role",
    "TextPart",
    "ImagePart",
    "FilePart",
    "ToolCallPart",
    "ToolResultPart",
    "ReasoningPart",
    "ServerToolCallPart",
    "ServerToolResultPart",
    "Citation",
    "CachePoint",
    "Part",
    "Message",
    "Tool",
    "ToolChoice",
    "ResponseFormat",
    "ChatRequest",
    "Usage",
    "FinishReason",
    "FINISH_REASONS",
    "CallWarning",
    "ChatResponse",
    "TokenCount",
    "coerce_messages",
    "ResponseMetadata",
    "TextDelta",
    "ReasoningDelta",
    "ToolCallDelta",
    "ToolCall",
    "UsageEvent",
    "WarningEvent",
    "PartEvent",
    "CitationEvent",
    "Finish",
    "StreamEvent",
    "StreamAccumulator",
    "LLMCoreError",
    "ConfigurationError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "InvalidRequestError",
    "ContextWindowExceededError",
    "UnsupportedFeatureError",
    "ContentFilterError",
    "ProviderTimeoutError",
    "BudgetExceededError",
    "ProviderConnectionError",
    "ProviderServerError",
    "ProviderResponseError",
    "BackendUnavailableError",
    "EmbeddingRequest",
    "EmbeddingResponse",
    "RerankRequest",
    "RerankResponse",
    "RerankResult",
    "WebSearchTool",
    "WebFetchTool",
    "UrlContextTool",
    "CodeExecutionTool",
    "FileSearchTool",
    "MCPServerTool",
    "ImageGenerationTool",
]

if TYPE_CHECKING:
    from typing import Any

    from .batching.api import abatch as abatch
    from .batching.api import abatch_retrieve as abatch_retrieve
    from .batching.api import abatch_status as abatch_status
    from .batching.api import abatch_submit as abatch_submit
    from .batching.api import batch as batch
    from .batching.api import batch_retrieve as batch_retrieve
    from .batching.api import batch_status as batch_status
    from .batching.api import batch_submit as batch_submit
    from .batching.base import BatchStatus as BatchStatus
    from .builtin_tools import CodeExecutionTool as CodeExecutionTool
    from .builtin_tools import FileSearchTool as FileSearchTool
    from .builtin_tools import ImageGenerationTool as ImageGenerationTool
    from .builtin_tools import MCPServerTool as MCPServerTool
    from .builtin_tools import UrlContextTool as UrlContextTool
    from .builtin_tools import WebFetchTool as WebFetchTool
    from .builtin_tools import WebSearchTool as WebSearchTool
    from .embedding_facade import EmbeddingModel as EmbeddingModel
    from .embedding_facade import RerankModel as RerankModel
    from .embedding_facade import aembed as aembed
    from .embedding_facade import arerank as arerank
    from .embedding_facade import embed as embed
    from .embedding_facade import embedding_model as embedding_model
    from .embedding_facade import rerank as rerank
    from .embedding_facade import rerank_model as rerank_model
    from .embeddings import EmbeddingRequest as EmbeddingRequest
    from .embeddings import EmbeddingResponse as EmbeddingResponse
    from .embeddings import RerankRequest as RerankRequest
    from .embeddings import RerankResponse as RerankResponse
    from .embeddings import RerankResult as RerankResult
    from .errors import AuthenticationError as AuthenticationError
    from .errors import BackendUnavailableError as BackendUnavailableError
    from .errors import BudgetExceededError as BudgetExceededError
    from .errors import ConfigurationError as ConfigurationError
    from .errors import ContentFilterError as ContentFilterError
    from .errors import ContextWindowExceededError as ContextWindowExceededError
    from .errors import InvalidRequestError as InvalidRequestError
    from .errors import LLMCoreError as LLMCoreError
    from .errors import NotFoundError as NotFoundError
    from .errors import PermissionDeniedError as PermissionDeniedError
    from .errors import ProviderConnectionError as ProviderConnectionError
    from .errors import ProviderResponseError as ProviderResponseError
    from .errors import ProviderServerError as ProviderServerError
    from .errors import ProviderTimeoutError as ProviderTimeoutError
    from .errors import RateLimitError as RateLimitError
    from .errors import UnsupportedFeatureError as UnsupportedFeatureError
    from .events import CitationEvent as CitationEvent
    from .events import Finish as Finish
    from .events import PartEvent as PartEvent
    from .events import ReasoningDelta as ReasoningDelta
    from .events import ResponseMetadata as ResponseMetadata
    from .events import StreamAccumulator as StreamAccumulator
    from .events import StreamEvent as StreamEvent
    from .events import TextDelta as TextDelta
    from .events import ToolCall as ToolCall
    from .events import ToolCallDelta as ToolCallDelta
    from .events import UsageEvent as UsageEvent
    from .events import WarningEvent as WarningEvent
    from .facade import Model as Model
    from .facade import model as model
    from .fanout import agenerate as agenerate
    from .fanout import amulti_chat as amulti_chat
    from .fanout import generate as generate
    from .fanout import multi_chat as multi_chat
    from .plugins import get_registry as get_registry
    from .reliability.retry import RetryPolicy as RetryPolicy
    from .resolve import resolve_model as resolve_model
    from .routing.chain import Fallback as Fallback
    from .routing.chain import Router as Router
    from .routing.chain import fallback as fallback
    from .routing.chain import router as router
    from .structured.output import StructuredOutputError as StructuredOutputError
    from .types import FINISH_REASONS as FINISH_REASONS
    from .types import CachePoint as CachePoint
    from .types import CallWarning as CallWarning
    from .types import ChatRequest as ChatRequest
    from .types import ChatResponse as ChatResponse
    from .types import Citation as Citation
    from .types import FilePart as FilePart
    from .types import FinishReason as FinishReason
    from .types import ImagePart as ImagePart
    from .types import Message as Message
    from .types import Part as Part
    from .types import ReasoningPart as ReasoningPart
    from .types import ResponseFormat as ResponseFormat
    from .types import Role as Role
    from .types import ServerToolCallPart as ServerToolCallPart
    from .types import ServerToolResultPart as ServerToolResultPart
    from .types import TextPart as TextPart
    from .types import TokenCount as TokenCount
    from .types import Tool as Tool
    from .types import ToolCallPart as ToolCallPart
    from .types import ToolChoice as ToolChoice
    from .types import ToolResultPart as ToolResultPart
    from .types import Usage as Usage
    from .types import coerce_messages as coerce_messages

# Public name -> submodule that defines it. An explicit table (not a search)
# so that probing an unknown attribute, or `from . import submodule` inside
# the package (which asks this module first), never imports pydantic.
_LAZY: dict[str, str] = {
    name: module
    for module, names in (
        ("facade", "model Model"),
        ("fanout", "generate agenerate multi_chat amulti_chat"),
        ("routing", "fallback router Fallback Router"),
        ("embedding_facade", "embedding_model rerank_model embed aembed rerank arerank EmbeddingModel RerankModel"),
        (
            "batching",
            "batch abatch batch_submit abatch_submit batch_status abatch_status batch_retrieve abatch_retrieve",
        ),
        ("batching", "BatchStatus"),
        ("reliability", "RetryPolicy"),
        ("structured", "StructuredOutputError"),
        ("plugins", "get_registry"),
        ("resolve", "resolve_model"),
        (
            "types",
            "Role TextPart ImagePart FilePart ToolCallPart ToolResultPart ReasoningPart "
            "ServerToolCallPart ServerToolResultPart Citation CachePoint Part Message Tool "
            "ToolChoice ResponseFormat ChatRequest Usage FinishReason FINISH_REASONS "
            "CallWarning ChatResponse TokenCount coerce_messages",
        ),
        (
            "events",
            "ResponseMetadata TextDelta ReasoningDelta ToolCallDelta ToolCall UsageEvent "
            "WarningEvent PartEvent CitationEvent Finish StreamEvent StreamAccumulator",
        ),
        (
            "errors",
            "LLMCoreError ConfigurationError AuthenticationError PermissionDeniedError "
            "NotFoundError RateLimitError InvalidRequestError ContextWindowExceededError "
            "UnsupportedFeatureError ContentFilterError ProviderTimeoutError "
            "BudgetExceededError ProviderConnectionError ProviderServerError "
            "ProviderResponseError BackendUnavailableError",
        ),
        ("embeddings", "EmbeddingRequest EmbeddingResponse RerankRequest RerankResponse RerankResult"),
        (
            "builtin_tools",
            "WebSearchTool WebFetchTool UrlContextTool CodeExecutionTool FileSearchTool "
            "MCPServerTool ImageGenerationTool",
        ),
    )
    for name in names.split()
}

# Plugin-author names that once lived here: where they are now (see the module docstring).
_MOVED = {
    "ProviderSpec": "llmcore.spec",
    "Capabilities": "llmcore.spec",
    "hookimpl": "llmcore.hookspecs",
    "BatchProvider": "llmcore.batching.base",
}

# Defined only at run time: to a type checker a module-level ``__getattr__`` makes every
# unknown attribute ``Any`` (``llmcore.RetryPolciy(max_attemps=3)`` would pass); without
# it, the checker sees exactly the names declared above.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        import importlib

        if name == "__version__":
            from ._version import version

            globals()["__version__"] = v = version()
            return v
        mod = _LAZY.get(name)
        if mod is None:
            if name in _MOVED:
                raise AttributeError(
                    f"llmcore.{name} is for plugin authors and lives in {_MOVED[name]}: "
                    f"from {_MOVED[name]} import {name}"
                )
            raise AttributeError(f"module 'llmcore' has no attribute {name!r}")
        return getattr(importlib.import_module(f".{mod}", __name__), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, "__version__"})
