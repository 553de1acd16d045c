"""Azure OpenAI and Azure AI Foundry models on the shared Chat Completions codec.

Three URL shapes (option ``api``; ``"auto"`` picks from the endpoint):

* ``deployments`` — ``{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...``,
  the classic Azure OpenAI API. The model name is the deployment name.
  ``api-version``: option ``api_version``, else ``$OPENAI_API_VERSION``, else
  ``2024-10-21`` (the latest GA data-plane inference version).
* ``v1`` — ``{endpoint}/openai/v1/chat/completions``, the version-less v1 API
  (chosen when the endpoint already ends in ``/openai/v1``); an ``api_version``
  option is sent if given (e.g. ``preview``).
* ``models`` — ``{endpoint}/models/chat/completions?api-version=2024-05-01-preview``,
  the Azure AI Foundry model inference endpoint (chosen for
  ``*.services.ai.azure.com`` hosts and endpoints ending in ``/models``).

Option ``wire_api``: ``"chat"`` (default: Chat Completions, above) or ``"responses"``, the
Responses API through llmcore-openai's shared Responses codec (reasoning items carried across
turns, ``cache_prompt``'s key as ``prompt_cache_key``, function tools): ``{endpoint}/openai/v1/responses``
on the v1 API, ``{endpoint}/openai/responses?api-version=...`` on ``deployments`` (``api_version``
option, else ``2025-04-01-preview``, the version Azure's Responses API guide uses; the deployment
is the body's ``model``). Azure AI Foundry's ``models`` API has no Responses API: refused. Built-in
(server-side) tools ``WebSearchTool`` (``web_search_preview``) and ``CodeExecutionTool``
(``code_interpreter``) are sent there; on Chat Completions they are refused before the network,
pointing to ``wire_api="responses"``.

Auth: the ``api-key`` header (``$AZURE_OPENAI_API_KEY``) or a Microsoft Entra ID
token as ``Authorization: Bearer``: option ``azure_ad_token`` (or
``$AZURE_OPENAI_AD_TOKEN``), or ``azure_ad_token_provider``, a callable (sync or
async, e.g. ``azure.identity.get_bearer_token_provider(...)``) called before every
request. Tokens are registered as secrets (redacted like keys).

Content filtering: a prompt rejected by Azure's filter (HTTP 400, ``code:
content_filter``, ``innererror.code: ResponsibleAIPolicyViolation``) raises
:class:`~llmcore.errors.ContentFilterError`, also when Azure reports it in a 200
body; a filtered answer finishes with ``content_filter`` — both by the shared codec.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlsplit

from llmcore.errors import ConfigurationError, register_secret
from llmcore.provider import ProviderConfig
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider, Warnings
from llmcore_openai.embeddings import EmbeddingsAPI, build_embeddings_body, parse_embeddings
from llmcore_openai.responses.provider import ResponsesAPI

from . import SPEC

if TYPE_CHECKING:
    from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["AZURE_DIALECT", "AzureProvider", "DEFAULT_API_VERSION", "MODELS_API_VERSION", "RESPONSES_API_VERSION"]

DEFAULT_API_VERSION = "2024-10-21"
MODELS_API_VERSION = "2024-05-01-preview"
RESPONSES_API_VERSION = "2025-04-01-preview"
_APIS = ("auto", "deployments", "v1", "models")
_WIRE_APIS = ("chat", "responses")

AZURE_DIALECT = replace(
    COMPATIBLE_DIALECT,
    auth_header="api-key",
    auth_scheme="",
    max_tokens_field="max_completion_tokens",
    reasoning_fields=(),
    # Azure's content-filter verdicts, kept (lossless): on the prompt (top level, also the stream's preamble
    # chunk) and on the answer (the choice; in streams the last chunk's verdict)
    metadata_fields=("prompt_filter_results", "service_tier"),
    choice_metadata_fields=("content_filter_results",),
)
"""Azure OpenAI: the ``api-key`` header, ``max_completion_tokens`` (required by its
reasoning models), no reasoning text, the content-filter results in
``provider_metadata["azure"]``. The ``models`` API uses ``max_tokens``."""


class AzureProvider(ResponsesAPI, EmbeddingsAPI, ChatCompletionsProvider):
    """Azure OpenAI (``deployments`` / ``v1``) and Azure AI Foundry ``models``.

    Embeddings, on the same three URL shapes as chat: ``{endpoint}/openai/deployments/{deployment}/
    embeddings?api-version=...`` (the model name is the deployment), ``{endpoint}/openai/v1/embeddings``
    and ``{endpoint}/models/embeddings?api-version=...``. The body is OpenAI's (``input`` list,
    ``dimensions`` for text-embedding-3 deployments); on ``deployments`` (Azure OpenAI models only)
    vectors travel as base64 float32, elsewhere as JSON numbers (the v1 and models APIs also serve
    other vendors' models, e.g. Cohere embed). No input type, no truncation choice: refused before
    the network.
    """

    spec = SPEC
    dialect = AZURE_DIALECT
    options: ClassVar[Mapping[str, str]] = {
        "api": '"auto" (default), "deployments", "v1" or "models" (Azure AI Foundry)',
        "api_version": "api-version query parameter (default: $OPENAI_API_VERSION or 2024-10-21 for deployments, "
        "2024-05-01-preview for models, none for v1)",
        "azure_ad_token": "a Microsoft Entra ID token, sent as a bearer token instead of the api-key "
        "(default: $AZURE_OPENAI_AD_TOKEN)",
        "azure_ad_token_provider": "a callable (sync or async) returning an Entra ID token, called before each request",
        "wire_api": '"chat" (Chat Completions, default) or "responses" (the Responses API; not on api="models")',
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self._token: str | None = self.option("azure_ad_token") or os.environ.get("AZURE_OPENAI_AD_TOKEN") or None
        self._token_provider = self.option("azure_ad_token_provider")
        if self._token_provider is not None and not callable(self._token_provider):
            raise ConfigurationError("azure option azure_ad_token_provider must be a callable", provider="azure")
        if not (self.api_key or self._token or self._token_provider):
            raise ConfigurationError(
                "no credentials for azure: set AZURE_OPENAI_API_KEY (or pass api_key=...), or pass an Entra ID token "
                "(azure_ad_token=..., $AZURE_OPENAI_AD_TOKEN, or azure_ad_token_provider=...)",
                provider="azure",
            )
        register_secret(self._token)
        api = self.option("api", "auto")
        if api not in _APIS:
            raise ConfigurationError(
                f"azure option api must be one of {', '.join(_APIS)}, not {api!r}", provider="azure"
            )
        parts = urlsplit(self.base_url)
        path = parts.path.rstrip("/")
        if api == "auto":
            if path.endswith("/openai/v1"):
                api = "v1"
            elif path.endswith("/models") or (not path and (parts.hostname or "").endswith(".services.ai.azure.com")):
                api = "models"
            else:
                api = "deployments"
        self.api: str = api
        version = self.option("api_version")
        if api == "deployments":
            version = version or os.environ.get("OPENAI_API_VERSION") or DEFAULT_API_VERSION
        elif api == "models":
            version = version or MODELS_API_VERSION
            self.dialect = replace(self.dialect, max_tokens_field="max_tokens")
        self.api_version: str | None = version
        # the endpoint may already carry the API's own path segment
        self._prefix = {
            "deployments": "" if path.endswith("/openai") else "openai/",
            "v1": "" if path.endswith("/openai/v1") else "openai/v1/",
            "models": "" if path.endswith("/models") else "models/",
        }[api]
        self.wire_api: str = self.option("wire_api", "chat")
        if self.wire_api not in _WIRE_APIS:
            raise ConfigurationError(
                f'azure option wire_api must be "chat" or "responses", not {self.wire_api!r}', provider="azure"
            )
        if self.wire_api == "responses":
            if api == "models":
                raise ConfigurationError(
                    "Azure AI Foundry's models API has no Responses API: use the endpoint's /openai/v1 URL "
                    '(api="v1") or a deployment (api="deployments") with wire_api="responses", or wire_api="chat"',
                    provider="azure",
                )
            responses_version = self.option("api_version") if api == "deployments" else version
            if api == "deployments" and not responses_version:
                responses_version = RESPONSES_API_VERSION
            # an instance attribute over the mixin's class default (the path below the base URL)
            self.responses_path = f"{self._prefix}responses" + (
                f"?api-version={quote(responses_version)}" if responses_version else ""
            )

    def __repr__(self) -> str:
        return (
            f"AzureProvider(base_url={self.base_url!r}, api={self.api!r}, api_version={self.api_version!r}, "
            f"wire_api={self.wire_api!r})"
        )

    def endpoint(self, request: ChatRequest) -> str:
        """The path for ``request``: the deployment is the model name (``deployments``)."""
        if self.api == "deployments":
            path = f"{self._prefix}deployments/{quote(request.model, safe='')}/chat/completions"
        else:
            path = f"{self._prefix}chat/completions"
        return f"{path}?api-version={quote(self.api_version)}" if self.api_version else path

    def auth_headers(self) -> dict[str, str]:
        """``Authorization: Bearer <Entra ID token>`` when a token is configured, else ``api-key``."""
        if self._token:
            return {"authorization": f"Bearer {self._token}"}
        return super().auth_headers()

    async def _refresh_token(self) -> None:
        if self._token_provider is None:
            return
        token = self._token_provider()
        if inspect.isawaitable(token):
            token = await token
        token = getattr(token, "token", token)  # an azure.core AccessToken works too
        if not isinstance(token, str) or not token:
            raise ConfigurationError("azure_ad_token_provider returned no token", provider="azure")
        register_secret(token)
        self._token = token

    def embeddings_endpoint(self, request: EmbeddingRequest) -> str:
        """The embeddings path for ``request`` (with ``api-version`` where the API has one)."""
        if self.api == "deployments":
            path = f"{self._prefix}deployments/{quote(request.model, safe='')}/embeddings"
        else:
            path = f"{self._prefix}embeddings"
        return f"{path}?api-version={quote(self.api_version)}" if self.api_version else path

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        body = build_embeddings_body(request, self.spec.name, base64=self.api == "deployments")
        await self._refresh_token()
        data, _ = await self.request_json("POST", self.embeddings_endpoint(request), body, headers=self.extra_headers())
        return parse_embeddings(data, request, self.spec.name)

    def builtin_tools_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        """Chat Completions bodies only (the Responses API maps built-in tools itself): refused with the hint."""
        from llmcore.builtin_tools import refuse

        for tool in request.builtin_tools or ():
            raise refuse(tool, self.spec.name, "Azure runs it on the Responses API: option wire_api='responses'")

    async def chat(self, request: ChatRequest) -> ChatResponse:
        await self._refresh_token()
        if self.wire_api == "responses":
            return await self.responses_chat(request)
        return await super().chat(request)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        await self._refresh_token()
        events = self.responses_stream(request) if self.wire_api == "responses" else super().stream_chat(request)
        async for ev in events:
            yield ev
