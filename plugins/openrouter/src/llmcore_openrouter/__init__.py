"""llmcore plugin for OpenRouter.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The code is in
:mod:`llmcore_openrouter.provider` (on ``llmcore-openai``'s shared Chat
Completions codec), imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="openrouter",
    factory="llmcore_openrouter.provider:OpenRouterProvider",
    distribution="llmcore-openrouter",
    description="OpenRouter: one API to hundreds of models (org/model ids), with provider routing",
    env_keys=("OPENROUTER_API_KEY",),
    base_url="https://openrouter.ai/api/v1",
    base_url_env="OPENROUTER_BASE_URL",
    model_prefixes=(),
    routes_org_models=True,  # "org/model" names that no installed provider claims
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=True,
        structured_output=("json_schema", "json_object"),
        count_tokens="estimate",
        embeddings=True,  # /embeddings (ruby_llm recordings, with usage.cost)
        rerank=True,  # /rerank (ruby_llm recording, with usage.cost)
        server_tools=("web_search", "web_fetch"),  # the openrouter:web_search / openrouter:web_fetch server tools
        citations=True,  # message.annotations (url_citation): the web tools' and search models' sources
    ),
    docs_url="https://openrouter.ai/docs/api-reference/chat-completion",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The OpenRouter provider."""
    return [SPEC]
