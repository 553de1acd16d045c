"""llmcore plugin for DeepSeek.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The code is in :mod:`llmcore_deepseek.provider`
(on ``llmcore-openai``'s shared Chat Completions codec), imported when a model
is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="deepseek",
    factory="llmcore_deepseek.provider:DeepSeekProvider",
    distribution="llmcore-deepseek",
    description="DeepSeek chat and reasoning models (deepseek-chat, deepseek-reasoner, deepseek-v4-*)",
    env_keys=("DEEPSEEK_API_KEY",),
    base_url="https://api.deepseek.com",
    base_url_env="DEEPSEEK_BASE_URL",
    model_prefixes=("deepseek-",),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts, for its vision models (deepseek-flash); cassette authored from the docs
        reasoning=True,
        structured_output=("json_object",),
        count_tokens="estimate",
        prompt_caching=True,  # automatic prefix caching: prompt_cache_hit_tokens -> cache_read_tokens
        server_tools=("web_search",),  # on the Responses API (api="responses"): llmcore_openai.builtin
    ),
    docs_url="https://api-docs.deepseek.com/api/create-chat-completion",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The DeepSeek provider."""
    return [SPEC]
