"""llmcore plugin for Hugging Face: the Inference Providers router and TGI / Inference Endpoints.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; the code is in :mod:`llmcore_huggingface.provider`.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="huggingface",
    factory="llmcore_huggingface.provider:HuggingFaceProvider",
    distribution="llmcore-huggingface",
    description="Hugging Face: Inference Providers router (org/model[:provider]) and TGI / Inference Endpoints",
    env_keys=("HF_TOKEN", "HUGGINGFACE_API_KEY"),
    base_url="https://router.huggingface.co/v1",
    base_url_env="HF_BASE_URL",
    model_prefixes=(),  # hub ids are org/model like every hub's: always "huggingface/<org>/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        embeddings=True,  # router feature-extraction / TEI /embed (llmcore_huggingface.embeddings)
        rerank=True,  # TEI /rerank in tgi mode (llmcore_huggingface.rerank; authored cassette)
    ),
    docs_url="https://huggingface.co/docs/inference-providers",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Hugging Face provider."""
    return [SPEC]
