"""llmcore :class:`~llmcore.types.ChatRequest` → Chat Completions request body.

:func:`build_body` is pure: it validates what cannot be sent (raising typed
errors before any network call), records what the server cannot honour as
warnings (:class:`Warnings`), and returns the JSON body. Message mapping:

* system prompt (``request.system``) and system messages → ``system`` (or
  ``developer``, per dialect) messages, in place;
* user text → a string (one text part) or content parts; images →
  ``image_url`` parts (a URL, or a ``data:`` URL for inline data); PDFs →
  ``file`` parts; tool results inside a user turn → ``tool`` messages;
* assistant text → ``content``; tool calls → ``tool_calls`` (arguments as
  the exact string the model produced); reasoning → dropped unless the dialect
  names a ``send_reasoning_field`` (on every assistant message, or with
  ``send_reasoning_on="tool_calls"`` only on those with tool calls); opaque
  reasoning blocks go back under a ``reasoning_data_field``;
* tool results → ``tool`` messages with ``tool_call_id`` (Chat Completions
  has no error flag: an ``is_error`` result is sent as its text).

``provider_options[<provider name>]`` is merged into the body last,
untouched, so anything the server accepts can be passed through.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from llmcore.errors import InvalidRequestError, UnsupportedFeatureError
from llmcore.pluginkit import foreign_part
from llmcore.types import (
    CallWarning,
    FilePart,
    ImagePart,
    ReasoningPart,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
)

from ..cache_breakpoints import mark_chat_message, supports_breakpoints, ttl_warning
from .reasoning_data import reasoning_data_of

if TYPE_CHECKING:
    from llmcore.types import ChatRequest, Message, Tool, ToolChoice

    from .dialect import ChatDialect

__all__ = ["Warnings", "build_body", "map_messages", "map_tools", "map_tool_choice", "image_url", "tool_arguments"]


class Warnings:
    """Collects what a request asks for that the server cannot honour.

    In strict mode (``request.strict``) :meth:`add` raises
    :class:`UnsupportedFeatureError` instead.
    """

    __slots__ = ("items", "provider", "strict")

    def __init__(self, strict: bool = False, provider: str | None = None) -> None:
        self.items: list[CallWarning] = []
        self.strict = strict
        self.provider = provider

    def add(self, feature: str, detail: str) -> None:
        if self.strict:
            raise UnsupportedFeatureError(f"{feature}: {detail}", provider=self.provider)
        self.items.append(CallWarning(feature=feature, detail=detail))


def image_url(part: ImagePart) -> str:
    """The URL of an image part (a ``data:`` URL for inline data)."""
    if part.url is not None:
        return part.url
    return f"data:{part.media_type or 'image/png'};base64,{part.data}"


def tool_arguments(part: ToolCallPart) -> str:
    """The arguments string to send back: the model's own text when known."""
    return part.raw_arguments or json.dumps(part.arguments, separators=(",", ":"), ensure_ascii=False)


def _user_part(part: Any, provider: str | None) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text}
    if isinstance(part, ImagePart):
        return {"type": "image_url", "image_url": {"url": image_url(part)}}
    if isinstance(part, FilePart):
        if part.media_type == "application/pdf" and part.data is not None:
            f: dict[str, Any] = {"file_data": f"data:application/pdf;base64,{part.data}"}
            f["filename"] = part.filename or "document.pdf"
            return {"type": "file", "file": f}
        if part.media_type in ("audio/wav", "audio/x-wav", "audio/mpeg", "audio/mp3") and part.data is not None:
            fmt = "wav" if "wav" in part.media_type else "mp3"
            return {"type": "input_audio", "input_audio": {"data": part.data, "format": fmt}}
        raise UnsupportedFeatureError(
            f"Chat Completions cannot take a {part.media_type} file"
            + (" by URL" if part.url else "")
            + " (inline PDF, WAV and MP3 only)",
            provider=provider,
        )
    raise InvalidRequestError(f"a user message cannot contain a {part.type!r} part", provider=provider)


def _tool_message(part: ToolResultPart, provider: str | None) -> dict[str, Any]:
    if not isinstance(part.content, str) and any(isinstance(p, ImagePart) for p in part.content):
        raise UnsupportedFeatureError(
            "Chat Completions tool results can only be text (this one holds an image)", provider=provider
        )
    return {"role": "tool", "tool_call_id": part.tool_call_id, "content": part.text()}


def map_messages(
    request: ChatRequest, dialect: ChatDialect, provider: str | None = None, warnings: Warnings | None = None
) -> list[dict[str, Any]]:
    """The ``messages`` array for ``request``; what is left out is reported to ``warnings``.
    Prompt-cache breakpoints are placed where the dialect and model take them
    (:mod:`llmcore_openai.cache_breakpoints`)."""
    w = warnings if warnings is not None else Warnings(request.strict, provider)
    marks = dialect.cache_breakpoints and supports_breakpoints(request.model)
    out: list[dict[str, Any]] = []
    if request.system:
        system = {"role": dialect.system_role, "content": request.system}
        if marks and request.cache_prompt is not None:
            mark_chat_message(system)
        out.append(system)
    elif marks and request.cache_prompt is not None:
        # OpenAI's breakpoints sit on content parts only (api-specs: PromptCacheBreakpointParam), never on tools
        w.add("cache_prompt", "no system prompt to mark and OpenAI takes no breakpoint on tools; not sent")
    for m in request.messages:
        msgs = _map_message(m, dialect, provider, w)
        if marks and m.cache_point is not None and msgs and not mark_chat_message(msgs[-1]):
            w.add("cache_point", f"a {m.role} message with no content part (tool calls only) cannot carry it; not sent")
        out.extend(msgs)
    if marks and (ttl := ttl_warning(request)) is not None:
        w.add("cache_point", ttl)
    return out


def _left_out(p: Any, provider: str | None, w: Warnings) -> None:
    """An assistant part Chat Completions has no field for. Server-tool parts already ran: their
    text stays; this provider's own (Groq's executed tools) cannot be sent back and are left out
    quietly, another provider's with a ``foreign_part`` warning. Generated images/files: a warning."""
    if isinstance(p, (ServerToolCallPart, ServerToolResultPart)):
        if foreign_part(p, provider):
            w.add(
                "foreign_part",
                f"a {p.name} {p.type} part from {p.provider} was left out: Chat Completions "
                "cannot take server-side tool output (its text is kept)",
            )
        return
    w.add(f"assistant.{p.type}", f"Chat Completions assistant messages cannot carry a {p.type!r} part; left out")


def _map_message(m: Message, dialect: ChatDialect, provider: str | None, w: Warnings) -> list[dict[str, Any]]:
    role = m.role
    if role == "system":
        return [{"role": dialect.system_role, "content": m.text}]
    if role == "assistant":
        text: list[str] = []
        calls: list[dict[str, Any]] = []
        reasoning: list[str] = []
        for p in m.content:
            if isinstance(p, TextPart):
                text.append(p.text)
            elif isinstance(p, ToolCallPart):
                calls.append(
                    {
                        "id": p.id,
                        "type": "function",
                        "function": {"name": p.name, "arguments": tool_arguments(p)},
                    }
                )
            elif isinstance(p, ReasoningPart):
                if p.text:
                    reasoning.append(p.text)
            else:
                _left_out(p, provider, w)
        msg: dict[str, Any] = {"role": "assistant", "content": "".join(text) if text else None}
        if calls:
            msg["tool_calls"] = calls
        if reasoning and dialect.send_reasoning_field and (calls or dialect.send_reasoning_on == "all"):
            msg[dialect.send_reasoning_field] = "".join(reasoning)
        if dialect.reasoning_data_field:
            blocks = reasoning_data_of(m.content, provider)
            if blocks:
                msg[dialect.reasoning_data_field] = blocks
        return [msg]
    if role == "tool":
        results = [p for p in m.content if isinstance(p, ToolResultPart)]
        if not results:
            raise InvalidRequestError(
                "a tool message needs a tool result (tool_call_id) for Chat Completions", provider=provider
            )
        extra = "".join(p.text for p in m.content if isinstance(p, TextPart))
        msgs = [_tool_message(p, provider) for p in results]
        if extra:
            msgs[-1]["content"] += extra
        return msgs
    # user
    out: list[dict[str, Any]] = [_tool_message(p, provider) for p in m.content if isinstance(p, ToolResultPart)]
    rest = [p for p in m.content if not isinstance(p, ToolResultPart)]
    if rest or not out:
        if len(rest) == 1 and isinstance(rest[0], TextPart):
            out.append({"role": "user", "content": rest[0].text})
        else:
            out.append({"role": "user", "content": [_user_part(p, provider) for p in rest]})
    return out


def map_tools(tools: list[Tool], dialect: ChatDialect) -> list[dict[str, Any]]:
    """Function tool definitions."""
    out = []
    for t in tools:
        fn: dict[str, Any] = {"name": t.name}
        if t.description:
            fn["description"] = t.description
        fn["parameters"] = t.parameters
        if t.strict is not None and dialect.strict_tools:
            fn["strict"] = t.strict
        out.append({"type": "function", "function": fn})
    return out


def map_tool_choice(choice: ToolChoice) -> Any:
    """``auto`` / ``none`` / ``required`` / a named function."""
    if choice.mode == "tool":
        return {"type": "function", "function": {"name": choice.name}}
    return choice.mode


def _response_format(request: ChatRequest, dialect: ChatDialect, warnings: Warnings) -> dict[str, Any] | None:
    rf = request.response_format
    if rf is None or rf.type == "text":
        return None
    if rf.type not in dialect.structured_output:
        warnings.add("response_format", f"this server does not accept response_format {rf.type!r}; not sent")
        return None
    if rf.type == "json_object":
        return {"type": "json_object"}
    if rf.json_schema is None:
        raise InvalidRequestError("response_format json_schema needs a schema", provider=warnings.provider)
    return {"type": "json_schema", "json_schema": {"name": rf.name, "schema": rf.json_schema, "strict": rf.strict}}


def build_body(
    request: ChatRequest,
    dialect: ChatDialect,
    *,
    stream: bool,
    provider: str,
    warnings: Warnings | None = None,
    passthrough: bool = True,
) -> tuple[dict[str, Any], Warnings]:
    """The request body and the warnings for what could not be sent.
    ``passthrough=False`` leaves ``provider_options`` out (the caller merges
    them after its own adjustments)."""
    w = warnings or Warnings(request.strict, provider)
    unsupported = dialect.unsupported

    def allowed(feature: str, value: Any) -> bool:
        if value is None:
            return False
        if feature in unsupported:
            w.add(feature, "not supported by this server; not sent")
            return False
        return True

    body: dict[str, Any] = {"model": request.model, "messages": map_messages(request, dialect, provider, w)}
    if allowed("max_tokens", request.max_tokens):
        body[dialect.max_tokens_field] = request.max_tokens
    if allowed("temperature", request.temperature):
        body["temperature"] = request.temperature
    if allowed("top_p", request.top_p):
        body["top_p"] = request.top_p
    if allowed("stop", request.stop):
        body["stop"] = request.stop
    if allowed("seed", request.seed):
        body["seed"] = request.seed
    if request.tools and allowed("tools", request.tools):
        body["tools"] = map_tools(request.tools, dialect)
        if allowed("tool_choice", request.tool_choice):
            assert request.tool_choice is not None
            body["tool_choice"] = map_tool_choice(request.tool_choice)
    elif request.tool_choice is not None and request.tool_choice.mode not in ("auto", "none"):
        raise InvalidRequestError(f"tool_choice {request.tool_choice.mode!r} needs tools", provider=provider)
    if allowed("response_format", request.response_format):
        rf = _response_format(request, dialect, w)
        if rf is not None:
            body["response_format"] = rf
    if request.reasoning_effort is not None:
        if dialect.reasoning_effort and "reasoning_effort" not in unsupported:
            body["reasoning_effort"] = request.reasoning_effort
        else:
            w.add("reasoning_effort", "not supported by this server; not sent")
    if request.cache_prompt is not None and request.cache_prompt.key and dialect.prompt_cache_key:
        body["prompt_cache_key"] = request.cache_prompt.key  # caching is automatic; the key routes it
    body["stream"] = stream
    if stream and dialect.stream_usage:
        body["stream_options"] = {"include_usage": True}
    extra = request.options_for(provider) if passthrough else None
    if extra:
        body.update(extra)
    return body, w
