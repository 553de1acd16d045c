"""llmcore plugin for Ollama's native chat API (``POST /api/chat``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. The codec lives in
:mod:`llmcore_ollama.provider` and is imported when a model is used.
"""

from __future__ import annotations

import os

from llmcore.hookspecs import hookimpl
from llmcore.readiness import server_status
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]


def _status(spec: ProviderSpec) -> str:
    """A local server is probed (one connect, then ``GET /api/tags``, each bounded
    to well under a second) and must have a model pulled; a remote one is not checked."""
    from .host import normalize_host

    url = normalize_host(os.environ.get("OLLAMA_HOST") or "") if os.environ.get("OLLAMA_HOST") else spec.base_url
    status = server_status(url, env="OLLAMA_HOST", start="ollama serve")
    if not status.startswith("ready") or url is None:
        return status
    import json
    import urllib.request

    try:
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
        with direct.open(f"{url}/api/tags", timeout=0.5) as r:
            models = json.loads(r.read(1_000_000)).get("models") or []
    except Exception:  # something listens but is no Ollama (or is slow): say so, never fail listing
        return f"not checked: something listens at {url}, but /api/tags did not answer like Ollama"
    if not models:
        return f"needs a model: ollama pull <model> (the server at {url} has none)"
    return f"ready (server at {url}, {len(models)} model{'s' if len(models) != 1 else ''})"


SPEC = ProviderSpec(
    name="ollama",
    factory="llmcore_ollama.provider:OllamaProvider",
    distribution="llmcore-ollama",
    description="Local (or ollama.com hosted) models via Ollama's native /api/chat",
    env_keys=("OLLAMA_API_KEY",),
    requires_key=False,  # a local server needs no key; ollama.com takes a bearer key
    base_url="http://localhost:11434",
    base_url_env="OLLAMA_HOST",
    model_prefixes=(),  # Ollama's model names collide with every vendor's: always "ollama/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # base64 ``images``; the vision cassette is authored from the API reference
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",  # Ollama has no tokenize endpoint
        embeddings=True,  # native /api/embed (llmcore_ollama.embeddings)
    ),
    docs_url="https://docs.ollama.com/api/chat",
    readiness=_status,
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Ollama provider."""
    return [SPEC]
