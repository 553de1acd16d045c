"""Secret scanner for cassettes and other test data (CI fails the build on any finding).

Usage: ``python -m llmcore_testing.secrets PATH...`` prints one line per finding
(``path:line: kind: excerpt``) and exits 1, or prints a count line and exits 0.

What is flagged:

* provider key shapes: OpenAI ``sk-``/``sk-proj-``, Anthropic ``sk-ant-``, Google
  ``AIza``/``ya29.``, AWS access key ids (``AKIA``/``ASIA``) and
  ``aws_secret_access_key`` assignments, SigV4 ``Credential=AKIA...``, Groq
  ``gsk_``, Hugging Face ``hf_``, Replicate ``r8_``, xAI ``xai-``, Perplexity
  ``pplx-``, Together ``tgp_v1_``, Fireworks ``fw_``, Cerebras ``csk-``;
* credential headers carrying a real-looking value: ``authorization`` /
  ``proxy-authorization`` (``Bearer <token>`` etc.), ``x-api-key``, ``api-key``,
  ``x-goog-api-key``, ``ocp-apim-subscription-key``, ``x-auth-token``, and any
  ``cookie`` / ``set-cookie`` value.

* this run's key values (:func:`configured_keys`: the variables installed providers
  read their key from, when set, and every key a provider was built with in this
  process) anywhere, whatever their shape;
* any other header whose name says it carries a credential (``*key*``, ``*token*``,
  ``*secret*``, ``*auth*``, ``*signature*``, ``*credential*``, ``*password*``:
  ``x-acme-key``, ``x-echo-key``...), including the ``key_headers`` providers
  declare, when its value looks real.

Placeholders (``<AUTH_TOKEN>``, ``REDACTED``, ``<filtered>``, ``test``,
``dummy``, ``$OPENAI_API_KEY``...) are not findings. A key shape only matches at a
token boundary, so ids (``chatcmpl-``, ``msg_``, ``resp_``, ``call_``) and long
base64 blobs (Anthropic thinking ``signature``, OpenAI ``encrypted_content``) do
not match by accident.

YAML cassettes are also parsed: header mappings are checked by name (whatever
the recorder's layout), multi-line scalars are scanned as whole strings, and
``!!binary`` / Ruby ``!binary`` bodies are base64-decoded (and gunzipped) first.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = ["Finding", "configured_keys", "iter_files", "main", "scan_paths", "scan_text"]


@dataclass(frozen=True)
class Finding:
    """One suspected secret: where it is, what it looks like, and a masked excerpt."""

    path: str
    line: int
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.excerpt}"


# A key starts at a token boundary: not inside a word, id, or base64/url-safe blob.
_B = r"(?<![A-Za-z0-9_-])"
_E = r"(?![A-Za-z0-9_-])"

_KEY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("sigv4_credential", r"(?<=Credential=)(?:AKIA|ASIA)[0-9A-Z]{16}(?=/)"),
        ("anthropic_key", _B + r"sk-ant-[A-Za-z0-9_-]{20,}"),
        ("openai_key", _B + r"sk-(?!ant-)[A-Za-z0-9_-]{20,}"),
        ("google_api_key", _B + r"AIza[0-9A-Za-z_-]{35}" + _E),
        ("google_oauth_token", _B + r"ya29\.[0-9A-Za-z_-]{20,}"),
        ("aws_access_key_id", _B + r"(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Za-z])"),
        ("groq_key", _B + r"gsk_[A-Za-z0-9]{20,}"),
        ("huggingface_token", _B + r"hf_[A-Za-z0-9]{30,}"),
        ("replicate_token", _B + r"r8_[A-Za-z0-9]{30,}"),
        ("xai_key", _B + r"xai-[A-Za-z0-9]{30,}"),
        ("perplexity_key", _B + r"pplx-[A-Za-z0-9]{30,}"),
        ("together_key", _B + r"tgp_v1_[A-Za-z0-9_-]{20,}"),
        ("fireworks_key", _B + r"fw_[A-Za-z0-9]{20,}"),
        ("cerebras_key", _B + r"csk-[A-Za-z0-9]{20,}"),
    )
)

_AWS_SECRET = re.compile(
    r"(?i)aws_?secret_?access_?key[\"']?\s*[:=]\s*[\"']?(?P<v>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"
)

_HEADER_KINDS: dict[str, str] = {
    "authorization": "authorization_header",
    "proxy-authorization": "authorization_header",
    "x-api-key": "api_key_header",
    "api-key": "api_key_header",
    "x-goog-api-key": "api_key_header",
    "ocp-apim-subscription-key": "api_key_header",
    "x-auth-token": "api_key_header",
    "cookie": "cookie_header",
    "set-cookie": "cookie_header",
}
_HEADER_NAMES = "|".join(re.escape(name) for name in _HEADER_KINDS)
# ``Name: value`` (raw HTTP, YAML scalar style, Ruby/R headers) and JSON ``"name": "value"``.
_HEADER_LINE = re.compile(
    rf"(?i)(?<![A-Za-z0-9_-])[\"']?(?P<name>{_HEADER_NAMES})[\"']?\s*:\s*[\"']?"
    rf"(?P<value>[^\s\"',}}][^\"'\r\n}}]*)"
)
# HAR-style ``{"name": "Authorization", "value": "..."}``.
_HEADER_PAIR = re.compile(
    rf"(?i)\"name\"\s*:\s*\"(?P<name>{_HEADER_NAMES})\"\s*,\s*\"value\"\s*:\s*\"(?P<value>[^\"]*)\""
)

#: a header name that says its value is a credential (besides the named ones above)
_KEYLIKE_NAME = re.compile(
    r"(?i)(?:^|[-_])(?:key|apikey|token|secret|auth|signature|credentials?|password|passwd)(?:$|[-_])"
)
# ``x-something-key: value`` (raw HTTP, YAML scalar style) and JSON ``"x-something-key": "value"``.
_KEYLIKE_LINE = re.compile(
    r"(?i)(?<![A-Za-z0-9_-])[\"']?(?P<name>x-[A-Za-z0-9_-]+|[A-Za-z0-9_-]+-(?:key|token|secret))[\"']?\s*:\s*[\"']?"
    r"(?P<value>[^\s\"',}][^\"'\r\n}]*)"
)

#: a key value shorter than this is not searched for (``"EMPTY"``, ``"ollama"``: dummies)
_MIN_KEY_LENGTH = 8


def _is_keylike_header(name: str) -> bool:
    """A header (not one of the named ones) whose name says it carries a credential,
    or one an installed provider declares (:attr:`~llmcore.spec.ProviderSpec.key_headers`)."""
    lowered = name.lower()
    if lowered in _HEADER_KINDS:
        return False
    if _KEYLIKE_NAME.search(lowered):
        return True
    from .cassette_format import declared_secret_names

    return lowered in declared_secret_names()[0]


def configured_keys() -> dict[str, str]:
    """This run's key values -> where each comes from (``$GROQ_API_KEY``, ``a provider's key``):
    the environment variables every installed provider reads its key from (``env_keys``; a
    comma-separated pool gives each of its keys), when set, and every key a provider was
    built with in this process (:func:`llmcore.errors.registered_secrets`). Values shorter
    than 8 characters are dummies and left out. The recorder scrubs these values and the
    scanner reports them, whatever their shape."""
    found: dict[str, str] = {}
    try:
        from llmcore.plugins import get_registry

        specs = list(get_registry().providers.values())
    except Exception:  # discovery failing must not stop a scan
        specs = []
    for spec in specs:
        for var in spec.env_keys:
            for value in os.environ.get(var, "").split(","):
                value = value.strip()
                if len(value) >= _MIN_KEY_LENGTH:
                    found.setdefault(value, f"${var}")
    from llmcore.errors import registered_secrets

    for value in registered_secrets():
        if len(value) >= _MIN_KEY_LENGTH:
            found.setdefault(value, "a provider's key")
    return found


_PLACEHOLDER_WORDS = re.compile(
    r"(?i)redacted|filtered|scrubbed|masked|dummy|test|fake|example|placeholder|"
    r"invalid|your|xxx|changeme|sample|mock|none|null|secret|token|api.?key|\*"
)
_SCHEME = re.compile(r"(?i)^(?:bearer|basic|token|key|apikey|digest)\s+")


def _is_placeholder(value: str) -> bool:
    """True unless ``value`` looks like a real credential.

    Real keys and tokens are long random strings with letters and digits;
    templates (``<X>``, ``{{x}}``, ``$X``), redactions and toy words are not.
    """
    value = value.strip().strip("\"'")
    if len(value) < 16 or not (re.search(r"[0-9]", value) and re.search(r"[A-Za-z]", value)):
        return True
    if value[0] in "<{$%[" or value.endswith((">", "}", "]")):
        return True
    if len(set(value)) <= 3:
        return True
    return bool(_PLACEHOLDER_WORDS.search(value))


def _header_secret(name: str, value: str) -> str | None:
    """Return the part of a credential header value that is a secret, else ``None``."""
    value = value.strip()
    lowered = name.lower()
    if lowered in ("cookie", "set-cookie"):
        # Any cookie value counts, unless it is a placeholder like ``<COOKIE>``.
        cookie_value = value.partition("=")[2].partition(";")[0] if "=" in value else value
        if not cookie_value or cookie_value.strip().startswith("<") or value.startswith("<"):
            return None
        return value.partition(";")[0]
    if lowered.endswith("authorization"):
        if value.upper().startswith("AWS4-HMAC-SHA256"):
            return None  # the SigV4 key id is matched by its own pattern
        value = _SCHEME.sub("", value)
    return None if _is_placeholder(value) else value


@dataclass(frozen=True)
class _Hit:
    line: int
    kind: str
    secret: str
    context: str


def _mask(secret: str) -> str:
    """Keep a short recognisable prefix, hide the rest."""
    keep = min(len(secret) // 4, 8)
    return f"{secret[:keep]}***({len(secret)} chars)"


def _excerpt(hit: _Hit) -> str:
    context = hit.context.replace(hit.secret, _mask(hit.secret)).strip()
    return context if len(context) <= 160 else context[:157] + "..."


def _line_hits(line: str, lineno: int, keys: dict[str, str] | None = None) -> Iterator[_Hit]:
    """All secrets in one line of text; ``keys``: key values to find whatever their shape
    (value -> where it comes from)."""
    spans: list[tuple[int, int]] = []

    def fresh(start: int, end: int) -> bool:
        if any(start < e and s < end for s, e in spans):
            return False
        spans.append((start, end))
        return True

    for kind, pattern in _KEY_PATTERNS:
        for match in pattern.finditer(line):
            if fresh(match.start(), match.end()):
                yield _Hit(lineno, kind, match.group(), line)
    for match in _AWS_SECRET.finditer(line):
        secret = match.group("v")
        if not _is_placeholder(secret) and fresh(match.start("v"), match.end("v")):
            yield _Hit(lineno, "aws_secret_access_key", secret, line)
    for regex in (_HEADER_PAIR, _HEADER_LINE):
        for match in regex.finditer(line):
            name = match.group("name")
            secret = _header_secret(name, match.group("value"))
            if secret and fresh(match.start("value"), match.end("value")):
                yield _Hit(lineno, _HEADER_KINDS[name.lower()], secret, line)
    for key, source in (keys or {}).items():
        start = line.find(key)
        if start >= 0:  # reported even where a shape above matched too: this one names its source
            fresh(start, start + len(key))
            yield _Hit(lineno, f"configured_key ({source})", key, line)
    for match in _KEYLIKE_LINE.finditer(line):
        name = match.group("name")
        if not _is_keylike_header(name):
            continue
        secret = _header_secret(name, match.group("value"))
        if secret and fresh(match.start("value"), match.end("value")):
            yield _Hit(lineno, "key_like_header", secret, line)


def _text_hits(text: str, first_line: int = 1, keys: dict[str, str] | None = None) -> Iterator[_Hit]:
    for offset, line in enumerate(text.splitlines()):
        yield from _line_hits(line, first_line + offset, keys)


def scan_text(text: str, path: str = "<text>", *, keys: dict[str, str] | None = None) -> list[Finding]:
    """Scan ``text`` line by line; return findings (1-based lines) attributed to ``path``.
    ``keys``: key values to report wherever they appear (value -> where it comes from)."""
    return [Finding(path, h.line, h.kind, _excerpt(h)) for h in _text_hits(text, keys=keys)]


# --------------------------------------------------------------------------- YAML files


def _decode_binary(value: str) -> str | None:
    """Base64-decode a ``!!binary`` scalar, gunzip it if needed, and return text."""
    try:
        data = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            pass
    return data.decode("utf-8", errors="replace")


def _yaml_hits(text: str, keys: dict[str, str] | None = None) -> Iterator[_Hit]:
    """Structure-aware hits in a YAML document: headers by name, whole and binary scalars."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return
    stack: list[yaml.Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value.lower() in _HEADER_KINDS:
                    items = value.value if isinstance(value, yaml.SequenceNode) else [value]
                    for item in items:
                        if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str):
                            secret = _header_secret(key.value, item.value)
                            if secret:
                                kind = _HEADER_KINDS[key.value.lower()]
                                context = f"{key.value}: {item.value}"
                                yield _Hit(item.start_mark.line + 1, kind, secret, context)
                elif isinstance(key, yaml.ScalarNode) and isinstance(key.value, str) and _is_keylike_header(key.value):
                    items = value.value if isinstance(value, yaml.SequenceNode) else [value]
                    for item in items:
                        if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str):
                            secret = _header_secret(key.value, item.value)
                            if secret:
                                context = f"{key.value}: {item.value}"
                                yield _Hit(item.start_mark.line + 1, "key_like_header", secret, context)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.ScalarNode):
            line = node.start_mark.line + 1
            if node.tag.endswith(":binary") or node.tag == "!binary":
                decoded = _decode_binary(node.value)
                if decoded is not None:
                    for hit in _text_hits(decoded, keys=keys):
                        yield _Hit(line, hit.kind, hit.secret, hit.context)
            elif node.end_mark.line > node.start_mark.line:
                # A folded or quoted multi-line scalar: scan the joined value too.
                for hit in _text_hits(node.value, keys=keys):
                    yield _Hit(line, hit.kind, hit.secret, hit.context)


def _file_text(path: Path) -> str | None:
    """The file's text (gunzipped if it is gzip), or ``None`` for other binary files."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return None
    if b"\x00" in data:
        return None
    return data.decode("utf-8", errors="replace")


_SKIP_DIRS = frozenset({".git", "__pycache__", ".venv", "venv", ".nox", ".tox", "node_modules"})


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Yield every file under ``paths`` (files as given, directories walked, sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
                for name in sorted(files):
                    yield Path(root) / name
        elif path.is_file():
            yield path


def scan_paths(paths: Iterable[str | os.PathLike[str]], *, keys: dict[str, str] | None = None) -> list[Finding]:
    """Scan files and directory trees and return the findings.

    Each distinct secret is reported once per file, at the first line it is seen.
    YAML files (``.yaml``/``.yml``, optionally ``.gz``) also get the
    structure-aware pass (headers by name, multi-line and binary scalars).
    ``keys``: key values to report wherever they appear (value -> where it comes
    from); default: this run's, :func:`configured_keys`.
    """
    keys = configured_keys() if keys is None else keys
    findings: list[Finding] = []
    for path in iter_files(paths):
        text = _file_text(path)
        if text is None:
            continue
        hits = list(_text_hits(text, keys=keys))
        if path.name.removesuffix(".gz").endswith((".yaml", ".yml")):
            hits.extend(_yaml_hits(text, keys))
        seen: set[tuple[str, str]] = set()
        for hit in sorted(hits, key=lambda h: h.line):
            key = (hit.kind, hashlib.sha256(hit.secret.encode()).hexdigest())
            if key not in seen:
                seen.add(key)
                findings.append(Finding(str(path), hit.line, hit.kind, _excerpt(hit)))
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: scan the given paths; print findings and return 1, or a count line and 0."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m llmcore_testing.secrets PATH...", file=sys.stderr)
        return 2
    findings = scan_paths(args)
    for finding in findings:
        print(finding)
    if findings:
        print(f"secrets: {len(findings)} finding(s)", file=sys.stderr)
        return 1
    print(f"secrets: 0 findings in {sum(1 for _ in iter_files(args))} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
