"""Perplexity's search results as whole-answer citations (issue 11), chat and stream, on ruby_llm's
real recordings; vercel/ai's URL-only fixtures (response body / decoded chunks only, not cassettes)
as codec input for answers without ``search_results``.

No recorded chat/stream pair of one prompt exists for Perplexity (see cassettes/SOURCES.md), so each
path is checked against its own recording."""

from __future__ import annotations

import json
from typing import Any

import llmcore
from llmcore.events import CitationEvent
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest, ChatResponse
from llmcore_perplexity.citations import search_citations
from llmcore_perplexity.provider import PerplexityProvider
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.openapi import shared_dir
from llmcore_testing.streams import replay_stream, split_every
from perplexity_cases import CASSETTES, CITATIONS, STREAM, recorded_response

VERCEL = shared_dir() / "upstream-cassettes" / "perplexity" / "ai"


def _no_text_part_has_citations(r: ChatResponse) -> None:
    assert all(not getattr(p, "citations", None) for p in r.message.content)


def test_search_results_are_whole_answer_citations_through_the_facade() -> None:
    recorded = recorded_response(CITATIONS)
    with CassetteServer.from_cassette(CASSETTES / CITATIONS) as srv:
        m = llmcore.model("perplexity/sonar", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        r = m.chat("What is the Ruby programming language?")
    results = recorded["search_results"]
    assert [(c.kind, c.source_index, c.url, c.title) for c in r.citations] == [
        ("search_result", i, s["url"], s["title"]) for i, s in enumerate(results)
    ]
    assert [c.data for c in r.citations] == results and {c.provider for c in r.citations} == {"perplexity"}
    assert [c.url for c in r.citations] == recorded["citations"]
    assert all(c.start is None and c.end is None for c in r.citations)  # Perplexity gives no spans
    assert "[1]" in r.text  # the markers stay in the text; [n] is source_index n - 1
    _no_text_part_has_citations(r)
    assert r.provider_metadata["perplexity"] == {  # documented: kept as before
        "citations": recorded["citations"],
        "search_results": results,
    }


def test_a_stream_gives_the_same_citations_before_finish() -> None:
    raw: str = recorded_response(STREAM)
    chunks = [json.loads(line[5:]) for line in raw.splitlines() if line.startswith("data:") and "{" in line]
    last_results = [c["search_results"] for c in chunks if c.get("search_results")][-1]
    with CassetteServer.from_cassette(CASSETTES / STREAM) as srv:
        m = llmcore.model("perplexity/sonar", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        stream = m.stream("Count from 1 to 3")
        events = list(stream)
        r = stream.response
    cites = [e for e in events if isinstance(e, CitationEvent)]
    assert [e.citation.data for e in cites] == last_results and not any(e.attach for e in cites)
    kinds = [e.type for e in events]
    assert kinds[-1] == "finish" and kinds[-1 - len(cites) : -1] == ["citation"] * len(cites)
    assert r is not None and [c.data for c in r.citations] == last_results
    _no_text_part_has_citations(r)


def _sse(lines: list[str]) -> bytes:
    return "".join(f"data: {line}\n\n" for line in lines).encode() + b"data: [DONE]\n\n"


def test_url_only_citations_chat_and_stream() -> None:
    """Codec input only: vercel/ai's recorded response body and decoded stream chunks (no request,
    no headers: not cassettes), whose answers carry `citations` (URLs) without `search_results`."""
    body: dict[str, Any] = json.loads((VERCEL / "perplexity-citations.json").read_text())
    cs = search_citations({"citations": body["citations"]})
    assert [(c.kind, c.url, c.source_index, c.data) for c in cs] == [
        ("citation", u, i, u) for i, u in enumerate(body["citations"])
    ]
    lines = [x for x in (VERCEL / "perplexity-citations.chunks.txt").read_text().splitlines() if x.strip()]
    out = replay_stream(
        lambda client: PerplexityProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client)),
        ChatRequest(model="sonar", messages=["x"]),
        split_every(_sse(lines), [97]),
        headers={"content-type": "text/event-stream"},
    )
    urls = json.loads(lines[-1])["citations"]
    assert [c.url for c in out.response.citations] == urls
    assert [c.source_index for c in out.response.citations] == list(range(len(urls)))


def test_no_search_results_no_citations() -> None:
    assert search_citations(None) == [] and search_citations({}) == []
