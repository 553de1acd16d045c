"""llmcore plugin for llama.cpp: GGUF models run in this process, or a running llama.cpp server.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the two providers (and offers installed models as the
offline default). The code lives in :mod:`llmcore_llamacpp.local` (in-process,
llama-cpp-python), :mod:`llmcore_llamacpp.server` (llama.cpp's HTTP servers,
through llmcore-openai's Chat Completions codec), :mod:`llmcore_llamacpp.quirks`
(what both share) and :mod:`llmcore_llamacpp.models` (model files and aliases).

* ``llamacpp/<path to .gguf>`` or ``llamacpp/<alias>`` (``llamacpp/smollm2``):
  in-process; needs ``pip install 'llmcore-llamacpp[local]'``.
* ``llamacpp_server/<model>`` (``llamacpp_server/default`` for whatever the
  server has loaded): ``python -m llama_cpp.server`` or the C++ ``llama-server``
  at ``$LLAMACPP_BASE_URL`` (default ``http://localhost:8000/v1``).
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.readiness import local_server, module_missing, needs
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["LOCAL_SPEC", "SERVER_SPEC", "llmcore_providers", "llmcore_local_models"]


def _local_status(spec: ProviderSpec) -> str:
    """Ready when llama-cpp-python is installed and a GGUF model is found (files only, nothing loaded)."""
    missing = module_missing("llama_cpp", "llama-cpp-python (pip install 'llmcore-llamacpp[local]')")
    if missing:
        return needs(missing)
    from .models import models_status

    return models_status()


LOCAL_SPEC = ProviderSpec(
    name="llamacpp",
    factory="llmcore_llamacpp.local:LlamaCppProvider",
    distribution="llmcore-llamacpp",
    description="GGUF models in this process via llama-cpp-python (llamacpp/<path.gguf> or an installed alias)",
    env_keys=(),
    requires_key=False,
    base_url=None,
    model_prefixes=(),
    capabilities=Capabilities(
        streaming=True,
        tools=True,  # a named tool_choice, constrained by a grammar from the tool's schema
        vision=False,
        reasoning=False,
        structured_output=("json_schema", "json_object"),  # grammar-constrained JSON
        count_tokens="tokenizer",  # the model's own tokenizer over the rendered chat template
    ),
    docs_url="https://llama-cpp-python.readthedocs.io/en/latest/api-reference/",
    readiness=_local_status,
)

SERVER_SPEC = ProviderSpec(
    name="llamacpp_server",
    factory="llmcore_llamacpp.server:LlamaCppServerProvider",
    distribution="llmcore-llamacpp",
    description="A running llama.cpp server (python -m llama_cpp.server, or llama-server with server='llama-server')",
    env_keys=("LLAMACPP_API_KEY",),
    requires_key=False,  # only when the server was started with --api_key / --api-key
    base_url="http://localhost:8000/v1",
    base_url_env="LLAMACPP_BASE_URL",
    readiness=local_server("python -m llama_cpp.server --model <file.gguf>"),  # one loopback connect, 0.3 s at most
    model_prefixes=(),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=False,
        structured_output=("json_schema", "json_object"),
        count_tokens="api",  # /extras/tokenize/count (llama_cpp.server) or /tokenize (llama-server)
    ),
    docs_url="https://llama-cpp-python.readthedocs.io/en/latest/server/",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The in-process ``llamacpp`` and the HTTP ``llamacpp_server`` providers."""
    return [LOCAL_SPEC, SERVER_SPEC]


@hookimpl
def llmcore_local_models() -> list[str]:
    """``llamacpp/<alias>`` of every installed GGUF model (packaged ones first),
    when llama-cpp-python is installed. Looks for files only."""
    from .models import installed_models, llama_cpp_installed

    if not llama_cpp_installed():
        return []
    return [f"llamacpp/{m.alias}" for m in installed_models()]
