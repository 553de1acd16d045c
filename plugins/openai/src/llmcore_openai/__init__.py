"""llmcore plugin for OpenAI and any OpenAI-compatible server.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the two providers. The code lives in
:mod:`llmcore_openai.provider` (wiring), :mod:`llmcore_openai.chat` (the
Chat Completions codec other plugins reuse) and :mod:`llmcore_openai.responses`
(the Responses API codec), imported only when a model is used.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.readiness import local_server
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["OPENAI_SPEC", "OPENAI_COMPATIBLE_SPEC", "llmcore_providers"]

OPENAI_SPEC = ProviderSpec(
    name="openai",
    factory="llmcore_openai.provider:OpenAIProvider",
    distribution="llmcore-openai",
    description="OpenAI models via Chat Completions (default) or the Responses API (api='responses')",
    env_keys=("OPENAI_API_KEY",),
    base_url="https://api.openai.com/v1",
    base_url_env="OPENAI_BASE_URL",
    model_prefixes=("gpt-", "o1", "o3", "o4", "chatgpt-", "text-embedding-3-", "text-embedding-ada-"),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url / input_image parts (cassettes authored from the API reference examples)
        reasoning=True,
        structured_output=("json_schema", "json_object"),
        count_tokens="tokenizer",
        embeddings=True,  # POST /embeddings (recordings: tests/cassettes/SOURCES.md)
        batch=True,  # POST /files + /batches (llmcore_openai.batch)
        # built-in tools on the Responses API (Chat Completions: web search on the search models only);
        # llmcore_openai.builtin; which are recorded: tests/test_conformance.py
        server_tools=("web_search", "file_search", "code_execution", "mcp", "image_generation"),
        # automatic prefix caching (cached_tokens -> cache_read_tokens); cache_prompt's key -> prompt_cache_key
        prompt_caching=True,
    ),
    docs_url="https://platform.openai.com/docs/api-reference",
    prices="llmcore_openai:prices.json",
)

OPENAI_COMPATIBLE_SPEC = ProviderSpec(
    name="openai_compatible",
    factory="llmcore_openai.provider:OpenAICompatibleProvider",
    distribution="llmcore-openai",
    description="Any OpenAI-compatible Chat Completions server (vLLM, LM Studio, llama.cpp, Ollama /v1, ...)",
    env_keys=("OPENAI_COMPATIBLE_API_KEY",),
    requires_key=False,
    base_url=None,
    base_url_env="OPENAI_COMPATIBLE_BASE_URL",
    readiness=local_server(),  # needs the variable; a loopback server gets one connect (0.3 s at most)
    model_prefixes=(),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image_url parts; proven on an authored cassette (see tests/cassettes/SOURCES.md)
        reasoning=True,  # reasoning text in `reasoning_content` / `reasoning` (vLLM, Ollama, DeepSeek, ...)
        structured_output=("json_schema", "json_object"),
        count_tokens="estimate",
        embeddings=True,  # POST /embeddings (recordings of OpenAI-compatible servers: tests/cassettes/SOURCES.md)
        rerank=True,  # POST /rerank (llama-stack's recording of vLLM's /rerank: tests/cassettes/SOURCES.md)
    ),
    docs_url="https://platform.openai.com/docs/api-reference/chat",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The ``openai`` and ``openai_compatible`` providers."""
    return [OPENAI_SPEC, OPENAI_COMPATIBLE_SPEC]
