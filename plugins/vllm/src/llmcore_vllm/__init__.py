"""llmcore plugin for vLLM's OpenAI-compatible server.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_vllm.provider` holds the code.
Model names are whatever the server serves (``vllm/Qwen/Qwen3-8B``): vLLM has
no name prefix of its own, so it is always addressed as ``vllm/<model>``.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.readiness import local_server
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="vllm",
    factory="llmcore_vllm.provider:VLLMProvider",
    distribution="llmcore-vllm",
    description="A vLLM server (OpenAI-compatible chat completions, structured outputs, /tokenize)",
    env_keys=("VLLM_API_KEY",),
    requires_key=False,  # only when the server was started with --api-key
    base_url="http://localhost:8000/v1",
    base_url_env="VLLM_BASE_URL",
    readiness=local_server("vllm serve <model>"),  # one loopback connect, at most 0.3 s
    model_prefixes=(),
    capabilities=Capabilities(
        streaming=True,
        tools=True,  # needs `vllm serve --enable-auto-tool-choice --tool-call-parser ...`
        vision=True,  # image_url parts; the vision cassette is authored from the docs (no recording exists)
        reasoning=True,  # needs `vllm serve --reasoning-parser ...`
        structured_output=("json_schema", "json_object"),
        count_tokens="api",  # POST /tokenize
        embeddings=True,  # POST /v1/embeddings (authored from the docs: no recording exists)
        rerank=True,  # POST /rerank (llama-stack's raw-HTTP recordings, see tests/cassettes/SOURCES.md)
    ),
    docs_url="https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The vLLM provider."""
    return [SPEC]
