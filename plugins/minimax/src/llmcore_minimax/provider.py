"""The MiniMax provider: ``llmcore-openai``'s Chat Completions codec plus MiniMax's quirks.

``POST https://api.minimax.io/v1/chat/completions`` (option ``region="cn"``:
``https://api.minimaxi.com/v1``; ``$MINIMAX_BASE_URL`` or ``base_url=`` win),
``Authorization: Bearer $MINIMAX_API_KEY``
(https://platform.minimax.io/docs/api-reference/text-openai-api).

* **Errors inside 200s** — a ``base_resp`` with a non-zero ``status_code`` in
  the answer, in any stream chunk, or as the JSON body answering a streamed
  request, raises the typed error (:mod:`.errors`); so does one in an HTTP
  error body.
* **Reasoning** — M2 models put a ``<think>…</think>`` block at the start of
  ``content`` (the codec's ``think_tags``); M1 models answer
  ``reasoning_content``. MiniMax requires the thinking of earlier turns to be
  sent back intact in multi-turn tool use, so an assistant message with
  reasoning from this provider goes back with its ``<think>`` block in front.
* **Parameters** — ``max_completion_tokens``; ``temperature`` must be in
  (0, 1] (anything else is not sent: a warning, or
  :class:`UnsupportedFeatureError` with ``strict``); no ``response_format``,
  ``reasoning_effort`` or ``seed``: warnings. MiniMax extras (``reasoning_split``,
  ``mask_sensitive_info``, ...) go in ``provider_options={"minimax": {...}}``.
* **Embeddings** — ``POST /embeddings`` in MiniMax's own shape (``texts``, ``type``:
  ``db``/``query``; ``vectors`` back), see :mod:`.embeddings`; option ``group_id`` (or
  ``$MINIMAX_GROUP_ID``) adds the ``GroupId`` query parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
from llmcore.errors import ConfigurationError, LLMCoreError, ProviderResponseError
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import ReasoningPart
from llmcore_openai.chat import (
    COMPATIBLE_DIALECT,
    ChatCompletionsProvider,
    ChatStreamDecoder,
    Warnings,
)

from . import SPEC
from . import embeddings as emb
from .errors import base_resp_error

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import CallWarning, ChatRequest

__all__ = ["MINIMAX_DIALECT", "MiniMaxProvider", "REGIONS"]

REGIONS = {"global": "https://api.minimax.io/v1", "cn": "https://api.minimaxi.com/v1"}
MINIMAX_DIALECT = replace(
    COMPATIBLE_DIALECT,
    max_tokens_field="max_completion_tokens",
    think_tags=True,
    reasoning_effort=False,
    structured_output=(),
    unsupported=frozenset({"seed"}),
    strict_tools=False,
    # MiniMax's moderation verdicts on the prompt and the answer, kept (lossless) in provider_metadata["minimax"]
    metadata_fields=(
        "input_sensitive",
        "input_sensitive_type",
        "output_sensitive",
        "output_sensitive_type",
        "output_sensitive_int",
    ),
)


class _Decoder(ChatStreamDecoder):
    """The shared stream decoder, raising a chunk's ``base_resp`` error."""

    __slots__ = ()

    def feed(self, chunk: Any) -> list[StreamEvent]:
        err = base_resp_error(chunk, self.provider)
        if err is not None:
            raise err
        return super().feed(chunk)


class MiniMaxProvider(ChatCompletionsProvider):
    """MiniMax's OpenAI-compatible chat completions."""

    spec: ClassVar[ProviderSpec] = SPEC
    dialect = MINIMAX_DIALECT
    options: ClassVar[Mapping[str, str]] = {
        "region": '"global" (https://api.minimax.io/v1, default) or "cn" (https://api.minimaxi.com/v1)',
        "group_id": "embeddings: the GroupId query parameter (default $MINIMAX_GROUP_ID; sent only when set)",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        region = config.options.get("region", "global")
        if region not in REGIONS:
            raise ConfigurationError(
                f'minimax option region must be "global" or "cn", not {region!r}', provider=self.spec.name
            )
        import os

        if not config.base_url and not os.environ.get(self.spec.base_url_env or ""):
            config = replace(config, base_url=REGIONS[region])
        super().__init__(config)

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        t = body.get("temperature")
        if t is not None and not 0 < t <= 1:
            del body["temperature"]
            warnings.add("temperature", f"MiniMax accepts temperature in (0, 1], not {t}; not sent")
        sent = [m for m in body["messages"] if m.get("role") == "assistant"]
        mine = [m for m in request.messages if m.role == "assistant"]  # one sent message each
        for msg, src in zip(sent, mine, strict=True):
            thought = "".join(
                p.text for p in src.content if isinstance(p, ReasoningPart) and p.provider == self.spec.name and p.text
            )
            if thought:  # MiniMax wants its thinking back, as it wrote it
                msg["content"] = f"<think>{thought}</think>\n\n{msg.get('content') or ''}"

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        err = base_resp_error(body, self.spec.name, status=status)
        if err is not None:
            # a base_resp of the wrong shape in an HTTP error: its message, the status picks the class
            return err.message, err.code, None if type(err) is ProviderResponseError else type(err)
        return super().error_details(status, body, text)

    def check_answer(self, data: Any, headers: Mapping[str, str] | None = None) -> None:
        err = base_resp_error(data, self.spec.name, headers)
        if err is not None:
            raise err

    def stream_decoder(self, warnings: list[CallWarning]) -> ChatStreamDecoder:
        return _Decoder(self.dialect, self.spec.name, warnings, self.map_usage)

    # -- embeddings ------------------------------------------------------------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per request."""
        return emb.MAX_TEXTS, None

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """``POST /embeddings`` (MiniMax's shape); a ``base_resp`` error is raised typed."""
        import os

        body = emb.build_body(request)
        group = self.option("group_id") or os.environ.get("MINIMAX_GROUP_ID")
        params = {"GroupId": str(group)} if group else None
        data, resp = await self.request_json("POST", "embeddings", body, params=params)
        self.check_answer(data, resp.headers)
        return emb.parse_response(data, request)
