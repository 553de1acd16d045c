"""The Writer provider: ``llmcore-openai``'s Chat Completions codec with Writer's dialect.

Writer's ``POST /v1/chat`` (https://dev.writer.com/api-reference/completion-api/chat-completion)
is OpenAI-shaped; where its wire differs, this module says so:

* **path** ``chat`` (not ``chat/completions``); no ``seed``, ``reasoning_effort``
  or ``strict`` on function definitions; ``response_format`` ``json_schema`` only.
* **tool_choice** is wrapped: ``{"value": "auto"}`` / ``{"value": {"type":
  "function", "function": {"name": ...}}}`` (Writer's ``string_tool_choice`` /
  ``json_object_tool_choice``).
* **built-in tools** — ``graph`` (Knowledge Graph), ``llm`` (delegation to
  another Palmyra model), ``web_search``, ``translation``, ``vision`` — go in
  ``provider_options={"writer": {"tools": [...]}}``; they are *added* to the
  request's function tools instead of replacing them.
* **response data** of those tools — the message's (or stream delta's)
  ``graph_data``, ``llm_data``, ``translation_data``, ``web_search_data`` —
  lands in ``provider_metadata["writer"]`` (the codec's
  ``message_metadata_fields`` seam; all-``null`` placeholders are skipped).
* **usage** details are named ``prompt_token_details`` /
  ``completion_token_details`` (singular ``token``) besides the OpenAI names.
* **streams** repeat the delta under ``message`` and end without ``[DONE]``
  (after the usage chunk); the codec reads ``delta`` and ends on the finish reason.
* **errors** are ``{"tpe": "...", "errors": [{"description", "key", "extras"}],
  "extras": {}}`` (https://dev.writer.com/api-reference/error-codes).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import LLMCoreError
from llmcore.spec import ProviderSpec
from llmcore.types import Usage
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings, map_usage
from llmcore_openai.chat.errors import classify
from llmcore_openai.chat.request import map_tools

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = ["WRITER_DIALECT", "WriterProvider"]

WRITER_DIALECT = replace(
    COMPATIBLE_DIALECT,
    path="chat",
    reasoning_fields=(),
    reasoning_effort=False,
    structured_output=("json_schema",),
    unsupported=frozenset({"seed"}),
    strict_tools=False,
    message_metadata_fields=("graph_data", "llm_data", "translation_data", "web_search_data"),
)


class WriterProvider(ChatCompletionsProvider):
    """Writer's chat API (``$WRITER_API_KEY``, ``Authorization: Bearer``)."""

    spec: ClassVar[ProviderSpec] = SPEC
    dialect = WRITER_DIALECT

    def build_request(self, request: ChatRequest, stream: bool) -> tuple[dict[str, Any], Warnings]:
        body, w = super().build_request(request, stream)
        extra = request.options_for(self.spec.name) or {}
        builtin = extra.get("tools")
        if isinstance(builtin, list) and request.tools and "tools" not in self.dialect.unsupported:
            body["tools"] = map_tools(request.tools, self.dialect) + builtin  # add, do not replace
        return body, w

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if "tool_choice" in body:
            body["tool_choice"] = {"value": body["tool_choice"]}

    def map_usage(self, raw: Any) -> Usage:
        if isinstance(raw, dict) and ("prompt_token_details" in raw or "completion_token_details" in raw):
            raw = {
                **raw,
                "prompt_tokens_details": raw.get("prompt_tokens_details") or raw.get("prompt_token_details"),
                "completion_tokens_details": raw.get("completion_tokens_details")
                or raw.get("completion_token_details"),
            }
        return map_usage(raw)

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        errors = body.get("errors") if isinstance(body, dict) else None
        if not isinstance(errors, list):
            return super().error_details(status, body, text)
        items = [e for e in errors if isinstance(e, dict)]
        msg = "; ".join(str(e.get("description") or e.get("key") or "") for e in items).strip("; ")
        msg = msg or text.strip()[:500] or f"HTTP {status}"
        key = items[0].get("key") if items else None
        code = str(key) if key else (str(body["tpe"]) if body.get("tpe") else None)  # type: ignore[union-attr]
        return msg, code, classify(status, code, None, msg)
