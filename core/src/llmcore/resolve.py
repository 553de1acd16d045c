"""Model strings → (provider spec, model id).

``"provider/model"`` or ``"provider:model"`` picks the provider explicitly (the
model id may contain more slashes: ``openrouter/anthropic/claude-sonnet-4``).
The provider may be spelled as users bring it from other libraries
(``together_ai``, ``hosted_vllm``, ``aleph-alpha``, ``local`` → the local
OpenAI-compatible server at ``$OPENAI_COMPATIBLE_BASE_URL``; see
:mod:`llmcore.names`). An unprefixed name is matched against the
``model_prefixes`` plugins declare (longest prefix wins).

``org/model`` goes to the router (OpenRouter) **only** when ``org`` is no
provider name or alias, installed or not, and does not look like a typo of
one: ``opnai/gpt-4o`` is a :class:`ConfigurationError` naming ``openai``, and
``together_ai/...`` without ``llmcore-together`` installed says to install it
instead of sending the prompt elsewhere. Unknown and ambiguous names raise
:class:`ConfigurationError` that names the candidates and what to install.
"""

from __future__ import annotations

import logging

from .errors import ConfigurationError
from .names import ALIASES, close_match, install_hint, normalize
from .plugins import Registry, get_registry
from .spec import ProviderSpec

__all__ = ["resolve_model", "provider_name", "KNOWN_PROVIDERS"]

log = logging.getLogger("llmcore.resolve")

# Provider names users may type before the plugin is installed, so that the
# error can say what to install. Hints only; plugins decide what they serve.
KNOWN_PROVIDERS: dict[str, tuple[str, ...]] = {
    "openai": ("gpt-", "o1", "o3", "o4", "chatgpt-"),
    "anthropic": ("claude-",),
    "gemini": ("gemini-", "gemma-"),
    "vertexai": (),
    "bedrock": (),
    "azure": (),
    "groq": (),
    "mistral": ("mistral-", "codestral-", "magistral-", "ministral-", "pixtral-", "devstral-"),
    "cohere": ("command-",),
    "deepseek": ("deepseek-",),
    "openrouter": (),
    "together": (),
    "fireworks": ("accounts/fireworks/",),
    "perplexity": ("sonar",),
    "cerebras": (),
    "moonshot": ("kimi-", "moonshot-"),
    "zhipu": ("glm-",),
    "xai": ("grok-",),
    "ollama": (),
    "llamacpp": (),
    "huggingface": (),
    "replicate": (),
    "cloudflare": ("@cf/", "@hf/"),
    "writer": ("palmyra-",),
    "ai21": ("jamba-",),
    "sambanova": (),
    "novita": (),
    "databricks": ("databricks-",),
    "minimax": ("minimax-",),
    "aleph_alpha": ("luminous-", "pharia-"),
    "lmstudio": (),
    "vllm": (),
    "ernie": ("ernie-",),
    "gpt4all": (),
    "openai_compatible": (),
    "llamacpp_server": (),
}


def _install_hint(provider: str) -> str:
    return install_hint(provider)


def provider_name(head: str, registry: Registry | None = None) -> str | None:
    """The llmcore provider ``head`` names (its own name in any case or with
    ``-`` for ``_``, a plugin's alias, or a known alias such as litellm's),
    installed or not; ``None`` when it names none."""
    reg = registry or get_registry()
    if head in reg.providers:
        return head
    h = normalize(head)
    for name in reg.providers:
        if normalize(name) == h:
            return name
    if h in reg.aliases:
        return reg.aliases[h]
    if h in ALIASES:
        return ALIASES[h]
    if h in KNOWN_PROVIDERS:
        return h
    return None


def _spelled(head: str, provider: str) -> str:
    return repr(head) if normalize(head) == provider else f"{head!r} (llmcore's provider {provider!r})"


def _split(name: str) -> tuple[str, str, str]:
    """``head, sep, rest`` at the first ``/`` or ``:`` (``sep`` empty when neither)."""
    cut = [i for i in (name.find("/"), name.find(":")) if i > 0]
    if not cut:
        return name, "", ""
    i = min(cut)
    return name[:i], name[i], name[i + 1 :]


def _candidates(reg: Registry) -> list[str]:
    return sorted({*map(normalize, reg.providers), *reg.aliases, *ALIASES, *KNOWN_PROVIDERS})


def resolve_model(name: str, registry: Registry | None = None) -> tuple[ProviderSpec, str]:
    """Resolve ``name`` to a provider spec and the provider's model id (see the module docstring)."""
    if not isinstance(name, str):
        raise ConfigurationError(f"a model name must be a string like 'openai/gpt-4.1-mini', not {type(name).__name__}")
    if not name.strip():
        raise ConfigurationError("empty model name: use 'provider/model', e.g. 'openai/gpt-4.1-mini'")
    reg = registry or get_registry()
    head, sep, rest = _split(name)
    provider = provider_name(head, reg) if sep else None
    spec = reg.get(provider) if provider is not None else None
    if spec is not None:
        if not rest:
            raise ConfigurationError(f"no model after '{head}{sep}': use '{head}{sep}<model>'")
        return spec, rest
    if sep:
        names = {head, normalize(head), provider}
        broken = next((p for p in reg.plugins if p.broken and p.name in names), None)
        if broken is not None:
            raise ConfigurationError(f"provider {broken.name!r} is installed but broken: {broken.error}")
    if provider is not None:
        raise ConfigurationError(f"provider {_spelled(head, provider)} is not installed: {_install_hint(provider)}")
    if sep == "/":
        typo = close_match(head, _candidates(reg))
        if typo is not None:
            meant = provider_name(typo, reg) or typo
            raise ConfigurationError(
                f"unknown provider {head!r} in {name!r}: did you mean {typo!r}"
                + (f" (llmcore's provider {meant!r})" if meant != typo else "")
                + f"? Use '{meant}/{rest}'; to send '{name}' to a router such as OpenRouter, say "
                f"'openrouter/{name}'"
            )
    # Unprefixed (or an unknown head, e.g. a Hugging Face "org/model" id):
    # auto-detect from declared prefixes.
    best = 0
    matches: list[ProviderSpec] = []
    for spec in reg.providers.values():
        for prefix in spec.model_prefixes:
            if name.startswith(prefix):
                if len(prefix) > best:
                    best, matches = len(prefix), [spec]
                elif len(prefix) == best and spec not in matches:
                    matches.append(spec)
    if len(matches) == 1:
        return matches[0], name
    if not matches and sep == "/":
        routers = [s for s in reg.providers.values() if s.routes_org_models]
        if len(routers) == 1:
            # said at INFO so that `logging` / a verbose CLI shows where the prompt goes
            log.info(
                "%r: %r is no provider name or alias, so the model goes to %s as %r", name, head, routers[0].name, name
            )
            return routers[0], name
        matches = routers
    if len(matches) > 1:
        options = ", ".join(f"{s.name}/{name}" for s in matches)
        raise ConfigurationError(f"model {name!r} is ambiguous: say which provider, one of: {options}")
    hint = ""
    for provider, prefixes in KNOWN_PROVIDERS.items():
        if any(name.startswith(p) for p in prefixes) and provider not in reg.providers:
            hint = f"; it looks like a {provider} model: {_install_hint(provider)}"
            break
    if not hint and sep:
        typo = close_match(head, _candidates(reg))
        if typo is not None:
            hint = f"; did you mean the provider {provider_name(typo, reg) or typo!r}?"
    installed = ", ".join(sorted(reg.providers)) or "none"
    raise ConfigurationError(f"unknown model {name!r}: use 'provider/model' (installed providers: {installed}){hint}")
