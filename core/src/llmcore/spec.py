"""Declarative description of a provider: what a plugin registers.

A :class:`ProviderSpec` is plain data. Discovery builds the list of specs by
importing only each plugin's tiny top module, so this module must stay light
(no pydantic, no httpx).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

__all__ = ["Capabilities", "ProviderSpec", "CountTokensMethod", "StructuredMode", "SERVER_TOOLS"]

CountTokensMethod = Literal["api", "tokenizer", "estimate"]
StructuredMode = Literal["json_schema", "tool", "json_object"]

#: the neutral names of server-side (provider-run) tools a spec may claim in
#: :attr:`Capabilities.server_tools` (the provider's own tool may be named otherwise:
#: Gemini's ``google_search`` is ``web_search`` here)
SERVER_TOOLS: tuple[str, ...] = (
    "web_search",
    "web_fetch",
    "url_context",
    "code_execution",
    "file_search",
    "mcp",
    "image_generation",
)


@dataclass(frozen=True)
class Capabilities:
    """What a provider can do. The conformance kit requires a cassette proving
    every capability claimed here (a claim without proof fails)."""

    streaming: bool = True
    tools: bool = False
    vision: bool = False
    reasoning: bool = False
    structured_output: tuple[StructuredMode, ...] = ()
    count_tokens: CountTokensMethod = "estimate"
    batch: bool = False
    #: ``embed(EmbeddingRequest)`` (see :mod:`llmcore.embeddings`)
    embeddings: bool = False
    #: ``rerank(RerankRequest)``
    rerank: bool = False
    #: server-side tools whose work comes back as parts
    #: (:class:`~llmcore.types.ServerToolCallPart`/``ServerToolResultPart``, or citations for a
    #: provider that searches on every call); names from :data:`SERVER_TOOLS`
    server_tools: tuple[str, ...] = ()
    #: answers carry :class:`~llmcore.types.Citation` s (``ChatResponse.citations``)
    citations: bool = False
    #: the model generates images, returned as :class:`~llmcore.types.ImagePart` s
    image_output: bool = False
    #: the provider caches prompts and reports cached tokens (``Usage.cache_read_tokens`` /
    #: ``cache_write_tokens``); a request-side cache option is not part of this claim
    prompt_caching: bool = False
    #: the codec places prompt-cache breakpoints (``Message.cache_point`` / ``cache_prompt``) in the
    #: provider's form (Anthropic ``cache_control``, Bedrock ``cachePoint``); elsewhere they are a
    #: documented no-op (``docs/prompt-caching.md``)
    cache_breakpoints: bool = False

    def __post_init__(self) -> None:
        unknown = [t for t in self.server_tools if t not in SERVER_TOOLS]
        if unknown:  # a typo in a plugin's spec is found at discovery, not in a docs table
            raise ValueError(
                f"unknown server tool(s) {unknown}: use names from llmcore.spec.SERVER_TOOLS {SERVER_TOOLS}"
            )

    def labels(self) -> list[str]:
        """Short human labels, e.g. ``["stream", "tools", "json:schema", "json:tool", "tokens:api"]``
        (``json:<mode>``: a structured-output mode, see :data:`StructuredMode`; ``srv:<tool>``: a
        server-side tool, ``citations``, ``image-out``: generated images, ``cache``: prompt caching)."""
        out = []
        if self.streaming:
            out.append("stream")
        if self.tools:
            out.append("tools")
        if self.vision:
            out.append("vision")
        if self.reasoning:
            out.append("reasoning")
        # json:schema, json:object, json:tool: the structured-output modes, never a second "tools"
        out.extend("json:" + mode.removeprefix("json_") for mode in self.structured_output)
        out.append(f"tokens:{self.count_tokens}")
        if self.batch:
            out.append("batch")
        if self.embeddings:
            out.append("embeddings")
        if self.rerank:
            out.append("rerank")
        # srv:<tool>: a server-side tool (never a second "tools": those are the caller's)
        out.extend("srv:" + tool for tool in self.server_tools)
        if self.citations:
            out.append("citations")
        if self.image_output:
            out.append("image-out")
        if self.prompt_caching:
            out.append("cache")
        return out


@dataclass(frozen=True)
class ProviderSpec:
    """One provider, as registered by a plugin.

    ``factory`` is an import string ``"module:attr"``; the attribute is called
    with a :class:`llmcore.provider.ProviderConfig` and returns a provider. It
    is imported only when a model of this provider is used.

    ``env_keys`` lists the environment variables that can hold the API key, in
    order of preference; ``requires_key=False`` means the provider works
    without one (local servers). ``model_prefixes`` are used to auto-detect
    unprefixed model names (``"claude-"`` → anthropic).
    """

    name: str
    factory: str
    distribution: str = ""
    version: str = ""
    description: str = ""
    env_keys: tuple[str, ...] = ()
    requires_key: bool = True
    base_url: str | None = None
    base_url_env: str | None = None
    model_prefixes: tuple[str, ...] = ()
    #: serves ``org/model`` names that no installed provider claims (OpenRouter)
    routes_org_models: bool = False
    capabilities: Capabilities = field(default_factory=Capabilities)
    docs_url: str | None = None
    #: a price file in the plugin's package, ``"llmcore_acme:prices.json"``,
    #: read only when a cost is computed (format: :mod:`llmcore.usage.prices`)
    prices: str | None = None
    #: catalogue entries for the plugin's own models, ``"llmcore_acme:models.json"`` (format
    #: ``llmcore-models/1``, see :mod:`llmcore.catalogue`): limits and prices the data packages
    #: lack, each with its source; read on the first catalogue lookup of this provider
    catalogue: str | None = None
    #: lower-case names of request headers that carry the key besides the usual ones
    #: (``authorization``, ``x-api-key``, ... :data:`llmcore_testing.cassette_format.SECRET_HEADERS`),
    #: e.g. ``("x-acme-key",)``: the cassette recorder drops them and the secret scanner flags them
    key_headers: tuple[str, ...] = ()
    #: query parameters that carry the key besides the usual ones (``key``, ``api_key``, ...):
    #: the recorder replaces their values with ``REDACTED``
    key_query_params: tuple[str, ...] = ()
    #: other names users may put before the model (``"together_ai"`` for ``together``);
    #: core knows litellm's names already (:data:`llmcore.names.ALIASES`)
    aliases: tuple[str, ...] = ()
    #: environment variables needed besides the key (``"A|B"``: either), e.g.
    #: ``("CLOUDFLARE_ACCOUNT_ID",)``; :meth:`status` names the missing ones
    requires_env: tuple[str, ...] = ()
    #: a cheap check (no provider call, no heavy import; helpers in
    #: :mod:`llmcore.readiness`) returning the whole status, e.g. for a local
    #: server or an in-process model; ``None``: key and ``requires_env`` only
    readiness: Callable[[ProviderSpec], str] | None = field(default=None, compare=False, repr=False)

    def with_dist(self, distribution: str, version: str) -> ProviderSpec:
        """Copy with distribution metadata filled in (by discovery)."""
        return replace(
            self,
            distribution=self.distribution or distribution,
            version=self.version or version,
        )

    def key_from_env(self) -> str | None:
        """The first non-empty key among ``env_keys``, or ``None``. A value
        with commas is a key pool (``llmcore.model`` rotates its keys): here,
        where one key is needed, its first key, never the whole list."""
        for var in self.env_keys:
            value = os.environ.get(var)
            if value and "," in value:
                value = next((k.strip() for k in value.split(",") if k.strip()), "")
            if value:
                return value
        return None

    def key_missing(self) -> str | None:
        """``None`` when no key is required or one is set, else the variables that can hold it."""
        if not self.requires_key or self.key_from_env():
            return None
        return " or ".join(self.env_keys) or "api_key"

    def status(self) -> str:
        """``"ready"``, ``"needs <what> and <what>"`` naming everything missing, or what
        :attr:`readiness` says (vocabulary: :mod:`llmcore.readiness`). Cheap: no
        network but a bounded loopback connect, no heavy import."""
        if self.readiness is not None:
            return self.readiness(self)
        from .readiness import env_missing, needs

        return needs(self.key_missing(), *env_missing(*self.requires_env))
