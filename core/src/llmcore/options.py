"""The per-call options of :class:`~llmcore.facade.Model`'s calls, typed for type checkers.

``m.chat(prompt, temperature=0.2, max_tokens=100)``: the keyword arguments are
:class:`CallOptions` (``**overrides: Unpack[CallOptions]``), so a type checker
catches ``temprature=`` or ``max_tokens="100"`` before anything runs (at run
time the facade refuses an unknown name too, with a "did you mean" hint).
The keys are the request fields of :class:`~llmcore.types.ChatRequest` (less
``model`` and ``messages``) plus the facade's own per-call options ``cache``
and ``structured_mode``; a test keeps the two lists equal.

The value types are what the facade accepts, which is looser than what
``ChatRequest`` stores (a string for ``stop``, ``"auto"`` for ``tool_choice``,
plain dicts for tools and messages).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict, Union

if TYPE_CHECKING:
    from os import PathLike

    from .builtin_tools import AnyBuiltinTool
    from .cache import Cache
    from .types import CachePoint, ChatResponse, Message, ResponseFormat, Tool, ToolChoice

__all__ = [
    "CacheOption",
    "CallOptions",
    "CallOptionsWithoutFormat",
    "ChatModel",
    "EmbedOptions",
    "Progress",
    "Prompt",
    "Texts",
]

#: What a call takes as its prompt: a string (one user turn), a :class:`~llmcore.types.Message`,
#: an OpenAI-style message dict, or a list of those (see :func:`~llmcore.types.coerce_messages`).
Prompt = Union[str, "Message", Mapping[str, Any], Sequence[Union[str, "Message", Mapping[str, Any]]]]


#: A response cache as ``cache=`` takes it: ``True`` (the default cache), ``False``/``None`` (none),
#: ``"memory"``, a path, a ``redis://`` URL, a dict of settings or a :class:`~llmcore.cache.Cache`.
CacheOption = Union[bool, str, "PathLike[str]", "Cache", Mapping[str, Any], None]

#: What an embedding or rerank call takes: one string, or a list of strings.
Texts = Union[str, Sequence[str]]

#: A progress display: ``None`` (a line on stderr when it is a terminal), ``True``/``False``,
#: or a callable ``(done, total or None, errors)``.
Progress = Union[bool, Callable[[int, "int | None", int], object], None]


class ChatModel(Protocol):
    """Anything :func:`llmcore.generate` and :func:`llmcore.multi_chat` can call: a
    :class:`~llmcore.facade.Model`, :func:`llmcore.fallback`, :func:`llmcore.router`, or an
    object of your own with ``async def achat(messages, **overrides) -> ChatResponse``
    (a model name, a ``str``, is accepted beside it)."""

    @property
    def achat(self) -> Callable[..., Awaitable[ChatResponse]]: ...


class CallOptionsWithoutFormat(TypedDict, total=False):
    """Every per-call option except ``response_format`` (which the typed overloads
    of ``chat``/``achat`` take apart, to type ``response.parsed``)."""

    system: str | None
    temperature: float | None
    top_p: float | None
    max_tokens: int | None
    stop: str | Sequence[str] | None
    seed: int | None
    #: functions (:class:`~llmcore.types.Tool` or dicts) and built-in tools
    #: (:mod:`llmcore.builtin_tools`) together; the facade sorts them
    tools: Sequence[Tool | AnyBuiltinTool | Mapping[str, Any]] | None
    builtin_tools: Sequence[AnyBuiltinTool] | None
    tool_choice: ToolChoice | Literal["auto", "none", "required"] | Mapping[str, Any] | None
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None
    #: namespaced by provider name: ``{"anthropic": {"thinking": {...}}}``
    provider_options: Mapping[str, Mapping[str, Any]]
    strict: bool
    cache_prompt: CachePoint | bool | Literal["5m", "1h"] | None
    #: the response cache for this call: ``True`` (the model's or the default), ``False`` (none),
    #: or a cache (a :class:`~llmcore.cache.Cache`, a path, ``"memory"``, a ``redis://`` URL)
    cache: CacheOption
    #: force a structured-output mode (``json_schema``, ``tool``, ``json_object``, ``prompt``)
    structured_mode: str | None


class CallOptions(CallOptionsWithoutFormat, total=False):
    """Every per-call option (see the module docstring)."""

    #: a pydantic model or any type pydantic validates (``response.parsed`` is an instance),
    #: a JSON schema dict, or a :class:`~llmcore.types.ResponseFormat`
    response_format: type[Any] | Mapping[str, Any] | ResponseFormat | None


class EmbedOptions(TypedDict, total=False):
    """The per-call options of ``embed``/``aembed`` (see :func:`~llmcore.embeddings.embedding_request`)."""

    dimensions: int | None
    input_type: Literal["query", "document", "classification", "clustering", "similarity", "code_query"] | None
    #: ``None``: the provider's default
    truncate: Literal["error", "end", "start"] | None
    embedding_type: Literal["float", "int8", "uint8", "binary", "ubinary"]
    provider_options: Mapping[str, Mapping[str, Any]]
