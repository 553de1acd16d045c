"""llmcore plugin for Writer (Palmyra models, ``POST https://api.writer.com/v1/chat``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_writer.provider` holds the code.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="writer",
    factory="llmcore_writer.provider:WriterProvider",
    distribution="llmcore-writer",
    description="Writer Palmyra models (chat, tools incl. Knowledge Graph / web search / LLM delegation)",
    env_keys=("WRITER_API_KEY",),
    base_url="https://api.writer.com/v1",
    base_url_env="WRITER_BASE_URL",
    model_prefixes=("palmyra-",),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=False,
        structured_output=("json_schema",),
        count_tokens="estimate",
    ),
    docs_url="https://dev.writer.com/api-reference/completion-api/chat-completion",
    catalogue="llmcore_writer:models.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Writer provider."""
    return [SPEC]
