"""llmcore plugin for Groq (GroqCloud).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The code is in :mod:`llmcore_groq.provider`
(on ``llmcore-openai``'s shared Chat Completions codec), imported when a model
is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="groq",
    factory="llmcore_groq.provider:GroqProvider",
    distribution="llmcore-groq",
    description="Groq: fast inference of open models (Llama, gpt-oss, Qwen, Kimi) over OpenAI-compatible chat",
    env_keys=("GROQ_API_KEY",),
    base_url="https://api.groq.com/openai/v1",
    base_url_env="GROQ_BASE_URL",
    model_prefixes=(),  # no unique prefix (Groq hosts other vendors' models): always "groq/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=True,
        structured_output=("json_schema", "json_object"),  # per model: GroqProvider.structured_modes (+ tool)
        count_tokens="estimate",
        # the compound models search and run code by themselves; GPT-OSS takes browser_search/code_interpreter
        server_tools=("web_search", "code_execution"),
    ),
    docs_url="https://console.groq.com/docs/api-reference",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Groq provider."""
    return [SPEC]
