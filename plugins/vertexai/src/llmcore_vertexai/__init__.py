"""llmcore plugin for Google Vertex AI: Gemini models (``publishers/google``,
``generateContent``) and Claude models (``publishers/anthropic``, ``rawPredict``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. google-auth, the Gemini codec
(``llmcore-gemini``) and the Anthropic codec (``llmcore-anthropic``) are
imported when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="vertexai",
    factory="llmcore_vertexai.provider:VertexAIProvider",
    distribution="llmcore-vertexai",
    description="Gemini and Claude models on Google Cloud Vertex AI (OAuth2 / Application Default Credentials)",
    # Vertex authenticates with Google Cloud credentials (ADC, a service-account file or a token),
    # not an API key: GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION.
    env_keys=(),
    requires_key=False,
    base_url=None,  # https://{location}-aiplatform.googleapis.com, or aiplatform.googleapis.com for "global"
    model_prefixes=(),  # gemini-*/claude-* belong to their own providers; use "vertexai/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # inlineData / fileData parts; the vision cassette is authored from the docs
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="api",
    ),
    docs_url="https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Vertex AI provider."""
    return [SPEC]
