"""llmcore plugin for MiniMax (``MiniMax-M2.7``, ``MiniMax-M1``, ... at https://api.minimax.io/v1).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_minimax.provider` holds the code.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="minimax",
    factory="llmcore_minimax.provider:MiniMaxProvider",
    distribution="llmcore-minimax",
    description="MiniMax M-series models (OpenAI-compatible chat; region='cn' for api.minimaxi.com)",
    env_keys=("MINIMAX_API_KEY",),
    base_url="https://api.minimax.io/v1",
    base_url_env="MINIMAX_BASE_URL",
    model_prefixes=("MiniMax-", "minimax-"),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=True,
        structured_output=(),
        count_tokens="estimate",
        embeddings=True,  # /embeddings (MiniMax's shape, embo-01; authored cassette)
    ),
    docs_url="https://platform.minimax.io/docs/api-reference/text-openai-api",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The MiniMax provider."""
    return [SPEC]
