"""The OpenAI Responses API codec (``POST /responses``): request mapping
(:mod:`.request`), response mapping (:mod:`.response`) and stream decoding
(:mod:`.stream`), and :class:`~.provider.ResponsesAPI`, a mixin that adds the
endpoint to any :class:`~llmcore_openai.chat.ChatCompletionsProvider`
(OpenAI, LM Studio). Errors share the Chat Completions error mapping
(:mod:`llmcore_openai.chat.errors`)."""

from __future__ import annotations

from .request import build_body, is_reasoning_model
from .response import map_usage, parse_response
from .stream import ResponsesStreamDecoder, aiter_events

__all__ = ["ResponsesStreamDecoder", "aiter_events", "build_body", "is_reasoning_model", "map_usage", "parse_response"]
