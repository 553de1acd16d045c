"""llmcore plugin for xAI (Grok).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The code is in :mod:`llmcore_xai.provider`
(on ``llmcore-openai``'s shared Chat Completions and Responses codecs),
imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="xai",
    factory="llmcore_xai.provider:XAIProvider",
    distribution="llmcore-xai",
    description="xAI Grok models over Chat Completions (default) or the Responses API (api='responses')",
    env_keys=("XAI_API_KEY",),
    base_url="https://api.x.ai/v1",
    base_url_env="XAI_BASE_URL",
    model_prefixes=("grok-",),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        server_tools=("web_search",),  # on the Responses API (api="responses"): llmcore_openai.builtin
    ),
    docs_url="https://docs.x.ai/docs/api-reference",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The xAI provider."""
    return [SPEC]
