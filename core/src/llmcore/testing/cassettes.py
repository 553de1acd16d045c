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
* On record, auth headers and key query parameters are dropped, compressed
  bodies are stored decompressed, and everything is written with the
  ``llmcore`` serializer (readable YAML, SSE/NDJSON bodies kept whole).

vcrpy intercepts httpx's own transports, so tests must use a plain
``httpx.AsyncClient()`` (see :func:`recording_client`).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["make_vcr", "record_mode", "vcr_config", "recording_client", "SentRequests"]

_mode_override: str | None = None


def record_mode() -> str:
    """``none`` (replay only) unless configured otherwise."""
    return _mode_override or os.environ.get("LLMCORE_RECORD_MODE", "none")


def set_record_mode(mode: str | None) -> None:
    """Set by the pytest plugin from ``--record-mode``."""
    global _mode_override
    _mode_override = mode


def vcr_config(cassette_dir: str | Path | None = None) -> dict[str, Any]:
    """vcrpy settings (also usable as pytest-recording's ``vcr_config``)."""
    from .cassette_format import SECRET_HEADERS, SECRET_QUERY_PARAMS

    cfg: dict[str, Any] = {
        "record_mode": record_mode(),
        "serializer": "llmcore",
        "match_on": ["method", "scheme", "host", "port", "path"],
        "filter_headers": sorted(SECRET_HEADERS),
        "filter_query_parameters": sorted(SECRET_QUERY_PARAMS),
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
