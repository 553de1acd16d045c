"""llmcore :class:`ChatRequest` → Gemini ``GenerateContentRequest`` (also used by Vertex AI).

Mapping:

* ``system`` and system messages → ``systemInstruction``; user and tool
  messages → ``role: user`` contents, assistant messages → ``role: model``;
  consecutive contents of the same role are merged (parallel tool results
  must travel in one turn).
* Images and files → ``inlineData`` (base64) or ``fileData`` (URI).
* Tool calls → ``functionCall`` parts (``id`` included); tool results →
  ``functionResponse`` with the ``name`` of the call they answer (Gemini
  matches results by name; the name is looked up from the earlier call with
  the same id) and ``response: {"output": text}`` (``{"error": text}`` when
  ``is_error``). Images in a tool result go in ``functionResponse.parts``.
* Thought signatures (see :mod:`llmcore_gemini.response` for how they are
  represented) go back on the part they came with: a reasoning part marked
  ``data={"thought_signature_on": "previous_part"}`` puts its signature on
  the part before it (the ``functionCall`` or text it was attached to); one
  marked ``"empty_text"`` becomes ``{"text": "", "thoughtSignature": …}``; any
  other signed reasoning part becomes a thought part
  ``{"text", "thought": true, "thoughtSignature"}``. Unsigned thought summaries
  are not sent back (Gemini does not read them), nor is reasoning produced by
  another provider.
* Server-side tool parts of an earlier Gemini or Vertex answer go back as the
  parts they came from: a ``code_execution`` call/result's ``data`` is the
  ``executableCode`` / ``codeExecutionResult`` part whole (a server-side tool
  invocation's the ``toolCall`` / ``toolResponse`` part), sent as is (its
  ``thoughtSignature`` only to the provider that made it); one without
  ``data`` is rebuilt from ``input`` / ``content``. The ``google_search`` and
  ``url_context`` parts built from grounding metadata are not content Gemini
  takes back: they are left out (Gemini grounds every turn anew). Server-tool
  parts of another provider are left out with a ``foreign_part`` warning.
* Generated images in an assistant message go back as ``inlineData`` (with the
  signature of the reasoning part after them, as above).
* ``tools`` → ``functionDeclarations`` with ``parametersJsonSchema`` (or,
  with ``schema_mode="openapi"``, ``parameters`` converted by
  :func:`~llmcore_gemini.schema.to_gemini_schema`); ``tool_choice`` →
  ``toolConfig.functionCallingConfig`` (``AUTO``/``NONE``/``ANY``, a named
  tool = ``ANY`` + ``allowedFunctionNames``).
* ``response_format`` json_schema → ``responseMimeType: application/json`` +
  ``responseJsonSchema`` (or ``responseSchema`` in ``openapi`` mode);
  json_object → ``responseMimeType`` only.
* ``temperature``/``top_p``/``max_tokens``/``stop``/``seed`` →
  ``generationConfig``; ``reasoning_effort`` → ``thinkingConfig``
  (``thinkingLevel`` for Gemini 3+ and unversioned aliases, ``thinkingBudget``
  for 2.5, a warning for models that do not think) with ``includeThoughts``.

Provider options (``provider_options={"gemini": {...}}``, or the Vertex
namespace): see :data:`PROVIDER_OPTIONS`. An unknown key is an
:class:`InvalidRequestError` before anything is sent.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llmcore.errors import InvalidRequestError
from llmcore.pluginkit import CallWarnings, foreign_part
from llmcore.types import (
    CallWarning,
    ChatRequest,
    FilePart,
    ImagePart,
    ReasoningPart,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
)

from .schema import to_gemini_schema

__all__ = [
    "PROVIDER_OPTIONS",
    "THINKING_BUDGETS",
    "CodecSettings",
    "Warnings",
    "build_contents",
    "build_generate_body",
    "model_generation",
]

#: keys accepted in this provider's ``provider_options`` namespace
PROVIDER_OPTIONS: dict[str, str] = {
    "thinking_config": "dict merged into generationConfig.thinkingConfig (Gemini field names)",
    "thinking_budget": "int, generationConfig.thinkingConfig.thinkingBudget (Gemini 2.5; 0 disables, -1 dynamic)",
    "thinking_level": "str, generationConfig.thinkingConfig.thinkingLevel (Gemini 3: MINIMAL/LOW/MEDIUM/HIGH)",
    "include_thoughts": "bool, return thought summaries as reasoning parts",
    "safety_settings": "list of {category, threshold} (safetySettings)",
    "top_k": "int, generationConfig.topK",
    "cached_content": "str, name of a cachedContents resource (cachedContent)",
    "response_modalities": "list of str, generationConfig.responseModalities",
    "tools": "list of raw Gemini tools appended to the function declarations, e.g. [{'googleSearch': {}}]",
    "generation_config": "dict merged into generationConfig (Gemini field names)",
    "extra_body": "dict merged into the request body (Gemini field names)",
    "schema_mode": "'json_schema' (responseJsonSchema/parametersJsonSchema) or 'openapi' (responseSchema/parameters)",
}

#: thinkingBudget sent to Gemini 2.5 models for each reasoning_effort
THINKING_BUDGETS: dict[str, int] = {"minimal": 512, "low": 1024, "medium": 8192, "high": 24576}

SCHEMA_MODES = ("json_schema", "openapi")
_GENERATION = re.compile(r"gemini-(\d+(?:\.\d+)?)")
_IMAGE_MAGIC = (
    ("iVBORw0KGgo", "image/png"),
    ("/9j/", "image/jpeg"),
    ("R0lGOD", "image/gif"),
    ("UklGR", "image/webp"),
)


@dataclass(frozen=True)
class CodecSettings:
    """Per-provider codec settings. ``provider`` is the ``provider_options``
    namespace and the name reasoning parts are stamped with (``gemini`` or
    ``vertexai``): thought signatures are only sent back to the provider that
    produced them."""

    provider: str = "gemini"
    schema_mode: str = "json_schema"
    safety_settings: tuple[Mapping[str, Any], ...] | None = None


#: collects :class:`CallWarning` s, or raises in strict mode (the core collector, under its old name here)
Warnings = CallWarnings


def model_generation(model: str) -> float | None:
    """The Gemini generation of a model name (``gemini-2.5-flash`` → 2.5),
    ``0.0`` for Gemma (no thinking), ``None`` when the name has no version
    (``gemini-flash-latest``)."""
    name = model.rsplit("/", 1)[-1]
    if name.startswith("gemma"):
        return 0.0
    m = _GENERATION.search(name)
    return float(m.group(1)) if m else None


# -- content -------------------------------------------------------------------


def _sniff(data: str) -> str | None:
    return next((m for magic, m in _IMAGE_MAGIC if data.startswith(magic)), None)


def _media_part(data: str | None, url: str | None, media_type: str | None, provider: str) -> dict[str, Any]:
    if url is not None and url.startswith("data:"):
        header, _, data = url.partition(",")
        media_type = header[5:].split(";")[0] or media_type
        url = None
    if url is not None:
        fd: dict[str, Any] = {"fileUri": url}
        mt = media_type or mimetypes.guess_type(url.split("?", 1)[0])[0]
        if mt:
            fd["mimeType"] = mt
        return {"fileData": fd}
    mt = media_type or _sniff(data or "")
    if not mt:
        raise InvalidRequestError(
            "inline media needs a media_type (e.g. image/png); it could not be guessed", provider=provider
        )
    return {"inlineData": {"mimeType": mt, "data": data or ""}}


def _function_response(p: ToolResultPart, name: str, provider: str, warn: Warnings) -> dict[str, Any]:
    result = {"error" if p.is_error else "output": p.text()}
    fr: dict[str, Any] = {"name": name, "id": p.tool_call_id, "response": result}
    if not isinstance(p.content, str):
        media = []
        for c in p.content:
            if isinstance(c, ImagePart):
                part = _media_part(c.data, c.url, c.media_type, provider)
                if "inlineData" in part:
                    media.append(part)
                else:
                    warn.add(
                        "tool_result.image",
                        "Gemini takes only inline images in a tool result; an image URL was dropped",
                    )
        if media:
            fr["parts"] = media
    return {"functionResponse": fr}


def _signature_target(p: ReasoningPart) -> str | None:
    return p.data.get("thought_signature_on") if isinstance(p.data, Mapping) else None


#: the Google providers whose server-tool parts this codec sends back (same wire format)
GOOGLE_PROVIDERS = ("gemini", "vertexai")
#: content parts of server-side tools, sent back as they came
_SERVER_PART_KEYS = ("executableCode", "codeExecutionResult", "toolCall", "toolResponse")


def _server_tool_part(
    p: ServerToolCallPart | ServerToolResultPart, provider: str, warn: Warnings
) -> dict[str, Any] | None:
    """The Gemini part for a server-tool part of an earlier answer, or ``None`` to leave it out."""
    if foreign_part(p, provider, accepts=GOOGLE_PROVIDERS):
        warn.add(
            "foreign_part",
            f"a {p.name} {p.type} part from {p.provider} was left out: Gemini cannot take another provider's "
            "server-side tool output",
        )
        return None
    data = p.data
    if isinstance(data, Mapping) and any(k in data for k in _SERVER_PART_KEYS):
        part = dict(data)
        if p.provider not in (None, provider):
            part.pop("thoughtSignature", None)  # signatures go back only to the provider that made them
        return part
    if isinstance(data, Mapping) and data.get("grounding_metadata"):
        return None  # built from groundingMetadata / urlContextMetadata: not a content part
    if p.name == "code_execution" and isinstance(p, ServerToolCallPart):
        return {"executableCode": {**p.input, "id": p.id}}
    if p.name == "code_execution" and isinstance(p, ServerToolResultPart) and isinstance(p.content, Mapping):
        result = dict(p.content)
        if p.call_id:
            result["id"] = p.call_id
        return {"codeExecutionResult": result}
    warn.add("server_tool_part", f"a {p.name} {p.type} part has no Gemini form and was left out")
    return None


def _model_parts(parts: list[Any], provider: str, warn: Warnings) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in parts:
        if isinstance(p, (ServerToolCallPart, ServerToolResultPart)):
            part = _server_tool_part(p, provider, warn)
            if part is not None:
                out.append(part)
        elif isinstance(p, TextPart):
            if p.text:
                out.append({"text": p.text})
        elif isinstance(p, ToolCallPart):
            out.append({"functionCall": {"name": p.name, "args": p.arguments, "id": p.id}})
        elif isinstance(p, ReasoningPart):
            if p.provider is not None and p.provider != provider:
                continue  # another provider's reasoning: Gemini cannot verify it
            sig = p.signature
            target = _signature_target(p)
            if target == "previous_part" and sig:
                if out and "thoughtSignature" not in out[-1] and not out[-1].get("thought"):
                    out[-1]["thoughtSignature"] = sig
                else:
                    out.append({"text": "", "thoughtSignature": sig})
            elif sig and not p.text:
                out.append({"text": "", "thoughtSignature": sig})
            elif sig:
                out.append({"text": p.text, "thought": True, "thoughtSignature": sig})
            # unsigned thought summaries are not sent back: Gemini does not read them
        elif isinstance(p, (ImagePart, FilePart)):
            out.append(_media_part(p.data, p.url, p.media_type, provider))
    return out


def build_contents(request: ChatRequest, provider: str, warn: Warnings) -> list[dict[str, Any]]:
    """The ``contents`` array (system messages excluded; same-role turns merged)."""
    names: dict[str, str] = {}
    contents: list[dict[str, Any]] = []
    for m in request.messages:
        if m.role == "system":
            continue
        if m.role == "assistant":
            role = "model"
            for p in m.content:
                if isinstance(p, ToolCallPart):
                    names[p.id] = p.name
            parts = _model_parts(m.content, provider, warn)
        else:
            role = "user"
            parts = []
            for p in m.content:
                if isinstance(p, TextPart):
                    if p.text:
                        parts.append({"text": p.text})
                elif isinstance(p, ToolResultPart):
                    parts.append(_function_response(p, p.name or names.get(p.tool_call_id, ""), provider, warn))
                elif isinstance(p, (ImagePart, FilePart)):
                    parts.append(_media_part(p.data, p.url, p.media_type, provider))
        if not parts:
            continue
        if contents and contents[-1]["role"] == role:
            contents[-1]["parts"].extend(parts)
        else:
            contents.append({"role": role, "parts": parts})
    if not contents:
        raise InvalidRequestError("Gemini needs at least one user or assistant message with content", provider=provider)
    return contents


# -- options, tools, generation config -------------------------------------------


def _options(request: ChatRequest, provider: str) -> dict[str, Any]:
    opts = request.options_for(provider)
    unknown = sorted(set(opts) - set(PROVIDER_OPTIONS))
    if unknown:
        raise InvalidRequestError(
            f"unknown {provider} provider_options: {', '.join(unknown)}; known: {', '.join(PROVIDER_OPTIONS)}",
            provider=provider,
        )
    mode = opts.get("schema_mode")
    if mode is not None and mode not in SCHEMA_MODES:
        raise InvalidRequestError(f"schema_mode must be one of {SCHEMA_MODES}, not {mode!r}", provider=provider)
    for key in ("thinking_config", "generation_config", "extra_body"):
        if key in opts and not isinstance(opts[key], Mapping):
            raise InvalidRequestError(f"provider option {key} must be a dict", provider=provider)
    for key in ("tools", "safety_settings", "response_modalities"):
        if key in opts and not isinstance(opts[key], (list, tuple)):
            raise InvalidRequestError(f"provider option {key} must be a list", provider=provider)
    return opts


def _schema(schema: Mapping[str, Any], mode: str) -> tuple[str, dict[str, Any]]:
    if mode == "openapi":
        return "openapi", to_gemini_schema(schema)
    return "json_schema", dict(schema)


def _tools(request: ChatRequest, opts: Mapping[str, Any], mode: str) -> list[dict[str, Any]]:
    tools: list[dict[str, Any]] = []
    if request.tools:
        decls = []
        for t in request.tools:
            d: dict[str, Any] = {"name": t.name}
            if t.description:
                d["description"] = t.description
            kind, schema = _schema(t.parameters, mode)
            d["parameters" if kind == "openapi" else "parametersJsonSchema"] = schema
            decls.append(d)
        tools.append({"functionDeclarations": decls})
    tools.extend(dict(t) for t in opts.get("tools") or ())
    return tools


def _tool_config(request: ChatRequest) -> dict[str, Any] | None:
    tc = request.tool_choice
    if tc is None or not request.tools:
        return None
    if tc.mode == "tool":
        return {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": [tc.name]}}
    return {"functionCallingConfig": {"mode": {"auto": "AUTO", "none": "NONE", "required": "ANY"}[tc.mode]}}


def _thinking(request: ChatRequest, opts: Mapping[str, Any], warn: Warnings) -> dict[str, Any]:
    cfg: dict[str, Any] = {}
    effort = request.reasoning_effort
    if effort:
        gen = model_generation(request.model)
        if gen is None or gen >= 3:
            cfg["thinkingLevel"] = effort.upper()
        elif gen >= 2.5:
            cfg["thinkingBudget"] = THINKING_BUDGETS[effort]
        else:
            warn.add("reasoning_effort", f"{request.model} does not support thinking; reasoning_effort was not sent")
        if cfg:
            cfg["includeThoughts"] = True
    if "thinking_budget" in opts:
        cfg.pop("thinkingLevel", None)
        cfg["thinkingBudget"] = int(opts["thinking_budget"])
    if "thinking_level" in opts:
        cfg.pop("thinkingBudget", None)
        cfg["thinkingLevel"] = str(opts["thinking_level"]).upper()
    if "include_thoughts" in opts:
        cfg["includeThoughts"] = bool(opts["include_thoughts"])
    cfg.update(opts.get("thinking_config") or {})
    return cfg


def _generation_config(request: ChatRequest, opts: Mapping[str, Any], mode: str, warn: Warnings) -> dict[str, Any]:
    g: dict[str, Any] = {}
    if request.temperature is not None:
        g["temperature"] = request.temperature
    if request.top_p is not None:
        g["topP"] = request.top_p
    if "top_k" in opts:
        g["topK"] = int(opts["top_k"])
    if request.max_tokens is not None:
        g["maxOutputTokens"] = request.max_tokens
    if request.stop:
        g["stopSequences"] = list(request.stop)
    if request.seed is not None:
        g["seed"] = request.seed
    rf = request.response_format
    if rf is not None and rf.type != "text":
        g["responseMimeType"] = "application/json"
        if rf.type == "json_schema":
            if not rf.json_schema:
                raise InvalidRequestError("response_format json_schema needs a schema", provider=warn.provider)
            kind, schema = _schema(rf.json_schema, mode)
            g["responseSchema" if kind == "openapi" else "responseJsonSchema"] = schema
    if "response_modalities" in opts:
        g["responseModalities"] = list(opts["response_modalities"])
    thinking = _thinking(request, opts, warn)
    if thinking:
        g["thinkingConfig"] = thinking
    g.update(opts.get("generation_config") or {})
    return g


def build_generate_body(request: ChatRequest, settings: CodecSettings) -> tuple[dict[str, Any], list[CallWarning]]:
    """The ``GenerateContentRequest`` body (without ``model``, which is in the
    URL) and the warnings for what could not be honoured (raises
    :class:`UnsupportedFeatureError` instead when ``request.strict``)."""
    provider = settings.provider
    warn = Warnings(request.strict, provider)
    opts = _options(request, provider)
    mode = opts.get("schema_mode") or settings.schema_mode
    body: dict[str, Any] = {"contents": build_contents(request, provider, warn)}
    system = request.system_text()
    if system:
        body["systemInstruction"] = {"parts": [{"text": system}]}
    tools = _tools(request, opts, mode)
    if request.builtin_tools:
        from .builtin import builtin_tool_entries

        tools = [*tools, *builtin_tool_entries(request, provider, warn)]
    if tools:
        body["tools"] = tools
    tool_config = _tool_config(request)
    if tool_config:
        body["toolConfig"] = tool_config
    safety = opts.get("safety_settings", settings.safety_settings)
    if safety:
        body["safetySettings"] = [dict(s) for s in safety]
    if opts.get("cached_content"):
        body["cachedContent"] = str(opts["cached_content"])
    gen = _generation_config(request, opts, mode, warn)
    if gen:
        body["generationConfig"] = gen
    body.update(opts.get("extra_body") or {})
    return body, warn.items
