"""Groq on the shared Chat Completions codec.

Quirks (https://console.groq.com/docs/api-reference, ``api-specs/groq/openapi.yaml``):

* ``max_completion_tokens`` (``max_tokens`` is deprecated); no ``stream_options``
  (the request schema forbids unknown fields): usage arrives on the last chunk,
  as ``x_groq.usage`` in older streams and also as ``usage`` in newer ones.
* Reasoning text in ``reasoning`` (gpt-oss, Qwen 3 with ``reasoning_format:
  parsed``); option ``reasoning_format`` (``parsed``/``raw``/``hidden``) is sent
  with every request. Reasoning is not sent back on later turns.
* ``reasoning_effort``: Groq takes ``low``/``medium``/``high`` (and ``none``/
  ``default`` for Qwen 3); ``minimal`` is sent as ``low`` with a warning.
* ``json_schema`` structured output only on some models
  (https://console.groq.com/docs/structured-outputs): ``strict: true`` on
  :data:`STRICT_JSON_SCHEMA_MODELS`; best-effort (``strict: false``, with a
  warning when strict was asked) on :data:`JSON_SCHEMA_MODELS`; any other model
  gets ``json_object`` (valid JSON, schema not enforced) and a warning.
  ``provider_options={"groq": {"response_format": ...}}`` overrides this.
* A failure inside a 200 stream (``{"error": {...}}``, e.g. ``tool_use_failed``)
  is a typed error (shared codec); HTTP 498 ``capacity_exceeded`` (flex tier at
  capacity) is a retryable :class:`~llmcore.errors.ProviderServerError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import ConfigurationError, LLMCoreError, ProviderServerError
from llmcore.provider import ProviderConfig
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = ["GROQ_DIALECT", "GroqProvider", "JSON_SCHEMA_MODELS", "STRICT_JSON_SCHEMA_MODELS"]

GROQ_DIALECT = replace(
    COMPATIBLE_DIALECT, max_tokens_field="max_completion_tokens", stream_usage=False, reasoning_fields=("reasoning",),
    usage_fallbacks=(("x_groq", "usage"),),
)

#: json_schema with constrained decoding (``strict: true``)
STRICT_JSON_SCHEMA_MODELS = frozenset({"openai/gpt-oss-20b", "openai/gpt-oss-120b"})
#: json_schema, best effort (``strict: false``)
JSON_SCHEMA_MODELS = frozenset({
    "moonshotai/kimi-k2-instruct", "moonshotai/kimi-k2-instruct-0905",
    "meta-llama/llama-4-maverick-17b-128e-instruct", "meta-llama/llama-4-scout-17b-16e-instruct",
})
_REASONING_FORMATS = ("parsed", "raw", "hidden")


class GroqProvider(ChatCompletionsProvider):
    """Groq's OpenAI-compatible Chat Completions API."""

    spec = SPEC
    dialect = GROQ_DIALECT
    options: ClassVar[Mapping[str, str]] = {
        "reasoning_format": '"parsed" (reasoning in its own field), "raw" (<think> tags in the text) or "hidden"',
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self.reasoning_format = self.option("reasoning_format")
        if self.reasoning_format not in (None, *_REASONING_FORMATS):
            raise ConfigurationError(
                f"groq option reasoning_format must be one of {', '.join(_REASONING_FORMATS)}, "
                f"not {self.reasoning_format!r}", provider="groq",
            )

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if self.reasoning_format:
            body["reasoning_format"] = self.reasoning_format
        if body.get("reasoning_effort") == "minimal":
            body["reasoning_effort"] = "low"
            warnings.add("reasoning_effort", 'Groq has no "minimal" reasoning effort; sent "low"')
        rf = body.get("response_format")
        if not rf or rf.get("type") != "json_schema" or request.model in STRICT_JSON_SCHEMA_MODELS:
            return
        if request.model in JSON_SCHEMA_MODELS:
            if rf["json_schema"].get("strict"):
                rf["json_schema"]["strict"] = False
                warnings.add("response_format", f"{request.model} has best-effort json_schema only on Groq "
                                                "(strict: false): the output may not match the schema")
            return
        body["response_format"] = {"type": "json_object"}
        warnings.add("response_format", f"{request.model} does not support json_schema on Groq; sent json_object "
                                        "(valid JSON, the schema is not enforced)")

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if status == 498:  # flex tier at capacity: retry later
            cls = ProviderServerError
        return message, code, cls
