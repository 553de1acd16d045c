"""Keeping keys safe: safe key identifiers and the plain-HTTP warning.

* :func:`key_id` names a key in logs, errors and ``status()`` by a short
  SHA-256 fingerprint, never by any part of the key itself.
* :func:`check_base_url` warns (an :class:`InsecureTransportWarning` and a
  ``logging`` warning on ``llmcore.security``) when a provider is pointed at
  a plain ``http://`` URL on a host other than this machine: prompts, and
  the API key if one is sent, would cross the network unencrypted. Loopback
  (``localhost``, ``127.0.0.0/8``, ``::1``) is fine.

* :func:`install_log_redaction` keeps keys out of the HTTP stack's own
  DEBUG logs: httpcore logs the response headers (a server may echo a key),
  hpack the request headers and raw header blocks (HTTP/2). Installed when
  :mod:`llmcore.http.client` is imported.

TLS verification is on by default for both transports
(:func:`llmcore.http.client.make_client`); a user-supplied ``http_client``
controls its own.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import warnings
from urllib.parse import urlsplit

__all__ = [
    "without_credentials",
    "InsecureTransportWarning",
    "RedactingFilter",
    "check_base_url",
    "install_log_redaction",
    "is_loopback_host",
    "key_id",
]

log = logging.getLogger("llmcore.security")
_warned: set[tuple[str, str]] = set()


class InsecureTransportWarning(UserWarning):
    """A provider URL sends traffic (maybe an API key) in clear text over the network."""


def key_id(key: str | None) -> str:
    """A short, non-reversible label for a key: ``sha256:1a2b3c4d``."""
    if not key:
        return "none"
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()[:8]


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost``, ``*.localhost`` and loopback addresses."""
    if not host:
        return False
    h = host.strip("[]").lower()
    if h == "localhost" or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` removed (for messages and reprs)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def check_base_url(url: str, provider: str, *, sends_key: bool) -> bool:
    """Refuse a URL with credentials in it; warn once per (provider, host)
    when ``url`` is plain HTTP to a non-loopback host. Returns True when it
    warned (or had warned).

    Credentials (``https://user:password@host``) are refused with a
    :class:`~llmcore.errors.ConfigurationError`, before any request: the
    transports disagree on them (httpx sends them as Basic auth, also next to
    a provider's own ``Authorization``; aiohttp refuses the URL), and a URL
    is printed in reprs, logs and errors. Pass the key as ``api_key=``, or
    an ``Authorization`` header with ``headers=``.
    """
    parts = urlsplit(url)
    if "@" in parts.netloc:
        from ..errors import ConfigurationError

        raise ConfigurationError(
            f"{provider}: the base URL {without_credentials(url)!r} carries credentials (user:password@); llmcore "
            "does not send credentials from a URL. Give the URL without them and pass the key as api_key=..., or "
            "a header: headers={'Authorization': 'Basic <base64 of user:password>'} (for a proxy in front of the "
            "provider)",
            provider=provider,
        )
    if parts.scheme.lower() != "http" or is_loopback_host(parts.hostname):
        return False
    host = parts.hostname or ""
    if (provider, host) in _warned:
        return True
    _warned.add((provider, host))
    what = "your API key and prompts" if sends_key else "prompts and answers"
    msg = (
        f"{provider}: base URL http://{host}... is plain HTTP to a host that is not this machine; "
        f"{what} would travel unencrypted. Use https:// (or a loopback address for a local server)."
    )
    log.warning(msg)
    warnings.warn(msg, InsecureTransportWarning, stacklevel=4)
    return True


#: the loggers of the HTTP stack that can log header values (a filter on a
#: logger sees only that logger's own records, hence every module's name)
_HTTP_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "hpack.hpack",
    "hpack.table",
    "aiohttp.client",
    "aiohttp.internal",
)
#: hpack records that carry raw (Huffman-coded) header blocks: no text filter can see a key in them
_RAW_HEADER_MESSAGES = frozenset({"Encoded header block to %s", "Decoding %s"})


class RedactingFilter(logging.Filter):
    """Masks registered keys and key-shaped strings in a record's message
    (:func:`llmcore.errors.redact`) and drops hpack's raw header-block records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in _RAW_HEADER_MESSAGES:
            return False
        from ..errors import redact

        try:
            text = record.getMessage()
        except Exception:
            return True
        clean = redact(text)
        if clean != text:
            record.msg, record.args = clean, None
        return True


_filter = RedactingFilter()


def install_log_redaction() -> None:
    """Add :class:`RedactingFilter` to the HTTP stack's loggers (idempotent)."""
    for name in _HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
