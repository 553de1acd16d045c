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

from typing import TYPE_CHECKING, ClassVar

from llmcore.errors import ProviderResponseError
from llmcore.spec import ProviderSpec
from llmcore.types import TokenCount
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider
from llmcore_openai.chat.request import map_messages, map_tools

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = ["VLLMProvider"]


class VLLMProvider(ChatCompletionsProvider):
    """A vLLM server (``$VLLM_BASE_URL``, default ``http://localhost:8000/v1``;
    key ``$VLLM_API_KEY`` only when the server was started with ``--api-key``)."""

    spec: ClassVar[ProviderSpec] = SPEC
    dialect = COMPATIBLE_DIALECT

    def tokenize_url(self) -> str:
        """``POST /tokenize`` sits at the server root: the base URL without its ``/v1``."""
        root = self.base_url.removesuffix("/v1")
        return f"{root}/tokenize"

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """The server's count for the request's messages (and tools), chat template applied."""
        body: dict[str, object] = {"model": request.model, "messages": map_messages(request, self.dialect,
                                                                                    self.spec.name)}
        if request.tools:
            body["tools"] = map_tools(request.tools, self.dialect)
        data, _ = await self.request_json("POST", self.tokenize_url(), body, headers=self.extra_headers())
        n = data.get("count") if isinstance(data, dict) else None
        if not isinstance(n, int) or isinstance(n, bool):
            raise ProviderResponseError("/tokenize answered without a count", provider=self.spec.name,
                                        raw=str(data)[:500])
        return TokenCount(input_tokens=n, method="api", detail="POST /tokenize (chat template applied)")
