"""The vLLM provider: ``llmcore-openai``'s Chat Completions codec plus ``/tokenize``.

vLLM's server speaks OpenAI Chat Completions closely, so the dialect is the
generic compatible one: ``max_tokens``, ``stream_options.include_usage``,
reasoning text in ``reasoning_content`` (older servers) or ``reasoning``
(newer), ``response_format`` ``json_schema``/``json_object``, tools (when the
server runs with ``--enable-auto-tool-choice --tool-call-parser ...``).

vLLM's own sampling and structured-output parameters are not part of
:class:`~llmcore.types.ChatRequest`; pass them in
``provider_options={"vllm": {...}}`` and they are merged into the body
untouched: ``{"structured_outputs": {"choice": [...]}}`` /
``{"structured_outputs": {"regex": ...}}`` (vLLM >= 0.10.2), or the
``guided_json`` / ``guided_choice`` / ``guided_regex`` fields of servers older
than 0.12, and ``top_k``, ``min_p``, ``repetition_penalty``, ``chat_template_kwargs``…

``count_tokens`` calls vLLM's ``POST /tokenize`` with the chat messages (and
tools), so the count is the server's own, chat template included (method
``api``). The endpoint lives at the server root, beside ``/v1``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from llmcore.errors import ProviderResponseError
from llmcore.spec import ProviderSpec
from llmcore.types import TokenCount
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider
from llmcore_openai.chat.request import map_messages, map_tools
from llmcore_openai.embeddings import EmbeddingsAPI
from llmcore_openai.rerank import RerankAPI, build_rerank_body, parse_rerank

from . import SPEC

if TYPE_CHECKING:
    from llmcore.embeddings import RerankRequest, RerankResponse
    from llmcore.types import ChatRequest

__all__ = ["VLLMProvider"]


class VLLMProvider(EmbeddingsAPI, RerankAPI, ChatCompletionsProvider):
    """A vLLM server (``$VLLM_BASE_URL``, default ``http://localhost:8000/v1``;
    key ``$VLLM_API_KEY`` only when the server was started with ``--api-key``).

    Embeddings (a pooling model, ``vllm serve <model>`` with ``--runner pooling`` where needed):
    ``POST /v1/embeddings`` with ``encoding_format: "base64"`` (vLLM's server encodes float32
    base64 itself) and ``dimensions`` (Matryoshka models only; the server refuses it otherwise).
    No input type; too-long inputs are refused by the server (400), so ``truncate`` other than
    ``"error"`` is refused — vLLM's own ``truncate_prompt_tokens`` goes in
    ``provider_options={"vllm": {...}}``. Rerank (a cross-encoder/reranker model): ``POST /rerank``
    at the server root, the Jina/Cohere shape.
    """

    spec: ClassVar[ProviderSpec] = SPEC
    # the stop string or token id that ended the answer (choice stop_reason), kept in provider_metadata
    dialect = replace(COMPATIBLE_DIALECT, choice_metadata_fields=("stop_reason",))
    embeddings_base64 = True
    # vLLM batches internally and documents no per-request input count; our bound
    max_embedding_inputs = 512
    max_embedding_tokens = None

    def root_url(self, path: str) -> str:
        """``path`` at the server root (``/tokenize``, ``/rerank``): the base URL without its ``/v1``."""
        return f"{self.base_url.removesuffix('/v1')}/{path}"

    def tokenize_url(self) -> str:
        """``POST /tokenize`` sits at the server root: the base URL without its ``/v1``."""
        return self.root_url("tokenize")

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        """``POST /rerank`` at the server root (vLLM also serves ``/v1/rerank`` and ``/v2/rerank``)."""
        data, _ = await self.request_json(
            "POST", self.root_url("rerank"), build_rerank_body(request, self.spec.name), headers=self.extra_headers()
        )
        return parse_rerank(data, request, self.spec.name)

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """The server's count for the request's messages (and tools), chat template applied."""
        body: dict[str, object] = {
            "model": request.model,
            "messages": map_messages(request, self.dialect, self.spec.name),
        }
        if request.tools:
            body["tools"] = map_tools(request.tools, self.dialect)
        data, _ = await self.request_json("POST", self.tokenize_url(), body, headers=self.extra_headers())
        n = data.get("count") if isinstance(data, dict) else None
        if not isinstance(n, int) or isinstance(n, bool):
            raise ProviderResponseError(
                "/tokenize answered without a count", provider=self.spec.name, raw=str(data)[:500]
            )
        return TokenCount(input_tokens=n, method="api", detail="POST /tokenize (chat template applied)")
