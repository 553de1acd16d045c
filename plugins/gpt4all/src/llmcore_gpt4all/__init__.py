"""llmcore plugin for GPT4All: local GGUF models run in this process by the ``gpt4all`` bindings.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_gpt4all.provider` holds the
code. Model names: ``gpt4all/<path to .gguf>`` or ``gpt4all/<file name>`` in
``$GPT4ALL_MODEL_PATH`` (default ``~/.cache/gpt4all``). Models are never
downloaded at run time (``allow_download=False``).
"""

from __future__ import annotations

import os
from pathlib import Path

from llmcore.hookspecs import hookimpl
from llmcore.readiness import module_missing, needs
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]


def _status(spec: ProviderSpec) -> str:
    """Ready when the gpt4all bindings are installed and the model folder holds a .gguf file
    (the folder is listed, no model is loaded: gpt4all itself is not imported)."""
    folder = Path(os.environ.get("GPT4ALL_MODEL_PATH") or "~/.cache/gpt4all").expanduser()
    models = sorted(folder.glob("*.gguf")) if folder.is_dir() else []
    return needs(
        module_missing("gpt4all", "gpt4all (pip install gpt4all)"),
        None if models else f"a model: a .gguf file in {folder} ($GPT4ALL_MODEL_PATH)",
    )


SPEC = ProviderSpec(
    name="gpt4all",
    factory="llmcore_gpt4all.provider:GPT4AllProvider",
    distribution="llmcore-gpt4all",
    description="GGUF models in this process via the gpt4all bindings (never downloads)",
    env_keys=(),
    requires_key=False,
    base_url=None,
    model_prefixes=(),
    capabilities=Capabilities(
        streaming=True,
        tools=False,
        vision=False,
        reasoning=False,
        structured_output=(),
        count_tokens="tokenizer",  # the prompt's tokens as the model processes them
    ),
    docs_url="https://docs.gpt4all.io/gpt4all_python/home.html",
    readiness=_status,
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The GPT4All provider."""
    return [SPEC]
