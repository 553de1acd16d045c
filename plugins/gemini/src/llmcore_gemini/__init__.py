"""llmcore plugin for the Google Gemini API (``generativelanguage.googleapis.com``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The codec (also used by ``llmcore-vertexai``)
lives in the other modules of this package and is imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="gemini",
    factory="llmcore_gemini.provider:GeminiProvider",
    distribution="llmcore-gemini",
    description="Google Gemini and Gemma models via the Gemini API",
    env_keys=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    base_url="https://generativelanguage.googleapis.com/v1beta",
    base_url_env="GEMINI_BASE_URL",
    model_prefixes=("gemini-", "gemma-"),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # inlineData / fileData parts; the vision cassette is authored from the docs
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="api",
        batch=True,  # batch mode, inline requests (llmcore_gemini.batch)
        embeddings=True,  # batchEmbedContents (llmcore_gemini.embeddings)
        # google_search grounding, URL context, code execution (tests/test_conformance.py: LOSSLESS)
        server_tools=("web_search", "url_context", "code_execution"),
        citations=True,  # groundingSupports -> Citations
        image_output=True,  # inlineData answers of the image models
        prompt_caching=True,  # implicit caching: cachedContentTokenCount -> cache_read_tokens
    ),
    docs_url="https://ai.google.dev/api/generate-content",
    prices="llmcore_gemini:prices.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Gemini provider."""
    return [SPEC]
