"""Embeddings and rerank: the second protocol of the provider system.

A provider that has an embeddings endpoint implements
``async embed(EmbeddingRequest) -> EmbeddingResponse`` and says so with
``Capabilities(embeddings=True)``; one with a rerank endpoint implements
``async rerank(RerankRequest) -> RerankResponse`` with ``rerank=True``.
Requests are built and checked here, once, before the network
(:func:`embedding_request`, :func:`rerank_request`); providers map the
neutral parameters to their own and refuse what they cannot honour with
:func:`refuse`.

The types are plain slotted classes, not pydantic models: a response holds
thousands of floats and is built by the codec, never validated again.
"""

from __future__ import annotations

import base64
import difflib
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from .errors import InvalidRequestError, ProviderResponseError, UnsupportedFeatureError

if TYPE_CHECKING:
    from .spec import ProviderSpec
    from .types import CallWarning, Usage

__all__ = [
    "EmbeddingRequest",
    "EmbeddingResponse",
    "RerankRequest",
    "RerankResponse",
    "RerankResult",
    "EmbeddingProvider",
    "RerankProvider",
    "embedding_request",
    "rerank_request",
    "refuse",
    "decode_base64_floats",
    "decode_packed",
    "plan_batches",
    "answer_items",
    "vector_length",
    "INPUT_TYPES",
    "TRUNCATE",
    "EMBEDDING_TYPES",
]

#: the neutral ``input_type`` values; each provider maps them to its own task types (or refuses)
INPUT_TYPES = ("query", "document", "classification", "clustering", "similarity", "code_query")
#: ``truncate``: ``None`` is the provider's default; ``"error"`` refuses a too-long text, ``"end"``
#: cuts the end off, ``"start"`` the start
TRUNCATE = ("error", "end", "start")
#: ``embedding_type``: ``"float"`` (default) gives floats; the others give the provider's packed
#: integers as ints (``int8``/``uint8`` one per dimension, ``binary``/``ubinary`` 8 dimensions a byte)
EMBEDDING_TYPES = ("float", "int8", "uint8", "binary", "ubinary")

EmbeddingType = Literal["float", "int8", "uint8", "binary", "ubinary"]


@dataclass(slots=True)
class EmbeddingRequest:
    """One embeddings call. ``texts`` is never empty and holds no empty string."""

    model: str
    texts: list[str]
    dimensions: int | None = None
    input_type: str | None = None
    truncate: str | None = None
    embedding_type: EmbeddingType = "float"
    provider_options: dict[str, Any] = field(default_factory=dict)

    def options_for(self, provider: str) -> dict[str, Any]:
        """``provider_options[provider]`` (passed through untouched), or ``{}``."""
        opts = self.provider_options.get(provider)
        return dict(opts) if isinstance(opts, dict) else {}

    def cache_key_data(self) -> dict[str, Any]:
        """What identifies the answer (for the response cache)."""
        return {
            "op": "embed",
            "model": self.model,
            "texts": self.texts,
            "dimensions": self.dimensions,
            "input_type": self.input_type,
            "truncate": self.truncate,
            "embedding_type": self.embedding_type,
            "provider_options": self.provider_options,
        }


@dataclass(slots=True)
class EmbeddingResponse:
    """Vectors in input order, one per text. ``dimensions`` is the length of each
    vector; ``usage.input_tokens`` is ``None`` when the provider does not say;
    ``cost`` (USD) is ``None`` when no price is known."""

    vectors: list[list[float]] | list[list[int]]
    model: str
    dimensions: int
    usage: Usage
    provider: str = ""
    cost: float | None = None
    warnings: list[CallWarning] = field(default_factory=list)
    #: what the provider sent besides the vectors (e.g. OpenRouter's own ``usage.cost``)
    provider_metadata: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"EmbeddingResponse(model={self.model!r}, vectors={len(self.vectors)}, "
            f"dimensions={self.dimensions}, usage={self.usage!r}, cost={self.cost!r})"
        )


@dataclass(slots=True)
class RerankRequest:
    """Rank ``documents`` by relevance to ``query``; ``top_n`` keeps the best n."""

    model: str
    query: str
    documents: list[str]
    top_n: int | None = None
    provider_options: dict[str, Any] = field(default_factory=dict)

    def options_for(self, provider: str) -> dict[str, Any]:
        opts = self.provider_options.get(provider)
        return dict(opts) if isinstance(opts, dict) else {}

    def cache_key_data(self) -> dict[str, Any]:
        return {
            "op": "rerank",
            "model": self.model,
            "query": self.query,
            "documents": self.documents,
            "top_n": self.top_n,
            "provider_options": self.provider_options,
        }


@dataclass(slots=True)
class RerankResult:
    """``documents[index]`` scored ``score`` (higher is more relevant)."""

    index: int
    score: float
    document: str


@dataclass(slots=True)
class RerankResponse:
    """Results sorted by score, best first (at most ``top_n``)."""

    results: list[RerankResult]
    model: str
    usage: Usage
    provider: str = ""
    cost: float | None = None
    warnings: list[CallWarning] = field(default_factory=list)
    provider_metadata: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class EmbeddingProvider(Protocol):
    """A provider with an embeddings endpoint."""

    spec: ProviderSpec

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse: ...


@runtime_checkable
class RerankProvider(Protocol):
    """A provider with a rerank endpoint."""

    spec: ProviderSpec

    async def rerank(self, request: RerankRequest) -> RerankResponse: ...


# -- building requests (once, before the network) -------------------------------------------

_EMBED_PARAMS = ("dimensions", "input_type", "truncate", "embedding_type", "provider_options")


def _texts(texts: Any, what: str, provider: str | None) -> list[str]:
    if isinstance(texts, str):
        texts = [texts]
    elif isinstance(texts, (bytes, bytearray)) or not isinstance(texts, Sequence):
        raise InvalidRequestError(
            f"{what} must be a string or a list of strings, not {type(texts).__name__}", provider=provider
        )
    out = list(texts)
    if not out:
        raise InvalidRequestError(f"{what} is empty: give at least one text", provider=provider)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise InvalidRequestError(f"{what}[{i}] is a {type(t).__name__}, not a string", provider=provider)
        if not t:
            # every embeddings API we map rejects an empty input (or embeds it as garbage)
            raise InvalidRequestError(f"{what}[{i}] is an empty string: embeddings need text", provider=provider)
    return out


def _unknown(params: dict[str, Any], known: Sequence[str], provider: str | None) -> None:
    unknown = sorted(set(params) - set(known))
    if unknown:
        hints = [
            f"{u!r} (did you mean {close[0]!r}?)" if (close := difflib.get_close_matches(u, known, 1)) else repr(u)
            for u in unknown
        ]
        raise InvalidRequestError(
            f"unknown parameter(s) {', '.join(hints)}; known: {', '.join(known)}", provider=provider
        )


def embedding_request(model: str, texts: Any, provider: str | None = None, **params: Any) -> EmbeddingRequest:
    """A checked :class:`EmbeddingRequest`: ``texts`` one string or a list of strings;
    ``dimensions`` a positive int; ``input_type`` one of :data:`INPUT_TYPES`; ``truncate``
    one of :data:`TRUNCATE`; ``embedding_type`` one of :data:`EMBEDDING_TYPES`;
    ``provider_options`` a dict. :class:`InvalidRequestError` otherwise."""
    _unknown(params, _EMBED_PARAMS, provider)
    dims = params.get("dimensions")
    if dims is not None and (isinstance(dims, bool) or not isinstance(dims, int) or dims < 1):
        raise InvalidRequestError(f"dimensions must be a positive integer, not {dims!r}", provider=provider)
    input_type = params.get("input_type")
    if input_type is not None and input_type not in INPUT_TYPES:
        raise InvalidRequestError(
            f"input_type must be one of {', '.join(INPUT_TYPES)}, not {input_type!r}", provider=provider
        )
    truncate = params.get("truncate")
    if truncate is not None and truncate not in TRUNCATE:
        raise InvalidRequestError(
            f"truncate must be None (the provider's default) or one of {', '.join(TRUNCATE)}, not {truncate!r}",
            provider=provider,
        )
    etype = params.get("embedding_type", "float")
    if etype not in EMBEDDING_TYPES:
        raise InvalidRequestError(
            f"embedding_type must be one of {', '.join(EMBEDDING_TYPES)}, not {etype!r}", provider=provider
        )
    popts = params.get("provider_options") or {}
    if not isinstance(popts, dict):
        raise InvalidRequestError("provider_options must be a dict keyed by provider name", provider=provider)
    return EmbeddingRequest(model, _texts(texts, "texts", provider), dims, input_type, truncate, etype, popts)


def rerank_request(
    model: str, query: Any, documents: Any, top_n: Any = None, provider: str | None = None, provider_options: Any = None
) -> RerankRequest:
    """A checked :class:`RerankRequest` (:class:`InvalidRequestError` otherwise)."""
    if not isinstance(query, str) or not query:
        raise InvalidRequestError("query must be a non-empty string", provider=provider)
    docs = _texts(documents, "documents", provider)
    if top_n is not None and (isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1):
        raise InvalidRequestError(f"top_n must be a positive integer, not {top_n!r}", provider=provider)
    popts = provider_options or {}
    if not isinstance(popts, dict):
        raise InvalidRequestError("provider_options must be a dict keyed by provider name", provider=provider)
    return RerankRequest(model, query, docs, top_n, popts)


def refuse(provider: str, parameter: str, value: Any, why: str) -> UnsupportedFeatureError:
    """The typed error a provider raises (before the network) for a parameter it cannot honour."""
    return UnsupportedFeatureError(f"{provider} cannot honour {parameter}={value!r}: {why}", provider=provider)


# -- decoding vectors ---------------------------------------------------------------------

_LITTLE = sys.byteorder == "little"


def decode_base64_floats(data: Any, provider: str) -> list[float]:
    """A base64 string of little-endian float32 values (OpenAI's ``encoding_format:
    "base64"``) as floats — exact, and far cheaper than parsing JSON numbers."""
    try:
        raw = base64.b64decode(data, validate=True)
    except (TypeError, ValueError) as e:
        raise ProviderResponseError(f"an embedding is not valid base64: {e}", provider=provider) from None
    if len(raw) % 4:
        raise ProviderResponseError(
            f"a base64 embedding of {len(raw)} bytes is not a whole number of float32 values", provider=provider
        )
    a = array("f")
    a.frombytes(raw)
    if not _LITTLE:  # pragma: no cover - big-endian machines
        a.byteswap()
    return a.tolist()


def decode_packed(data: Any, embedding_type: str, provider: str) -> list[int]:
    """Base64 bytes of an ``int8``/``uint8``/``binary``/``ubinary`` embedding as ints."""
    try:
        raw = base64.b64decode(data, validate=True)
    except (TypeError, ValueError) as e:
        raise ProviderResponseError(f"an embedding is not valid base64: {e}", provider=provider) from None
    return array("b" if embedding_type in ("int8", "binary") else "B", raw).tolist()


_FLOAT = frozenset((float,))
_JSON_NUMBERS = frozenset((float, int))


def floats(value: Any, provider: str) -> list[float]:
    """A JSON list of numbers as floats (a typed error for anything else, ``bool`` included).

    A parsed JSON list that holds only floats (the usual answer) is returned as is, not
    copied; one with integers too (``0``, ``1``) is converted in C. The checks look at
    each element's type once, in C (``set(map(type, ...))``): a per-element Python
    loop cost ~270 µs a 1,536-float vector, more than parsing it (see docs/performance.md).
    """
    try:
        if type(value) is list:
            kinds = set(map(type, value))
            if kinds <= _FLOAT:
                return value
            if kinds <= _JSON_NUMBERS:
                return array("d", value).tolist()
        # anything else (a list subclass, int/float subclasses such as numpy scalars): checked one by one
        if isinstance(value, list) and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
            return [float(x) for x in value]
    except OverflowError:  # an integer beyond float range (stdlib json parses any length)
        pass
    raise ProviderResponseError(f"an embedding is not a list of numbers: {str(value)[:80]}", provider=provider)


# -- batching -----------------------------------------------------------------------------


def answer_items(data: Any, key: str, request: EmbeddingRequest, provider: str) -> list[Any]:
    """``data[key]``: one item per text of ``request``, or a :class:`ProviderResponseError`
    saying how many came (the check every embeddings codec makes first)."""
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) != len(request.texts):
        got = len(items) if isinstance(items, list) else "no"
        raise ProviderResponseError(
            f"expected {len(request.texts)} embeddings, got {got}", provider=provider, raw=str(data)[:500]
        )
    return items


def vector_length(vectors: Sequence[Sequence[Any]], provider: str) -> int:
    """The common length of ``vectors`` (the response's ``dimensions``); a
    :class:`ProviderResponseError` when they differ or are empty."""
    dims = len(vectors[0]) if vectors else 0
    if dims == 0 or any(len(v) != dims for v in vectors):
        raise ProviderResponseError("the embeddings have different or zero lengths", provider=provider)
    return dims


def plan_batches(texts: Sequence[str], max_inputs: int | None, max_tokens: int | None = None) -> list[range]:
    """Consecutive slices of ``texts`` that each respect a provider's limits: at most
    ``max_inputs`` texts and (estimated at 4 characters a token, rounded up, so an
    estimate that errs high) at most ``max_tokens`` tokens a request. A text longer
    than ``max_tokens`` alone is its own request (the provider truncates or refuses it).
    In order; every index exactly once."""
    n = len(texts)
    if not max_inputs and not max_tokens:
        return [range(0, n)]
    out: list[range] = []
    start = 0
    tokens = 0
    for i, t in enumerate(texts):
        est = len(t) // 4 + 1
        full = (max_inputs and i - start >= max_inputs) or (max_tokens and tokens + est > max_tokens and i > start)
        if full:
            out.append(range(start, i))
            start, tokens = i, 0
        tokens += est
    out.append(range(start, n))
    return out
