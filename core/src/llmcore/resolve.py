"""Model strings → (provider spec, model id).

``"provider/model"`` picks the provider explicitly (the model id may contain
more slashes: ``openrouter/anthropic/claude-sonnet-4``). An unprefixed name is
matched against the ``model_prefixes`` plugins declare (longest prefix wins).
Unknown and ambiguous names raise :class:`ConfigurationError` that names the
candidates and what to install.
"""

from __future__ import annotations

from .errors import ConfigurationError
from .plugins import Registry, get_registry
from .spec import ProviderSpec

__all__ = ["resolve_model", "KNOWN_PROVIDERS"]

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
}


def _install_hint(provider: str) -> str:
    return f"pip install llmcore-{provider.replace('_', '-')}"


def resolve_model(name: str, registry: Registry | None = None) -> tuple[ProviderSpec, str]:
    """Resolve ``name`` to a provider spec and the provider's model id."""
    if not name or not name.strip():
        raise ConfigurationError("empty model name: use 'provider/model', e.g. 'openai/gpt-4.1-mini'")
    reg = registry or get_registry()
    head, sep, rest = name.partition("/")
    if sep:
        spec = reg.get(head)
        if spec is not None:
            if not rest:
                raise ConfigurationError(f"no model after '{head}/': use '{head}/<model>'")
            return spec, rest
        broken = next((p for p in reg.plugins if p.broken and p.name == head), None)
        if broken is not None:
            raise ConfigurationError(f"provider {head!r} is installed but broken: {broken.error}")
        if head in KNOWN_PROVIDERS:
            raise ConfigurationError(
                f"provider {head!r} is not installed: {_install_hint(head)}"
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
    if not matches and sep:
        routers = [s for s in reg.providers.values() if s.routes_org_models]
        if len(routers) == 1:
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
    installed = ", ".join(sorted(reg.providers)) or "none"
    raise ConfigurationError(
        f"unknown model {name!r}: use 'provider/model' (installed providers: {installed}){hint}"
    )
