"""The Vertex AI provider: Gemini through the Gemini codec, Claude through the Anthropic codec.

URLs (``{root}`` is ``https://{location}-aiplatform.googleapis.com``, or
``https://aiplatform.googleapis.com`` for ``location="global"``, or ``base_url``)::

    {root}/{api_version}/projects/{project}/locations/{location}/publishers/google/models/{m}:generateContent
                                                                                        :streamGenerateContent?alt=sse
                                                                                        :countTokens
    {root}/{api_version}/projects/{project}/locations/{location}/publishers/anthropic/models/{m}:rawPredict
                                                                                            :streamRawPredict
    {root}/{api_version}/projects/{project}/locations/{location}/publishers/anthropic/models/count-tokens:rawPredict
    {root}/{api_version}/projects/{project}/locations/{location}/publishers/google/models/{m}:predict   (embed)

A model name starting with ``claude`` is a Claude model; anything else is served by
``publishers/google``. ``publishers/<p>/models/<m>`` and full
``projects/.../locations/.../endpoints/<id>`` names (tuned models) are used as
given.

Options (``ProviderConfig.options``): ``project``, ``location``, ``api_version``
(``v1`` default, or ``v1beta1``), ``credentials`` / ``access_token`` /
``service_account_file`` (see :mod:`llmcore_vertexai.auth`), ``schema_mode`` and
``safety_settings`` (as for ``llmcore-gemini``), ``default_max_tokens`` (Claude's
required ``max_tokens`` when a request sets none). Project and location also come
from ``GOOGLE_CLOUD_PROJECT`` / ``GOOGLE_CLOUD_LOCATION`` (or ``VERTEX_LOCATION``);
the location defaults to ``global``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
from llmcore.errors import ConfigurationError, LLMCoreError, UnsupportedFeatureError
from llmcore.events import StreamEvent
from llmcore.pluginkit import check_options
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import ChatRequest, ChatResponse, TokenCount
from llmcore_gemini.provider import GoogleGenAIProvider, parse_codec_options

from . import SPEC
from .auth import TokenSource, resolve_credentials

__all__ = ["API_VERSIONS", "VertexAIProvider", "default_root"]

API_VERSIONS = ("v1", "v1beta1")
PROJECT_ENV = ("GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT")
LOCATION_ENV = ("GOOGLE_CLOUD_LOCATION", "VERTEX_LOCATION")
DEFAULT_LOCATION = "global"


def default_root(location: str) -> str:
    """The service root for a location."""
    if location == "global":
        return "https://aiplatform.googleapis.com"
    return f"https://{location}-aiplatform.googleapis.com"


def _first_env(names: tuple[str, ...]) -> str | None:
    for n in names:
        v = os.environ.get(n)
        if v:
            return v
    return None


class VertexAIProvider(GoogleGenAIProvider):
    """Gemini and Claude models on Google Cloud Vertex AI."""

    spec: ClassVar[ProviderSpec] = SPEC
    #: provider settings accepted in ``ProviderConfig.options``
    KNOWN_OPTIONS: ClassVar[tuple[str, ...]] = (
        "project",
        "location",
        "api_version",
        "credentials",
        "access_token",
        "service_account_file",
        "schema_mode",
        "safety_settings",
        "default_max_tokens",
    )

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        name = self.spec.name
        options = check_options(config.options, self.KNOWN_OPTIONS, name)
        if config.api_key:
            raise ConfigurationError(
                "vertexai authenticates with Google Cloud credentials, not an API key: use Application Default "
                "Credentials (GOOGLE_APPLICATION_CREDENTIALS) or pass credentials=, service_account_file= or "
                "access_token=",
                provider=name,
            )
        api_version = options.get("api_version", "v1")
        if api_version not in API_VERSIONS:
            raise ConfigurationError(f"option api_version must be one of {API_VERSIONS}", provider=name)
        default_max = options.get("default_max_tokens", 4096)
        if isinstance(default_max, bool) or not isinstance(default_max, int) or default_max < 1:
            raise ConfigurationError("option default_max_tokens must be a positive integer", provider=name)
        self.codec = parse_codec_options(options, name)
        project = options.get("project") or _first_env(PROJECT_ENV)
        creds, creds_project = resolve_credentials(options, name)
        project = project or creds_project
        if not project:
            raise ConfigurationError(
                "no Google Cloud project for vertexai: set GOOGLE_CLOUD_PROJECT or pass project=...", provider=name
            )
        location = options.get("location") or _first_env(LOCATION_ENV) or DEFAULT_LOCATION
        root = config.base_url or default_root(str(location))
        super().__init__(dataclasses.replace(config, base_url=root))
        self.project = str(project)
        self.location = str(location)
        self.api_version = str(api_version)
        self._tokens = TokenSource(creds, name)
        self._default_max_tokens = default_max

    def __repr__(self) -> str:
        return f"VertexAIProvider(project={self.project!r}, location={self.location!r}, base_url={self.base_url!r})"

    # -- seams of the Gemini codec --------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        self._tokens.apply(headers)
        return headers

    async def prepare(self) -> None:
        await self._tokens.ensure()

    def model_path(self, model: str, method: str) -> str:
        """``{api_version}/projects/…/publishers/{google|anthropic}/models/{model}:{method}``."""
        if model.startswith("projects/"):
            return f"{self.api_version}/{model}:{method}"
        scope = f"{self.api_version}/projects/{self.project}/locations/{self.location}"
        if model.startswith("publishers/"):
            return f"{scope}/{model}:{method}"
        publisher = "anthropic" if is_claude(model) else "google"
        return f"{scope}/publishers/{publisher}/models/{model}:{method}"

    def count_tokens_body(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        """Vertex's ``CountTokensRequest`` takes the content fields at the top level."""
        return {k: v for k, v in body.items() if k in ("contents", "systemInstruction", "tools", "generationConfig")}

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        if isinstance(body, Mapping) and body.get("type") == "error":  # Claude's errors pass through rawPredict
            from llmcore_anthropic.errors import error_details as anthropic_error_details

            return anthropic_error_details(status, body, text)
        return super().error_details(status, body, text)

    # -- the protocol: Claude models go to the Anthropic codec ------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        if is_claude(request.model):
            from .claude import claude_chat

            return await claude_chat(self, request)
        return await super().chat(request)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        if is_claude(request.model):
            from .claude import claude_stream

            async for ev in claude_stream(self, request):
                yield ev
            return
        async for ev in super().stream_chat(request):
            yield ev

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        if is_claude(request.model):
            from .claude import claude_count_tokens

            return await claude_count_tokens(self, request)
        return await super().count_tokens(request)

    # -- embeddings: the text embeddings API (:predict), not the Gemini API's batchEmbedContents --

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per ``:predict`` call: 250 texts and 20,000 tokens (one text for
        ``gemini-embedding-001``), see :mod:`llmcore_vertexai.embeddings`."""
        from .embeddings import embedding_limits

        return embedding_limits(model)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """One ``:predict`` call on a Google embedding model."""
        from .embeddings import build_predict_body, parse_predict_response

        if is_claude(request.model):
            raise UnsupportedFeatureError(
                f"{request.model} is a Claude model: Vertex AI embeds with Google's embedding models "
                "(e.g. vertexai/text-embedding-005, vertexai/gemini-embedding-001)",
                provider=self.spec.name,
            )
        body = build_predict_body(request)
        await self.prepare()
        data, _ = await self.request_json("POST", self.model_path(request.model, "predict"), body)
        return parse_predict_response(data, request)


def is_claude(model: str) -> bool:
    """True for Claude model names (``claude-sonnet-4-5@20250929``, ``publishers/anthropic/models/…``)."""
    name = model.rsplit("/", 1)[-1] if model.startswith("publishers/") else model
    return name.startswith("claude") or model.startswith("publishers/anthropic/")
