"""Fireworks AI over ``llmcore-openai``'s shared Chat Completions codec.

Quirks (https://docs.fireworks.ai/api-reference/post-chatcompletions,
https://docs.fireworks.ai/guides/reasoning):

* model ids are resource names, ``accounts/fireworks/models/<name>``; a bare
  ``<name>`` (``fireworks/llama-v3p3-70b-instruct``) is expanded to Fireworks'
  own catalogue, ``accounts/fireworks/models/<name>``; anything with a ``/``
  (your own account's models and deployments) is sent as given;
* streams carry usage on the chunk with the finish reason unasked:
  ``stream_options`` is not sent;
* reasoning text arrives in ``reasoning_content`` and is sent back on earlier
  assistant turns ("interleaved thinking": models that use it need it after a
  tool result; the others ignore it);
* errors are ``{"error": {"message", "param", "code": "NOT_FOUND", "type": "error"}}``:
  the HTTP status picks the class, the upper-case ``code`` is kept.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import Warnings

__all__ = ["CATALOGUE", "FIREWORKS_DIALECT", "FireworksProvider"]

CATALOGUE = "accounts/fireworks/models/"
FIREWORKS_DIALECT = replace(
    COMPATIBLE_DIALECT, stream_usage=False, reasoning_fields=("reasoning_content",),
    send_reasoning_field="reasoning_content",
)


class FireworksProvider(ChatCompletionsProvider):
    """Fireworks AI's ``/inference/v1/chat/completions``."""

    spec = SPEC
    dialect = FIREWORKS_DIALECT

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if "/" not in body["model"]:
            body["model"] = CATALOGUE + body["model"]
