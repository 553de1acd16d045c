"""llmcore plugin for Cloudflare Workers AI (``@cf/...`` and ``@hf/...`` models).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The codec lives in
:mod:`llmcore_cloudflare.provider` and is imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="cloudflare",
    factory="llmcore_cloudflare.provider:CloudflareProvider",
    distribution="llmcore-cloudflare",
    description="Cloudflare Workers AI text generation models (REST API)",
    env_keys=("CLOUDFLARE_API_TOKEN",),
    requires_env=("CLOUDFLARE_ACCOUNT_ID",),  # or account_id= / base_url=
    base_url="https://api.cloudflare.com/client/v4",
    base_url_env="CLOUDFLARE_API_BASE_URL",
    model_prefixes=("@cf/", "@hf/"),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=False,
        structured_output=(),
        count_tokens="estimate",
        embeddings=True,  # @cf/baai/bge-* text embeddings (authored cassette)
        rerank=True,  # @cf/baai/bge-reranker-base (authored cassette)
    ),
    docs_url="https://developers.cloudflare.com/workers-ai/",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Cloudflare Workers AI provider."""
    return [SPEC]
