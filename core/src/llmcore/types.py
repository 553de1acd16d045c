"""The shared data model: messages, content parts, requests, responses, usage.

User input is validated here, at the boundary (``ChatRequest`` and
``Message`` accept plain strings and OpenAI-style dicts and normalise them).
Provider output is built by codecs with ``model_construct`` and is not
re-validated on the hot path (a faster ``model_construct`` with the same
result: :mod:`llmcore.construct`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .builtin_tools import AnyBuiltinTool
from .construct import FastConstruct
from .errors import InvalidRequestError

__all__ = [
    "Role",
    "TextPart",
    "ImagePart",
    "FilePart",
    "ToolCallPart",
    "ToolResultPart",
    "ReasoningPart",
    "ServerToolCallPart",
    "ServerToolResultPart",
    "Citation",
    "CachePoint",
    "Part",
    "Message",
    "Tool",
    "ToolChoice",
    "ResponseFormat",
    "ChatRequest",
    "Usage",
    "FinishReason",
    "FINISH_REASONS",
    "CallWarning",
    "ChatResponse",
    "TokenCount",
    "coerce_messages",
]

Role = Literal["system", "user", "assistant", "tool"]
FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "error", "other"]
FINISH_REASONS: tuple[str, ...] = ("stop", "length", "tool_calls", "content_filter", "error", "other")


class _Frozenish(FastConstruct):
    model_config = ConfigDict(extra="forbid")


class Citation(_Frozenish):
    """A source that supports part of an answer, in one shape for every provider.

    ``kind`` is the provider's own name for it (``url_citation``,
    ``web_search_result_location``, ``char_location``, ``page_location``,
    ``content_block_location``, ``grounding_support``, ``search_result``, …).
    ``start``/``end`` are character offsets into the answer's text
    (``ChatResponse.text``, i.e. all text parts concatenated) of the span the
    citation supports, when the provider gives one (``None`` otherwise);
    ``cited_text`` is the quoted source text where the provider sends it;
    ``source_index`` the index of the source or document in the provider's
    list (a search result, a document sent with the request, a grounding
    chunk). ``data`` is the provider's object, whole, for anything this shape
    does not name.
    """

    kind: str
    url: str | None = None
    title: str | None = None
    cited_text: str | None = None
    start: int | None = None
    end: int | None = None
    source_index: int | None = None
    provider: str | None = None
    data: Any = None


class TextPart(_Frozenish):
    """Plain text. ``citations`` are the sources a provider attached to this
    text (their ``start``/``end`` index ``ChatResponse.text``)."""

    type: Literal["text"] = "text"
    text: str
    # a plain default, not default_factory=list: model_construct (the codecs' hot path) inspects a
    # factory's signature on every call (~200 µs for a builtin); pydantic copies an empty list cheaply
    citations: list[Citation] = []


class ImagePart(_Frozenish):
    """An image, as inline base64 ``data`` or a ``url``. In an answer, an image
    the model generated (Gemini ``inlineData``, Responses
    ``image_generation_call``); :meth:`to_bytes` decodes it."""

    type: Literal["image"] = "image"
    data: str | None = None
    url: str | None = None
    media_type: str | None = None

    def to_bytes(self) -> bytes:
        """The image's bytes (inline ``data`` only; a ``url`` image must be fetched)."""
        return _inline_bytes(self.data, "image")

    @model_validator(mode="after")
    def _one_source(self) -> ImagePart:
        if (self.data is None) == (self.url is None):
            raise ValueError("an image needs exactly one of `data` (base64) or `url`")
        return self


class FilePart(_Frozenish):
    """A document (PDF, audio, …), as inline base64 ``data`` or a ``url``."""

    type: Literal["file"] = "file"
    data: str | None = None
    url: str | None = None
    media_type: str
    filename: str | None = None

    def to_bytes(self) -> bytes:
        """The file's bytes (inline ``data`` only; a ``url`` file must be fetched)."""
        return _inline_bytes(self.data, "file")


def _inline_bytes(data: str | None, what: str) -> bytes:
    import base64
    import binascii

    if data is None:
        raise InvalidRequestError(f"this {what} is a url, not inline data: fetch the url to get its bytes")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as e:
        raise InvalidRequestError(f"this {what}'s data is not valid base64: {e}") from None


class ToolCallPart(_Frozenish):
    """A call the model asks the caller to make. ``arguments`` is the parsed
    JSON object; ``raw_arguments`` the exact string the model produced."""

    type: Literal["tool_call"] = "tool_call"
    id: str
    name: str
    arguments: dict[str, Any] = {}
    raw_arguments: str = ""

    @model_validator(mode="after")
    def _sync_raw(self) -> ToolCallPart:
        if self.arguments:
            raw = _json_or_error(self.arguments, f"arguments of tool call {self.id!r} ({self.name})")
            if not self.raw_arguments:
                self.raw_arguments = raw
        return self


def _json_or_error(value: Any, what: str) -> str:
    """``value`` as compact JSON, or a ``ValueError`` saying what is not JSON."""
    try:
        return json.dumps(value, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what} must be JSON-serialisable (str, number, bool, None, list, dict): {e}") from None


class ToolResultPart(_Frozenish):
    """The caller's answer to a tool call."""

    type: Literal["tool_result"] = "tool_result"
    tool_call_id: str
    content: str | list[TextPart | ImagePart] = ""
    name: str | None = None
    is_error: bool = False

    def text(self) -> str:
        """The result as one string (images dropped)."""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if isinstance(p, TextPart))


class ReasoningPart(_Frozenish):
    """The model's reasoning. ``signature`` (Anthropic thinking signature,
    Gemini thought signature) and ``data`` (e.g. OpenAI encrypted reasoning,
    Anthropic redacted thinking) are opaque provider data that must be echoed
    back on the next turn; ``provider`` names who produced them, so another
    provider's codec can drop what it cannot accept."""

    type: Literal["reasoning"] = "reasoning"
    text: str = ""
    signature: str | None = None
    redacted: bool = False
    data: Any = None
    provider: str | None = None


class ServerToolCallPart(_Frozenish):
    """A tool the provider ran itself (web search, web fetch, code execution,
    file search, a remote MCP server, image generation, …) — not a call for
    the caller to answer. ``name`` is the provider's tool name
    (``web_search``, ``code_execution``, ``google_search``, …); ``input`` its
    arguments as the provider sent them. ``provider`` says whose it is and
    ``data`` holds the provider's block or output item, whole: that
    provider's codec sends it back as is on the next turn; other providers'
    codecs leave it out (with a warning)."""

    type: Literal["server_tool_call"] = "server_tool_call"
    id: str
    name: str
    input: dict[str, Any] = {}
    provider: str | None = None
    data: Any = None


class ServerToolResultPart(_Frozenish):
    """What a provider-run tool returned: ``content`` as structured data
    (search results, code output, …), ``call_id`` the
    :class:`ServerToolCallPart` it answers (``None`` where the provider sends
    call and result as one item). ``data`` as in :class:`ServerToolCallPart`."""

    type: Literal["server_tool_result"] = "server_tool_result"
    call_id: str | None = None
    name: str
    content: Any = None
    is_error: bool = False
    provider: str | None = None
    data: Any = None


Part = Annotated[
    Union[
        TextPart,
        ImagePart,
        FilePart,
        ToolCallPart,
        ToolResultPart,
        ReasoningPart,
        ServerToolCallPart,
        ServerToolResultPart,
    ],
    Field(discriminator="type"),
]

_ALLOWED_PARTS: dict[str, tuple[str, ...]] = {
    "system": ("text",),
    "user": ("text", "image", "file", "tool_result"),
    "assistant": ("text", "tool_call", "reasoning", "image", "file", "server_tool_call", "server_tool_result"),
    "tool": ("tool_result", "text"),
}


class CachePoint(_Frozenish):
    """A prompt-cache breakpoint: the provider may cache the prompt up to and
    including the place it marks, and serve that prefix from its cache on a
    later call that starts the same way (billed cheaper: ``Usage.cache_read_tokens``).

    On a :class:`Message` (``Message(..., cache_point=True)``) it marks the end
    of that message; as ``ChatRequest.cache_prompt`` it marks the end of the
    stable prefix (tools and system prompt). ``True``, ``"5m"`` and ``"1h"`` are
    accepted wherever a ``CachePoint`` is. ``ttl``: how long the provider keeps
    the entry (``None``: its default, 5 minutes on Anthropic and Bedrock).
    ``key`` (``cache_prompt`` only): a routing key for providers that cache by
    key (OpenAI ``prompt_cache_key``). How each provider maps it:
    ``docs/prompt-caching.md``."""

    ttl: Literal["5m", "1h"] | None = None
    key: str | None = None


def _cache_point(v: Any) -> Any:
    """``True``/``"5m"``/``"1h"`` → a :class:`CachePoint`; ``False`` → ``None``."""
    if v is True:
        return CachePoint()
    if v is False:
        return None
    if isinstance(v, str):
        return {"ttl": v}
    return v


def _message_cache_point(v: Any) -> Any:
    v = _cache_point(v)
    if (isinstance(v, CachePoint) and v.key is not None) or (isinstance(v, dict) and v.get("key") is not None):
        raise ValueError("a cache key is per call: pass cache_prompt=CachePoint(key=...), not on a message")
    return v


class Message(_Frozenish):
    """One turn. ``content`` is a list of parts; a plain string is accepted
    and becomes one :class:`TextPart`. OpenAI-style dicts (``tool_calls``,
    ``tool_call_id``, ``image_url`` parts) are normalised by
    :func:`coerce_messages`."""

    role: Role
    content: list[Part] = []
    #: a prompt-cache breakpoint after this message (``True``, ``"5m"``, ``"1h"`` or a
    #: :class:`CachePoint`); ``None``: none. Providers without breakpoints ignore it.
    cache_point: Annotated[CachePoint | None, BeforeValidator(_message_cache_point)] = None

    if TYPE_CHECKING:
        # What the validators accept, spelled out for type checkers: without it they read the
        # fields' stored types, and ``Message(role="user", content="hi")`` or ``cache_point="1h"``
        # (the documented forms) fail ``mypy --strict``. Not defined at run time.
        def __init__(
            self,
            *,
            role: Role,
            content: str | Sequence[Part | Mapping[str, Any]] | None = ...,
            cache_point: CachePoint | bool | Literal["5m", "1h"] | None = ...,
        ) -> None: ...

    @field_validator("content", mode="before")
    @classmethod
    def _str_content(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [{"type": "text", "text": v}]
        if v is None:
            return []
        return v

    @model_validator(mode="after")
    def _parts_fit_role(self) -> Message:
        allowed = _ALLOWED_PARTS[self.role]
        for p in self.content:
            if p.type not in allowed:
                raise ValueError(
                    f"a {self.role!r} message cannot contain a {p.type!r} part (allowed: {', '.join(allowed)})"
                )
        return self

    @property
    def text(self) -> str:
        """Concatenated text parts."""
        return "".join(p.text for p in self.content if isinstance(p, TextPart))

    @property
    def tool_calls(self) -> list[ToolCallPart]:
        return [p for p in self.content if isinstance(p, ToolCallPart)]


def _coerce_openai_part(part: Any) -> Any:
    if isinstance(part, str):
        return {"type": "text", "text": part}
    if not isinstance(part, dict):
        return part
    t = part.get("type")
    if t == "image_url":
        url = part["image_url"]["url"] if isinstance(part["image_url"], dict) else part["image_url"]
        if url.startswith("data:"):
            header, _, data = url.partition(",")
            media = header[5:].split(";")[0] or None
            return {"type": "image", "data": data, "media_type": media}
        return {"type": "image", "url": url}
    if t == "input_text":
        return {"type": "text", "text": part["text"]}
    return part


def _coerce_one(m: Any) -> Any:
    if isinstance(m, Message):
        return m
    if isinstance(m, str):
        return Message(role="user", content=[TextPart(text=m)])
    if not isinstance(m, dict):
        raise InvalidRequestError(f"a message must be a str, a dict or llmcore.Message, not {type(m).__name__}")
    role = m.get("role")
    if role == "developer":
        role = "system"
    content = m.get("content")
    parts: list[Any]
    if content is None:
        parts = []
    elif isinstance(content, str):
        parts = [{"type": "text", "text": content}] if content or role != "assistant" else []
    elif isinstance(content, (list, tuple)):
        parts = [_coerce_openai_part(p) for p in content]
    else:
        raise InvalidRequestError(
            f"a message's content must be a string or a list of parts, not {type(content).__name__} "
            f"({role or 'no'} role): e.g. {{'role': 'user', 'content': 'Hello'}}"
        )
    if role == "tool" and "tool_call_id" in m:
        text = (
            content
            if isinstance(content, str)
            else "".join(p.get("text", "") for p in (content or []) if isinstance(p, dict))
        )
        parts = [{"type": "tool_result", "tool_call_id": m["tool_call_id"], "content": text, "name": m.get("name")}]
    for tc in m.get("tool_calls") or []:
        fn = tc.get("function", tc)
        raw = fn.get("arguments") or ""
        args = raw if isinstance(raw, dict) else _parse_args(raw)
        parts.append(
            {
                "type": "tool_call",
                "id": tc["id"],
                "name": fn["name"],
                "arguments": args,
                "raw_arguments": raw if isinstance(raw, str) else "",
            }
        )
    return {"role": role, "content": parts}


def _parse_args(raw: str) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise InvalidRequestError(f"tool call arguments are not valid JSON: {e}") from None
    if not isinstance(value, dict):
        raise InvalidRequestError("tool call arguments must be a JSON object")
    return value


def coerce_messages(messages: Any) -> list[Message]:
    """Normalise user input into a list of :class:`Message`.

    Accepts a string (one user turn), a single message, or a list of strings,
    dicts (OpenAI chat style, incl. ``tool_calls`` and ``role: tool``) and
    :class:`Message` objects. Raises :class:`InvalidRequestError` on anything
    else.
    """
    if isinstance(messages, (str, Message, dict)):
        messages = [messages]
    if not isinstance(messages, (list, tuple)):
        raise InvalidRequestError(f"messages must be a string or a list of messages, not {type(messages).__name__}")
    from pydantic import ValidationError

    out = []
    for i, m in enumerate(messages):
        raw = _coerce_one(m)
        if isinstance(raw, Message):
            out.append(raw)
            continue
        try:
            out.append(Message.model_validate(raw))
        except ValidationError as e:
            raise InvalidRequestError(f"message {i} is invalid: {_short(e)}") from None
    return out


def _short(e: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(e, ValidationError):
        errs = e.errors()
        return "; ".join(f"{'.'.join(str(x) for x in err['loc']) or 'value'}: {err['msg']}" for err in errs[:3])
    return str(e)


class Tool(_Frozenish):
    """A function the model may call. ``parameters`` is a JSON schema object."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = {"type": "object", "properties": {}}
    strict: bool | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v or len(v) > 128:
            raise ValueError("tool names must be 1-128 characters")
        return v

    @model_validator(mode="after")
    def _schema_is_json(self) -> Tool:
        _json_or_error(self.parameters, f"the parameters schema of tool {self.name!r}")
        return self


class ToolChoice(_Frozenish):
    """``auto`` (model decides), ``none``, ``required`` (some tool), or
    ``tool`` with ``name`` (that tool). Strings are accepted:
    ``"auto" | "none" | "required"`` or ``{"name": "..."}``."""

    mode: Literal["auto", "none", "required", "tool"] = "auto"
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_str(cls, v: Any) -> Any:
        if isinstance(v, str):
            return {"mode": v}
        if isinstance(v, dict) and "mode" not in v and "name" in v:
            return {"mode": "tool", "name": v["name"]}
        if isinstance(v, dict) and v.get("type") == "function":  # OpenAI style
            return {"mode": "tool", "name": v["function"]["name"]}
        return v


class ResponseFormat(_Frozenish):
    """Structured output. ``json_schema`` with ``schema`` (and a ``name``),
    or ``json_object`` (any JSON), or ``text``."""

    type: Literal["text", "json_object", "json_schema"] = "json_schema"
    json_schema: dict[str, Any] | None = Field(default=None, alias="schema")
    name: str = "response"
    strict: bool = True

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ChatRequest(_Frozenish):
    """One chat call, provider-neutral.

    ``provider_options`` is namespaced by provider name
    (``{"anthropic": {"thinking": {...}}}``) and passed to that provider
    untouched; other providers ignore other namespaces.
    ``strict=True`` turns "cannot honour this parameter" warnings into
    :class:`~llmcore.errors.UnsupportedFeatureError`.
    """

    model: str
    messages: list[Message]
    system: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    stop: list[str] | None = None
    seed: int | None = None
    tools: list[Tool] | None = None
    #: tools the provider runs itself (:mod:`llmcore.builtin_tools`); the facade moves them here
    #: from ``tools=[...]`` and refuses one the provider does not claim
    builtin_tools: list[AnyBuiltinTool] | None = None
    tool_choice: ToolChoice | None = None
    response_format: ResponseFormat | None = None
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = None
    provider_options: dict[str, dict[str, Any]] = {}
    strict: bool = False
    #: cache the stable prefix of the prompt (tools and system prompt) on every call: ``True``,
    #: ``"5m"``, ``"1h"`` or a :class:`CachePoint` (with a ``key`` for OpenAI's prompt_cache_key)
    cache_prompt: Annotated[CachePoint | None, BeforeValidator(_cache_point)] = None

    @field_validator("messages", mode="before")
    @classmethod
    def _coerce(cls, v: Any) -> Any:
        return coerce_messages(v)

    @field_validator("stop", mode="before")
    @classmethod
    def _stop(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("tool_choice", mode="before")
    @classmethod
    def _tc(cls, v: Any) -> Any:
        return {"mode": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check(self) -> ChatRequest:
        if not self.messages:
            raise ValueError("messages is empty: give at least one user message")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise ValueError("max_tokens must be >= 1")
        if self.temperature is not None and not 0 <= self.temperature <= 2:
            raise ValueError("temperature must be between 0 and 2")
        if self.tool_choice and self.tool_choice.mode == "tool":
            names = {t.name for t in self.tools or ()}
            if self.tool_choice.name not in names:
                raise ValueError(f"tool_choice names {self.tool_choice.name!r}, which is not in tools")
        # A tool result must answer a tool call made earlier in the conversation.
        seen: set[str] = set()
        for m in self.messages:
            for p in m.content:
                if isinstance(p, ToolCallPart):
                    seen.add(p.id)
                elif isinstance(p, ToolResultPart) and p.tool_call_id not in seen:
                    raise ValueError(
                        f"tool result for {p.tool_call_id!r} has no matching tool call in an earlier assistant message"
                    )
        return self

    def options_for(self, provider: str) -> dict[str, Any]:
        """This provider's namespace of ``provider_options`` (empty if none)."""
        return self.provider_options.get(provider, {})

    def system_text(self) -> str | None:
        """``system`` plus any system messages, joined by blank lines."""
        parts = [self.system] if self.system else []
        parts += [m.text for m in self.messages if m.role == "system"]
        return "\n\n".join(parts) if parts else None


class Usage(FastConstruct):
    """Token usage of one call. ``None`` means the provider did not say —
    never an invented 0.

    ``input_tokens`` INCLUDES cached tokens (``cache_read_tokens`` and
    ``cache_write_tokens`` are subsets of it), whatever the provider's own
    convention; ``output_tokens`` includes ``reasoning_tokens``.
    """

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None

    @property
    def total_tokens(self) -> int | None:
        if self.input_tokens is None or self.output_tokens is None:
            return None
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        def add(a: int | None, b: int | None) -> int | None:
            if a is None:
                return b
            if b is None:
                return a
            return a + b

        return Usage.model_construct(
            input_tokens=add(self.input_tokens, other.input_tokens),
            output_tokens=add(self.output_tokens, other.output_tokens),
            cache_read_tokens=add(self.cache_read_tokens, other.cache_read_tokens),
            cache_write_tokens=add(self.cache_write_tokens, other.cache_write_tokens),
            reasoning_tokens=add(self.reasoning_tokens, other.reasoning_tokens),
        )


class CallWarning(FastConstruct):
    """A parameter the provider could not honour (``feature``), and why."""

    feature: str
    detail: str


class ChatResponse(FastConstruct):
    """The result of a chat call. ``finish_reason`` is unified;
    ``raw_finish_reason`` is the provider's own value."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str | None = None
    model: str | None = None
    provider: str | None = None
    message: Message
    finish_reason: FinishReason = "other"
    raw_finish_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)
    warnings: list[CallWarning] = []
    #: every citation of the answer, in order: those attached to text parts and
    #: those the provider gives for the whole answer (e.g. Perplexity's search results)
    citations: list[Citation] = []  # not default_factory: see TextPart.citations
    provider_metadata: dict[str, Any] = {}
    parsed: Any = None
    #: answered by llmcore's response cache (no provider call)
    cached: bool = False
    raw: Any = Field(default=None, repr=False)

    @property
    def text(self) -> str:
        """All text parts of the answer, concatenated."""
        return self.message.text

    @property
    def reasoning(self) -> str:
        """All reasoning text, concatenated (empty if none or redacted)."""
        return "".join(p.text for p in self.message.content if isinstance(p, ReasoningPart))

    @property
    def tool_calls(self) -> list[ToolCallPart]:
        return self.message.tool_calls

    @property
    def images(self) -> list[ImagePart]:
        """The images in the answer (generated by the model or a server tool)."""
        return [p for p in self.message.content if isinstance(p, ImagePart)]

    @property
    def server_tool_calls(self) -> list[ServerToolCallPart]:
        """The tools the provider ran itself while answering."""
        return [p for p in self.message.content if isinstance(p, ServerToolCallPart)]


if TYPE_CHECKING:
    from typing import Generic, TypeVar

    _ParsedT = TypeVar("_ParsedT")

    class ParsedResponse(ChatResponse, Generic[_ParsedT]):
        """For type checkers only (there is no such class at run time): what
        ``m.chat(..., response_format=City)`` returns, a :class:`ChatResponse`
        whose ``parsed`` is a ``City`` — or ``None`` when the model called only
        tools of your own instead of answering (the ``tool`` mode; see
        ``docs/structured-output.md``). Annotate with it under ``TYPE_CHECKING``
        (``from llmcore.types import ParsedResponse``); the object is a
        ``ChatResponse``."""

        parsed: _ParsedT | None


class TokenCount(FastConstruct):
    """How many input tokens a request has, and how that was counted:
    ``api`` (the provider's endpoint), ``tokenizer`` (the model's published
    tokenizer, exact for the text but may differ on message framing) or
    ``estimate`` (a heuristic; never exact)."""

    input_tokens: int
    method: Literal["api", "tokenizer", "estimate"]
    detail: str | None = None
