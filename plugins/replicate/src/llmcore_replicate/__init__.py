"""llmcore plugin for Replicate's Predictions API (language models).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The codec lives in
:mod:`llmcore_replicate.provider` and is imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="replicate",
    factory="llmcore_replicate.provider:ReplicateProvider",
    distribution="llmcore-replicate",
    description="Language models on Replicate (predictions: sync wait, polling, SSE streams)",
    env_keys=("REPLICATE_API_TOKEN",),
    base_url="https://api.replicate.com/v1",
    base_url_env="REPLICATE_API_BASE_URL",
    model_prefixes=(),  # "owner/name" ids have no prefix of their own: use "replicate/owner/name"
    capabilities=Capabilities(
        streaming=True,
        tools=False,
        vision=False,
        reasoning=False,
        structured_output=(),
        count_tokens="estimate",
    ),
    docs_url="https://replicate.com/docs/reference/http",
    catalogue="llmcore_replicate:models.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Replicate provider."""
    return [SPEC]
