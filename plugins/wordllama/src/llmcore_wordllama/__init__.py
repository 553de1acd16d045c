"""llmcore plugin for offline embeddings in this process with WordLlama.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_wordllama.provider` holds the
code (it imports wordllama, numpy and tokenizers only when a model is used).

* ``wordllama/l2_supercat``: WordLlama's static embedding model (256 dimensions,
  Llama-2 tokenizer), whose weights and tokenizer ship inside the ``wordllama``
  wheel: ``pip install llmcore-wordllama`` is the only step that needs a network.
  It is offered as the offline default embedding model (``llmcore.embedding_model()``
  and ``llmcore embed`` with no model).
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.readiness import module_missing, needs
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "MODELS", "DEFAULT_MODEL", "llmcore_providers", "llmcore_local_embedding_models"]

#: the models whose files ship in the wordllama wheel
MODELS = ("l2_supercat",)
DEFAULT_MODEL = "l2_supercat"


def wordllama_installed() -> bool:
    """Whether the wordllama package (the model files) is installed; checked without importing it."""
    import importlib.util

    return importlib.util.find_spec("wordllama") is not None


def _status(spec: ProviderSpec) -> str:
    """Ready when wordllama is installed (checked without importing it)."""
    missing = module_missing("wordllama", "wordllama (pip install llmcore-wordllama)")
    return needs(missing) if missing else "ready"


SPEC = ProviderSpec(
    name="wordllama",
    factory="llmcore_wordllama.provider:WordLlamaProvider",
    distribution="llmcore-wordllama",
    description="offline embeddings in this process: WordLlama (wordllama/l2_supercat), model shipped in its wheel",
    env_keys=(),
    requires_key=False,
    base_url=None,
    model_prefixes=(),
    capabilities=Capabilities(
        streaming=False,  # an embedding model: no chat
        count_tokens="tokenizer",  # the model's own tokenizer (Llama-2's)
        embeddings=True,
        rerank=True,  # cosine similarity of the query's and the documents' vectors
    ),
    docs_url="https://github.com/dleemiller/WordLlama#readme",
    readiness=_status,
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The in-process ``wordllama`` provider."""
    return [SPEC]


@hookimpl
def llmcore_local_embedding_models() -> list[str]:
    """``wordllama/l2_supercat`` when wordllama is installed (files only: nothing is imported or loaded)."""
    return [f"wordllama/{DEFAULT_MODEL}"] if wordllama_installed() else []
