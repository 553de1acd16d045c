"""The llmcore conformance kit on the Vertex AI recordings (see cassettes/SOURCES.md).

Vertex AI has no API spec in the shared ``api-specs`` (the aiplatform Discovery
document was not obtainable), so sent bodies are not spec-validated here; the
Gemini codec that builds them is validated against the Gemini API spec in
``llmcore-gemini``'s tests.
"""

from __future__ import annotations

from typing import Any

import vertex_cases as V
from llmcore.provider import Provider
from llmcore_testing import Case, EmbeddingCase, ProviderConformance
from llmcore_testing.conformance import LosslessCase
from llmcore_testing.streams import random_sizes

# text-embedding-004:predict recorded by ruby_llm (interaction 1, after its OAuth2 token exchange): three texts,
# per-text statistics.token_count summed for usage
EMBED = EmbeddingCase(
    "ruby_llm__embedding_basic_functionality_vertexai_text-embedding-004_can_handle_multiple_texts.yaml",
    "text-embedding-004",
    ["Ruby", "Python", "JavaScript"],
    interaction=1,
    options=dict(V.RUBY),
    base_url=V.RUBY_ROOT,
    expect_dimensions=768,
)

GROUNDING = (
    "ruby_llm__chat_citations_with_vertexai_gemini-2_5-flash_returns_grounding_citations_when_search_is_enabled.yaml"
)
_SEARCH = {
    "model": "gemini-2.5-flash",
    "messages": ["What is the latest stable version of Ruby?"],
    "provider_options": {"vertexai": {"tools": [{"google_search": {}}]}},
}
CACHED = "ruby_llm__cachedcontent_explicit_caching_round-trip_vertexai_gemini-2_5-flash_creates_uses_and_deletes_a_cache.yaml"
#: the recordings proving Capabilities.server_tools / citations / prompt_caching (after the token exchanges)
LOSSLESS = {
    "web_search": LosslessCase(
        GROUNDING, _SEARCH, interaction=1, options=dict(V.RUBY), base_url=V.RUBY_ROOT, server_tool="google_search"
    ),
    "citations": LosslessCase(GROUNDING, _SEARCH, interaction=1, options=dict(V.RUBY), base_url=V.RUBY_ROOT),
    # explicit context caching: a cachedContents resource named with cached_content, 9602 tokens read from it
    # (details: test_vertexai_cached_content.py)
    "prompt_caching": LosslessCase(
        CACHED,
        {
            "model": "gemini-2.5-flash",
            "messages": [V.recorded_body(CACHED, 3)["contents"][0]["parts"][0]["text"]],
            "provider_options": {"vertexai": {"cached_content": V.recorded_body(CACHED, 3)["cachedContent"]}},
        },
        interaction=3,
        options=dict(V.RUBY),
        base_url=V.RUBY_ROOT,
    ),
}


class TestVertexAIConformance(ProviderConformance):
    provider = "vertexai"
    cassette_dir = V.CASSETTES

    chat_case = V.CHAT
    stream_case = V.STREAM
    system_prompt_case = V.SYSTEM_PROMPT
    tool_call_case = V.TOOL_CALL
    tool_call_stream_case = V.TOOL_CALL_STREAM
    tool_round_trip_case = V.TOOL_ROUND_TRIP
    structured_case = V.STRUCTURED
    reasoning_case = V.REASONING
    count_tokens_case = V.COUNT_TOKENS
    vision_case = V.VISION  # authored from the documented sample (see cassettes/SOURCES.md)
    # The streamed tool call is the non-streamed recording re-framed as SSE (authored), so
    # this pair compares the two decoding paths on the same answer.
    agreement_pairs = (("tool_call_case", "tool_call_stream_case"),)
    error_cases = V.ERRORS
    embedding_case = EMBED
    # The kit replays every stream recording cut into pieces; the Claude-on-Vertex stream has no kit case.
    rechunk_cases = {
        "claude_stream": Case(
            V.CLAUDE_STREAM,
            {
                "model": "claude-haiku-4-5@20251001",
                "max_tokens": 8192,
                "temperature": 1.0,
                "messages": ["Say just hello"],
            },
            stream=True,
            options=dict(V.CLAUDE),
        )
    }
    rechunk_sizes = ((1,) * 4096 + (65536,), (2,), (3,), (7,), (64,), tuple(random_sizes(11, 40, 50)))
    lossless_cases = LOSSLESS
    unrecorded_server_tools = {
        "url_context": "no Vertex recording of url_context exists (Gemini API's: plugins/gemini); request shape: "
        "test_vertex_builtin_tools.py",
        "code_execution": "no Vertex recording of code execution exists (Gemini API's: plugins/gemini); request "
        "shape: test_vertex_builtin_tools.py",
    }
    lossless_check = True

    def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
        """Vertex answers are addressed by project, location and API version in the URL: the case
        takes them (and the host) from the recorded one."""
        from urllib.parse import unquote, urlsplit

        case = super().lossless_replay_case(cassette, interaction, recorded)
        if case is None:
            return None
        url = urlsplit(str(recorded["request"]["uri"]))
        parts = unquote(url.path).strip("/").split("/")  # v1/projects/P/locations/L/publishers/X/models/M:method
        if len(parts) < 9 or parts[1] != "projects" or parts[3] != "locations":
            return None
        model = parts[-1].split(":", 1)[0]
        if model == "count-tokens":
            return None
        case.request["model"] = model
        case.options = {"project": parts[2], "location": parts[4], "api_version": parts[0]}
        case.base_url = f"{url.scheme}://{url.netloc}"
        return case

    def make_provider(self, client: Any, case: Case) -> Provider:
        """Vertex takes Google credentials, not an API key: inject a token."""
        return V.make_provider(client, dict(case.options), case.base_url)  # type: ignore[no-any-return]

    def model_options(self, case: Case) -> dict[str, Any]:
        """The same injected token, as ``llmcore.model`` options."""
        return {"credentials": V.token_credentials(), **case.options}

    def check_auth(self, request: Any) -> None:
        assert request.headers.get("authorization") == f"Bearer {V.TEST_TOKEN}", "no OAuth token sent"
