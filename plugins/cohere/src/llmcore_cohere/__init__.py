"""llmcore plugin for Cohere's v2 Chat API (Command models).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The codec lives in
:mod:`llmcore_cohere.provider` and is imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="cohere",
    factory="llmcore_cohere.provider:CohereProvider",
    distribution="llmcore-cohere",
    description="Cohere Command models via the v2 Chat API; Embed and Rerank models",
    env_keys=("CO_API_KEY", "COHERE_API_KEY"),
    base_url="https://api.cohere.com",
    base_url_env="CO_API_URL",
    model_prefixes=("command-", "c4ai-"),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the API reference example
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="api",
        embeddings=True,  # /v2/embed (ruby_llm and openllmetry recordings)
        rerank=True,  # /v2/rerank (ruby_llm and openllmetry recordings)
        citations=True,  # message.citations / citation-start events (tests/test_conformance.py: LOSSLESS)
        prompt_caching=True,  # automatic: usage.cached_tokens -> cache_read_tokens
    ),
    docs_url="https://docs.cohere.com/v2/reference/chat",
    catalogue="llmcore_cohere:models.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Cohere provider."""
    return [SPEC]
