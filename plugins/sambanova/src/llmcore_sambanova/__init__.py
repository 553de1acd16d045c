"""llmcore plugin for SambaNova Cloud (``sambanova/<model>``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; the code is in :mod:`llmcore_sambanova.provider`.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="sambanova",
    factory="llmcore_sambanova.provider:SambaNovaProvider",
    distribution="llmcore-sambanova",
    description="SambaNova Cloud: open models over an OpenAI-compatible chat completions API",
    env_keys=("SAMBANOVA_API_KEY",),
    base_url="https://api.sambanova.ai/v1",
    base_url_env="SAMBANOVA_BASE_URL",
    model_prefixes=(),  # Meta-Llama-*, DeepSeek-*, Qwen*: no prefix unique to SambaNova; always "sambanova/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        embeddings=True,  # /embeddings, E5-Mistral-7B-Instruct (authored cassette)
    ),
    docs_url="https://docs.sambanova.ai/docs/api-reference/chat-completions/create-chat-based-completion",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The SambaNova provider."""
    return [SPEC]
