"""Cohere ``/v2/embed`` and ``/v2/rerank`` beyond the conformance kit: every recording is
replayed over the cassette server (real loopback HTTP, default transport) and the body we
send equals the recorded one; parameter mapping and refusals before the network; answers
of the wrong shape are typed errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import cohere_cases as C
import pytest
from llmcore import errors as E
from llmcore.embeddings import EmbeddingRequest, RerankRequest, embedding_request, rerank_request
from llmcore.provider import ProviderConfig
from llmcore_cohere.embeddings import (
    build_embed_body,
    build_rerank_body,
    parse_embed_response,
    parse_rerank_response,
)
from llmcore_cohere.provider import CohereProvider
from llmcore_testing import TEST_API_KEY, EmbeddingCase, RerankCase
from llmcore_testing.conformance import run_case_served
from llmcore_testing.openapi import load_spec

RB_EMBED_ONE = (
    "ruby_llm__embedding_basic_functionality_cohere_embed-v4_0_can_handle_a_single_text_with_custom_dimensions.yaml"
)
RB_EMBED_MANY = (
    "ruby_llm__embedding_basic_functionality_cohere_embed-v4_0_can_handle_multiple_texts_with_custom_dimensions.yaml"
)
OLL_EMBED = "openllmetry__test_cohere_v2_embed_legacy.yaml"
OLL_RERANK = "openllmetry__test_cohere_v2_rerank_legacy.yaml"
RB_RERANK_TOP = "ruby_llm__rerank_reranking_with_cohere_rerank-v3_5_limits_results_with_top_n.yaml"
RB_RERANK = "ruby_llm__rerank_reranking_with_cohere_rerank-v3_5_orders_documents_by_relevance_and_resolves_them_from_the_request.yaml"


def _embed_case(cassette: str, **params: Any) -> EmbeddingCase:
    rec = C.recorded_body(cassette)
    return EmbeddingCase(cassette, rec["model"], rec["texts"], params)


def _rerank_case(cassette: str) -> RerankCase:
    rec = C.recorded_body(cassette)
    return RerankCase(cassette, rec["model"], rec["query"], rec["documents"], top_n=rec.get("top_n"))


EMBED_CASES = {
    "v4_one_text_1024": _embed_case(RB_EMBED_ONE, dimensions=1024, input_type="document"),
    "v4_three_texts_1024": _embed_case(RB_EMBED_MANY, dimensions=1024, input_type="document"),
    "v3_light_six_texts": _embed_case(OLL_EMBED, input_type="document"),
}
RERANK_CASES = {
    "top_n": _rerank_case(RB_RERANK_TOP),
    "order": _rerank_case(RB_RERANK),
    "v3_top_3": _rerank_case(OLL_RERANK),
}


def _make(_client: Any, case: Any) -> CohereProvider:
    return CohereProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url))


def _serve(case: Any, path: str = "aiohttp") -> tuple[Any, Any]:
    res, answer = asyncio.run(
        run_case_served(case, path, _make, C.CASSETTES, spec_base_url="https://api.cohere.com", provider_name="cohere")
    )
    if res.error is not None:
        raise res.error
    return res, answer


@pytest.mark.parametrize("name", sorted(EMBED_CASES))
@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_embed_recordings(name: str, path: str) -> None:
    case = EMBED_CASES[name]
    res, r = _serve(case, path)
    sent = json.loads(res.sent[0].content)
    recorded = C.recorded_body(case.cassette)
    # the same request as the recorder's, except that we always name the embedding type
    assert sent == {"embedding_types": ["float"], **recorded}
    load_spec(C.SPEC).validate_body("POST", "/v2/embed", sent)
    assert len(r.vectors) == len(case.texts)
    data = json.loads(C.recorded_response(case.cassette))
    assert r.vectors == data["embeddings"]["float"]  # exactly the recorded numbers, in order
    assert r.dimensions == case.params.get("dimensions", 384)
    assert r.usage.input_tokens == data["meta"]["billed_units"]["input_tokens"]
    assert r.provider_metadata["id"] == data["id"]


@pytest.mark.parametrize("name", sorted(RERANK_CASES))
@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_rerank_recordings(name: str, path: str) -> None:
    case = RERANK_CASES[name]
    res, r = _serve(case, path)
    sent = json.loads(res.sent[0].content)
    assert sent == C.recorded_body(case.cassette)
    load_spec(C.SPEC).validate_body("POST", "/v2/rerank", sent)
    data = json.loads(C.recorded_response(case.cassette))
    assert [(x.index, x.score) for x in r.results] == [(d["index"], d["relevance_score"]) for d in data["results"]]
    assert [x.document for x in r.results] == [case.documents[d["index"]] for d in data["results"]]
    assert r.provider_metadata["billed_units"] == {"search_units": 1}
    assert r.usage.input_tokens is None


def _req(**params: Any) -> EmbeddingRequest:
    return embedding_request(params.pop("model", "embed-v4.0"), ["a", "b"], **params)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (None, "search_document"),
        ("query", "search_query"),
        ("document", "search_document"),
        ("classification", "classification"),
        ("clustering", "clustering"),
    ],
)
def test_input_type_mapping(ours: str | None, theirs: str) -> None:
    body = build_embed_body(_req(input_type=ours))
    assert body["input_type"] == theirs
    assert not load_spec(C.SPEC).errors("POST", "/v2/embed", body)


@pytest.mark.parametrize(("ours", "theirs"), [("error", "NONE"), ("end", "END"), ("start", "START")])
def test_truncate_mapping(ours: str, theirs: str) -> None:
    assert build_embed_body(_req(truncate=ours))["truncate"] == theirs
    assert "truncate" not in build_embed_body(_req())


@pytest.mark.parametrize("etype", ["float", "int8", "uint8", "binary", "ubinary"])
def test_embedding_type_is_asked_for(etype: str) -> None:
    body = build_embed_body(_req(embedding_type=etype))
    assert body["embedding_types"] == [etype]
    assert not load_spec(C.SPEC).errors("POST", "/v2/embed", body)


def test_provider_options_are_merged() -> None:
    body = build_embed_body(_req(provider_options={"cohere": {"max_tokens": 128, "priority": 3}}))
    assert body["max_tokens"] == 128 and body["priority"] == 3


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"input_type": "similarity"}, "input_type"),
        ({"input_type": "code_query"}, "input_type"),
        ({"model": "embed-english-v3.0", "dimensions": 256}, "dimensions"),
        ({"model": "embed-multilingual-light-v3.0", "dimensions": 256}, "dimensions"),
    ],
)
def test_refused_before_the_network(params: dict[str, Any], what: str) -> None:
    with pytest.raises(E.UnsupportedFeatureError, match=what):
        build_embed_body(_req(**params))


def test_refusal_through_the_facade_sends_nothing() -> None:
    import llmcore

    m = llmcore.embedding_model("cohere/embed-v4.0", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(E.UnsupportedFeatureError):
        m.embed(["x"], input_type="similarity")


def test_packed_types_are_parsed() -> None:
    req = _req(embedding_type="int8")
    r = parse_embed_response(
        {"embeddings": {"int8": [[1, -128, 127], [0, 5, -7]]}, "meta": {"billed_units": {"input_tokens": 2.0}}}, req
    )
    assert r.vectors == [[1, -128, 127], [0, 5, -7]] and r.usage.input_tokens == 2
    r = parse_embed_response({"embeddings": {"ubinary": [[255], [0]]}}, _req(embedding_type="ubinary"))
    assert r.vectors == [[255], [0]] and r.usage.input_tokens is None


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"embeddings": []},
        {"embeddings": {"float": [[0.1]]}},  # one vector for two texts
        {"embeddings": {"int8": [[0.5], [1.0]]}},  # not the asked type
        {"embeddings": {"float": [[0.1, 0.2], [0.3]]}},
        {"embeddings": {"float": [[], []]}},
        {"embeddings": {"float": [["x"], [0.1]]}},
        {"embeddings": {"float": [[True], [0.1]]}},
    ],
)
def test_bad_embed_answers_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_embed_response(data, _req())


@pytest.mark.parametrize("vec", [[128], [-129], [1.5], [True], "AAA"])
def test_bad_int8_answers_are_typed(vec: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_embed_response({"embeddings": {"int8": [vec, [1]]}}, _req(embedding_type="int8"))


def _rr(top_n: int | None = None) -> RerankRequest:
    return rerank_request("rerank-v3.5", "q", ["a", "b", "c"], top_n)


def test_rerank_body_and_sorting() -> None:
    assert build_rerank_body(_rr()) == {"model": "rerank-v3.5", "query": "q", "documents": ["a", "b", "c"]}
    assert build_rerank_body(_rr(2))["top_n"] == 2
    r = parse_rerank_response(
        {"results": [{"index": 2, "relevance_score": 0.1}, {"index": 0, "relevance_score": 0.9}]}, _rr()
    )
    assert [(x.index, x.document) for x in r.results] == [(0, "a"), (2, "c")]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"results": []},
        {"results": "x"},
        {"results": [5]},
        {"results": [{"index": 3, "relevance_score": 0.1}]},
        {"results": [{"index": -1, "relevance_score": 0.1}]},
        {"results": [{"index": 0, "relevance_score": 0.1}, {"index": 0, "relevance_score": 0.2}]},
        {"results": [{"index": True, "relevance_score": 0.1}]},
        {"results": [{"index": 0, "relevance_score": "high"}]},
        {"results": [{"index": 0}]},
    ],
)
def test_bad_rerank_answers_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_rerank_response(data, _rr())
