"""Moonshot AI (Kimi) over ``llmcore-openai``'s shared Chat Completions codec.

Quirks (the official OpenAPI document of https://platform.kimi.ai/docs, its
model-parameter table https://platform.kimi.ai/docs/api/models-overview and
error list https://platform.kimi.ai/docs/api/errors):

* two platforms: ``https://api.moonshot.ai/v1`` (global, default) and
  ``https://api.moonshot.cn/v1`` (option ``region="cn"``); keys do not cross;
* the output limit is ``max_completion_tokens`` (``max_tokens`` is deprecated);
* every message needs a string ``content``: assistant tool-call turns without
  text are sent with ``""`` (the schema rejects ``null``);
* sampling: ``temperature`` is 0 to 1 (more is an
  :class:`~llmcore.errors.InvalidRequestError` before the call); Kimi K2.5 and
  later (``kimi-k2.5``, ``kimi-k2.6``, ``kimi-k2.7-*``, ``kimi-k3``) fix
  ``temperature`` and ``top_p``: they are not sent, with a warning;
* thinking models answer with ``reasoning_content``; earlier turns are sent
  back with theirs (Kimi requires it on tool-call turns while thinking, and
  keeps it in context with ``thinking: {"keep": "all"}``);
* cached prompt tokens are a top-level ``usage.cached_tokens``; streamed usage
  may sit on the last chunk's choice (``choices[0].usage``);
* errors: ``exceeded_current_quota_error`` (HTTP 429) is out of credit, a
  :class:`~llmcore.errors.PermissionDeniedError`; "Input token length too
  long" / "exceeded model token limit" are
  :class:`~llmcore.errors.ContextWindowExceededError`;
* ``count_tokens`` uses ``POST /v1/tokenizers/estimate-token-count`` (method
  ``api``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import (
    ConfigurationError,
    ContextWindowExceededError,
    InvalidRequestError,
    LLMCoreError,
    PermissionDeniedError,
    ProviderResponseError,
)
from llmcore.provider import ProviderConfig
from llmcore.types import TokenCount
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, build_body

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import Warnings

__all__ = ["MOONSHOT_DIALECT", "REGIONS", "MoonshotProvider"]

REGIONS = {"global": "https://api.moonshot.ai/v1", "cn": "https://api.moonshot.cn/v1"}
MOONSHOT_DIALECT = replace(
    COMPATIBLE_DIALECT,
    max_tokens_field="max_completion_tokens",
    reasoning_fields=("reasoning_content",),
    send_reasoning_field="reasoning_content",
    usage_fallbacks=(("choices", 0, "usage"),),
)
FIXED_SAMPLING = re.compile(r"kimi-k(?:2\.[5-9]|[3-9])")
CONTEXT_MESSAGE = re.compile(r"token length too long|exceeded model token limit", re.IGNORECASE)


class MoonshotProvider(ChatCompletionsProvider):
    """Moonshot's ``/v1/chat/completions`` (and its token counter)."""

    spec = SPEC
    dialect = MOONSHOT_DIALECT
    options: ClassVar[Mapping[str, str]] = {
        "region": '"global" (api.moonshot.ai, default) or "cn" (api.moonshot.cn); ignored when base_url is set',
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        region = self.option("region", "global")
        if region not in REGIONS:
            raise ConfigurationError(
                f'moonshot option region must be "global" or "cn", not {region!r}', provider=self.spec.name
            )
        if region != "global" and not self.config.base_url:
            self.base_url = REGIONS[region]

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        for m in body["messages"]:
            if m.get("content") is None:  # Moonshot's Message schema requires a string (tool-call turns: "")
                m["content"] = ""
        if FIXED_SAMPLING.match(request.model):
            for name in ("temperature", "top_p"):
                if name in body:
                    del body[name]
                    warnings.add(name, f"{request.model} uses a fixed {name}; not sent")
        t = body.get("temperature")
        if t is not None and t > 1:
            raise InvalidRequestError(f"Moonshot accepts temperature from 0 to 1, not {t}", provider=self.spec.name)

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if code == "exceeded_current_quota_error":
            cls = PermissionDeniedError
        elif cls is None and status == 400 and CONTEXT_MESSAGE.search(message):
            cls = ContextWindowExceededError
        return message, code, cls

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """The server's count of the request's messages (``/tokenizers/estimate-token-count``)."""
        body, _ = build_body(request, self.dialect, stream=False, provider=self.spec.name, passthrough=False)
        data, _ = await self.request_json(
            "POST", "tokenizers/estimate-token-count", {"model": body["model"], "messages": body["messages"]}
        )
        n = (data.get("data") or {}).get("total_tokens") if isinstance(data, dict) else None
        if not isinstance(n, int):
            raise ProviderResponseError(
                "total_tokens missing from the answer", provider=self.spec.name, raw=str(data)[:500]
            )
        return TokenCount(input_tokens=n, method="api", detail="POST /v1/tokenizers/estimate-token-count")
