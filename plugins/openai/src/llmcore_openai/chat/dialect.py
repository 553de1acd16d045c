"""The quirks of one OpenAI-compatible server, as plain data.

A :class:`ChatDialect` is everything the Chat Completions codec needs to know
about a server that differs from OpenAI's own behaviour. It is frozen; derive
variants with :func:`dataclasses.replace` (``replace(OPENAI_DIALECT, ...)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["ChatDialect", "OPENAI_DIALECT", "COMPATIBLE_DIALECT", "REQUEST_FEATURES"]

#: ChatRequest fields a dialect may declare unsupported (they then produce a
#: warning, or UnsupportedFeatureError in strict mode, instead of being sent).
REQUEST_FEATURES = (
    "temperature",
    "top_p",
    "max_tokens",
    "stop",
    "seed",
    "tools",
    "tool_choice",
    "response_format",
    "reasoning_effort",
)


@dataclass(frozen=True)
class ChatDialect:
    """How one server speaks Chat Completions.

    * ``path`` — endpoint path below the base URL.
    * ``auth_header`` / ``auth_scheme`` — where the key goes: ``Authorization:
      Bearer <key>`` by default; e.g. ``("api-key", "")`` for Azure. No key →
      no header.
    * ``extra_headers`` — sent with every request.
    * ``max_tokens_field`` — ``"max_tokens"`` (most servers) or
      ``"max_completion_tokens"`` (OpenAI; required by its reasoning models).
    * ``stream_usage`` — send ``stream_options: {"include_usage": true}`` when
      streaming (servers that reject unknown fields need ``False``; usage is
      then taken from whatever chunk carries it, or stays unknown).
    * ``reasoning_fields`` — message/delta fields that carry reasoning text,
      in order of preference (``reasoning_content``: DeepSeek, vLLM, Qwen;
      ``reasoning``: OpenRouter, Ollama, Groq).
    * ``send_reasoning_field`` — echo earlier reasoning back on assistant
      messages under this field (``None``: reasoning is not sent back, which is
      what most servers expect).
    * ``send_reasoning_on`` — which assistant messages carry it: ``"all"``, or
      ``"tool_calls"`` (only those with tool calls: DeepSeek's thinking mode
      requires the reasoning of tool-call turns back and ignores the rest).
    * ``reasoning_data_field`` — a message/delta field holding opaque reasoning
      blocks (OpenRouter's ``reasoning_details``): kept as ``ReasoningPart.data``
      and sent back under the same field next turn; see :mod:`.reasoning_data`.
    * ``reasoning_effort`` — whether ``reasoning_effort`` is accepted.
    * ``structured_output`` — which ``response_format`` types are accepted.
    * ``unsupported`` — ChatRequest fields the server cannot honour (see
      :data:`REQUEST_FEATURES`); they become warnings.
    * ``errors_in_stream`` — the server may report a failure as an
      ``{"error": {...}}`` chunk inside a 200 stream.
    * ``system_role`` — the role used for system prompts.
    * ``strict_tools`` — whether ``strict`` on function definitions is accepted.
    * ``metadata_fields`` — top-level response fields kept in
      ``ChatResponse.provider_metadata[<provider>]`` (e.g. Perplexity's
      ``citations``); in streams the last value any chunk carried rides on the
      ``Finish`` event.
    * ``message_metadata_fields`` — fields of the answer's ``message`` (in
      streams: of each ``delta``, last value with data wins) kept in
      ``provider_metadata[<provider>]`` like ``metadata_fields`` (Writer's
      ``graph_data``/``web_search_data``); ``null`` and objects whose values
      are all ``null`` are not data.
    * ``choice_metadata_fields`` — fields of the answer's ``choice`` (in
      streams: of each chunk's choice, last value wins) kept in
      ``provider_metadata[<provider>]`` like ``metadata_fields`` (OpenRouter's
      ``native_finish_reason``: the routed provider's own finish reason).
    * ``think_tags`` — a ``<think>…</think>`` block at the start of the
      content is reasoning (DeepSeek-R1 and Qwen3 served without a reasoning
      parser: Together, SambaNova, the Hugging Face router); see :mod:`.think`.
    * ``usage_fallbacks`` — nested key paths where usage may be when a
      response or chunk has no top-level ``usage`` (Groq's
      ``("x_groq", "usage")`` on the last chunk of older streams); an ``int``
      indexes a list (Moonshot's ``("choices", 0, "usage")``).
    * ``prompt_cache_key`` — ``cache_prompt=CachePoint(key=...)`` is sent as
      ``prompt_cache_key`` (OpenAI); elsewhere the key is not sent (a server
      that caches does so by prefix on its own).
    * ``cache_breakpoints`` — ``Message.cache_point`` / ``cache_prompt`` become
      ``prompt_cache_breakpoint`` on content parts for models that take them
      (OpenAI, gpt-5.6 and later: :mod:`llmcore_openai.cache_breakpoints`).
    """

    path: str = "chat/completions"
    auth_header: str = "authorization"
    auth_scheme: str = "Bearer"
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    stream_usage: bool = True
    reasoning_fields: tuple[str, ...] = ("reasoning_content", "reasoning")
    send_reasoning_field: str | None = None
    send_reasoning_on: Literal["all", "tool_calls"] = "all"
    reasoning_data_field: str | None = None
    reasoning_effort: bool = True
    structured_output: tuple[str, ...] = ("json_schema", "json_object")
    unsupported: frozenset[str] = frozenset()
    errors_in_stream: bool = True
    system_role: Literal["system", "developer"] = "system"
    strict_tools: bool = True
    metadata_fields: tuple[str, ...] = ()
    message_metadata_fields: tuple[str, ...] = ()
    choice_metadata_fields: tuple[str, ...] = ()
    usage_fallbacks: tuple[tuple[str | int, ...], ...] = ()
    think_tags: bool = False
    prompt_cache_key: bool = False
    cache_breakpoints: bool = False


OPENAI_DIALECT = ChatDialect(
    max_tokens_field="max_completion_tokens",
    reasoning_fields=(),
    prompt_cache_key=True,
    cache_breakpoints=True,
    # the tier that served the call (it sets the price: default, flex, priority), the backend's
    # configuration fingerprint and the moderation results asked for with provider option moderation,
    # kept in provider_metadata["openai"]
    metadata_fields=("service_tier", "system_fingerprint", "moderation"),
)
"""api.openai.com: ``max_completion_tokens`` (the only form its reasoning
models accept); it never returns reasoning text on Chat Completions."""

COMPATIBLE_DIALECT = ChatDialect()
"""A generic OpenAI-compatible server (vLLM, LM Studio, llama.cpp, Ollama)."""
