"""llmcore plugin for llama.cpp in this process through xllamacpp's prebuilt wheels.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider and offers installed models as the offline
default; :mod:`llmcore_xllamacpp.provider` holds the code.

* ``xllamacpp/<path to .gguf>`` or ``xllamacpp/<alias>`` (``xllamacpp/smollm2``),
  the same files and aliases as ``llamacpp`` (:mod:`llmcore_llamacpp.models`).
* ``llmcore.embedding_model("xllamacpp/<path to .gguf>")`` embeds with llama.cpp too: meant for
  an embedding GGUF you download (nomic-embed, bge, ...); SmolLM2's vectors are poor (the
  offline default for embeddings is ``wordllama``).
* ``pip install llmcore-xllamacpp`` installs a prebuilt llama.cpp (xllamacpp's
  wheels): nothing is compiled, unlike ``llmcore-llamacpp[local]``.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.readiness import module_missing, needs
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers", "llmcore_local_models"]


def xllamacpp_installed() -> bool:
    """Whether xllamacpp is importable (checked without importing it: it loads llama.cpp)."""
    import importlib.util

    return importlib.util.find_spec("xllamacpp") is not None


def _status(spec: ProviderSpec) -> str:
    """Ready when xllamacpp is installed and a GGUF model is found (files only, nothing loaded)."""
    missing = module_missing("xllamacpp", "xllamacpp (pip install llmcore-xllamacpp)")
    if missing:
        return needs(missing)
    from llmcore_llamacpp.models import models_status

    return models_status()


SPEC = ProviderSpec(
    name="xllamacpp",
    factory="llmcore_xllamacpp.provider:XLlamaCppProvider",
    distribution="llmcore-xllamacpp",
    description="GGUF models in this process via xllamacpp's prebuilt llama.cpp (xllamacpp/<path.gguf> or an alias)",
    env_keys=(),
    requires_key=False,
    base_url=None,
    model_prefixes=(),
    capabilities=Capabilities(
        streaming=True,
        tools=True,  # when the model's chat template has a tool-call format; else a warning (SmolLM2 has none)
        vision=False,
        reasoning=False,
        structured_output=("json_schema", "json_object"),  # grammar-constrained JSON
        count_tokens="tokenizer",  # the model's chat template rendered and tokenized by the model
        embeddings=True,  # llama.cpp's embeddings handler: the model's own pooling, else mean
    ),
    docs_url="https://github.com/xorbitsai/xllamacpp#readme",
    readiness=_status,
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The in-process ``xllamacpp`` provider."""
    return [SPEC]


@hookimpl
def llmcore_local_models() -> list[str]:
    """``xllamacpp/<alias>`` of every installed GGUF model (packaged ones first), when
    xllamacpp is installed. Looks for files only."""
    if not xllamacpp_installed():
        return []
    from llmcore_llamacpp.models import installed_models

    return [f"xllamacpp/{m.alias}" for m in installed_models()]
