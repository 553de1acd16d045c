"""OpenRouter ``/embeddings`` and ``/rerank`` beyond the kit: the recordings replayed over the
cassette server (default transport and facade), sent bodies valid against OpenRouter's OpenAPI
spec, vectors and scores exactly as recorded, OpenRouter's own ``usage.cost`` in
``provider_metadata``; the shared rerank parser's typed errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.embeddings import rerank_request
from llmcore.provider import ProviderConfig
from llmcore_openai.rerank import build_rerank_body, parse_rerank
from llmcore_openrouter.provider import OpenRouterProvider
from llmcore_testing import TEST_API_KEY, EmbeddingCase, RerankCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served
from openrouter_cases import CASSETTES, validate

REC = Recordings(CASSETTES)
RUBY = "Ruby is a programmer's best friend"
EMBED = {
    "dimensions_768": EmbeddingCase(
        "ruby_llm__embedding_basic_functionality_openrouter_openai_text-embedding-3-small_can_handle_a_single_text_"
        "with_custom_dimensions.yaml",
        "openai/text-embedding-3-small",
        RUBY,
        {"dimensions": 768},
    ),
    "cost": EmbeddingCase(
        "ruby_llm__embedding_provider-reported_cost_openrouter_openai_text-embedding-3-small_returns_the_exact_cost_"
        "the_provider_reported.yaml",
        "openai/text-embedding-3-small",
        RUBY,
    ),
}
RERANK = RerankCase(
    "ruby_llm__rerank_reranking_with_openrouter_voyageai_rerank-2_5-lite_orders_documents_by_relevance_and_reports_"
    "the_exact_cost.yaml",
    "voyageai/rerank-2.5-lite",
    "what is ruby",
    ["Paris is the capital of France", "Ruby is a programming language created by Matz"],
)


def _make(_client: Any, case: Any) -> OpenRouterProvider:
    return OpenRouterProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url))


def _serve(case: Any, path: str) -> tuple[Any, Any]:
    res, answer = asyncio.run(
        run_case_served(
            case, path, _make, CASSETTES, spec_base_url="https://openrouter.ai/api/v1", provider_name="openrouter"
        )
    )
    assert res.error is None, res.error
    for r in res.sent:
        validate(r)
    return res, answer


@pytest.mark.parametrize("name", sorted(EMBED))
@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_embeddings(name: str, path: str) -> None:
    case = EMBED[name]
    res, r = _serve(case, path)
    recorded = REC.request_body(case.cassette)
    assert json.loads(res.sent[0].content) == {**recorded, "input": [recorded["input"]]}
    data = json.loads(REC.response_text(case.cassette))
    assert r.vectors == [data["data"][0]["embedding"]]
    assert r.usage.input_tokens == 7
    assert r.provider_metadata["usage"]["cost"] == 1.4e-7
    assert r.provider_metadata["provider"] == "OpenAI" and r.provider_metadata["id"].startswith("gen-emb-")


@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_rerank(path: str) -> None:
    res, r = _serve(RERANK, path)
    assert json.loads(res.sent[0].content) == REC.request_body(RERANK.cassette)
    assert [(x.index, x.score) for x in r.results] == [(1, 0.828125), (0, 0.306640625)]
    assert r.results[0].document == RERANK.documents[1]
    assert r.usage.input_tokens == 17 and r.provider_metadata["usage"] == {"cost": 3.4e-7}


def test_rerank_body() -> None:
    req = rerank_request("m", "q", ["a", "b"], 1, provider_options={"openrouter": {"return_documents": False}})
    assert build_rerank_body(req, "openrouter") == {
        "model": "m",
        "query": "q",
        "documents": ["a", "b"],
        "top_n": 1,
        "return_documents": False,
    }


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"results": []},
        {"results": {}},
        {"results": [1]},
        {"results": [{"index": 2, "relevance_score": 0.1}]},
        {"results": [{"index": 0, "relevance_score": 0.1}, {"index": 0, "relevance_score": 0.2}]},
        {"results": [{"index": "0", "relevance_score": 0.1}]},
        {"results": [{"index": 0, "relevance_score": None}]},
        {"results": [{"index": 0, "relevance_score": float("nan")}]},
    ],
)
def test_bad_rerank_answers_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_rerank(data, rerank_request("m", "q", ["a", "b"]), "openrouter")


def test_the_cost_openrouter_reported_wins_over_a_price() -> None:
    """The recordings' ``usage.cost`` is the call's cost even where a price table says otherwise
    (a price of $100/1M tokens would make 7 tokens $0.0007, 17 tokens $0.0017)."""
    import llmcore
    from llmcore_testing.cassette_server import CassetteServer

    price = {"input": 100.0, "output": 100.0}
    with CassetteServer.from_cassette(CASSETTES / EMBED["cost"].cassette) as srv:
        m = llmcore.embedding_model(
            "openrouter/openai/text-embedding-3-small",
            api_key=TEST_API_KEY,
            base_url=srv.url + "/api/v1",
            retry=False,
            prices=price,
        )
        r = m.embed(RUBY)
    assert r.usage.input_tokens == 7 and r.cost == 1.4e-7 and m.usage.cost == 1.4e-7
    with CassetteServer.from_cassette(CASSETTES / RERANK.cassette) as srv:
        rm = llmcore.rerank_model(
            "openrouter/voyageai/rerank-2.5-lite",
            api_key=TEST_API_KEY,
            base_url=srv.url + "/api/v1",
            retry=False,
            prices=price,
        )
        rr = rm.rerank(RERANK.query, RERANK.documents)
    assert rr.usage.input_tokens == 17 and rr.cost == 3.4e-7 and rm.usage.cost == 3.4e-7
