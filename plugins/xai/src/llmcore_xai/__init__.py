"""llmcore plugin for xAI (Grok).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The code is in :mod:`llmcore_xai.provider`
(on ``llmcore-openai``'s shared Chat Completions and Responses codecs),
imported when a model is used.
"""

from __future__ import annotations

from typing import Any

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers", "x_search"]

SPEC = ProviderSpec(
    name="xai",
    factory="llmcore_xai.provider:XAIProvider",
    distribution="llmcore-xai",
    description="xAI Grok models over Chat Completions (default) or the Responses API (api='responses')",
    env_keys=("XAI_API_KEY",),
    base_url="https://api.x.ai/v1",
    base_url_env="XAI_BASE_URL",
    model_prefixes=("grok-",),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        # on the Responses API (api="responses"): llmcore_openai.builtin + llmcore_xai.server_tools (X search is
        # web_search's xAI form: llmcore_xai.x_search)
        server_tools=("web_search", "code_execution", "mcp"),
    ),
    docs_url="https://docs.x.ai/docs/api-reference",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The xAI provider."""
    return [SPEC]


def __getattr__(name: str) -> Any:
    """``llmcore_xai.x_search`` (:func:`llmcore_xai.server_tools.x_search`), imported on first use so that
    discovery stays cheap."""
    if name == "x_search":
        from .server_tools import x_search

        return x_search
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
