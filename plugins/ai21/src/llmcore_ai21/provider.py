"""The AI21 provider: ``llmcore-openai``'s Chat Completions codec with AI21's dialect.

``POST https://api.ai21.com/studio/v1/chat/completions`` (Jamba; reference:
https://docs.ai21.com/reference/jamba-1-6-api-ref, spec: AI21's openapi.json).
Where it differs from OpenAI's Chat Completions, per AI21's spec:

* no ``tool_choice``, ``seed``, ``reasoning_effort``, ``stream_options`` (the
  last chunk of a stream carries the usage anyway) or ``strict`` on functions:
  the first three become warnings;
* ``response_format`` is ``json_object`` (JSON mode) only;
* message ``content`` is a string: an assistant turn that only calls tools is
  sent without ``content`` (the codec's ``null`` is not a string);
* ``documents`` (grounding documents) and AI21's other extras go in
  ``provider_options={"ai21": {...}}``;
* errors are FastAPI's ``{"detail": "..."}`` or, for validation (HTTP 422),
  ``{"detail": [{"loc", "msg", "type"}]}``; a 422 on ``body.model`` (the
  model name is an enum) is a :class:`~llmcore.errors.NotFoundError`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore import errors as E
from llmcore.spec import ProviderSpec
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings
from llmcore_openai.chat.errors import classify

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = ["AI21_DIALECT", "AI21Provider"]

AI21_DIALECT = replace(
    COMPATIBLE_DIALECT,
    stream_usage=False,
    reasoning_effort=False,
    structured_output=("json_object",),
    unsupported=frozenset({"seed", "tool_choice"}),
    strict_tools=False,
    metadata_fields=("meta",),  # AI21's request timing (requestDurationMillis), kept in provider_metadata
)


class AI21Provider(ChatCompletionsProvider):
    """AI21 Studio's chat completions (``$AI21_API_KEY``, ``Authorization: Bearer``)."""

    spec: ClassVar[ProviderSpec] = SPEC
    dialect = AI21_DIALECT

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        for m in body["messages"]:
            if m.get("role") == "assistant" and m.get("content") is None:
                del m["content"]

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[E.LLMCoreError] | None]:
        detail = body.get("detail") if isinstance(body, dict) and "error" not in body else None
        if not isinstance(detail, list):
            return super().error_details(status, body, text)
        items = [d for d in detail if isinstance(d, dict)]
        msg = "; ".join(f"{'.'.join(map(str, d.get('loc') or ()))}: {d.get('msg', '')}" for d in items)
        msg = msg or text.strip()[:500] or f"HTTP {status}"
        code = str(items[0].get("type")) if items and items[0].get("type") else None
        if any(tuple(d.get("loc") or ()) == ("body", "model") for d in items):
            return msg, code, E.NotFoundError
        return msg, code, classify(status, code, None, msg)
