"""Perplexity embeddings: ``POST /v1/embeddings`` (https://docs.perplexity.ai/api-reference/embeddings-post).

Request: ``{"model", "input": [texts], "dimensions"?, "encoding_format": "base64_int8"}``. Models
``pplx-embed-v1-0.6b`` (128-1024 dimensions, 1024 by default) and ``pplx-embed-v1-4b``
(128-2560, 2560 by default); at most 512 texts and 120,000 tokens a request.

Perplexity serves **quantized vectors only**: ``base64_int8`` (one signed byte a dimension, the
default; it is asked for explicitly so the decoding never depends on a default) or
``base64_binary``. The ``embedding_type`` contract of :mod:`llmcore.embeddings` decides what
``.vectors`` holds:

* ``"float"`` (the default): the int8 values as floats (-128.0 to 127.0), exact. They are not unit
  vectors: cosine similarity is unaffected, a plain dot product is not. ``provider_metadata
  ["encoding"]`` says ``"base64_int8"``.
* ``"int8"``: the same values as ints.
* ``"binary"``/``"ubinary"``: refused. Perplexity's ``base64_binary`` packs bits least
  significant first; the packed types here follow Cohere's layout, and no recording shows
  Perplexity's, so nothing is guessed. ``"uint8"`` is not offered.

No ``input_type``; a too-long text is an error (``truncate`` ``None``/``"error"`` only).
``dimensions`` outside the model's range is refused before the network. Usage from
``usage.prompt_tokens``; Perplexity's ``usage.cost`` goes to ``provider_metadata["usage"]``.
"""

from __future__ import annotations

from array import array
from typing import Any

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, answer_items, decode_packed, refuse, vector_length
from llmcore.errors import ProviderResponseError
from llmcore.types import Usage

__all__ = ["MAX_INPUTS", "MAX_TOKENS", "build_body", "parse_response"]

PROVIDER = "perplexity"
MAX_INPUTS = 512
MAX_TOKENS = 120_000
#: the largest ``dimensions`` of each model (the smallest is 128 for both)
_MAX_DIMENSIONS = {"pplx-embed-v1-0.6b": 1024, "pplx-embed-v1-4b": 2560}
_MIN_DIMENSIONS = 128


def build_body(request: EmbeddingRequest) -> dict[str, Any]:
    """The request body; :class:`~llmcore.errors.UnsupportedFeatureError` for what the API cannot do."""
    if request.input_type is not None:
        raise refuse(PROVIDER, "input_type", request.input_type, "the embeddings API has no input type")
    if request.truncate not in (None, "error"):
        raise refuse(PROVIDER, "truncate", request.truncate, "the API refuses too-long inputs; it never truncates")
    if request.embedding_type not in ("float", "int8"):
        raise refuse(
            PROVIDER,
            "embedding_type",
            request.embedding_type,
            "Perplexity gives int8 vectors (embedding_type 'int8', or 'float' for the same values as floats)",
        )
    body: dict[str, Any] = {"model": request.model, "input": request.texts}
    if request.dimensions is not None:
        top = _MAX_DIMENSIONS.get(request.model, max(_MAX_DIMENSIONS.values()))
        if not _MIN_DIMENSIONS <= request.dimensions <= top:
            raise refuse(
                PROVIDER,
                "dimensions",
                request.dimensions,
                f"{request.model} takes {_MIN_DIMENSIONS} to {top} dimensions",
            )
        body["dimensions"] = request.dimensions
    body["encoding_format"] = "base64_int8"
    opts = request.options_for(PROVIDER)
    if "encoding_format" in opts:
        raise refuse(PROVIDER, "provider_options.encoding_format", opts["encoding_format"], "use embedding_type")
    body.update(opts)
    return body


def parse_response(data: Any, request: EmbeddingRequest) -> EmbeddingResponse:
    """The vectors in input order (by ``index``), decoded exactly; a :class:`ProviderResponseError`
    for any other shape (a wrong count, a repeated index, a vector that is not base64, vectors of
    different lengths)."""
    items = answer_items(data, "data", request, PROVIDER)
    assert isinstance(data, dict)
    as_float = request.embedding_type == "float"
    vectors: list[Any] = [None] * len(items)
    for pos, item in enumerate(items):
        if not isinstance(item, dict):
            raise ProviderResponseError("an embeddings item is not an object", provider=PROVIDER, raw=str(item)[:200])
        i = item.get("index", pos)
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(items) or vectors[i] is not None:
            raise ProviderResponseError(f"bad or repeated embedding index {i!r}", provider=PROVIDER)
        emb = item.get("embedding")
        if not isinstance(emb, str):
            raise ProviderResponseError(
                "an embedding is not a base64 string (base64_int8 was asked for)", provider=PROVIDER, raw=str(emb)[:80]
            )
        ints = decode_packed(emb, "int8", PROVIDER)
        vectors[i] = array("d", ints).tolist() if as_float else ints
    dims = vector_length(vectors, PROVIDER)
    if request.dimensions is not None and dims != request.dimensions:
        raise ProviderResponseError(
            f"asked for {request.dimensions} dimensions, got {dims}", provider=PROVIDER, raw=str(data)[:200]
        )
    usage_raw = data.get("usage")
    n = usage_raw.get("prompt_tokens") if isinstance(usage_raw, dict) else None
    meta: dict[str, Any] = {"encoding": "base64_int8"}
    if isinstance(usage_raw, dict):
        extra = {k: v for k, v in usage_raw.items() if k not in ("prompt_tokens", "total_tokens")}
        if extra:
            meta["usage"] = extra
    model = data.get("model")
    return EmbeddingResponse(
        vectors=vectors,
        model=model if isinstance(model, str) else request.model,
        dimensions=dims,
        usage=Usage(input_tokens=n if isinstance(n, int) and not isinstance(n, bool) else None),
        provider=PROVIDER,
        provider_metadata=meta,
    )
