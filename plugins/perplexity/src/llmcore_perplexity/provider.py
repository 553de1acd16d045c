"""Perplexity on the shared Chat Completions codec.

Quirks (https://docs.perplexity.ai):

* Every answer is grounded in a web search: the response's ``search_results``
  (title, url, date, snippet) become ``ChatResponse.citations`` — whole-answer
  citations, one per result in order (``source_index`` = position; the
  ``[n]`` markers stay in the text), see :mod:`llmcore_perplexity.citations` —
  and both they and ``citations`` (URLs) are also kept in
  ``ChatResponse.provider_metadata["perplexity"]``. In streams (where every
  chunk repeats them) the citations are :class:`CitationEvent` s
  (``attach=False``) just before ``Finish``, which carries the metadata.
* No function calling: ``tools`` / ``tool_choice`` are not sent — a warning, or
  :class:`~llmcore.errors.UnsupportedFeatureError` with ``strict=True``.
* Reasoning models (``sonar-reasoning*``) may lead their answer with a
  ``<think>…</think>`` block: it becomes a reasoning part.
* ``response_format``: ``json_schema`` is sent (``json_object`` is not accepted:
  a warning).
* ``embed`` → ``POST /v1/embeddings`` (pplx-embed, int8 vectors; see :mod:`llmcore_perplexity.embeddings`).
* Errors: ``type: too_many_prompt_tokens`` → :class:`ContextWindowExceededError`,
  ``type: invalid_model`` → :class:`NotFoundError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from llmcore.embeddings import EmbeddingRequest, EmbeddingResponse
from llmcore.errors import ContextWindowExceededError, LLMCoreError, NotFoundError
from llmcore.events import CitationEvent, Finish, StreamEvent
from llmcore.types import ChatRequest, ChatResponse
from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider

from . import SPEC
from . import embeddings as emb
from .citations import search_citations

__all__ = ["PERPLEXITY_DIALECT", "PerplexityProvider"]

PERPLEXITY_DIALECT = replace(
    COMPATIBLE_DIALECT,
    metadata_fields=("citations", "search_results"),
    reasoning_fields=(),
    think_tags=True,
    unsupported=frozenset({"tools", "tool_choice"}),
    structured_output=("json_schema",),
    strict_tools=False,
)
_BY_TYPE: dict[str, type[LLMCoreError]] = {
    "too_many_prompt_tokens": ContextWindowExceededError,
    "invalid_model": NotFoundError,
}


class PerplexityProvider(ChatCompletionsProvider):
    """Perplexity's Sonar Chat Completions API."""

    spec = SPEC
    dialect = PERPLEXITY_DIALECT

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        message, code, cls = super().error_details(status, body, text)
        err = body.get("error") if isinstance(body, dict) else None
        kind = err.get("type") if isinstance(err, dict) else None
        return message, code, _BY_TYPE.get(kind, cls) if isinstance(kind, str) else cls

    def builtin_tools_body(self, request: ChatRequest, body: dict[str, Any], warnings: Any) -> None:
        """Perplexity searches on every call: ``WebSearchTool`` is accepted and its options become
        the search options (``search_context_size``/``user_location`` → ``web_search_options``,
        ``allowed_domains``/``blocked_domains`` → ``search_domain_filter`` with ``-`` before a
        blocked domain; ``provider_options={"perplexity": {...}}`` of the tool → top-level fields);
        other built-in tools are refused."""
        from llmcore.builtin_tools import WebSearchTool, options_for, refuse

        for tool in request.builtin_tools or ():
            if not isinstance(tool, WebSearchTool):
                raise refuse(tool, self.spec.name)
            options: dict[str, Any] = {}
            if tool.search_context_size is not None:
                options["search_context_size"] = tool.search_context_size
            if tool.user_location is not None:
                loc = tool.user_location.model_dump(exclude_none=True)
                options["user_location"] = {k: v for k, v in loc.items() if k in ("country", "region", "city")}
            if options:
                body["web_search_options"] = options
            domains = [*(tool.allowed_domains or ()), *("-" + d for d in tool.blocked_domains or ())]
            if domains:
                body["search_domain_filter"] = domains
            if tool.max_uses is not None:
                warnings.add("WebSearchTool.max_uses", "Perplexity has no max_uses; not sent")
            body.update(options_for(tool, self.spec.name))

    # -- citations: the search results of every answer ---------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """The shared codec's answer, with the search results as whole-answer citations
        (unless the codec already gave citations)."""
        resp = await super().chat(request)
        if not resp.citations:
            resp.citations = search_citations(resp.provider_metadata.get(self.spec.name))
        return resp

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        """The shared codec's events; before ``Finish``, one :class:`CitationEvent`
        (``attach=False``) per search result, as in :meth:`chat`."""
        cited = False
        async for ev in super().stream_chat(request):
            if isinstance(ev, CitationEvent):
                cited = True
            elif isinstance(ev, Finish) and not cited:
                for c in search_citations((ev.provider_metadata or {}).get(self.spec.name)):
                    yield CitationEvent(c, attach=False)
            yield ev

    # -- embeddings ---------------------------------------------------------------------

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """``(texts, tokens)`` per request: 512 texts, 120,000 tokens (the API reference)."""
        return emb.MAX_INPUTS, emb.MAX_TOKENS

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """``POST /v1/embeddings`` (the chat API has no ``/v1`` prefix, the embeddings API has)."""
        data, _ = await self.request_json("POST", "v1/embeddings", emb.build_body(request))
        return emb.parse_response(data, request)
