"""Built-in (server-side) tools as neutral specs: tools the provider runs itself.

Pass them in ``tools=[...]`` next to function tools::

    m.chat("What changed in Python 3.14?", tools=[llmcore.WebSearchTool(max_uses=3)])

The facade moves them from ``tools`` to :attr:`llmcore.types.ChatRequest.builtin_tools` and refuses,
before the network, one the provider does not claim in :attr:`llmcore.spec.Capabilities.server_tools`
(:class:`~llmcore.errors.UnsupportedFeatureError` naming the tool and the providers that have it).
Each plugin's request codec maps the ones it has to the provider's own wire shape; options only one
provider has go in ``provider_options={"<provider>": {...}}`` and are merged into that provider's
tool entry as given.

The names follow pydantic-ai's built-in tools (``WebSearchTool``, ``WebFetchTool``,
``CodeExecutionTool``, ``FileSearchTool``, ``MCPServerTool``, ``ImageGenerationTool``), which are
also the Vercel AI SDK's ``webSearch``/``webFetch``/``codeExecution``/``fileSearch``/``mcp``/
``imageGeneration`` in Python spelling; ``UrlContextTool`` (Gemini's name) is ``WebFetchTool``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import UnsupportedFeatureError

__all__ = [
    "BuiltinTool",
    "WebSearchTool",
    "WebFetchTool",
    "UrlContextTool",
    "CodeExecutionTool",
    "FileSearchTool",
    "MCPServerTool",
    "ImageGenerationTool",
    "AnyBuiltinTool",
    "BUILTIN_TOOLS",
    "split_tools",
    "check_claimed",
    "refuse",
    "options_for",
]


class BuiltinTool(BaseModel):
    """A tool the provider runs (not a function of yours). ``provider_options`` is namespaced by
    provider name and merged into that provider's tool entry untouched (e.g.
    ``{"openai": {"search_context_size": "high"}}``, ``{"anthropic": {"type": "web_search_20260209"}}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: the :data:`llmcore.spec.SERVER_TOOLS` names a provider may claim to have this tool
    claims: ClassVar[tuple[str, ...]] = ()
    provider_options: dict[str, dict[str, Any]] = {}

    @property
    def label(self) -> str:
        """The class name, as the user wrote it (used in errors)."""
        return type(self).__name__


class UserLocation(BaseModel):
    """An approximate location to localise search results."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    city: str | None = None
    region: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. 'US'")
    timezone: str | None = Field(default=None, description="IANA, e.g. 'America/New_York'")


class WebSearchTool(BuiltinTool):
    """The provider searches the web (OpenAI ``web_search``, Anthropic ``web_search_*``, Gemini
    ``google_search``, xAI ``web_search``, OpenRouter ``openrouter:web_search``, Perplexity's own
    search, Groq compound models)."""

    claims: ClassVar[tuple[str, ...]] = ("web_search",)
    type: Literal["web_search"] = "web_search"
    #: the most searches in one answer (Anthropic, OpenRouter)
    max_uses: int | None = Field(default=None, ge=1)
    allowed_domains: list[str] | None = None
    blocked_domains: list[str] | None = None
    user_location: UserLocation | None = None
    #: how much retrieved context the model gets (OpenAI, OpenRouter, Perplexity)
    search_context_size: Literal["low", "medium", "high"] | None = None


class WebFetchTool(BuiltinTool):
    """The provider fetches the pages of URLs (Anthropic ``web_fetch_*``, Gemini ``url_context``)."""

    claims: ClassVar[tuple[str, ...]] = ("web_fetch", "url_context")
    type: Literal["web_fetch"] = "web_fetch"
    max_uses: int | None = Field(default=None, ge=1)
    allowed_domains: list[str] | None = None
    blocked_domains: list[str] | None = None
    #: cite the fetched pages (Anthropic ``citations.enabled``)
    citations: bool | None = None
    max_content_tokens: int | None = Field(default=None, ge=1)


#: Gemini's name for :class:`WebFetchTool`
UrlContextTool = WebFetchTool


class CodeExecutionTool(BuiltinTool):
    """The provider runs code the model writes in a sandbox (OpenAI ``code_interpreter``, Anthropic
    ``code_execution_*``, Gemini ``code_execution``)."""

    claims: ClassVar[tuple[str, ...]] = ("code_execution",)
    type: Literal["code_execution"] = "code_execution"


class FileSearchTool(BuiltinTool):
    """The provider searches your vector stores (OpenAI ``file_search``)."""

    claims: ClassVar[tuple[str, ...]] = ("file_search",)
    type: Literal["file_search"] = "file_search"
    vector_store_ids: list[str] = Field(min_length=1)
    max_results: int | None = Field(default=None, ge=1)


class MCPServerTool(BuiltinTool):
    """A remote MCP server the provider calls (OpenAI ``mcp`` tool, Anthropic ``mcp_servers``).
    ``authorization`` (a bearer token) is never shown in a repr."""

    claims: ClassVar[tuple[str, ...]] = ("mcp",)
    type: Literal["mcp"] = "mcp"
    url: str = Field(min_length=1)
    #: the server's label, unique in a request
    name: str = Field(min_length=1)
    authorization: str | None = Field(default=None, repr=False)
    allowed_tools: list[str] | None = None
    description: str | None = None
    headers: dict[str, str] | None = Field(default=None, repr=False)


class ImageGenerationTool(BuiltinTool):
    """The provider generates images with a tool (OpenAI ``image_generation``); the images come back
    as :class:`~llmcore.types.ImagePart` s."""

    claims: ClassVar[tuple[str, ...]] = ("image_generation",)
    type: Literal["image_generation"] = "image_generation"
    size: str | None = None
    quality: Literal["low", "medium", "high", "auto"] | None = None
    output_format: Literal["png", "jpeg", "webp"] | None = None
    background: Literal["transparent", "opaque", "auto"] | None = None


#: every neutral built-in tool class, in docs order
BUILTIN_TOOLS: tuple[type[BuiltinTool], ...] = (
    WebSearchTool,
    WebFetchTool,
    CodeExecutionTool,
    FileSearchTool,
    MCPServerTool,
    ImageGenerationTool,
)

#: the field type of :attr:`llmcore.types.ChatRequest.builtin_tools` (``type`` tells them apart)
AnyBuiltinTool = Annotated[
    WebSearchTool | WebFetchTool | CodeExecutionTool | FileSearchTool | MCPServerTool | ImageGenerationTool,
    Field(discriminator="type"),
]


def split_tools(tools: list[Any] | tuple[Any, ...]) -> tuple[list[Any], list[BuiltinTool]]:
    """``tools`` as given by the user → (function tools, built-in tools), each in order."""
    functions: list[Any] = []
    builtin: list[BuiltinTool] = []
    for t in tools:
        (builtin if isinstance(t, BuiltinTool) else functions).append(t)
    return functions, builtin


def _providers_with(tool: BuiltinTool) -> list[str]:
    from .plugins import get_registry

    return sorted(
        name
        for name, spec in get_registry().providers.items()
        if any(c in spec.capabilities.server_tools for c in tool.claims)
    )


def refuse(tool: BuiltinTool, provider: str, why: str = "") -> UnsupportedFeatureError:
    """The error for ``tool`` on ``provider`` (``why``: what about this call, e.g. the model, rules it
    out): names the tool and the installed providers that have it."""
    having = _providers_with(tool)
    others = [p for p in having if p != provider]
    where = (
        f"providers that have it: {', '.join(others)}; use one of those, or remove it from tools=[...]"
        if others
        else "no installed provider has it; remove it from tools=[...]"
    )
    reason = f" ({why})" if why else ""
    # a provider that has the tool, but not on this call (another API of it runs it): say so, not "has no"
    head = (
        f"{provider} cannot run the built-in {tool.label} on this call"
        if provider in having
        else (f"{provider} has no built-in {tool.label}")
    )
    return UnsupportedFeatureError(f"{head}{reason}; {where}", provider=provider)


def check_claimed(tools: Sequence[BuiltinTool], provider: str, claimed: tuple[str, ...]) -> None:
    """Refuse (before the network) the first tool ``provider`` does not claim (``claimed``: its
    :attr:`~llmcore.spec.Capabilities.server_tools`)."""
    for t in tools:
        if not any(c in claimed for c in t.claims):
            raise refuse(t, provider)


def options_for(tool: BuiltinTool, provider: str) -> dict[str, Any]:
    """The options ``tool`` has for ``provider`` (its ``provider_options`` namespace), a copy."""
    return dict(tool.provider_options.get(provider) or {})
