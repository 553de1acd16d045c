"""Embeddings on Bedrock: ``InvokeModel`` (``POST /model/{modelId}/invoke``) with each model
family's own body. The family is told by the model id (a geo prefix such as ``us.`` is ignored):

* **Titan Text Embeddings V2** (``amazon.titan-embed-text-v2:0``): ``{"inputText", "dimensions"?,
  "normalize": true}``, *one text a request* (the facade splits calls); ``dimensions`` 1024 (default),
  512 or 256; ``normalize`` is sent as ``true`` (Titan's documented default, sent so unit vectors do
  not depend on a default; ``provider_options={"bedrock": {"normalize": false}}`` turns it off).
  No input type, no truncation (a too-long text is an error), float vectors only: other values are
  refused. Titan G1 (``amazon.titan-embed-text-v1``, ``amazon.titan-embed-g1-text-02``) takes
  ``inputText`` alone. Answer ``{"embedding", "inputTextTokenCount"}``.
* **Cohere Embed** (``cohere.embed-*``): Cohere's body without ``model`` — ``{"texts",
  "input_type", "truncate"?, "embedding_types"?, "output_dimension"?}``, at most 96 texts.
  ``input_type`` is required by Cohere's v3+ models: ``query`` → ``search_query``, ``document`` →
  ``search_document`` (sent when none is given), ``classification``, ``clustering``; the others
  are refused. ``truncate`` ``error``/``end``/``start`` → ``NONE``/``END``/``START``.
  ``dimensions`` → ``output_dimension`` (embed-v4 only; refused for the v3 models).
  ``embedding_type`` other than float → ``embedding_types: [type]``. Answer: Cohere's
  ``embeddings`` (a list of float vectors, or by type); usage from Bedrock's
  ``X-Amzn-Bedrock-Input-Token-Count`` header.
* **Nova Multimodal Embeddings** (``amazon.nova-2-multimodal-embeddings-v1:0``): one text a request,
  ``{"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {"embeddingPurpose", "text":
  {"truncationMode", "value"}, "embeddingDimension"?}}``; purpose ``document`` (default) →
  ``GENERIC_INDEX``, ``query`` → ``TEXT_RETRIEVAL`` (only texts are embedded here),
  ``classification``/``clustering``; truncation ``END`` unless told.

Any other model id is refused before the network (name the family it is, or use one of these).
``provider_options={"bedrock": {...}}`` is merged into the body.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, floats, refuse, vector_length
from llmcore.errors import ProviderResponseError
from llmcore.types import Usage

__all__ = ["embedding_family", "build_embedding_body", "parse_embedding_response", "embedding_limits"]

PROVIDER = "bedrock"
_GEO = re.compile(r"^(?:us|us-gov|eu|apac|jp|au|ca|global)\.")
_COHERE_INPUT = {
    "query": "search_query",
    "document": "search_document",
    "classification": "classification",
    "clustering": "clustering",
}
_NOVA_PURPOSE = {
    "query": "TEXT_RETRIEVAL",
    "document": "GENERIC_INDEX",
    "classification": "CLASSIFICATION",
    "clustering": "CLUSTERING",
}
_TRUNCATE = {"error": "NONE", "end": "END", "start": "START"}
#: texts per InvokeModel call, by family
_MAX_INPUTS = {"titan-v2": 1, "titan-v1": 1, "nova": 1, "cohere": 96}


def embedding_family(model: str) -> str:
    """``"titan-v2"``, ``"titan-v1"``, ``"cohere"`` or ``"nova"``; an
    :class:`~llmcore.errors.UnsupportedFeatureError` for any other model id."""
    bare = _GEO.sub("", model)
    if bare.startswith("amazon.titan-embed-text-v2"):
        return "titan-v2"
    if bare.startswith(("amazon.titan-embed-text-v1", "amazon.titan-embed-g1-text")):
        return "titan-v1"
    if bare.startswith("cohere.embed-"):
        return "cohere"
    if bare.startswith("amazon.nova-2-multimodal-embeddings"):
        return "nova"
    raise refuse(
        PROVIDER,
        "model",
        model,
        "embeddings on Bedrock are supported for Titan Text Embeddings "
        "(amazon.titan-embed-text-*), Cohere Embed (cohere.embed-*) and Nova Multimodal Embeddings "
        "(amazon.nova-2-multimodal-embeddings-*) model ids",
    )


def embedding_limits(model: str) -> tuple[int | None, int | None]:
    """``(texts, tokens)`` per request for ``model``'s family (Titan and Nova: one text)."""
    return _MAX_INPUTS[embedding_family(model)], None


def _no(request: EmbeddingRequest, family: str, *, input_type: bool, truncate: bool, types: bool) -> None:
    if input_type and request.input_type is not None:
        raise refuse(PROVIDER, "input_type", request.input_type, f"{family} has no input type")
    if truncate and request.truncate not in (None, "error"):
        raise refuse(PROVIDER, "truncate", request.truncate, f"{family} refuses a too-long text; it never truncates")
    if types and request.embedding_type != "float":
        raise refuse(PROVIDER, "embedding_type", request.embedding_type, f"{family} gives float vectors here")


def build_embedding_body(request: EmbeddingRequest, text: int = 0) -> dict[str, Any]:
    """The InvokeModel body for ``request`` (for one-text families: of ``request.texts[text]``)."""
    family = embedding_family(request.model)
    body: dict[str, Any]
    if family in ("titan-v2", "titan-v1"):
        _no(request, "Titan Text Embeddings", input_type=True, truncate=True, types=True)
        body = {"inputText": request.texts[text]}
        if family == "titan-v1":
            if request.dimensions is not None:
                raise refuse(PROVIDER, "dimensions", request.dimensions, "Titan G1 has a fixed size (1536)")
        else:
            if request.dimensions is not None:
                body["dimensions"] = request.dimensions
            body["normalize"] = True
    elif family == "cohere":
        input_type = _COHERE_INPUT.get(request.input_type or "document")
        if input_type is None:
            raise refuse(
                PROVIDER, "input_type", request.input_type, f"Cohere's input types map from {', '.join(_COHERE_INPUT)}"
            )
        body = {"input_type": input_type, "texts": request.texts}
        if request.dimensions is not None:
            if "embed-v4" not in request.model:
                raise refuse(
                    PROVIDER,
                    "dimensions",
                    request.dimensions,
                    f"{request.model} has a fixed size; output_dimension needs Cohere embed-v4",
                )
            body["output_dimension"] = request.dimensions
        if request.truncate is not None:
            body["truncate"] = _TRUNCATE[request.truncate]
        if request.embedding_type != "float":
            body["embedding_types"] = [request.embedding_type]
    else:  # nova
        _no(request, "Nova Multimodal Embeddings", input_type=False, truncate=False, types=True)
        purpose = _NOVA_PURPOSE.get(request.input_type or "document")
        if purpose is None:
            raise refuse(
                PROVIDER,
                "input_type",
                request.input_type,
                f"Nova's embedding purposes map from {', '.join(_NOVA_PURPOSE)}",
            )
        params: dict[str, Any] = {
            "embeddingPurpose": purpose,
            "text": {"truncationMode": _TRUNCATE[request.truncate or "end"], "value": request.texts[text]},
        }
        if request.dimensions is not None:
            params["embeddingDimension"] = request.dimensions
        body = {"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": params}
    body.update(request.options_for(PROVIDER))
    return body


def _ints(value: Any, etype: str) -> list[int]:
    lo, hi = (-128, 127) if etype in ("int8", "binary") else (0, 255)
    if type(value) is list and set(map(type, value)) <= {int} and all(lo <= x <= hi for x in value):
        return value
    raise ProviderResponseError(f"a {etype} embedding is not a list of integers in [{lo}, {hi}]", provider=PROVIDER)


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def _header_tokens(headers: Mapping[str, str]) -> int | None:
    raw = headers.get("x-amzn-bedrock-input-token-count")
    return int(raw) if raw is not None and raw.strip().isdigit() else None


def _bad(what: str, data: Any) -> ProviderResponseError:
    return ProviderResponseError(what, provider=PROVIDER, raw=str(data)[:500])


def parse_embedding_response(
    data: Any, request: EmbeddingRequest, headers: Mapping[str, str], texts: int
) -> tuple[list[Any], int | None, dict[str, Any]]:
    """``(vectors, input tokens, provider_metadata)`` of one InvokeModel answer for ``texts`` texts;
    a :class:`ProviderResponseError` for any other shape."""
    family = embedding_family(request.model)
    if not isinstance(data, dict):
        raise _bad("the embeddings answer is not a JSON object", data)
    meta: dict[str, Any] = {}
    vectors: list[Any]
    if family in ("titan-v2", "titan-v1"):
        vectors = [floats(data.get("embedding"), PROVIDER)]
        tokens = _count(data.get("inputTextTokenCount"))
    elif family == "nova":
        items = data.get("embeddings")
        if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
            raise _bad("expected one Nova embedding", data)
        vectors = [floats(items[0].get("embedding"), PROVIDER)]
        if "truncatedCharLength" in items[0]:
            meta["truncated_char_length"] = items[0]["truncatedCharLength"]
        tokens = None
    else:
        emb = data.get("embeddings")
        etype = request.embedding_type
        items = emb.get(etype) if isinstance(emb, dict) else emb if etype == "float" else None
        if not isinstance(items, list) or len(items) != texts:
            got = len(items) if isinstance(items, list) else "no"
            raise _bad(f"expected {texts} {etype} embeddings, got {got}", data)
        vectors = [floats(v, PROVIDER) if etype == "float" else _ints(v, etype) for v in items]
        tokens = None
        if isinstance(data.get("id"), str):
            meta["id"] = data["id"]
    if len(vectors) != texts:
        raise _bad(f"expected {texts} embeddings, got {len(vectors)}", data)
    if tokens is None:
        tokens = _header_tokens(headers)
    return vectors, tokens, meta


def response(
    request: EmbeddingRequest, vectors: list[Any], tokens: int | None, meta: dict[str, Any]
) -> EmbeddingResponse:
    """The :class:`EmbeddingResponse` of all of ``request``'s texts."""
    dims = vector_length(vectors, PROVIDER)
    return EmbeddingResponse(
        vectors=vectors,
        model=request.model,
        dimensions=dims,
        usage=Usage(input_tokens=tokens),
        provider=PROVIDER,
        provider_metadata=meta,
    )
