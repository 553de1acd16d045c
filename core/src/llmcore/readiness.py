"""Cheap readiness checks behind ``llmcore providers list``'s STATUS column.

A provider's status must be true and name what is missing, yet listing must
stay fast and private: no heavy import, no network call to any provider. The
only probe allowed is a TCP connect to a server on *this machine* (a loopback
address), bounded by :data:`CONNECT_TIMEOUT`; a server anywhere else is shown
as not checked.

Status strings (what :meth:`llmcore.spec.ProviderSpec.status` returns):

* ``"ready"`` or ``"ready (<note>)"``: everything it needs is there;
* ``"needs <what> [and <what>...]"``: named variables, packages or files missing;
* ``"no server at <url> (<hint>)"``: a local server is not running;
* ``"not checked: <note>"``: a remote server that listing does not contact;
* ``"broken: <error>"``: the plugin failed to load (set by discovery).

:func:`is_ready` maps a status to ``True``/``False``/``None`` (not checked).
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .spec import ProviderSpec

__all__ = [
    "CONNECT_TIMEOUT",
    "env_missing",
    "is_ready",
    "local_server",
    "module_missing",
    "needs",
    "server_status",
]

#: seconds a loopback connect may take before the server counts as not answering
CONNECT_TIMEOUT = 0.3


def needs(*missing: str | None) -> str:
    """``"ready"`` when nothing is missing, else ``"needs A and B"`` (``None``/empty parts skipped;
    alternatives ``"A or B"`` are parenthesised among several parts)."""
    parts = [m for m in missing if m]
    if len(parts) > 1:  # "needs A and (B or C)", never the ambiguous "A and B or C"
        parts = [f"({p})" if " or " in p and not p.startswith("(") else p for p in parts]
    return "needs " + " and ".join(parts) if parts else "ready"


def env_missing(*names: str) -> list[str]:
    """The variables (or ``A|B`` alternatives, shown as ``A or B``) that are unset or empty."""
    out = []
    for name in names:
        options = name.split("|")
        if not any(os.environ.get(o) for o in options):
            out.append(" or ".join(options))
    return out


def module_missing(module: str, what: str) -> str | None:
    """``None`` when ``module`` is importable (checked without importing it), else ``what``
    (the package and how to install it, e.g. ``"gpt4all (pip install gpt4all)"``)."""
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    return None if found else what


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified  # 0.0.0.0 reaches this machine


def server_status(url: str | None, *, env: str | None = None, start: str | None = None) -> str:
    """The status of a server-backed provider at ``url``.

    A loopback server is probed with one TCP connect of at most
    :data:`CONNECT_TIMEOUT` seconds; any other host is ``not checked``.
    ``env`` names the variable that points llmcore elsewhere, ``start`` how to
    start the server (both used in the hint)."""
    if not url:
        return needs(env or "base_url")
    parts = urlsplit(url)
    host = parts.hostname or ""
    shown = f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}".rstrip("/")
    if not _is_loopback(host):
        return f"not checked: server at {shown}"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
            pass
    except OSError:
        hints = [h for h in (f"start it: {start}" if start else None, f"or set {env}" if env else None) if h]
        return f"no server at {shown}" + (f" ({'; '.join(hints)})" if hints else "")
    return f"ready (server at {shown} is up)"


def server_url(spec: ProviderSpec) -> str | None:
    """Where a user's call goes by default: ``$<base_url_env>``, else the spec's ``base_url``."""
    return (os.environ.get(spec.base_url_env) if spec.base_url_env else None) or spec.base_url


def local_server(start: str | None = None) -> Callable[[ProviderSpec], str]:
    """A :attr:`~llmcore.spec.ProviderSpec.readiness` for a provider served by a
    local server (vLLM, LM Studio, Ollama...): :func:`server_status` at
    :func:`server_url`, the spec's key checked too when it requires one."""

    def readiness(spec: ProviderSpec) -> str:
        missing = spec.key_missing()
        if missing:
            return needs(missing)
        return server_status(server_url(spec), env=spec.base_url_env, start=start)

    return readiness


def is_ready(status: str) -> bool | None:
    """``True`` for a ready status, ``None`` for one not checked, ``False`` otherwise."""
    if status == "ready" or status.startswith("ready "):
        return True
    if status.startswith("not checked"):
        return None
    return False
