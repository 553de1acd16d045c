"""Cache keys: SHA-256 of the canonical request.

The key covers what decides the answer: provider name, model, base URL,
the request (messages, parameters, tools, response format, provider
options — every ``ChatRequest`` field that differs from its default, so a
new optional field does not change old keys) and the provider settings
(``llmcore.model(..., api="responses")``). Never the API key: settings
whose name looks like a secret (``key``, ``token``, ``secret``,
``password``, ``credential``) are left out, and so are the connection
options ``api_key``, ``http_client`` and ``timeout``.

Extra HTTP ``headers=`` given to the model (a tenant or project header, a
beta flag) do count: two models that differ only in their headers never
share answers. They enter the key as a SHA-256 of the sorted header names
(lower-cased) and values, so not even the canonical text holds a header's
value. Models without extra headers keep the keys they had.

An MCP server's credentials never enter the key, not even hashed (a hash of a
short token can be brute-forced from a persisted key): an
:class:`~llmcore.builtin_tools.MCPServerTool` counts by its ``url``, ``name``,
``allowed_tools``, ``description`` and the *names* of its ``headers``; its
``authorization`` and header values are left out. So are, in any built-in tool's
``provider_options``, the values of keys that look like a credential (``key``, ``token``,
``secret``, ``password``, ``credential``, ``auth``: the key stays, its value does not) and of
``headers`` (their names stay). Two different servers
therefore stay distinct (their URL or label differs), while the same server
called with two different tokens shares answers: if a token decides whose data
the server returns, give each tenant its own cache (e.g. a Redis ``prefix``)
or ``cache=False``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..types import ChatRequest

__all__ = ["cache_key", "canonical_request", "headers_digest"]

KEY_VERSION = 1
_SECRET_WORDS = ("key", "token", "secret", "password", "credential", "auth")


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(type(value).__name__)
    return value


def headers_digest(headers: Mapping[str, str] | None) -> str | None:
    """``sha256:<hex>`` of the extra headers (names lower-cased, sorted), ``None`` for none."""
    if not headers:
        return None
    items = sorted((str(k).lower(), str(v)) for k, v in headers.items())
    return "sha256:" + hashlib.sha256(json.dumps(items, separators=(",", ":")).encode()).hexdigest()


def _names_only(options: Any) -> Any:
    """``provider_options`` with every credential-looking value replaced by nothing but its name: a
    key holding a :data:`_SECRET_WORDS` word keeps the key with ``None``, a ``headers`` mapping
    becomes its sorted, lower-cased names; everything else (nested too) is kept as it is."""
    if isinstance(options, list):
        return [_names_only(v) for v in options]
    if not isinstance(options, dict):
        return options
    out: dict[str, Any] = {}
    for k, v in options.items():
        name = str(k).lower()
        if name == "headers" and isinstance(v, dict):
            out[k] = sorted(str(h).lower() for h in v)
        elif any(w in name for w in _SECRET_WORDS):
            out[k] = None
        else:
            out[k] = _names_only(v)
    return out


def _scrub_tool_secrets(request: ChatRequest, body: dict[str, Any]) -> None:
    """Drop built-in tools' credentials from ``body`` (``request`` dumped), in place: an MCP
    server's ``authorization`` and its header values (the header names stay, sorted), and in any
    tool's ``provider_options`` the values of credential-looking keys and of headers
    (:func:`_names_only`). The dump leaves out defaults (``type`` too), so the tools are told
    apart on the request itself."""
    from ..builtin_tools import MCPServerTool

    for tool, dumped in zip(request.builtin_tools or (), body.get("builtin_tools") or (), strict=False):
        if not isinstance(dumped, dict):
            continue
        if "provider_options" in dumped:
            dumped["provider_options"] = _names_only(dumped["provider_options"])
        if not isinstance(tool, MCPServerTool):
            continue
        dumped.pop("authorization", None)
        if isinstance(dumped.get("headers"), dict):
            dumped["headers"] = sorted(str(k).lower() for k in dumped["headers"])


def canonical_request(
    provider: str,
    request: ChatRequest,
    *,
    base_url: str | None = None,
    settings: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> str:
    """The canonical JSON text hashed by :func:`cache_key`."""
    body = request.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    _scrub_tool_secrets(request, body)
    safe = {
        k: _jsonable(v) for k, v in sorted((settings or {}).items()) if not any(w in k.lower() for w in _SECRET_WORDS)
    }
    doc = {"v": KEY_VERSION, "provider": provider, "base_url": base_url, "settings": safe, "request": body}
    digest = headers_digest(headers)
    if digest is not None:  # only then: keys of models without extra headers stay as they were
        doc["headers"] = digest
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cache_key(
    provider: str,
    request: ChatRequest,
    *,
    base_url: str | None = None,
    settings: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> str:
    """``sha256:<hex>`` of :func:`canonical_request`."""
    text = canonical_request(provider, request, base_url=base_url, settings=settings, headers=headers)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
