"""Provider names as users spell them: aliases, install hints, typo checks.

Plain data and string functions (no imports beyond the standard library), so
that discovery (:mod:`llmcore.plugins`), resolution (:mod:`llmcore.resolve`)
and the CLI can all use them without loading anything.

* :data:`ALIASES` maps the spellings users bring from other libraries
  (litellm's provider names: ``together_ai``, ``hosted_vllm``, ``fireworks_ai``,
  ``vertex_ai``, ``lm_studio``, ...) and a few common ones (``local``,
  ``llama.cpp``, ``hf``) to llmcore's provider names. Every litellm provider
  that corresponds to one of llmcore's providers is here; names that are the
  same in both (``openai``, ``groq``, ``mistral``, ...) need no alias.
* Names are compared after :func:`normalize`: lower case, ``-`` as ``_``
  (``Aleph-Alpha`` is ``aleph_alpha``).
* Organisation names that model hubs (OpenRouter, Hugging Face) put before a
  model and that merely *look like* a provider (``mistralai``, ``x-ai``,
  ``deepseek-ai``, ...) are :data:`HUB_ORGS`: never aliases, never typos.
"""

from __future__ import annotations

import difflib

__all__ = ["ALIASES", "DISTRIBUTIONS", "HUB_ORGS", "normalize", "distribution_of", "install_hint", "close_match"]

#: alias (normalized) → llmcore provider name
ALIASES: dict[str, str] = {
    # litellm's provider names (litellm.types.utils.LlmProviders) that map to ours
    "text_completion_openai": "openai",
    "aiohttp_openai": "openai",
    "custom_openai": "openai_compatible",
    "openai_like": "openai_compatible",
    "azure_text": "azure",
    "anthropic_text": "anthropic",
    "vertex_ai": "vertexai",
    "vertex_ai_beta": "vertexai",
    "cohere_chat": "cohere",
    "together_ai": "together",
    "hosted_vllm": "vllm",
    "ollama_chat": "ollama",
    "fireworks_ai": "fireworks",
    "ai21_chat": "ai21",
    "lm_studio": "lmstudio",
    "codestral": "mistral",
    "text_completion_codestral": "mistral",
    "llamafile": "llamacpp_server",
    "zai": "zhipu",
    # other common spellings
    "local": "openai_compatible",  # the local OpenAI-compatible server at $OPENAI_COMPATIBLE_BASE_URL
    "openai_compat": "openai_compatible",
    "vertex": "vertexai",
    "togetherai": "together",
    "alephalpha": "aleph_alpha",
    "llama.cpp": "llamacpp",
    "llama_cpp": "llamacpp",
    "llama_cpp_server": "llamacpp_server",
    "hf": "huggingface",
    "zhipuai": "zhipu",
    "qianfan": "ernie",
    "workers_ai": "cloudflare",
}

#: providers whose distribution is not ``llmcore-<name>``
DISTRIBUTIONS: dict[str, str] = {
    "openai_compatible": "llmcore-openai",
    "llamacpp_server": "llmcore-llamacpp",
}

#: hub organisation names (normalized) close to a provider name: routed as ``org/model``
HUB_ORGS: frozenset[str] = frozenset(
    {
        "mistralai",
        "deepseek_ai",
        "moonshotai",
        "x_ai",
        "z_ai",
        "minimaxai",
        "perplexity_ai",
        "cohereforai",
        "ai21labs",
        "togethercomputer",
        "huggingfaceh4",
    }
)


def normalize(name: str) -> str:
    """How provider names are compared: stripped, lower case, ``-`` as ``_``."""
    return name.strip().lower().replace("-", "_")


def distribution_of(provider: str) -> str:
    """The distribution that installs ``provider`` (``llmcore-<name>`` unless listed)."""
    return DISTRIBUTIONS.get(provider, "llmcore-" + provider.replace("_", "-"))


def install_hint(provider: str) -> str:
    """``pip install <distribution>`` for ``provider``."""
    return f"pip install {distribution_of(provider)}"


def close_match(head: str, candidates: list[str]) -> str | None:
    """The provider name or alias ``head`` looks like a typo of, or ``None``.

    Short heads (under 4 characters), :data:`HUB_ORGS` and a provider name
    followed by ``ai``/``-ai`` are never typos: they are too likely to be a
    hub organisation."""
    h = normalize(head)
    if len(h) < 4 or h in HUB_ORGS:
        return None
    for suffix in ("_ai", "ai"):  # "deepseek-ai", "moonshotai": the hubs' way of naming a vendor
        if h.endswith(suffix) and h[: -len(suffix)] in candidates:
            return None
    found = difflib.get_close_matches(h, candidates, n=1, cutoff=0.8)
    return found[0] if found else None
