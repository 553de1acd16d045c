"""llmcore plugin for Ollama's native chat API (``POST /api/chat``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The codec lives in
:mod:`llmcore_ollama.provider` and is imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="ollama",
    factory="llmcore_ollama.provider:OllamaProvider",
    distribution="llmcore-ollama",
    description="Local (or ollama.com hosted) models via Ollama's native /api/chat",
    env_keys=("OLLAMA_API_KEY",),
    requires_key=False,  # a local server needs no key; ollama.com takes a bearer key
    base_url="http://localhost:11434",
    base_url_env="OLLAMA_HOST",
    model_prefixes=(),  # Ollama's model names collide with every vendor's: always "ollama/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # base64 ``images``; the vision cassette is authored from the API reference
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",  # Ollama has no tokenize endpoint
    ),
    docs_url="https://docs.ollama.com/api/chat",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Ollama provider."""
    return [SPEC]
