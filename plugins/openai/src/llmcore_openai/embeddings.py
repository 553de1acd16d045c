"""``POST /embeddings`` — OpenAI's embeddings API, shared by the OpenAI-compatible family.

Public API: OpenAI-compatible plugins mix :class:`EmbeddingsAPI` into their
provider and set the class attributes that describe their server.

Request: ``{"model", "input": [texts], "dimensions"?, "encoding_format"?}``.
With ``embeddings_base64`` (OpenAI and servers known to support it), vectors
travel as base64 float32 — exact, about a third of the bytes of JSON numbers,
and decoded several times faster (see docs/performance.md). OpenAI has no
``input_type`` and refuses too-long inputs (its default is ``truncate="error"``):
other values are refused before the network.

Response: ``data[i].embedding`` (a list of numbers or base64) with
``data[i].index``, ``model``, ``usage.prompt_tokens``; anything else the server
adds under ``usage`` (OpenRouter's ``cost``) goes to ``provider_metadata``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.embeddings import EmbeddingResponse, answer_items, decode_base64_floats, floats, refuse, vector_length
from llmcore.errors import ProviderResponseError
from llmcore.types import Usage

if TYPE_CHECKING:
    from llmcore.embeddings import EmbeddingRequest

__all__ = ["EmbeddingsAPI", "build_embeddings_body", "parse_embeddings"]


def build_embeddings_body(
    request: EmbeddingRequest,
    provider: str,
    *,
    base64: bool,
    dimensions: bool = True,
    dimensions_field: str = "dimensions",
) -> dict[str, Any]:
    """The request body; :class:`~llmcore.errors.UnsupportedFeatureError` for what the API cannot do.
    ``dimensions_field`` names the server's field for ``dimensions`` (Mistral: ``output_dimension``)."""
    if request.input_type is not None:
        raise refuse(provider, "input_type", request.input_type, "the embeddings API has no input type")
    if request.truncate not in (None, "error"):
        raise refuse(provider, "truncate", request.truncate, "the API refuses too-long inputs; it never truncates")
    if request.embedding_type != "float":
        raise refuse(provider, "embedding_type", request.embedding_type, "the API returns float vectors only")
    body: dict[str, Any] = {"model": request.model, "input": request.texts}
    if request.dimensions is not None:
        if not dimensions:
            raise refuse(provider, "dimensions", request.dimensions, "this server cannot shorten vectors")
        body[dimensions_field] = request.dimensions
    if base64:
        body["encoding_format"] = "base64"
    body.update(request.options_for(provider))
    return body


def parse_embeddings(data: Any, request: EmbeddingRequest, provider: str) -> EmbeddingResponse:
    """The vectors in input order (by ``index``), usage and model; a typed error for any other shape."""
    items = answer_items(data, "data", request, provider)
    vectors: list[list[float] | None] = [None] * len(items)
    for pos, item in enumerate(items):
        if not isinstance(item, dict):
            raise ProviderResponseError("an embeddings item is not an object", provider=provider, raw=str(item)[:200])
        i = item.get("index", pos)
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(items) or vectors[i] is not None:
            raise ProviderResponseError(f"bad or repeated embedding index {i!r}", provider=provider)
        emb = item.get("embedding")
        vectors[i] = decode_base64_floats(emb, provider) if isinstance(emb, str) else floats(emb, provider)
    out: list[list[float]] = vectors  # type: ignore[assignment]  # every slot filled: indices are distinct
    dims = vector_length(out, provider)
    usage_raw = data.get("usage")
    n = usage_raw.get("prompt_tokens") if isinstance(usage_raw, dict) else None
    meta: dict[str, Any] = {}
    if isinstance(usage_raw, dict):
        extra = {k: v for k, v in usage_raw.items() if k not in ("prompt_tokens", "total_tokens")}
        if extra:
            meta["usage"] = extra
    for k in ("id", "provider"):
        if k in data:
            meta[k] = data[k]
    model = data.get("model")
    return EmbeddingResponse(
        vectors=out,
        model=model if isinstance(model, str) else request.model,
        dimensions=dims,
        usage=Usage(input_tokens=n if isinstance(n, int) and not isinstance(n, bool) else None),
        provider=provider,
        provider_metadata=meta,
    )


class EmbeddingsAPI:
    """Mixin: ``embed`` over ``POST {base_url}/embeddings`` for an :class:`~llmcore.provider.HTTPProvider`."""

    #: ask for base64 float32 vectors (``encoding_format``); only for servers that support it
    embeddings_base64: ClassVar[bool] = False
    #: the server takes ``dimensions`` (models that can shorten their vectors)
    embeddings_dimensions: ClassVar[bool] = True
    #: the server's name for the ``dimensions`` field
    embeddings_dimensions_field: ClassVar[str] = "dimensions"
    #: at most this many inputs per request (``None``: no limit known)
    max_embedding_inputs: ClassVar[int | None] = 2048
    #: at most this many tokens per request, all inputs together
    max_embedding_tokens: ClassVar[int | None] = 300_000
    embeddings_path: ClassVar[str] = "embeddings"

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(inputs, tokens)`` per request; the facade splits larger calls."""
        return self.max_embedding_inputs, self.max_embedding_tokens

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        name = self.spec.name  # type: ignore[attr-defined]
        body = build_embeddings_body(
            request,
            name,
            base64=self.embeddings_base64,
            dimensions=self.embeddings_dimensions,
            dimensions_field=self.embeddings_dimensions_field,
        )
        headers = self.extra_headers() if hasattr(self, "extra_headers") else None
        data, _ = await self.request_json("POST", self.embeddings_path, body, headers=headers)  # type: ignore[attr-defined]
        return parse_embeddings(data, request, name)
