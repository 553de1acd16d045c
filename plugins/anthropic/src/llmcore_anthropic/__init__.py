"""llmcore plugin for Anthropic's Messages API (Claude models).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The codec lives in
:mod:`llmcore_anthropic.provider` and is imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="anthropic",
    factory="llmcore_anthropic.provider:AnthropicProvider",
    distribution="llmcore-anthropic",
    description="Anthropic Claude models via the Messages API",
    env_keys=("ANTHROPIC_API_KEY",),
    base_url="https://api.anthropic.com",
    base_url_env="ANTHROPIC_BASE_URL",
    model_prefixes=("claude-",),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image blocks (url / base64 source); the vision cassette is authored from the docs
        reasoning=True,
        structured_output=("json_schema", "tool"),
        count_tokens="api",
        batch=True,  # Message Batches (llmcore_anthropic.batch)
        # built-in tools (llmcore_anthropic.builtin); mcp: no recording yet (tests/test_conformance.py)
        server_tools=("web_search", "web_fetch", "code_execution", "mcp"),
        # cache_control breakpoints (Message.cache_point / cache_prompt); cache reads and writes in Usage
        prompt_caching=True,
        cache_breakpoints=True,
    ),
    docs_url="https://docs.claude.com/en/api/messages",
    prices="llmcore_anthropic:prices.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Anthropic provider."""
    return [SPEC]
