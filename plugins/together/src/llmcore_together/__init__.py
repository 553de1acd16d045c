"""llmcore plugin for Together AI (``together/<org>/<model>``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; the code is in :mod:`llmcore_together.provider`.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="together",
    factory="llmcore_together.provider:TogetherProvider",
    distribution="llmcore-together",
    description="Together AI: open models over an OpenAI-compatible chat completions API",
    env_keys=("TOGETHER_API_KEY",),
    base_url="https://api.together.xyz/v1",
    base_url_env="TOGETHER_BASE_URL",
    model_prefixes=(),  # model ids are "org/model" like every hub: always "together/<org>/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        embeddings=True,  # POST /v1/embeddings (llama-stack recordings, see tests/cassettes/SOURCES.md)
        rerank=True,  # POST /v1/rerank (authored request; answer body from vercel/ai's recorded fixture)
    ),
    docs_url="https://docs.together.ai/reference/chat-completions-1",
    catalogue="llmcore_together:models.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Together AI provider."""
    return [SPEC]
