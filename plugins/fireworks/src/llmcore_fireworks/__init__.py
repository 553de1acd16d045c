"""llmcore plugin for Fireworks AI (``accounts/fireworks/models/...``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; the code is in :mod:`llmcore_fireworks.provider`.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="fireworks",
    factory="llmcore_fireworks.provider:FireworksProvider",
    distribution="llmcore-fireworks",
    description="Fireworks AI: open models over an OpenAI-compatible chat completions API",
    env_keys=("FIREWORKS_API_KEY",),
    base_url="https://api.fireworks.ai/inference/v1",
    base_url_env="FIREWORKS_BASE_URL",
    model_prefixes=("accounts/fireworks/",),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        embeddings=True,  # POST /inference/v1/embeddings (llama-stack recordings, see tests/cassettes/SOURCES.md)
    ),
    docs_url="https://docs.fireworks.ai/api-reference/post-chatcompletions",
    catalogue="llmcore_fireworks:models.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Fireworks AI provider."""
    return [SPEC]
