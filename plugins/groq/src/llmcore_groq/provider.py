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
* Structured output differs per model (:meth:`GroqProvider.structured_modes`,
  the model profile the facade chooses the mode from):
  ``json_schema`` only on some models
  (https://console.groq.com/docs/structured-outputs, "Supported models"):
  ``strict: true`` on :data:`STRICT_JSON_SCHEMA_MODELS`; best-effort
  (``strict: false``, with a warning when strict was asked) on
  :data:`JSON_SCHEMA_MODELS`. Other chat models get ``json_object`` (JSON
  mode: valid JSON, schema not enforced), which Groq rejects with 400 unless a
  message asks for JSON (``ResponseFormatJsonObject`` in Groq's OpenAPI spec:
  "the model will not generate JSON without a system or user message
  instructing it to do so"): the facade sends the schema in a system
  instruction, and a request that reaches the provider with ``json_object``
  and no "json" in its messages gets that instruction added. Compound systems
  (``groq/compound*``, ``compound-beta*``) take neither JSON mode nor custom
  tools (https://console.groq.com/docs/compound: "Custom user-provided tools
  are not supported"): no ``response_format`` is sent, the schema goes in a
  system instruction, with a warning.
  ``provider_options={"groq": {"response_format": ...}}`` overrides this.
* Compound answers' ``usage_breakdown`` (each inner model's usage) is kept in
  ``provider_metadata["groq"]``.
* A failure inside a 200 stream (``{"error": {...}}``, e.g. ``tool_use_failed``)
  is a typed error (shared codec); HTTP 498 ``capacity_exceeded`` (flex tier at
  capacity) is a retryable :class:`~llmcore.errors.ProviderServerError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore import catalogue
from llmcore.errors import ConfigurationError, LLMCoreError, ProviderServerError
from llmcore.provider import ProviderConfig
from llmcore.structured import instruction
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = [
    "BUILTIN_TOOL_MODELS",
    "GROQ_DIALECT",
    "GroqProvider",
    "JSON_SCHEMA_MODELS",
    "STRICT_JSON_SCHEMA_MODELS",
    "is_compound",
]

GROQ_DIALECT = replace(
    COMPATIBLE_DIALECT,
    max_tokens_field="max_completion_tokens",
    stream_usage=False,
    reasoning_fields=("reasoning",),
    usage_fallbacks=(("x_groq", "usage"),),
    # compound models: the usage of each model the system ran (Usage holds the total); the tier that served
    metadata_fields=("usage_breakdown", "service_tier", "x_groq"),  # x_groq: Groq's request id
)

#: json_schema with constrained decoding (``strict: true``)
STRICT_JSON_SCHEMA_MODELS = frozenset({"openai/gpt-oss-20b", "openai/gpt-oss-120b"})
#: json_schema, best effort (``strict: false``)
JSON_SCHEMA_MODELS = frozenset(
    {
        "moonshotai/kimi-k2-instruct",
        "moonshotai/kimi-k2-instruct-0905",
        "meta-llama/llama-4-maverick-17b-128e-instruct",
        "meta-llama/llama-4-scout-17b-16e-instruct",
    }
)
_REASONING_FORMATS = ("parsed", "raw", "hidden")
#: models that take Groq's built-in tools as tool entries (``browser_search``, ``code_interpreter``):
#: https://console.groq.com/docs/browser-search and https://console.groq.com/docs/code-execution
BUILTIN_TOOL_MODELS = frozenset({"openai/gpt-oss-20b", "openai/gpt-oss-120b"})
#: WebSearchTool fields no Groq search takes
_UNSENT_SEARCH_FIELDS = ("max_uses", "search_context_size", "user_location")


def is_compound(model: str) -> bool:
    """Whether ``model`` is one of Groq's compound systems (``groq/compound``,
    ``groq/compound-mini``, the older ``compound-beta``/``compound-beta-mini``):
    built-in server-side tools only, no JSON mode, no custom tools."""
    return model.removeprefix("groq/").startswith("compound")


def _catalogue_says_schema(model: str) -> bool:
    """Whether the model catalogue says ``model`` takes a JSON schema on Groq (a model
    newer than the lists above)."""
    try:
        info = catalogue.lookup("groq", model)
    except ConfigurationError:
        return False
    return info is not None and info.structured_output is True


def _asks_for_json(messages: Any) -> bool:
    """Whether some message mentions "json" (Groq's condition for JSON mode), in any case."""
    return "json" in json.dumps(messages, ensure_ascii=False).lower()


def _add_system_text(body: dict[str, Any], text: str) -> None:
    """Append ``text`` to the leading system message of ``body``, or insert one."""
    messages = body.setdefault("messages", [])
    first = messages[0] if messages else None
    if isinstance(first, dict) and first.get("role") == "system" and isinstance(first.get("content"), str):
        first["content"] = f"{first['content']}\n\n{text}"
    else:
        messages.insert(0, {"role": "system", "content": text})


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
                f"not {self.reasoning_format!r}",
                provider="groq",
            )

    def structured_modes(self, model: str) -> tuple[str, ...]:
        """The model profile (see :func:`llmcore.structured.prepare`): the
        structured-output modes ``model`` accepts on Groq, most preferred first.

        From https://console.groq.com/docs/structured-outputs ("Supported
        models": json_schema strict on gpt-oss, best-effort on Kimi K2 and
        Llama 4), https://console.groq.com/docs/compound (no custom tools) and
        the API reference (``json_object`` on the other chat models). Unknown
        models the model catalogue says take structured outputs (models.dev's
        ``structured_output``) get ``json_schema`` too; the others get JSON mode
        (the schema in a system instruction), which every Groq chat model takes;
        ``structured_mode="tool"`` forces a tool call instead."""
        if is_compound(model):
            return ()  # no JSON mode, no custom tools: the schema goes in a system instruction only
        if model in STRICT_JSON_SCHEMA_MODELS or model in JSON_SCHEMA_MODELS or _catalogue_says_schema(model):
            return ("json_schema", "json_object", "tool")
        return ("json_object", "tool")

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if self.reasoning_format:
            body["reasoning_format"] = self.reasoning_format
        if body.get("reasoning_effort") == "minimal":
            body["reasoning_effort"] = "low"
            warnings.add("reasoning_effort", 'Groq has no "minimal" reasoning effort; sent "low"')
        rf = body.get("response_format")
        if not isinstance(rf, dict):
            return
        # The facade already chose a mode this model accepts (structured_modes); what follows makes a
        # response_format given to the provider directly one Groq accepts too.
        schema = rf["json_schema"].get("schema") if rf.get("type") == "json_schema" else None
        if is_compound(request.model) and rf.get("type") in ("json_schema", "json_object"):
            del body["response_format"]
            _add_system_text(body, instruction(schema))
            warnings.add(
                "response_format",
                f"{request.model} takes no response_format on Groq: the schema was "
                "sent as a system instruction (not enforced)",
            )
            return
        if rf.get("type") == "json_schema" and request.model not in STRICT_JSON_SCHEMA_MODELS:
            if request.model in JSON_SCHEMA_MODELS or _catalogue_says_schema(request.model):
                if rf["json_schema"].get("strict"):
                    rf["json_schema"]["strict"] = False
                    warnings.add(
                        "response_format",
                        f"{request.model} has best-effort json_schema only on Groq "
                        "(strict: false): the output may not match the schema",
                    )
                return
            body["response_format"] = rf = {"type": "json_object"}
            _add_system_text(body, instruction(schema))
            warnings.add(
                "response_format",
                f"{request.model} does not support json_schema on Groq; sent "
                "json_object with the schema in a system instruction (valid JSON, "
                "the schema is not enforced)",
            )
        if rf.get("type") == "json_object" and not _asks_for_json(body.get("messages")):
            _add_system_text(body, instruction(None))  # Groq answers 400 to JSON mode without "json" in a message

    def builtin_tools_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        """Groq's built-in tools (https://console.groq.com/docs/compound/built-in-tools,
        https://console.groq.com/docs/code-execution, ``ChatCompletionTool`` in Groq's OpenAPI spec).

        * Compound models (``groq/compound``, ``compound-beta``, ...) search the web and run code by
          themselves (both tools are on by default in every compound version): ``WebSearchTool`` and
          ``CodeExecutionTool`` are accepted and add nothing to the body but the search domains
          (``search_settings``: ``include_domains``/``exclude_domains``, the tool's
          ``provider_options={"groq": {...}}`` merged in). To narrow the tool set, give
          ``provider_options={"groq": {"compound_custom": {"tools": {"enabled_tools": [...]}}}}``.
        * GPT-OSS models (:data:`BUILTIN_TOOL_MODELS`): ``CodeExecutionTool`` is the
          ``{"type": "code_interpreter"}`` tool entry, ``WebSearchTool`` the ``{"type": "browser_search"}``
          one (the tool's Groq options merged into the entry; search fields it has no place for are
          warnings).

        Any other model or tool is refused before the network. What the tools ran comes back as
        ``executed_tools`` (server-tool parts, :mod:`llmcore_openai.chat.extras`)."""
        from llmcore.builtin_tools import CodeExecutionTool, WebSearchTool, options_for, refuse

        compound = is_compound(request.model)
        builtin_model = request.model in BUILTIN_TOOL_MODELS
        for tool in request.builtin_tools or ():
            if not isinstance(tool, (WebSearchTool, CodeExecutionTool)):
                raise refuse(tool, self.spec.name)
            if not (compound or builtin_model):
                raise refuse(
                    tool,
                    self.spec.name,
                    f"only the compound models and {', '.join(sorted(BUILTIN_TOOL_MODELS))} have it, "
                    f"not {request.model}",
                )
            options = options_for(tool, self.spec.name)
            if builtin_model:
                kind = "browser_search" if isinstance(tool, WebSearchTool) else "code_interpreter"
                body.setdefault("tools", []).append({"type": kind, **options})
                if isinstance(tool, WebSearchTool):
                    for name in ("allowed_domains", "blocked_domains", *_UNSENT_SEARCH_FIELDS):
                        if getattr(tool, name) is not None:
                            warnings.add(f"WebSearchTool.{name}", f"Groq's browser_search has no {name}; not sent")
            elif isinstance(tool, WebSearchTool):
                settings: dict[str, Any] = {}
                if tool.allowed_domains is not None:
                    settings["include_domains"] = list(tool.allowed_domains)
                if tool.blocked_domains is not None:
                    settings["exclude_domains"] = list(tool.blocked_domains)
                settings.update(options)
                if settings:
                    body["search_settings"] = settings
                for name in _UNSENT_SEARCH_FIELDS:
                    if getattr(tool, name) is not None:
                        warnings.add(f"WebSearchTool.{name}", f"Groq's compound search has no {name}; not sent")
            elif options:  # compound code execution has no tool entry to merge options into
                warnings.add(
                    "CodeExecutionTool.provider_options",
                    "Groq's compound models have no code-execution settings; not sent (use "
                    "provider_options={'groq': {'compound_custom': ...}} on the call)",
                )

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if status == 498:  # flex tier at capacity: retry later
            cls = ProviderServerError
        return message, code, cls
