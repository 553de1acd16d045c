"""llmcore plugin for Cerebras Inference (``cerebras/<model>``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; the code is in :mod:`llmcore_cerebras.provider`.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="cerebras",
    factory="llmcore_cerebras.provider:CerebrasProvider",
    distribution="llmcore-cerebras",
    description="Cerebras Inference: fast open models over an OpenAI-compatible chat completions API",
    env_keys=("CEREBRAS_API_KEY",),
    base_url="https://api.cerebras.ai/v1",
    base_url_env="CEREBRAS_BASE_URL",
    model_prefixes=(),  # llama-*, qwen-*, gpt-oss-*, zai-glm-* are served elsewhere too: always "cerebras/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
    ),
    docs_url="https://inference-docs.cerebras.ai/api-reference/chat-completions",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Cerebras provider."""
    return [SPEC]
