"""The ERNIE provider: Baidu Qianfan v2 through ``llmcore-openai``'s Chat Completions codec.

``POST https://qianfan.baidubce.com/v2/chat/completions`` is OpenAI-compatible
(Qianfan API reference, "对话Chat V2"). Auth: ``Authorization: Bearer
$QIANFAN_API_KEY`` (a ``bce-v3/ALTAK-…`` API key); option ``appid`` (or
``$QIANFAN_APPID``) adds the ``appid`` header that scopes a call to one
Qianfan application.

What differs from OpenAI, handled here:

* reasoning (ERNIE X1, DeepSeek-R1 on Qianfan) arrives as ``reasoning_content``;
* web-search answers carry a top-level ``search_results`` list → kept in
  ``provider_metadata["ernie"]``;
* errors are ``{"error": {"code", "message", "type"}, "id": "as-…"}``: the codes
  ``tokens_too_long`` / ``characters_too_long`` are a
  :class:`~llmcore.errors.ContextWindowExceededError` and ``invalid_model``
  (other than "model is empty", HTTP 400) a :class:`~llmcore.errors.NotFoundError`.

Embeddings: ``POST /v2/embeddings`` in OpenAI's shape (Qianfan API reference, "向量",
https://cloud.baidu.com/doc/qianfan-api/s/Fm7u3ropn) through
:class:`~llmcore_openai.embeddings.EmbeddingsAPI`: float only (the reference: "当前只支持float"),
no ``dimensions`` (refused before the network); ``embedding-v1``, ``bge-large-zh`` and
``bge-large-en`` take at most 16 texts a request, ``tao-8k`` one (the facade splits).

Qianfan extras (``enable_thinking``, ``thinking_budget``, ``web_search``,
``penalty_score``, ``metadata``, ...) go in ``provider_options={"ernie": {...}}``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider
from llmcore_openai.embeddings import EmbeddingsAPI

from . import SPEC

__all__ = ["ERNIE_DIALECT", "ErnieProvider"]

ERNIE_DIALECT = replace(
    COMPATIBLE_DIALECT,
    reasoning_fields=("reasoning_content",),
    strict_tools=False,
    metadata_fields=("search_results",),
    choice_metadata_fields=("flag",),  # the answer's safety flag (0: none), kept in provider_metadata
)
_CONTEXT_CODES = frozenset({"tokens_too_long", "characters_too_long"})


#: texts per request by embedding model (the reference's limits; others: 16)
EMBEDDING_TEXTS = {"tao-8k": 1}


class ErnieProvider(EmbeddingsAPI, ChatCompletionsProvider):
    """Baidu Qianfan v2 chat completions (ERNIE and the other models Qianfan serves) and embeddings."""

    spec: ClassVar[ProviderSpec] = SPEC
    dialect = ERNIE_DIALECT
    embeddings_dimensions = False
    max_embedding_inputs = 16
    max_embedding_tokens = None
    options: ClassVar[Mapping[str, str]] = {
        "appid": "Qianfan application id, sent as the appid header (default: $QIANFAN_APPID)",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self.appid = self.option("appid") or os.environ.get("QIANFAN_APPID") or None

    def extra_headers(self) -> dict[str, str]:
        h = super().extra_headers()
        if self.appid:
            h["appid"] = str(self.appid)
        return h

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
        msg, code, cls = super().error_details(status, body, text)
        if code in _CONTEXT_CODES:
            return msg, code, E.ContextWindowExceededError
        if code == "invalid_model" and status != 400:
            return msg, code, E.NotFoundError
        return msg, code, cls

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per request: 16 texts (``tao-8k``: 1)."""
        return EMBEDDING_TEXTS.get(model, 16), None
