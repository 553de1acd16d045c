"""Zhipu AI / Z.ai over ``llmcore-openai``'s shared Chat Completions codec.

Quirks (https://docs.z.ai/api-reference/llm/chat-completion,
https://docs.z.ai/api-reference/api-code):

* two platforms: ``https://api.z.ai/api/paas/v4`` (``region="global"``) and
  ``https://open.bigmodel.cn/api/paas/v4`` (``region="cn"``); keys do not
  cross. Without ``region`` or a base URL, a key found only in
  ``ZHIPUAI_API_KEY`` (the bigmodel SDK's variable) picks ``cn``;
* thinking: options ``thinking`` (``"enabled"``/``"disabled"``) and
  ``clear_thinking`` (``False`` keeps earlier turns' reasoning in context)
  become the ``thinking`` object; reasoning arrives in ``reasoning_content``
  and is sent back on earlier assistant turns ("preserved thinking");
* ``tool_choice`` accepts only ``"auto"``: anything else is not sent, with a
  warning;
* ``response_format`` is ``json_object`` only (``json_schema`` → warning);
* ``stop`` takes one stop word: only the first is sent, with a warning;
* errors carry a business ``code`` that decides the class (:mod:`.errors`);
* embeddings: ``POST /embeddings`` in OpenAI's shape (:class:`~llmcore_openai.embeddings.EmbeddingsAPI`,
  float JSON: no base64). ``embedding-3``: at most 64 texts a request (3,072 tokens each),
  ``dimensions`` one of 256, 512, 1024, 2048 (default 2048); ``embedding-2``: 1,024 dimensions
  (fixed), 8K tokens a request. Another ``dimensions`` is refused before the network
  (https://docs.bigmodel.cn/api-reference/模型-api/文本嵌入).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.embeddings import refuse
from llmcore.errors import ConfigurationError, LLMCoreError
from llmcore.provider import ProviderConfig
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider
from llmcore_openai.embeddings import EmbeddingsAPI

from . import SPEC
from .errors import CODE_CLASSES

if TYPE_CHECKING:
    from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import Warnings

__all__ = ["REGIONS", "ZHIPU_DIALECT", "ZhipuProvider"]

REGIONS = {"global": "https://api.z.ai/api/paas/v4", "cn": "https://open.bigmodel.cn/api/paas/v4"}
ZHIPU_DIALECT = replace(
    COMPATIBLE_DIALECT,
    reasoning_fields=("reasoning_content",),
    send_reasoning_field="reasoning_content",
    structured_output=("json_object",),
    metadata_fields=("request_id",),  # Z.ai's own request id (support asks for it), kept in provider_metadata
)


#: the ``dimensions`` each embedding model takes (``None``: fixed size, the parameter is refused)
EMBEDDING_DIMENSIONS: dict[str, tuple[int, ...] | None] = {"embedding-3": (256, 512, 1024, 2048), "embedding-2": None}


class ZhipuProvider(EmbeddingsAPI, ChatCompletionsProvider):
    """Zhipu / Z.ai ``/chat/completions`` and ``/embeddings``."""

    spec = SPEC
    dialect = ZHIPU_DIALECT
    max_embedding_inputs = 64
    max_embedding_tokens = None
    options: ClassVar[Mapping[str, str]] = {
        "region": '"global" (api.z.ai) or "cn" (open.bigmodel.cn); ignored when base_url is set',
        "thinking": '"enabled" or "disabled" (GLM-4.5 and later)',
        "clear_thinking": "False keeps earlier turns' reasoning in context (preserved thinking)",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        region = self.option("region")
        if (
            region is None
            and not os.environ.get("ZAI_API_KEY")
            and os.environ.get("ZHIPUAI_API_KEY")
            and not self.config.api_key
        ):
            region = "cn"  # a bigmodel.cn key
        if region is not None and region not in REGIONS:
            raise ConfigurationError(
                f'zhipu option region must be "global" or "cn", not {region!r}', provider=self.spec.name
            )
        if region and not self.config.base_url and not os.environ.get(self.spec.base_url_env or ""):
            self.base_url = REGIONS[region]
        thinking: dict[str, Any] = {}
        mode = self.option("thinking")
        if mode is not None:
            if mode not in ("enabled", "disabled"):
                raise ConfigurationError(
                    'zhipu option thinking must be "enabled" or "disabled"', provider=self.spec.name
                )
            thinking["type"] = mode
        if self.option("clear_thinking") is not None:
            thinking["clear_thinking"] = bool(self.option("clear_thinking"))
        self._thinking = thinking

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if self._thinking:
            body["thinking"] = dict(self._thinking)
        choice = body.get("tool_choice")
        if choice is not None and choice != "auto":
            del body["tool_choice"]
            warnings.add("tool_choice", f"Zhipu accepts only tool_choice 'auto', not {choice!r}; not sent")
        stop = body.get("stop")
        if isinstance(stop, list) and len(stop) > 1:
            body["stop"] = stop[:1]
            warnings.add("stop", f"Zhipu accepts one stop word; only {stop[0]!r} is sent")

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        return message, code, CODE_CLASSES.get(code or "", cls)

    # -- embeddings ------------------------------------------------------------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per request: 64 texts; embedding-2 also 8K tokens a request."""
        return 64, 8000 if model == "embedding-2" else None

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """``POST /embeddings``; a ``dimensions`` the model does not take is refused first."""
        if request.dimensions is not None and request.model in EMBEDDING_DIMENSIONS:
            allowed = EMBEDDING_DIMENSIONS[request.model]
            if allowed is None or request.dimensions not in allowed:
                why = (
                    f"{request.model} has a fixed size (1024)"
                    if allowed is None
                    else f"{request.model} takes dimensions {', '.join(map(str, allowed))}"
                )
                raise refuse(self.spec.name, "dimensions", request.dimensions, why)
        return await super().embed(request)
