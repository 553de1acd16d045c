"""llmcore plugin for Zhipu AI / Z.ai GLM models (``glm-*``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; the code is in :mod:`llmcore_zhipu.provider`.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="zhipu",
    factory="llmcore_zhipu.provider:ZhipuProvider",
    distribution="llmcore-zhipu",
    description="Zhipu AI / Z.ai GLM models (api.z.ai or open.bigmodel.cn), OpenAI-compatible chat completions",
    env_keys=("ZAI_API_KEY", "ZHIPUAI_API_KEY"),
    base_url="https://api.z.ai/api/paas/v4",
    base_url_env="ZHIPU_BASE_URL",
    model_prefixes=("glm-",),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=True,
        structured_output=("json_object",),
        count_tokens="estimate",
        embeddings=True,  # /embeddings, embedding-3 (authored cassette)
    ),
    docs_url="https://docs.z.ai/api-reference/llm/chat-completion",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Zhipu / Z.ai provider."""
    return [SPEC]
