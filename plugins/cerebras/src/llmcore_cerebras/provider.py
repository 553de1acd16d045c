"""Cerebras Inference over ``llmcore-openai``'s shared Chat Completions codec.

Quirks (https://inference-docs.cerebras.ai/api-reference/chat-completions,
https://inference-docs.cerebras.ai/capabilities/reasoning, and the recordings
in ``tests/cassettes``):

* the output limit is ``max_completion_tokens``;
* ``temperature`` is limited to 0 to 1.5 (OpenAI allows 2): a higher value is an
  :class:`~llmcore.errors.InvalidRequestError` before any network call;
* reasoning text (gpt-oss, zai-glm) arrives in ``reasoning`` and is sent back
  under ``reasoning`` on earlier assistant turns (what ``clear_thinking:
  false`` keeps in context; the API accepts it for every reasoning model);
* streams carry usage on the chunk with the finish reason, unasked, and may end
  without ``data: [DONE]``: ``stream_options`` is not sent;
* errors are top-level ``{"message", "type", "param", "code"}`` objects
  (``wrong_api_key``, ``model_not_found``, ``request_quota_exceeded``,
  ``queue_exceeded``), which the shared error mapping reads as they are.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llmcore.errors import InvalidRequestError
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import Warnings

__all__ = ["CEREBRAS_DIALECT", "MAX_TEMPERATURE", "CerebrasProvider"]

MAX_TEMPERATURE = 1.5
CEREBRAS_DIALECT = replace(
    COMPATIBLE_DIALECT,
    max_tokens_field="max_completion_tokens",
    stream_usage=False,
    reasoning_fields=("reasoning",),
    send_reasoning_field="reasoning",
    metadata_fields=("time_info",),  # Cerebras' queue/prompt/completion timings, kept in provider_metadata
)


class CerebrasProvider(ChatCompletionsProvider):
    """Cerebras' ``/v1/chat/completions``."""

    spec = SPEC
    dialect = CEREBRAS_DIALECT

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        t = body.get("temperature")
        if t is not None and t > MAX_TEMPERATURE:
            raise InvalidRequestError(
                f"Cerebras accepts temperature from 0 to {MAX_TEMPERATURE}, not {t}", provider=self.spec.name
            )
