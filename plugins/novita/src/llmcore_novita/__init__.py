"""llmcore plugin for Novita AI (``novita/<org>/<model>``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; the code is in :mod:`llmcore_novita.provider`.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="novita",
    factory="llmcore_novita.provider:NovitaProvider",
    distribution="llmcore-novita",
    description="Novita AI: open models over an OpenAI-compatible chat completions API",
    env_keys=("NOVITA_API_KEY",),
    base_url="https://api.novita.ai/openai/v1",
    base_url_env="NOVITA_BASE_URL",
    model_prefixes=(),  # hub-style "org/model" ids: always "novita/<org>/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        embeddings=True,  # /embeddings, baai/bge-m3, base64 (authored cassette)
        rerank=True,  # /rerank, baai/bge-reranker-v2-m3 (authored cassette)
    ),
    docs_url="https://novita.ai/docs/api-reference/model-apis-llm-create-chat-completion",
    catalogue="llmcore_novita:models.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Novita AI provider."""
    return [SPEC]
