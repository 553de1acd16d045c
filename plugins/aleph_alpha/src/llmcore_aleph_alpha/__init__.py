"""llmcore plugin for Aleph Alpha (``luminous-*``, ``pharia-*`` and the chat models it hosts).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The codecs live in
:mod:`llmcore_aleph_alpha.provider` and are imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="aleph_alpha",
    factory="llmcore_aleph_alpha.provider:AlephAlphaProvider",
    distribution="llmcore-aleph-alpha",
    description="Aleph Alpha: OpenAI-compatible chat completions and the legacy /complete endpoint",
    env_keys=("AA_TOKEN",),
    base_url="https://api.aleph-alpha.com",
    base_url_env="AA_BASE_URL",
    model_prefixes=("luminous-", "pharia-"),
    capabilities=Capabilities(
        streaming=True,
        tools=False,
        vision=False,
        reasoning=False,
        structured_output=(),
        count_tokens="api",
        embeddings=True,  # /batch_semantic_embed (authored cassette)
    ),
    docs_url="https://docs.aleph-alpha.com/",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Aleph Alpha provider."""
    return [SPEC]
