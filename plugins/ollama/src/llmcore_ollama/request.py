"""llmcore :class:`~llmcore.types.ChatRequest` → Ollama ``POST /api/chat`` body.

Mapping (see ``docs/providers/ollama.md``):

* ``system`` and system messages → ``role: system`` messages (``system`` first);
* user text → ``content``; inline images → ``images`` (base64); an image
  given by URL or a file cannot be sent (Ollama takes base64 only) → warning;
* assistant text → ``content``; Ollama reasoning → ``thinking``; tool calls →
  ``tool_calls`` with ``arguments`` as a JSON *object* (and the call ``id``);
* tool results → ``role: tool`` messages with ``content``, ``tool_name`` (the
  called function, found from the call) and ``tool_call_id``;
* ``temperature``, ``top_p``, ``seed``, ``stop`` and ``max_tokens``
  (``num_predict``) → ``options``;
* ``tools`` → OpenAI-style ``{type: function, function: {...}}``;
  ``tool_choice`` ``none`` → no tools sent; ``required`` or a named tool
  cannot be forced by Ollama → warning (a named tool still narrows ``tools``
  to that one);
* ``response_format`` → ``format``: the JSON schema, or ``"json"``;
* ``reasoning_effort`` → ``think`` (``low``/``medium``/``high``; ``minimal``
  is sent as ``low`` with a warning);
* defaults from the provider's ``options`` setting (e.g. ``num_ctx``) and
  ``keep_alive`` setting; ``provider_options["ollama"]`` last: its
  ``options`` dict is merged into ``options``, its other keys (``think``,
  ``keep_alive``, ``truncate``, ``format``, ``logprobs``, ...) into the body.
"""

from __future__ import annotations

from typing import Any

from llmcore.errors import InvalidRequestError
from llmcore.pluginkit import CallWarnings
from llmcore.types import (
    CallWarning,
    ChatRequest,
    FilePart,
    ImagePart,
    Message,
    ReasoningPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
)

__all__ = ["build_chat_body", "RESERVED_KEYS"]

PROVIDER = "ollama"
#: body keys the codec owns; ``provider_options`` may not override them
RESERVED_KEYS = frozenset({"model", "messages", "stream"})


def _user(m: Message, w: CallWarnings, names: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    texts: list[str] = []
    images: list[str] = []
    for p in m.content:
        if isinstance(p, TextPart):
            texts.append(p.text)
        elif isinstance(p, ImagePart):
            if p.data is not None:
                images.append(p.data)
            else:
                w.add("image.url", "ollama takes images as base64 data only; the image URL was not sent")
        elif isinstance(p, ToolResultPart):
            out.append(_tool_message(p, w, names))
        elif isinstance(p, FilePart):
            w.add("file", f"ollama chat takes no files; the {p.media_type} file was not sent")
    if texts or images:
        msg: dict[str, Any] = {"role": "user", "content": "".join(texts)}
        if images:
            msg["images"] = images
        out.append(msg)
    return out


def _tool_message(p: ToolResultPart, w: CallWarnings, names: dict[str, str]) -> dict[str, Any]:
    if not isinstance(p.content, str) and any(isinstance(c, ImagePart) for c in p.content):
        w.add("tool_result.image", "ollama tool results carry text only; the image was not sent")
    msg: dict[str, Any] = {"role": "tool", "content": p.text()}
    name = p.name or names.get(p.tool_call_id)
    if name:
        msg["tool_name"] = name
    msg["tool_call_id"] = p.tool_call_id
    return msg


def _assistant(m: Message, w: CallWarnings, names: dict[str, str]) -> dict[str, Any] | None:
    texts: list[str] = []
    thinking: list[str] = []
    calls: list[dict[str, Any]] = []
    for p in m.content:
        if isinstance(p, TextPart):
            texts.append(p.text)
        elif isinstance(p, ReasoningPart):
            if p.provider in (None, PROVIDER) and p.text and not p.redacted:
                thinking.append(p.text)
        elif isinstance(p, ToolCallPart):
            names[p.id] = p.name
            calls.append({"id": p.id, "function": {"name": p.name, "arguments": p.arguments}})
        elif isinstance(p, (ImagePart, FilePart)):
            w.add(f"assistant.{p.type}", "ollama assistant turns carry text only; the part was not sent")
    if not (texts or thinking or calls):
        return None
    msg: dict[str, Any] = {"role": "assistant", "content": "".join(texts)}
    if thinking:
        msg["thinking"] = "".join(thinking)
    if calls:
        msg["tool_calls"] = calls
    return msg


def build_messages(request: ChatRequest, w: CallWarnings) -> list[dict[str, Any]]:
    """Ollama ``messages`` for ``request``."""
    out: list[dict[str, Any]] = []
    names: dict[str, str] = {}  # tool call id -> function name (for tool_name)
    if request.system:
        out.append({"role": "system", "content": request.system})
    for m in request.messages:
        if m.role == "system":
            out.append({"role": "system", "content": m.text})
        elif m.role == "user":
            out.extend(_user(m, w, names))
        elif m.role == "assistant":
            msg = _assistant(m, w, names)
            if msg is not None:
                out.append(msg)
        else:  # tool
            for p in m.content:
                if isinstance(p, ToolResultPart):
                    out.append(_tool_message(p, w, names))
            if m.text:
                out.append({"role": "user", "content": m.text})
    return out


_EFFORT = {"low": "low", "medium": "medium", "high": "high", "minimal": "low"}


def build_chat_body(
    request: ChatRequest,
    *,
    stream: bool,
    default_options: dict[str, Any] | None = None,
    keep_alive: str | int | float | None = None,
) -> tuple[dict[str, Any], list[CallWarning]]:
    """The ``/api/chat`` body for ``request`` and the warnings about what was not honoured.

    Raises :class:`InvalidRequestError` for input Ollama cannot accept and
    :class:`UnsupportedFeatureError` for unsupported parameters when ``request.strict``.
    """
    w = CallWarnings(request.strict, PROVIDER)
    body: dict[str, Any] = {"model": request.model, "messages": build_messages(request, w), "stream": stream}
    options: dict[str, Any] = dict(default_options or {})
    if request.temperature is not None:
        options["temperature"] = request.temperature
    if request.top_p is not None:
        options["top_p"] = request.top_p
    if request.seed is not None:
        options["seed"] = request.seed
    if request.max_tokens is not None:
        options["num_predict"] = request.max_tokens
    if request.stop:
        options["stop"] = list(request.stop)

    tools = list(request.tools or ())
    choice = request.tool_choice
    if choice is not None and choice.mode == "none":
        tools = []
    elif choice is not None and choice.mode == "tool":
        tools = [t for t in tools if t.name == choice.name]
        w.add("tool_choice", "ollama cannot force a tool call; only the named tool was offered")
    elif choice is not None and choice.mode == "required":
        if not tools:
            raise InvalidRequestError("tool_choice 'required' needs at least one tool", provider=PROVIDER)
        w.add("tool_choice", "ollama cannot force a tool call; the model may answer without one")
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

    rf = request.response_format
    if rf is not None and rf.type == "json_schema" and rf.json_schema:
        body["format"] = rf.json_schema
    elif rf is not None and rf.type in ("json_object", "json_schema"):
        body["format"] = "json"

    if request.reasoning_effort is not None:
        body["think"] = _EFFORT[request.reasoning_effort]
        if request.reasoning_effort == "minimal":
            w.add("reasoning_effort", "ollama has no 'minimal' thinking level; sent as 'low'")
    if keep_alive is not None:
        body["keep_alive"] = keep_alive

    extra = dict(request.options_for(PROVIDER))
    clash = sorted(RESERVED_KEYS & set(extra))
    if clash:
        raise InvalidRequestError(f"provider_options['ollama'] may not set {', '.join(clash)}", provider=PROVIDER)
    extra_options = extra.pop("options", None)
    if extra_options is not None:
        if not isinstance(extra_options, dict):
            raise InvalidRequestError("provider_options['ollama']['options'] must be a dict", provider=PROVIDER)
        options.update(extra_options)
    if options:
        body["options"] = options
    body.update(extra)
    return body, w.items
