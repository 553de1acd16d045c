"""The Databricks provider: ``llmcore-openai``'s Chat Completions codec on serving endpoints.

Databricks Model Serving (Foundation Model APIs pay-per-token and provisioned
throughput endpoints, external models) answers OpenAI Chat Completions at
``{DATABRICKS_HOST}/serving-endpoints``; the *model* is the serving endpoint's
name (https://docs.databricks.com/aws/en/machine-learning/model-serving/score-foundation-models).

* **URL** — ``base_url=`` (the ``…/serving-endpoints`` URL) or
  ``$DATABRICKS_HOST`` (a workspace host, with or without ``https://``) +
  ``/serving-endpoints``; key ``$DATABRICKS_TOKEN`` (a personal access or
  service-principal token, ``Authorization: Bearer``).
* **option** ``api`` — ``"chat"`` (default: ``POST /serving-endpoints/chat/completions``
  with ``model`` = endpoint name) or ``"invocations"`` (``POST
  /serving-endpoints/{name}/invocations``, the endpoint's own REST route; the
  body then has no ``model``).
* **reasoning** — Claude endpoints with ``thinking`` answer ``content`` as a list
  with a ``reasoning`` part (``summary[].text`` + ``signature``); the codec reads
  it. On later turns the signed reasoning must go back the same way: an
  assistant message with reasoning from this provider is sent as
  ``[{"type": "reasoning", "summary": [...]}, {"type": "text", ...}]``.
* **errors** — ``{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "..."}``:
  the message and the code are kept; the HTTP status picks the class.

``thinking`` (Claude), ``reasoning_effort`` (gpt-oss), ``extra_params`` and
other endpoint-specific fields go in ``provider_options={"databricks": {...}}``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from llmcore.errors import ConfigurationError, LLMCoreError
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import ReasoningPart, TextPart
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings
from llmcore_openai.chat.errors import classify
from llmcore_openai.embeddings import EmbeddingsAPI

from . import SPEC

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

__all__ = ["DatabricksProvider", "serving_url"]


def serving_url(host: str) -> str:
    """``https://<host>/serving-endpoints`` for a workspace host (scheme optional)."""
    host = host.strip().rstrip("/")
    if not host.startswith(("http://", "https://")):
        host = "https://" + host
    return host + "/serving-endpoints"


class DatabricksProvider(EmbeddingsAPI, ChatCompletionsProvider):
    """Databricks serving endpoints (chat, embeddings).

    Embeddings: ``POST /serving-endpoints/embeddings`` with ``model`` = the endpoint name
    (``databricks-gte-large-en``, ``databricks-bge-large-en``, an external-model endpoint),
    whatever the ``api`` option. The Foundation Model API's embeddings request has ``input``
    and an optional ``instruction`` only: ``dimensions``, ``input_type`` and a truncation
    choice are refused before the network; pass ``instruction`` (or a field an external
    model's endpoint takes) in ``provider_options={"databricks": {...}}``. Vectors come as JSON
    numbers (no base64 option is documented).
    """

    spec: ClassVar[ProviderSpec] = SPEC
    dialect = COMPATIBLE_DIALECT
    embeddings_dimensions = False
    # Databricks documents no per-request input count; our bound keeps one request modest
    max_embedding_inputs = 150
    max_embedding_tokens = None
    options: ClassVar[Mapping[str, str]] = {
        "api": '"chat" (POST /serving-endpoints/chat/completions, default) or "invocations" '
        "(POST /serving-endpoints/{name}/invocations)",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        if not config.base_url:
            host = os.environ.get("DATABRICKS_HOST")
            if not host:
                raise ConfigurationError(
                    "databricks needs a workspace: set DATABRICKS_HOST (e.g. adb-123.4.azuredatabricks.net) "
                    "or pass base_url='https://<workspace>/serving-endpoints'",
                    provider=self.spec.name,
                )
            config = replace(config, base_url=serving_url(host))
        super().__init__(config)
        self.api = self.option("api", "chat")
        if self.api not in ("chat", "invocations"):
            raise ConfigurationError(
                f'databricks option api must be "chat" or "invocations", not {self.api!r}', provider=self.spec.name
            )

    def endpoint(self, request: ChatRequest) -> str:
        if self.api == "invocations":
            return f"{quote(request.model, safe='')}/invocations"
        return self.dialect.path

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        if self.api == "invocations":
            body.pop("model", None)
        sent = [m for m in body["messages"] if m.get("role") == "assistant"]
        mine = [m for m in request.messages if m.role == "assistant"]  # one sent message each
        for msg, src in zip(sent, mine, strict=True):
            signed = [
                p for p in src.content if isinstance(p, ReasoningPart) and p.signature and p.provider == self.spec.name
            ]
            if signed:  # echo Claude's signed reasoning as Databricks content parts
                parts: list[dict[str, Any]] = [
                    {
                        "type": "reasoning",
                        "summary": [{"type": "summary_text", "text": p.text, "signature": p.signature}],
                    }
                    for p in signed
                ]
                text = "".join(p.text for p in src.content if isinstance(p, TextPart))
                if text:
                    parts.append({"type": "text", "text": text})
                msg["content"] = parts

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        if isinstance(body, dict) and isinstance(body.get("error_code"), str):
            msg = str(body.get("message") or text.strip()[:500] or f"HTTP {status}")
            return msg, body["error_code"], classify(status, body["error_code"], None, msg)
        return super().error_details(status, body, text)
