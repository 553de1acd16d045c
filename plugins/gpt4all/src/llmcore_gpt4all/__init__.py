"""llmcore plugin for GPT4All: local GGUF models run in this process by the ``gpt4all`` bindings.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_gpt4all.provider` holds the
code. Model names: ``gpt4all/<path to .gguf>`` or ``gpt4all/<file name>`` in
``$GPT4ALL_MODEL_PATH`` (default ``~/.cache/gpt4all``). Models are never
downloaded at run time (``allow_download=False``).
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

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
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The GPT4All provider."""
    return [SPEC]
