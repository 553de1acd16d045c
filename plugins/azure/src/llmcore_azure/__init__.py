"""llmcore plugin for Azure OpenAI and Azure AI Foundry models.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The code is in :mod:`llmcore_azure.provider`
(on ``llmcore-openai``'s shared Chat Completions codec), imported when a model
is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="azure",
    factory="llmcore_azure.provider:AzureProvider",
    distribution="llmcore-azure",
    description="Azure OpenAI deployments (api-version or v1 API; Chat Completions or the Responses API) and Azure "
    "AI Foundry /models endpoints",
    env_keys=("AZURE_OPENAI_API_KEY",),
    # An Entra ID token (option azure_ad_token / azure_ad_token_provider) replaces the key;
    # the provider itself says which env var to set when neither is given.
    requires_key=False,
    base_url=None,
    base_url_env="AZURE_OPENAI_ENDPOINT",
    # the key or an Entra ID token (azure_ad_token= / azure_ad_token_provider= work too), and the endpoint
    requires_env=("AZURE_OPENAI_API_KEY|AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_ENDPOINT"),
    model_prefixes=(),  # deployment names are the user's own: always "azure/<deployment>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=False,  # Azure OpenAI returns no reasoning text on Chat Completions
        structured_output=("json_schema",),
        count_tokens="estimate",
        embeddings=True,  # deployments/{d}/embeddings, openai/v1/embeddings, models/embeddings (recordings: SOURCES.md)
        # on the Responses API (wire_api="responses"), through llmcore-openai's mapping; the only Azure evidence
        # is vercel/ai's two answer bodies, which echo the tools sent (tests/test_azure_responses.py)
        # (their url_citation annotations become citations, unclaimed until a recorded exchange proves them)
        server_tools=("web_search", "code_execution"),
    ),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/reference",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Azure provider."""
    return [SPEC]
