"""The llmcore cassette format: vcrpy "version 1" YAML, made readable and scrubbed.

This module is a vcrpy serializer (it has the ``serialize``/``deserialize`` pair
vcrpy expects), so ``vcr.VCR().register_serializer("llmcore", cassette_format)``
followed by ``serializer="llmcore"`` records and replays our cassettes.

A cassette is ``{"version": 1, "interactions": [{"request": ..., "response": ...}]}``
with

* ``request``: ``{"method", "uri", "body", "headers"}``; ``headers`` maps a header
  name to a *list* of values (as vcrpy writes them); ``body`` is ``str``, ``bytes``
  or ``None``;
* ``response``: ``{"status": {"code", "message"}, "headers", "body": {"string"}}``.

On disk:

* strings containing a line break are written as YAML literal blocks (``|``), so
  SSE and NDJSON streams stay whole and readable; a string the literal style
  cannot carry losslessly (carriage returns, trailing spaces, control characters)
  falls back to a double-quoted scalar, which is always exact;
* a compressed body (``Content-Encoding: gzip``/``deflate``) is stored
  decompressed, with ``Content-Encoding`` dropped and ``Content-Length`` fixed;
* a body that is valid UTF-8 is stored as text; anything else stays ``!!binary``;
* headers and query parameters that carry a key are removed, and this run's key
  values replaced wherever they appear (see :func:`scrub_interaction`), every time a
  cassette is serialized.
"""

from __future__ import annotations

import copy
import gzip
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote_plus

import yaml

try:  # libyaml bindings are ~10x faster; fall back to pure Python without them.
    from yaml import CSafeDumper as _SafeDumper
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _SafeDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

__all__ = [
    "CASSETTE_VERSION",
    "REDACTED",
    "SECRET_HEADERS",
    "SECRET_QUERY_PARAMS",
    "CassetteFormatError",
    "decode_body",
    "declared_secret_names",
    "deserialize",
    "scrub_headers",
    "scrub_interaction",
    "scrub_uri",
    "serialize",
]

CASSETTE_VERSION = 1
"""The vcrpy cassette format version our files declare."""

REDACTED = "REDACTED"
"""Replacement value for secret query parameters."""

SECRET_HEADERS: frozenset[str] = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "ocp-apim-subscription-key",
        "x-auth-token",
        "cookie",
        "set-cookie",
        "openai-organization",
        "openai-project",
        "anthropic-organization-id",
        "x-amz-security-token",
    }
)
"""Lower-case names of headers that are dropped from requests and responses."""

SECRET_QUERY_PARAMS: frozenset[str] = frozenset(
    {
        "key",
        "api_key",
        "api-key",
        "apikey",
        "access_token",
        "token",
        "client_secret",
        "refresh_token",
        "sig",
        "x-amz-credential",
        "x-amz-security-token",
        "x-amz-signature",
    }
)
"""Lower-case query parameter names whose values are replaced by :data:`REDACTED`."""


class CassetteFormatError(ValueError):
    """Raised when text or data is not in a cassette shape this module understands."""


_LITERAL_UNSAFE = frozenset("\r\x85\u2028\u2029\ufeff")
_WIDTH = 1_000_000  # never fold long lines: one JSON body stays one line


# --------------------------------------------------------------------------- scrubbing


def declared_secret_names() -> tuple[frozenset[str], frozenset[str]]:
    """``(headers, query parameters)`` that installed providers declare as carrying their
    key (:attr:`llmcore.spec.ProviderSpec.key_headers` / ``key_query_params``), lower-case.
    Empty when discovery fails (scrubbing must never break a recording)."""
    try:
        from llmcore.plugins import get_registry

        registry = get_registry()
    except Exception:  # a broken environment still gets the fixed lists and the value check
        return frozenset(), frozenset()
    if _declared_cache.get("registry") is not registry:  # computed once per discovery (the scanner asks often)
        specs = list(registry.providers.values())
        _declared_cache["registry"] = registry
        _declared_cache["names"] = (
            frozenset(h.lower() for s in specs for h in s.key_headers),
            frozenset(q.lower() for s in specs for q in s.key_query_params),
        )
    return _declared_cache["names"]  # type: ignore[no-any-return]


_declared_cache: dict[str, Any] = {}


def _secret_values() -> tuple[str, ...]:
    """The key values of this run (see :func:`llmcore_testing.secrets.configured_keys`), longest first
    so that a key that contains another is replaced whole."""
    from .secrets import configured_keys

    return tuple(sorted(configured_keys(), key=len, reverse=True))


def _contains_secret(value: Any, secrets: Sequence[str]) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(secret in str(v) for v in values for secret in secrets)


def scrub_headers(
    headers: Mapping[str, Any] | None,
    *,
    names: Iterable[str] | None = None,
    secrets: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Return a copy of ``headers`` without the headers that carry a key.

    Dropped: the names in :data:`SECRET_HEADERS` and ``names`` (default: the
    headers installed providers declare, :func:`declared_secret_names`), and any
    header whose value contains one of ``secrets`` (default: this run's key values,
    :func:`llmcore_testing.secrets.configured_keys`). Names match case-insensitively;
    the remaining names and values are untouched.
    """
    if not headers:
        return {}
    drop = SECRET_HEADERS | {n.lower() for n in (declared_secret_names()[0] if names is None else names)}
    values = _secret_values() if secrets is None else tuple(secrets)
    return {
        name: value
        for name, value in headers.items()
        if name.lower() not in drop and not _contains_secret(value, values)
    }


def scrub_uri(uri: str, *, names: Iterable[str] | None = None, secrets: Sequence[str] | None = None) -> str:
    """Return ``uri`` with the value of every secret query parameter set to :data:`REDACTED`.

    Secret: a name in :data:`SECRET_QUERY_PARAMS` or ``names`` (default: the parameters
    installed providers declare), or a value that contains one of ``secrets`` (default:
    this run's key values); a key value anywhere else in the URI (a path segment) is
    replaced too. Only the affected parts change; everything else in the URI (order,
    encoding, fragment) is kept byte for byte.
    """
    values = _secret_values() if secrets is None else tuple(secrets)
    secret_names = SECRET_QUERY_PARAMS | {n.lower() for n in (declared_secret_names()[1] if names is None else names)}
    base, sep, rest = uri.partition("?")
    if sep:
        query, hash_sep, fragment = rest.partition("#")
        pairs = query.split("&")
        for index, pair in enumerate(pairs):
            name, eq, value = pair.partition("=")
            if eq and (unquote_plus(name).lower() in secret_names or _contains_secret(unquote_plus(value), values)):
                pairs[index] = f"{name}={REDACTED}"
        uri = f"{base}?{'&'.join(pairs)}{hash_sep}{fragment}"
    return _replace_secrets(uri, values, quoted=True)


def _replace_secrets(text: Any, secrets: Sequence[str], *, quoted: bool = False) -> Any:
    """``text`` (``str`` or ``bytes``; anything else is returned as is) with each secret,
    and with ``quoted`` its percent-encoded form, replaced by :data:`REDACTED`."""
    from urllib.parse import quote, quote_plus

    for secret in secrets:
        forms = {secret, quote(secret, safe=""), quote_plus(secret)} if quoted else {secret}
        for form in forms:
            if isinstance(text, str):
                text = text.replace(form, REDACTED)
            elif isinstance(text, bytes):
                text = text.replace(form.encode(), REDACTED.encode())
    return text


def scrub_interaction(interaction: dict[str, Any]) -> dict[str, Any]:
    """Return a scrubbed copy of one ``{"request", "response"}`` interaction.

    Headers that carry a key (:func:`scrub_headers`) are dropped from the request and
    the response, secret query parameters in the request URI are redacted
    (:func:`scrub_uri`), and a key value of this run found in a body is replaced by
    :data:`REDACTED`; bodies are not otherwise modified. The input is not mutated.
    """
    names = declared_secret_names()
    secrets = _secret_values()
    scrubbed = dict(interaction)
    request = interaction.get("request")
    if isinstance(request, dict):
        request = dict(request)
        request["headers"] = scrub_headers(request.get("headers"), names=names[0], secrets=secrets)
        if isinstance(request.get("uri"), str):
            request["uri"] = scrub_uri(request["uri"], names=names[1], secrets=secrets)
        if secrets:
            request["body"] = _replace_secrets(request.get("body"), secrets)
        scrubbed["request"] = request
    response = interaction.get("response")
    if isinstance(response, dict):
        response = dict(response)
        response["headers"] = scrub_headers(response.get("headers"), names=names[0], secrets=secrets)
        body = response.get("body")
        if secrets and isinstance(body, dict):
            text = _replace_secrets(body.get("string"), secrets)
            if text != body.get("string"):
                response["body"] = {**body, "string": text}
                if _header_values(response["headers"], "content-length"):
                    size = len(text.encode() if isinstance(text, str) else text)
                    _set_header(response["headers"], "content-length", str(size))
        scrubbed["response"] = response
    return scrubbed


# --------------------------------------------------------------------------- bodies


def _header_values(headers: Mapping[str, Any], name: str) -> list[str]:
    """All values of header ``name`` (case-insensitive), flattened to strings."""
    values: list[str] = []
    for key, value in headers.items():
        if key.lower() == name:
            values.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    return values


def _set_header(headers: dict[str, Any], name: str, value: str | None) -> None:
    """Replace (or with ``None`` remove) every spelling of header ``name``, keeping list shape."""
    for key in [k for k in headers if k.lower() == name]:
        if value is None:
            del headers[key]
        else:
            headers[key] = [value] if isinstance(headers[key], list) else value


_DECOMPRESSORS = frozenset({"gzip", "x-gzip", "deflate"})


def _decompress(data: bytes, encoding: str) -> bytes | None:
    """Undo one ``Content-Encoding`` in :data:`_DECOMPRESSORS`; ``None`` if ``data`` is not so encoded."""
    try:
        if encoding == "deflate":
            try:
                return zlib.decompress(data)
            except zlib.error:
                return zlib.decompress(data, -zlib.MAX_WBITS)
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None


def decode_body(headers: Mapping[str, Any], body: str | bytes | None) -> tuple[dict[str, Any], str | bytes | None]:
    """Return ``(headers, body)`` with the body decompressed and, if UTF-8, decoded to ``str``.

    * ``Content-Encoding: gzip``/``x-gzip``/``deflate`` bodies are decompressed and
      the header is dropped; a ``Content-Length`` header is set to the new size.
    * When ``Content-Encoding`` names a compression but the body is not compressed
      (a recorder already decoded it) the stale header is dropped, since a client
      replaying it would fail to decode.
    * A body in a coding we cannot undo (``br``, ``zstd`` bytes) is left exactly as
      it is, headers included.
    * Bytes that are valid UTF-8 become ``str``; other bytes stay ``bytes``.

    The content itself is never altered. ``headers`` is not mutated.
    """
    out = dict(headers)
    encodings = [
        token.strip().lower()
        for value in _header_values(out, "content-encoding")
        for token in value.split(",")
        if token.strip()
    ]
    if encodings and body is not None:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        for encoding in reversed(encodings):  # the last-applied coding is undone first
            if encoding in _DECOMPRESSORS:
                # A failure means the recorder already decoded the body: keep it as is.
                decoded = _decompress(raw, encoding)
                raw = raw if decoded is None else decoded
            elif encoding != "identity" and isinstance(body, bytes):
                break  # a coding we cannot undo (br, zstd): leave body and headers alone
        else:
            _set_header(out, "content-encoding", None)
            if _header_values(out, "content-length"):
                _set_header(out, "content-length", str(len(raw)))
            body = raw
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return out, body


def _normalize_interaction(interaction: Mapping[str, Any]) -> dict[str, Any]:
    """Store one interaction's bodies decompressed, as text where possible, then scrub it
    (decompressed first, so that a key in a compressed body is found)."""
    result = dict(interaction)
    request = result.get("request")
    if isinstance(request, dict):
        request = result["request"] = dict(request)
        request["headers"], request["body"] = decode_body(request.get("headers") or {}, request.get("body"))
    response = result.get("response")
    if isinstance(response, dict):
        response = result["response"] = dict(response)
        body = response.get("body")
        if isinstance(body, dict):
            body = dict(body)
            response["headers"], body["string"] = decode_body(response.get("headers") or {}, body.get("string"))
            response["body"] = body
    return scrub_interaction(result)


# --------------------------------------------------------------------------- YAML


class _Dumper(_SafeDumper):  # type: ignore[misc,valid-type]
    """Safe dumper writing multi-line strings as literal blocks and never using aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    """Literal block for multi-line text the literal style can round-trip, else the default."""
    if "\n" in data:
        if _LITERAL_UNSAFE.isdisjoint(data):
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _represent_str)


def serialize(cassette_dict: dict[str, Any]) -> str:
    """Serialize a vcrpy cassette dict to llmcore cassette YAML (vcrpy serializer protocol).

    Every interaction is scrubbed (:func:`scrub_interaction`) and its bodies
    normalized (:func:`decode_body`) on the way out; the argument is not mutated.
    Keys are sorted, long lines are never folded and multi-line strings use the
    literal block style, so the output is stable and diff-friendly.
    """
    data = copy.copy(cassette_dict)
    data.setdefault("version", CASSETTE_VERSION)
    data["interactions"] = [_normalize_interaction(i) for i in cassette_dict.get("interactions", [])]
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=True,
        width=_WIDTH,
        default_flow_style=False,
    )


def deserialize(cassette_string: str) -> dict[str, Any]:
    """Parse llmcore cassette YAML into a vcrpy cassette dict (vcrpy serializer protocol).

    Uses a safe loader only. Raises :class:`CassetteFormatError` (a ``ValueError``)
    if the text is not a cassette (a mapping with an ``interactions`` list).
    """
    data = yaml.load(cassette_string, Loader=_SafeLoader)
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteFormatError("expected a mapping with an 'interactions' list")
    return data
