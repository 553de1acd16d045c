"""llmcore plugin for Moonshot AI's Kimi models (``kimi-*``, ``moonshot-*``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; the code is in :mod:`llmcore_moonshot.provider`.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="moonshot",
    factory="llmcore_moonshot.provider:MoonshotProvider",
    distribution="llmcore-moonshot",
    description="Moonshot AI (Kimi): kimi-* and moonshot-v1-* models over an OpenAI-compatible API",
    env_keys=("MOONSHOT_API_KEY",),
    base_url="https://api.moonshot.ai/v1",
    base_url_env="MOONSHOT_BASE_URL",
    model_prefixes=("kimi-", "moonshot-"),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="api",
    ),
    docs_url="https://platform.kimi.ai/docs",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Moonshot provider."""
    return [SPEC]
