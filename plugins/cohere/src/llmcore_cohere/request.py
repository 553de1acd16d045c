"""llmcore :class:`~llmcore.types.ChatRequest` → Cohere ``POST /v2/chat`` body.

Mapping (see ``docs/providers/cohere.md``):

* ``system`` and system messages → ``role: system`` messages (``system`` first);
* user text → ``content`` (a string, or a list of ``text``/``image_url`` parts
  when the turn has images); text-like files (``text/*``, JSON) with inline
  data → request-level ``documents`` (Cohere's RAG input, cited back);
* assistant text → ``content``; with tool calls, the text is the turn's
  ``tool_plan`` (Cohere's name for the text before tool calls, and how
  responses deliver it); Cohere reasoning parts → ``thinking`` content;
  tool calls → ``tool_calls`` with JSON-string ``arguments``;
* tool results → ``role: tool`` messages with ``tool_call_id`` and one
  ``document`` whose ``data`` is the result's JSON object, or
  ``{"content": text}`` (``{"error": text}`` for an error result);
* ``temperature`` (Cohere allows 0..1), ``top_p`` → ``p`` (0.01..0.99),
  ``max_tokens``, ``stop`` → ``stop_sequences`` (at most 5), ``seed``;
* ``tools`` → ``{type: function, function: {...}}``; ``tool_choice``
  ``none``/``required`` → ``NONE``/``REQUIRED``; a named tool → only that
  tool with ``REQUIRED``; a ``strict`` tool turns on ``strict_tools``;
* ``response_format`` → ``{type: json_object[, json_schema]}``;
* ``provider_options["cohere"]`` is merged into the body last, untouched
  (``thinking``, ``documents``, ``citation_options``, ``safety_mode``, ``k``,
  ``frequency_penalty``, ``presence_penalty``, ``priority``, ...).

What Cohere cannot take becomes a :class:`~llmcore.types.CallWarning` (or an
:class:`~llmcore.errors.UnsupportedFeatureError` when ``request.strict``).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from llmcore.errors import InvalidRequestError
from llmcore.pluginkit import CallWarnings
from llmcore.tokens import request_text
from llmcore.types import (
    CallWarning,
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    ReasoningPart,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
)

__all__ = ["build_chat_body", "build_tokenize_bodies", "TOKENIZE_MAX_CHARS", "RESERVED_KEYS"]

PROVIDER = "cohere"
MAX_STOP_SEQUENCES = 5
#: ``/v1/tokenize`` takes at most this many characters of ``text``
TOKENIZE_MAX_CHARS = 65536
#: body keys the codec owns; ``provider_options`` may not override them
RESERVED_KEYS = frozenset({"model", "messages", "stream"})
_TEXT_FILE_TYPES = ("application/json", "application/xml", "application/x-yaml")


# -- messages ------------------------------------------------------------------------


def _image_url(p: ImagePart) -> str:
    if p.url is not None:
        return p.url
    return f"data:{p.media_type or 'image/png'};base64,{p.data}"


def _file_document(p: FilePart, w: CallWarnings) -> dict[str, Any] | None:
    media = (p.media_type or "").lower()
    if p.data is None or not (media.startswith("text/") or media in _TEXT_FILE_TYPES):
        w.add(
            "file",
            f"cohere accepts only inline text files as documents; {p.media_type} "
            f"{'by URL' if p.data is None else 'data'} was not sent",
        )
        return None
    try:
        text = base64.b64decode(p.data, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        text = p.data  # plain text given as data
    data: dict[str, Any] = {"text": text}
    if p.filename:
        data["title"] = p.filename
    return {"data": data}


def _tool_result_document(p: ToolResultPart, w: CallWarnings) -> dict[str, Any]:
    if not isinstance(p.content, str) and any(isinstance(c, ImagePart) for c in p.content):
        w.add("tool_result.image", "cohere tool results carry text only; the image was not sent")
    text = p.text()
    if p.is_error:
        data: dict[str, Any] = {"error": text}
    else:
        data = {"content": text}
        stripped = text.lstrip()
        if stripped.startswith("{"):
            try:
                value = json.loads(text)
            except ValueError:
                value = None
            if isinstance(value, dict) and value:
                data = value
    return {"type": "document", "document": {"data": data}}


def _tool_message(p: ToolResultPart, w: CallWarnings) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": p.tool_call_id, "content": [_tool_result_document(p, w)]}


def _user_messages(m: Message, w: CallWarnings, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    has_image = False
    for p in m.content:
        if isinstance(p, TextPart):
            parts.append({"type": "text", "text": p.text})
        elif isinstance(p, ImagePart):
            has_image = True
            parts.append({"type": "image_url", "image_url": {"url": _image_url(p)}})
        elif isinstance(p, ToolResultPart):
            out.append(_tool_message(p, w))
        elif isinstance(p, FilePart):
            doc = _file_document(p, w)
            if doc is not None:
                documents.append(doc)
    if parts:
        if has_image:
            out.append({"role": "user", "content": parts})
        else:
            out.append({"role": "user", "content": "".join(x["text"] for x in parts)})
    return out


def _assistant_message(m: Message, w: CallWarnings) -> dict[str, Any] | None:
    texts: list[str] = []
    content: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    for p in m.content:
        if isinstance(p, TextPart):
            texts.append(p.text)
            content.append({"type": "text", "text": p.text})
        elif isinstance(p, ReasoningPart):
            # Other providers' reasoning (signed, encrypted) means nothing to Cohere.
            if p.provider in (None, PROVIDER) and p.text and not p.redacted:
                content.append({"type": "thinking", "thinking": p.text})
        elif isinstance(p, ToolCallPart):
            raw = p.raw_arguments or json.dumps(p.arguments, separators=(",", ":"))
            calls.append({"id": p.id, "type": "function", "function": {"name": p.name, "arguments": raw}})
        elif isinstance(p, (ImagePart, FilePart)):
            w.add(f"assistant.{p.type}", "cohere assistant turns carry text only; the part was not sent")
        elif isinstance(p, (ServerToolCallPart, ServerToolResultPart)):
            # Cohere runs no server-side tools: such a part is always another provider's
            w.add(
                "foreign_part",
                f"a {p.name} {p.type} part from {p.provider or 'another provider'} was left out: "
                "Cohere cannot take another provider's server-side tool output",
            )
    msg: dict[str, Any] = {"role": "assistant"}
    if calls:
        # Text before tool calls is Cohere's ``tool_plan`` (as responses deliver it).
        plan = "".join(texts)
        if plan:
            msg["tool_plan"] = plan
        thinking = [c for c in content if c["type"] == "thinking"]
        if thinking:
            msg["content"] = thinking
        msg["tool_calls"] = calls
    elif content:
        msg["content"] = content
    else:
        return None
    return msg


def build_messages(request: ChatRequest, w: CallWarnings) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cohere ``messages`` and ``documents`` (from text files) for ``request``."""
    messages: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    for m in request.messages:
        if m.role == "system":
            messages.append({"role": "system", "content": m.text})
        elif m.role == "user":
            messages.extend(_user_messages(m, w, documents))
        elif m.role == "assistant":
            msg = _assistant_message(m, w)
            if msg is not None:
                messages.append(msg)
        else:  # tool
            for p in m.content:
                if isinstance(p, ToolResultPart):
                    messages.append(_tool_message(p, w))
            text = m.text
            if text:
                messages.append({"role": "user", "content": text})
    return messages, documents


# -- the body -------------------------------------------------------------------------


def _tools(request: ChatRequest, body: dict[str, Any], w: CallWarnings) -> None:
    tools = list(request.tools or ())
    choice = request.tool_choice
    if choice is not None and choice.mode == "tool":
        tools = [t for t in tools if t.name == choice.name]
        body["tool_choice"] = "REQUIRED"
    elif choice is not None and choice.mode == "required":
        if not tools:
            raise InvalidRequestError("tool_choice 'required' needs at least one tool", provider=PROVIDER)
        body["tool_choice"] = "REQUIRED"
    elif choice is not None and choice.mode == "none" and tools:
        body["tool_choice"] = "NONE"
    if tools:
        body["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    **({"description": t.description} if t.description else {}),
                    "parameters": t.parameters,
                },
            }
            for t in tools
        ]
        if any(t.strict for t in tools):
            body["strict_tools"] = True


def _clamp(name: str, value: float, low: float, high: float, w: CallWarnings) -> float:
    if value < low or value > high:
        clamped = min(max(value, low), high)
        w.add(name, f"cohere accepts {low}..{high}; {value} was sent as {clamped}")
        return clamped
    return value


def build_chat_body(request: ChatRequest, *, stream: bool) -> tuple[dict[str, Any], list[CallWarning]]:
    """The ``/v2/chat`` body for ``request`` and the warnings about what was not honoured.

    Raises :class:`InvalidRequestError` (before any network call) for input
    Cohere cannot accept, and :class:`UnsupportedFeatureError` for unsupported
    parameters when ``request.strict``.
    """
    w = CallWarnings(request.strict, PROVIDER)
    messages, documents = build_messages(request, w)
    if not any(m["role"] != "system" for m in messages):
        raise InvalidRequestError("cohere needs at least one non-system message", provider=PROVIDER)
    body: dict[str, Any] = {"model": request.model, "messages": messages, "stream": stream}
    if documents:
        body["documents"] = documents
    if request.temperature is not None:
        body["temperature"] = _clamp("temperature", request.temperature, 0.0, 1.0, w)
    if request.top_p is not None:
        body["p"] = _clamp("top_p", request.top_p, 0.01, 0.99, w)
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.stop:
        stops = list(request.stop)
        if len(stops) > MAX_STOP_SEQUENCES:
            w.add(
                "stop",
                f"cohere takes at most {MAX_STOP_SEQUENCES} stop sequences; "
                f"{len(stops) - MAX_STOP_SEQUENCES} were not sent",
            )
            stops = stops[:MAX_STOP_SEQUENCES]
        body["stop_sequences"] = stops
    if request.seed is not None:
        body["seed"] = request.seed
    _tools(request, body, w)
    rf = request.response_format
    if rf is not None and rf.type != "text":
        fmt: dict[str, Any] = {"type": "json_object"}
        if rf.type == "json_schema" and rf.json_schema:
            fmt["json_schema"] = rf.json_schema
        body["response_format"] = fmt
    if request.reasoning_effort is not None:
        w.add(
            "reasoning_effort",
            "cohere has no reasoning effort levels; set "
            "provider_options={'cohere': {'thinking': {'type': 'enabled', 'token_budget': N}}}",
        )
    extra = request.options_for(PROVIDER)
    clash = sorted(RESERVED_KEYS & set(extra))
    if clash:
        raise InvalidRequestError(f"provider_options['cohere'] may not set {', '.join(clash)}", provider=PROVIDER)
    if "documents" in extra and documents:
        body["documents"] = list(extra["documents"]) + documents
        extra = {k: v for k, v in extra.items() if k != "documents"}
    body.update(extra)
    return body, w.items


def build_tokenize_bodies(request: ChatRequest) -> list[dict[str, Any]]:
    """``/v1/tokenize`` bodies (``{text, model}``) covering the request's text.

    The text is what :func:`llmcore.tokens.request_text` collects (system,
    message texts, tool calls and results, tool schemas). Text longer than
    :data:`TOKENIZE_MAX_CHARS` is split into several bodies, at whitespace
    where possible.
    """
    text = request_text(request)
    bodies = []
    while text:
        chunk = text[:TOKENIZE_MAX_CHARS]
        if len(text) > TOKENIZE_MAX_CHARS:
            cut = max(chunk.rfind(" "), chunk.rfind("\n"))
            if cut > TOKENIZE_MAX_CHARS // 2:
                chunk = chunk[: cut + 1]
        bodies.append({"text": chunk, "model": request.model})
        text = text[len(chunk) :]
    return bodies
