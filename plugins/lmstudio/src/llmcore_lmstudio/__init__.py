"""llmcore plugin for LM Studio's local server (OpenAI-compatible endpoints).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_lmstudio.provider` holds the
code. Model names are LM Studio's model identifiers, always addressed as
``lmstudio/<model>`` (there is no name prefix to auto-detect).
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.readiness import local_server
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="lmstudio",
    factory="llmcore_lmstudio.provider:LMStudioProvider",
    distribution="llmcore-lmstudio",
    description="LM Studio's local server: /v1/chat/completions (default) or /v1/responses (api='responses')",
    env_keys=("LMSTUDIO_API_KEY",),
    requires_key=False,  # only when "Require Authentication" is on in the server settings
    base_url="http://localhost:1234/v1",
    base_url_env="LMSTUDIO_BASE_URL",
    readiness=local_server("lms server start"),  # one loopback connect, at most 0.3 s
    model_prefixes=(),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        embeddings=True,  # /v1/embeddings (authored cassette)
    ),
    docs_url="https://lmstudio.ai/docs/developer/openai-compat",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The LM Studio provider."""
    return [SPEC]
