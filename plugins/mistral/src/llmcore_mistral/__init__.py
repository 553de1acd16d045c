"""llmcore plugin for Mistral AI (La Plateforme).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The code is in :mod:`llmcore_mistral.provider`
(on ``llmcore-openai``'s shared Chat Completions codec), imported when a model
is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="mistral",
    factory="llmcore_mistral.provider:MistralProvider",
    distribution="llmcore-mistral",
    description="Mistral AI: Mistral, Magistral (reasoning), Codestral, Devstral, Ministral, Pixtral models",
    env_keys=("MISTRAL_API_KEY",),
    base_url="https://api.mistral.ai/v1",
    base_url_env="MISTRAL_BASE_URL",
    model_prefixes=("mistral-", "open-mistral-", "codestral-", "magistral-", "ministral-", "pixtral-", "devstral-"),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=True,
        structured_output=("json_schema", "json_object"),
        count_tokens="estimate",
        embeddings=True,  # /v1/embeddings (ruby_llm and openllmetry recordings)
    ),
    docs_url="https://docs.mistral.ai/api/",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Mistral provider."""
    return [SPEC]
