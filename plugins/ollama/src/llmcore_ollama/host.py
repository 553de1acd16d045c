"""``OLLAMA_HOST`` / ``base_url`` → a base URL.

Ollama's own clients accept a bare ``host:port`` (``0.0.0.0:11434``), a bare
host (``example.com``) or a full URL. The rules here match them:

* no scheme → ``http://``;
* no scheme and no port → port ``11434``;
* a given scheme keeps its default port (``https://ollama.com``);
* a path is kept (for a reverse proxy under a prefix); a trailing ``/`` is dropped.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["DEFAULT_PORT", "normalize_host"]

DEFAULT_PORT = 11434


def normalize_host(value: str) -> str:
    """A base URL for ``value`` (see the module docstring)."""
    value = value.strip()
    if "://" in value:
        return value.rstrip("/")
    parts = urlsplit(f"http://{value}")
    host = parts.hostname or "localhost"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port or DEFAULT_PORT
    return f"http://{host}:{port}{parts.path.rstrip('/')}"
