"""Hugging Face over ``llmcore-openai``'s shared Chat Completions codec: two servers, one provider.

* **router** (default): the Inference Providers router,
  ``https://router.huggingface.co/v1``, OpenAI-compatible; models are hub ids
  with an optional provider or policy suffix, ``org/model[:provider]``
  (``:together``, ``:fastest``, ``:cheapest``); option ``provider`` appends it.
* **tgi**: Text Generation Inference — a dedicated Inference Endpoint or any
  TGI server, ``base_url=<endpoint URL>`` (a bare host gets ``/v1`` added).
  TGI's ``response_format`` is its grammar (:mod:`.tgi`).

The mode follows the base URL (``router.huggingface.co`` → router, anything
else → tgi) unless option ``api`` says otherwise. Both: reasoning models
served without a parser (DeepSeek-R1 through the router) write a leading
``<think>`` block, which becomes reasoning (the codec's ``think_tags``).

Embeddings (:mod:`.embeddings`): the router's ``hf-inference`` feature-extraction pipeline,
or TEI's ``/embed`` in tgi mode. Rerank (:mod:`.rerank`): TEI's ``/rerank`` in tgi mode (the
router has none).

Errors: the router and TGI answer ``{"error": "<message>"}`` (TGI adds
``error_type``) or OpenAI-style objects; a model still loading answers 503
with ``estimated_time``, which becomes the error's ``retry_after``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse, RerankRequest, RerankResponse
from llmcore.errors import ConfigurationError, LLMCoreError
from llmcore.provider import ProviderConfig
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider

from . import SPEC
from .tgi import tgi_response_format

if TYPE_CHECKING:
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import Warnings

__all__ = ["HF_DIALECT", "HuggingFaceProvider"]

# kept in provider_metadata: the answer's sampling seed, the router's metadata (e.g. weight_version)
HF_DIALECT = replace(
    COMPATIBLE_DIALECT, think_tags=True, choice_metadata_fields=("seed",), metadata_fields=("metadata",)
)
ROUTER_HOST = "router.huggingface.co"


class HuggingFaceProvider(ChatCompletionsProvider):
    """The Inference Providers router, or a TGI server / Inference Endpoint."""

    spec = SPEC
    dialect = HF_DIALECT
    options: ClassVar[Mapping[str, str]] = {
        "api": '"router" or "tgi" (default: router for router.huggingface.co, tgi for any other base URL)',
        "provider": 'router only: the inference provider or policy appended as "model:provider" '
        '(e.g. "together", "fastest", "cheapest")',
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        url = urlsplit(self.base_url)
        api = self.option("api") or ("router" if url.hostname == ROUTER_HOST else "tgi")
        if api not in ("router", "tgi"):
            raise ConfigurationError(
                f'huggingface option api must be "router" or "tgi", not {api!r}', provider=self.spec.name
            )
        self.api: str = api
        self._path = "v1/chat/completions" if url.path in ("", "/") else "chat/completions"
        self._suffix = f":{self.option('provider')}" if self.option("provider") else ""

    def __repr__(self) -> str:
        return f"HuggingFaceProvider(base_url={self.base_url!r}, api={self.api!r})"

    def endpoint(self, request: ChatRequest) -> str:
        return self._path

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if self._suffix and ":" not in body["model"]:
            body["model"] += self._suffix
        if self.api == "tgi" and "response_format" in body:
            body["response_format"] = tgi_response_format(body["response_format"])

    def make_error(self, status: int, raw: bytes, headers: Mapping[str, str]) -> LLMCoreError:
        err = super().make_error(status, raw, headers)
        if status == 503 and err.retry_after is None:
            import json

            try:
                wait = json.loads(raw).get("estimated_time")
            except (ValueError, AttributeError):
                wait = None
            if isinstance(wait, (int, float)) and not isinstance(wait, bool) and wait >= 0:
                err.retry_after = float(wait)
        return err

    # -- embeddings ------------------------------------------------------------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per request: 32 texts (TEI's default client batch size)."""
        from .embeddings import MAX_EMBED_TEXTS

        return MAX_EMBED_TEXTS, None

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """One feature-extraction (router) or ``/embed`` (TEI) request."""
        from .embeddings import build_embed_body, embed_url, parse_embed_response

        body = build_embed_body(request)
        data, _ = await self.request_json("POST", embed_url(self.base_url, self.api, request.model), body)
        return parse_embed_response(data, request)

    # -- rerank ----------------------------------------------------------------------

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        """TEI's ``/rerank`` (tgi mode), 32 documents a request, merged best first."""
        from .rerank import build_rerank_bodies, parse_rerank_answer, rerank_url, response

        url = rerank_url(self.base_url, self.api)
        results = []
        for offset, body in build_rerank_bodies(request):
            data, _ = await self.request_json("POST", url, body)
            results.extend(parse_rerank_answer(data, request, offset, len(body["texts"])))
        return response(request, results)
