"""Google Search grounding on Vertex AI (issue 11): the Gemini codec's citations and
``google_search`` parts, stamped ``vertexai``, on ruby_llm's real recording (after its OAuth2
token exchange, replayed through google-auth)."""

from __future__ import annotations

import vertex_cases as V
from llmcore.events import StreamAccumulator
from llmcore.types import ChatRequest, Message, ServerToolResultPart
from llmcore_gemini.request import CodecSettings, build_generate_body
from llmcore_gemini.response import ResponseMapper

GROUNDING = (
    "ruby_llm__chat_citations_with_vertexai_gemini-2_5-flash_returns_grounding_citations_when_search_is_enabled.yaml"
)
REQUEST = {
    "model": "gemini-2.5-flash",
    "messages": ["What is the latest stable version of Ruby?"],
    "provider_options": {"vertexai": {"tools": [{"google_search": {}}]}},
}


def test_grounding_on_vertex_becomes_citations_and_search_parts() -> None:
    r, _, sent = V.replay(V.ruby(GROUNDING, REQUEST))
    assert V.REC.request_body(GROUNDING, 1)["tools"] == [{"google_search": {}}]
    assert "google_search" in sent[0].content.decode()
    gm = V.recorded_body(GROUNDING, 1, "response")["candidates"][0]["groundingMetadata"]
    assert r.text == "The latest stable version of Ruby is 4.0.6, released on July 14, 2026."
    assert [(c.source_index, c.title, c.start, c.end, c.provider) for c in r.citations] == [
        (0, "ruby-lang.org", 41, 70, "vertexai"),
        (1, "wikipedia.org", 41, 70, "vertexai"),
    ]
    assert r.text[41:70] == "6, released on July 14, 2026."
    assert [c.url for c in r.citations] == [ch["web"]["uri"] for ch in gm["groundingChunks"]]
    assert r.message.content[0].citations == r.citations
    call = r.server_tool_calls[0]
    assert call.provider == "vertexai" and call.input == {
        "queries": ["latest stable version of Ruby", "Ruby release notes"]
    }
    result = r.message.content[2]
    assert isinstance(result, ServerToolResultPart) and result.content == [ch["web"] for ch in gm["groundingChunks"]]
    assert r.provider_metadata["grounding_metadata"] == gm and r.warnings == []
    # the next turn: the search parts are metadata, not content: only the text goes back
    body, warnings = build_generate_body(
        ChatRequest(
            model="gemini-2.5-flash",
            messages=[*REQUEST["messages"], Message.model_validate(r.message.model_dump()), "and?"],
        ),
        CodecSettings(provider="vertexai"),
    )
    assert body["contents"][1] == {"role": "model", "parts": [{"text": r.text}]} and warnings == []


def test_grounding_on_vertex_folds_the_same_as_a_stream() -> None:
    """No streamed grounding recording exists for Vertex: the recorded answer, fed to the mapper as
    the one SSE event it would be, folds to the same answer (codec check; the streamed recording of
    the same codec is tested in llmcore-gemini's test_server_tools.py)."""
    chat = V.replay(V.ruby(GROUNDING, REQUEST))[0]
    mapper = ResponseMapper("vertexai", "gemini-2.5-flash")
    acc = StreamAccumulator()
    for e in [*mapper.feed(V.recorded_body(GROUNDING, 1, "response")), *mapper.end()]:
        acc.add(e)
    streamed = acc.response("vertexai")
    assert streamed.message.content == chat.message.content and streamed.citations == chat.citations
