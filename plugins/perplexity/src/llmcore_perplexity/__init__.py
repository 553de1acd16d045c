"""llmcore plugin for Perplexity (Sonar).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The code is in
:mod:`llmcore_perplexity.provider` (on ``llmcore-openai``'s shared Chat
Completions codec), imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="perplexity",
    factory="llmcore_perplexity.provider:PerplexityProvider",
    distribution="llmcore-perplexity",
    description="Perplexity Sonar: search-grounded answers with citations and search results",
    env_keys=("PERPLEXITY_API_KEY", "PPLX_API_KEY"),
    base_url="https://api.perplexity.ai",
    base_url_env="PERPLEXITY_BASE_URL",
    model_prefixes=("sonar", "pplx-embed"),
    capabilities=Capabilities(
        streaming=True,
        tools=False,  # the API has no function calling
        vision=True,  # image_url parts (Sonar image attachments); the vision cassette is authored from the docs
        reasoning=False,
        structured_output=(),
        # Sonar searches the web on every call; search_results -> ChatResponse.citations
        server_tools=("web_search",),
        citations=True,
        count_tokens="estimate",
        embeddings=True,  # /v1/embeddings, pplx-embed int8 vectors (ruby_llm recordings)
    ),
    docs_url="https://docs.perplexity.ai/api-reference/chat-completions-post",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Perplexity provider."""
    return [SPEC]
