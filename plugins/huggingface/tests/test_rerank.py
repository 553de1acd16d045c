"""TEI ``/rerank`` beyond the conformance kit: the authored cassette over the cassette server on both
transports and through ``llmcore.rerank_model`` (the sent body equal to the cassette's, checked
against TEI's ``RerankRequest``); ``top_n`` applied here (TEI scores every text); more than 32
documents split into requests of 32 and merged; the router refused before the network; wrong
shapes typed."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import huggingface_cases as H
import llmcore
import pytest
from llmcore import errors as E
from llmcore.embeddings import rerank_request
from llmcore_huggingface.rerank import MAX_RERANK_TEXTS, build_rerank_bodies, parse_rerank_answer, rerank_url
from llmcore_testing import RerankCase
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

CASSETTE = "authored__tei_rerank.yaml"
REC = Recordings(H.CASSETTES)
MODEL = "BAAI/bge-reranker-base"
QUERY = "What is Deep Learning?"
DOCS = ["Deep Learning is not...", "Deep learning is..."]


def _serve(case: RerankCase, path: str) -> tuple[Any, Any]:
    res, answer = asyncio.run(run_case_served(case, path, H.make, H.CASSETTES, provider_name="huggingface"))
    if res.error is not None:
        raise res.error
    return res, answer


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
@pytest.mark.parametrize("top_n", [None, 1])
def test_authored_cassette(path: str, top_n: int | None) -> None:
    case = RerankCase(CASSETTE, MODEL, QUERY, DOCS, top_n=top_n, base_url="http://localhost:8080")
    res, r = _serve(case, path)
    (sent,) = res.sent
    assert sent.url.path == "/rerank" and sent.headers["authorization"] == f"Bearer {H.TEST_API_KEY}"
    body = json.loads(sent.content)
    H.tei_rerank_check(body)
    assert body == REC.request_body(CASSETTE)  # TEI has no top_n: the same request either way
    want = [(1, 0.9976246, DOCS[1]), (0, 0.0062148813, DOCS[0])][: top_n or 2]
    assert [(x.index, x.score, x.document) for x in r.results] == want
    assert r.provider == "huggingface" and r.model == MODEL and r.usage.input_tokens is None


def test_urls_and_router_refusal() -> None:
    assert rerank_url("https://my-endpoint.example/v1", "tgi") == "https://my-endpoint.example/rerank"
    assert rerank_url("http://localhost:8080/", "tgi") == "http://localhost:8080/rerank"
    with pytest.raises(E.UnsupportedFeatureError, match="router has no rerank"):
        rerank_url("https://router.huggingface.co/v1", "router")


def test_router_is_refused_before_the_network() -> None:
    with CassetteServer([]) as srv:
        m = llmcore.rerank_model(f"huggingface/{MODEL}", api_key=H.TEST_API_KEY, base_url=srv.url, api="router")
        with pytest.raises(E.UnsupportedFeatureError):
            m.rerank(QUERY, DOCS)
    assert srv.received == []


def test_options_and_return_text() -> None:
    req = rerank_request(MODEL, "q", ["a"], provider_options={"huggingface": {"raw_scores": True, "truncate": True}})
    assert build_rerank_bodies(req) == [
        (0, {"query": "q", "texts": ["a"], "raw_scores": True, "return_text": False, "truncate": True})
    ]
    with pytest.raises(E.UnsupportedFeatureError, match="return_text"):
        build_rerank_bodies(rerank_request(MODEL, "q", ["a"], provider_options={"huggingface": {"return_text": True}}))


def _answer(n: int, first: int) -> dict[str, Any]:
    """A TEI ``/rerank`` answer for ``n`` texts, text k scored ``(first + k) / 100`` (synthetic: built
    here to check the split and the merge, not a recording), best first as TEI sorts them."""
    ranks = sorted(({"index": k, "score": (first + k) / 100} for k in range(n)), key=lambda d: -d["score"])
    return {
        "request": {"method": "POST", "uri": "http://tei.example/rerank"},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps(ranks),
        },
    }


def test_more_than_32_documents_are_split_and_merged() -> None:
    docs = [f"d{i}" for i in range(70)]
    with CassetteServer([_answer(32, 0), _answer(32, 32), _answer(6, 64)]) as srv:
        m = llmcore.rerank_model("huggingface/tei", api_key=H.TEST_API_KEY, base_url=srv.url)
        r = m.rerank("q", docs, top_n=5)
    assert not srv.problems
    bodies = [json.loads(x.content) for x in srv.received]
    assert [len(b["texts"]) for b in bodies] == [MAX_RERANK_TEXTS, MAX_RERANK_TEXTS, 6]
    assert [t for b in bodies for t in b["texts"]] == docs
    assert [(x.index, x.document) for x in r.results] == [(i, f"d{i}") for i in (69, 68, 67, 66, 65)]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"results": []},
        [{"index": 0, "score": 0.5}],  # one rank for two texts
        [{"index": 0, "score": 0.5}, {"index": 0, "score": 0.4}],
        [{"index": 0, "score": 0.5}, {"index": 2, "score": 0.4}],
        [{"index": 0, "score": "x"}, {"index": 1, "score": 0.4}],
        [{"index": 0, "score": float("inf")}, {"index": 1, "score": 0.4}],
        [{"index": False, "score": 0.5}, {"index": 1, "score": 0.4}],
        [[0, 0.5], [1, 0.4]],
    ],
)
def test_wrong_shapes_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_rerank_answer(data, rerank_request(MODEL, "q", ["a", "b"]), 0, 2)
