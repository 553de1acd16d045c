"""Mistral on the shared Chat Completions codec.

Quirks (https://docs.mistral.ai/api/, ``api-specs/mistral/openapi.yaml``; the
request schema rejects unknown fields):

* ``tool_choice: "required"`` is sent as Mistral's ``"any"``.
* Tool-call ids must be 9 characters ``[a-zA-Z0-9]``: ids from elsewhere (an
  OpenAI ``call_…`` in the history) are mapped, consistently for the call and
  its result, to a stable 9-character id derived from the original.
* ``seed`` is ``random_seed``; ``temperature`` is at most 1.5 (higher values
  are sent as 1.5 with a warning); ``reasoning_effort`` takes ``high`` or
  ``none`` (``minimal``/``low``/``medium`` are sent as ``high``, with a warning).
* No ``stream_options``: Mistral puts usage on the last chunk by itself.
* Magistral's thinking arrives as content chunks (``{"type": "thinking",
  "thinking": [...]}``), which the shared codec turns into reasoning parts.
* Usage: ``num_cached_tokens`` (or ``prompt_tokens_details.cached_tokens``) →
  ``cache_read_tokens``.
* Errors: ``{"object": "error", "message", "type", "code"}``; ``type:
  invalid_model`` → :class:`~llmcore.errors.NotFoundError`.
* Embeddings: ``POST /v1/embeddings`` (OpenAI's shape, :class:`~llmcore_openai.embeddings.EmbeddingsAPI`);
  ``dimensions`` is Mistral's ``output_dimension`` (``codestral-embed``); at most 256 inputs and
  ~16,000 tokens a request (Mistral answers "Too many inputs in request" beyond). Float vectors as
  JSON: Mistral documents ``encoding_format: base64`` and ``output_dtype`` but no recording shows
  their bytes, so they are not asked for (``embedding_type`` other than float is refused).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llmcore.errors import LLMCoreError, NotFoundError
from llmcore.types import Usage
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings, map_usage
from llmcore_openai.embeddings import EmbeddingsAPI

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = ["MISTRAL_DIALECT", "MistralProvider", "mistral_tool_id"]

MISTRAL_DIALECT = replace(COMPATIBLE_DIALECT, stream_usage=False, reasoning_fields=())
_TOOL_ID = re.compile(r"[A-Za-z0-9]{9}")
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def mistral_tool_id(tool_id: str) -> str:
    """``tool_id`` if Mistral accepts it, else a stable 9-character id derived from it."""
    if _TOOL_ID.fullmatch(tool_id):
        return tool_id
    n = int.from_bytes(hashlib.sha256(tool_id.encode()).digest()[:8], "big")
    return "".join(_B62[(n // 62**i) % 62] for i in range(9))


class MistralProvider(EmbeddingsAPI, ChatCompletionsProvider):
    """Mistral's Chat Completions and Embeddings APIs."""

    spec = SPEC
    dialect = MISTRAL_DIALECT
    embeddings_dimensions_field = "output_dimension"
    max_embedding_inputs = 256
    max_embedding_tokens = 16_000

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if body.get("tool_choice") == "required":
            body["tool_choice"] = "any"
        if "seed" in body:
            body["random_seed"] = body.pop("seed")
        if body.get("temperature", 0) > 1.5:
            body["temperature"] = 1.5
            warnings.add("temperature", "Mistral accepts temperatures up to 1.5; sent 1.5")
        if body.get("reasoning_effort") not in (None, "high"):
            warnings.add(
                "reasoning_effort", f'Mistral takes "high" or "none", not {body["reasoning_effort"]!r}; sent "high"'
            )
            body["reasoning_effort"] = "high"
        for m in body["messages"]:
            for tc in m.get("tool_calls") or ():
                tc["id"] = mistral_tool_id(tc["id"])
            if m["role"] == "tool":
                m["tool_call_id"] = mistral_tool_id(m["tool_call_id"])

    def map_usage(self, raw: Any) -> Usage:
        usage = map_usage(raw)
        cached = raw.get("num_cached_tokens") if isinstance(raw, dict) else None
        if isinstance(cached, int) and not isinstance(cached, bool) and usage.cache_read_tokens is None:
            usage.cache_read_tokens = cached
        return usage

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        if isinstance(body, dict) and body.get("type") == "invalid_model":
            cls = NotFoundError
        return message, code, cls
