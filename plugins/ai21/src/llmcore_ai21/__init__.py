"""llmcore plugin for AI21 Labs' Jamba models (``POST https://api.ai21.com/studio/v1/chat/completions``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_ai21.provider` holds the code.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="ai21",
    factory="llmcore_ai21.provider:AI21Provider",
    distribution="llmcore-ai21",
    description="AI21 Labs Jamba models (chat completions, tools, JSON mode, documents)",
    env_keys=("AI21_API_KEY",),
    base_url="https://api.ai21.com/studio/v1",
    base_url_env="AI21_BASE_URL",
    model_prefixes=("jamba-",),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=False,
        structured_output=("json_object",),
        count_tokens="estimate",
    ),
    docs_url="https://docs.ai21.com/reference/jamba-1-6-api-ref",
    catalogue="llmcore_ai21:models.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The AI21 provider."""
    return [SPEC]
