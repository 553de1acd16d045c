"""Cassette plumbing on vcrpy: replay by default, scrub on record.

* Record mode ``none`` unless ``LLMCORE_RECORD_MODE`` (set by
  ``nox -s record``) or pytest-recording's ``--record-mode`` says otherwise:
  a request with no recording fails the test instead of reaching the network.
* Matching is on method + path (+ host), which suits recordings made by
  other clients; request bodies are checked by the tests, not the matcher.
  Methods compare case-insensitively (some recorders store ``post``) and
  paths after percent-decoding (a recorded ``/projects/<PROJECT>/...``
  placeholder is sent by httpx as ``/projects/%3CPROJECT%3E/...``); a
  ``<PLACEHOLDER>`` in a recorded host matches any label text.
* On record, auth headers and key query parameters are dropped (the fixed
  lists, the ones providers declare in ``key_headers``/``key_query_params``, and
  any whose value contains this run's key), compressed bodies are stored
  decompressed, and everything is written with the ``llmcore`` serializer
  (readable YAML, SSE/NDJSON bodies kept whole).
* Every interaction recorded here carries the request header
  :data:`RECORDED_BY_HEADER` (stored in the cassette, never sent): the
  conformance kit compares the whole request body with such recordings, since
  they were sent by llmcore itself.

vcrpy intercepts httpx's own transports, so tests must use a plain
``httpx.AsyncClient()`` (see :func:`recording_client`).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "RECORDED_BY_HEADER",
    "Recordings",
    "SentRequests",
    "is_llmcore_recording",
    "make_vcr",
    "record_mode",
    "recording_client",
    "replay_from",
    "vcr_config",
]

#: request header written into each interaction this recorder stores (never sent to the provider):
#: the cassette was recorded by llmcore, so the request body it holds is what llmcore sends
RECORDED_BY_HEADER = "x-llmcore-recorded-by"

_mode_override: str | None = None


def record_mode() -> str:
    """``none`` (replay only) unless configured otherwise."""
    return _mode_override or os.environ.get("LLMCORE_RECORD_MODE", "none")


def set_record_mode(mode: str | None) -> None:
    """Set by the pytest plugin from ``--record-mode``."""
    global _mode_override
    _mode_override = mode


def _mark_recorded(request: Any) -> Any:
    """vcrpy ``before_record_request``: label the stored copy as recorded by llmcore."""
    from llmcore import __version__

    request.headers[RECORDED_BY_HEADER] = f"llmcore {__version__}"
    return request


def is_llmcore_recording(interaction: dict[str, Any]) -> bool:
    """Whether a stored interaction was recorded by this recorder (it has :data:`RECORDED_BY_HEADER`)."""
    headers = (interaction.get("request") or {}).get("headers") or {}
    return any(str(name).lower() == RECORDED_BY_HEADER for name in headers)


def vcr_config(cassette_dir: str | Path | None = None) -> dict[str, Any]:
    """vcrpy settings (also usable as pytest-recording's ``vcr_config``)."""
    from .cassette_format import SECRET_HEADERS, SECRET_QUERY_PARAMS, declared_secret_names

    headers, params = declared_secret_names()
    cfg: dict[str, Any] = {
        "record_mode": record_mode(),
        "serializer": "llmcore",
        "match_on": ["method", "scheme", "host", "port", "path"],
        "filter_headers": sorted(SECRET_HEADERS | headers),
        "filter_query_parameters": sorted(SECRET_QUERY_PARAMS | params),
        "before_record_request": _mark_recorded,
        "decode_compressed_response": True,
        "allow_playback_repeats": True,
    }
    if cassette_dir is not None:
        cfg["cassette_library_dir"] = str(cassette_dir)
    return cfg


def _method_matcher(r1: Any, r2: Any) -> None:
    """HTTP methods are case-insensitive tokens in recordings from other tools."""
    if str(r1.method).upper() != str(r2.method).upper():
        raise AssertionError(f"{r1.method} != {r2.method}")


def _path_matcher(r1: Any, r2: Any) -> None:
    """Paths compare after percent-decoding (empty path == ``/``)."""
    from urllib.parse import unquote

    if unquote(r1.path or "/") != unquote(r2.path or "/"):
        raise AssertionError(f"{r1.path} != {r2.path}")


def _host_matcher(r1: Any, r2: Any) -> None:
    """Hosts compare case-insensitively after percent-decoding; a ``<PLACEHOLDER>``
    in one host (ruby_llm records ``bedrock-runtime.<AWS_REGION>.amazonaws.com``)
    stands for any run of DNS-label characters in the other."""
    import re
    from urllib.parse import unquote

    h1, h2 = (unquote(r.host or "").lower() for r in (r1, r2))
    if h1 == h2:
        return
    for pattern, other in ((h1, h2), (h2, h1)):
        if "<" in pattern:
            parts = re.split(r"<[^<>.]*>", pattern)
            if re.fullmatch("[a-z0-9-]+".join(map(re.escape, parts)), other):
                return
    raise AssertionError(f"{r1.host} != {r2.host}")


def make_vcr(cassette_dir: str | Path) -> Any:
    """A configured ``vcr.VCR`` for ``cassette_dir``."""
    import vcr

    from . import cassette_format

    class _VCR(vcr.VCR):  # type: ignore[misc]
        # vcrpy takes ``allow_playback_repeats`` per cassette only; make it a default.
        def __init__(self, *, allow_playback_repeats: bool = False, **kw: Any) -> None:
            super().__init__(**kw)
            self._allow_playback_repeats = allow_playback_repeats

        def get_merged_config(self, **kwargs: Any) -> Any:
            kwargs.setdefault("allow_playback_repeats", self._allow_playback_repeats)
            return super().get_merged_config(**kwargs)

    cfg = vcr_config(cassette_dir)
    v = _VCR(**{k: v for k, v in cfg.items() if k != "serializer"})
    v.register_serializer("llmcore", cassette_format)
    v.serializer = "llmcore"
    v.register_matcher("method", _method_matcher)
    v.register_matcher("path", _path_matcher)
    v.register_matcher("host", _host_matcher)
    return v


class SentRequests(list):  # type: ignore[type-arg]
    """The ``httpx.Request`` objects a client sent, in order."""

    def bodies(self) -> list[Any]:
        import json

        out = []
        for r in self:
            try:
                out.append(json.loads(r.content) if r.content else None)
            except ValueError:
                out.append(r.content)
        return out


def recording_client(
    on_request: Callable[[Any], Awaitable[None]] | None = None,
    *,
    chunk_sizes: Sequence[int] | None = None,
) -> tuple[Any, SentRequests]:
    """A plain ``httpx.AsyncClient`` (interceptable by vcrpy) that remembers
    every request it sends. Returns ``(client, sent)``. With ``chunk_sizes``,
    every response body reaches the caller cut into pieces of those sizes
    (cycled) instead of as vcrpy replays it (whole)."""
    import httpx

    sent = SentRequests()

    async def hook(request: httpx.Request) -> None:
        sent.append(request)
        if on_request is not None:
            await on_request(request)

    hooks: dict[str, list[Any]] = {"request": [hook]}
    if chunk_sizes is not None:
        from .streams import rechunk_response

        hooks["response"] = [rechunk_response(chunk_sizes)]
    return httpx.AsyncClient(event_hooks=hooks), sent


@contextmanager
def replay_from(
    cassette_dir: str | Path, cassette: str, interaction: int = 0, *, repeats: bool | None = None
) -> Iterator[Any]:
    """vcrpy replaying ``cassette`` from its ``interaction``-th recorded interaction on.
    Matching is on method + path, so every request of a recorded conversation would
    match its first interaction: the earlier ones are marked played, and repeats are
    off when ``interaction`` > 0 (``repeats`` decides otherwise: off for a recording
    that answers the same path several times, e.g. polling). Yields the vcrpy cassette."""
    allow = (not interaction) if repeats is None else repeats
    with make_vcr(cassette_dir).use_cassette(cassette, allow_playback_repeats=allow) as played:
        for i in range(interaction):
            played.play_counts[i] = 1
        yield played


@functools.cache
def _stored(path: str) -> dict[str, Any]:
    from . import cassette_format

    return cassette_format.deserialize(Path(path).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _text(body: Any) -> str | bytes:
    if isinstance(body, dict):
        body = body.get("string")
    return body if isinstance(body, (str, bytes)) else ""


class Recordings:
    """The cassettes of one directory, as stored (each file is parsed once per process:
    treat what is returned as read-only). ``interaction`` is the 0-based position."""

    def __init__(self, cassette_dir: str | Path) -> None:
        self.cassette_dir = Path(cassette_dir)

    def interactions(self, cassette: str) -> list[dict[str, Any]]:
        """All recorded interactions of ``cassette``."""
        return _stored(str(self.cassette_dir / cassette))["interactions"]  # type: ignore[no-any-return]

    def interaction(self, cassette: str, interaction: int = 0) -> dict[str, Any]:
        """One recorded ``{"request": ..., "response": ...}``."""
        return self.interactions(cassette)[interaction]

    def request_body(self, cassette: str, interaction: int = 0) -> Any:
        """The recorded request body, parsed as JSON."""
        return json.loads(_text(self.interaction(cassette, interaction)["request"].get("body")))

    def response_bytes(self, cassette: str, interaction: int = 0) -> bytes:
        """The recorded response body as bytes (UTF-8 for a text body)."""
        body = _text(self.interaction(cassette, interaction)["response"]["body"])
        return body if isinstance(body, bytes) else body.encode()

    def response_text(self, cassette: str, interaction: int = 0) -> str:
        """The recorded response body as text."""
        body = _text(self.interaction(cassette, interaction)["response"]["body"])
        return body.decode() if isinstance(body, bytes) else body

    def response_body(self, cassette: str, interaction: int = 0) -> Any:
        """The recorded response body, parsed as JSON."""
        return json.loads(self.response_text(cassette, interaction))
