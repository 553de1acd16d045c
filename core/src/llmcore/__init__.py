"""llmcore: one interface to every LLM provider.

>>> import llmcore
>>> m = llmcore.model("openai/gpt-4.1-mini", temperature=0.2)
>>> m.chat("Why is the sky blue?").text

Importing this package is cheap: types, HTTP and plugins load on first use.
"""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: importing typing costs ~7 ms and
# this module must import in about one.
TYPE_CHECKING = False

#: this distribution's version (``llmcore-core``), read from its installed metadata on first use:
#: pyproject.toml is the one place a version is written (see _version.py)
__version__: str

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
    from .batching.base import BatchProvider as BatchProvider
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
    from .errors import *  # noqa: F403
    from .events import *  # noqa: F403
    from .facade import Model as Model
    from .facade import model as model
    from .fanout import agenerate as agenerate
    from .fanout import amulti_chat as amulti_chat
    from .fanout import generate as generate
    from .fanout import multi_chat as multi_chat
    from .routing.chain import Fallback as Fallback
    from .routing.chain import Router as Router
    from .routing.chain import fallback as fallback
    from .routing.chain import router as router
    from .spec import Capabilities as Capabilities
    from .spec import ProviderSpec as ProviderSpec
    from .types import *  # noqa: F403

_TYPES = (
    "Role TextPart ImagePart FilePart ToolCallPart ToolResultPart ReasoningPart ServerToolCallPart "
    "ServerToolResultPart Citation Part Message Tool ToolChoice ResponseFormat ChatRequest Usage FinishReason "
    "FINISH_REASONS CallWarning ChatResponse TokenCount coerce_messages"
)
_EVENTS = (
    "ResponseMetadata TextDelta ReasoningDelta ToolCallDelta ToolCall UsageEvent WarningEvent PartEvent "
    "CitationEvent Finish StreamEvent"
)
_ERRORS = (
    "LLMCoreError ConfigurationError AuthenticationError PermissionDeniedError NotFoundError RateLimitError "
    "InvalidRequestError ContextWindowExceededError UnsupportedFeatureError ContentFilterError ProviderTimeoutError "
    "BudgetExceededError ProviderConnectionError ProviderServerError ProviderResponseError BackendUnavailableError"
)
# Public name -> submodule that defines it. An explicit table (not a search)
# so that probing an unknown attribute, or `from . import submodule` inside
# the package (which asks this module first), never imports pydantic.
_LAZY: dict[str, str] = {
    **dict.fromkeys(_TYPES.split(), "types"),
    **dict.fromkeys([*_EVENTS.split(), "StreamAccumulator"], "events"),
    **dict.fromkeys(_ERRORS.split(), "errors"),
    "model": "facade",
    "Model": "facade",
    "ProviderSpec": "spec",
    "Capabilities": "spec",
    "hookimpl": "hookspecs",
    "get_registry": "plugins",
    "resolve_model": "resolve",
    "RetryPolicy": "reliability",
    "StructuredOutputError": "structured",
    **dict.fromkeys(
        (
            "WebSearchTool",
            "WebFetchTool",
            "UrlContextTool",
            "CodeExecutionTool",
            "FileSearchTool",
            "MCPServerTool",
            "ImageGenerationTool",
        ),
        "builtin_tools",
    ),
    **dict.fromkeys(("generate", "agenerate", "multi_chat", "amulti_chat"), "fanout"),
    **dict.fromkeys(("fallback", "router", "Fallback", "Router"), "routing"),
    **dict.fromkeys(
        (
            "batch",
            "abatch",
            "batch_submit",
            "abatch_submit",
            "batch_status",
            "abatch_status",
            "batch_retrieve",
            "abatch_retrieve",
            "BatchProvider",
            "BatchStatus",
        ),
        "batching",
    ),
    **dict.fromkeys(
        ("embedding_model", "rerank_model", "embed", "aembed", "rerank", "arerank", "EmbeddingModel", "RerankModel"),
        "embedding_facade",
    ),
    **dict.fromkeys(
        ("EmbeddingRequest", "EmbeddingResponse", "RerankRequest", "RerankResponse", "RerankResult"), "embeddings"
    ),
}


def __getattr__(name: str) -> Any:
    import importlib

    if name == "__version__":
        from ._version import version

        globals()["__version__"] = v = version()
        return v
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'llmcore' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{mod}", __name__), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, "__version__"})
