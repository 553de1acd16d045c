"""Hugging Face embeddings beyond the conformance kit: the router's feature-extraction pipeline and
TEI's ``/embed`` over the cassette server (the success answer is authored, see cassettes/SOURCES.md);
huggingface_hub's real feature-extraction answer of a non-sentence model (token vectors) is a typed
error; the parameter mapping and refusals before the network; the split at 32 texts."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import huggingface_cases as H
import llmcore
import pytest
from llmcore import errors as E
from llmcore.embeddings import EmbeddingRequest, embedding_request
from llmcore_huggingface.embeddings import MAX_EMBED_TEXTS, build_embed_body, embed_url, parse_embed_response
from llmcore_testing import EmbeddingCase
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

AUTHORED = "authored__feature_extraction.yaml"
HUB = "huggingface_hub__TestInferenceClient.test_feature_extraction_with_sentence_transformers_hf-inference,feature-extraction_.yaml"
REC = Recordings(H.CASSETTES)
MINILM = "sentence-transformers/all-MiniLM-L6-v2"
TEXTS = ["Today is a sunny day and I will get some ice cream.", "The weather is lovely today."]


def _req(*texts: str, **params: Any) -> EmbeddingRequest:
    return embedding_request(params.pop("model", MINILM), list(texts or ["a", "b"]), **params)


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_router_feature_extraction(path: str) -> None:
    case = EmbeddingCase(AUTHORED, MINILM, TEXTS, options={"api": "router"}, base_url="https://router.huggingface.co")
    res, r = asyncio.run(run_case_served(case, path, H.make, H.CASSETTES, provider_name="huggingface"))
    if res.error is not None:
        raise res.error
    (sent,) = res.sent
    assert sent.url.path == f"/hf-inference/models/{MINILM}/pipeline/feature-extraction"
    assert sent.headers["authorization"].startswith("Bearer ")
    assert json.loads(sent.content) == REC.request_body(AUTHORED)
    assert r.vectors == REC.response_body(AUTHORED) and r.dimensions == 384
    assert r.usage.input_tokens is None and r.provider == "huggingface"


def test_token_vectors_of_a_non_sentence_model_are_a_typed_error() -> None:
    """huggingface_hub recorded ``facebook/bart-base`` (a plain transformers model): one 768-float vector
    per token, not one per text."""
    data = REC.response_body(HUB, 1)
    assert len(data) == 1 and len(data[0]) > 1 and len(data[0][0]) == 768  # [texts][tokens][768]
    with pytest.raises(E.ProviderResponseError, match="one vector per token"):
        parse_embed_response(data, _req("Hi, who are you?", model="facebook/bart-base"))


def test_urls() -> None:
    assert embed_url("https://router.huggingface.co/v1", "router", "BAAI/bge-small-en-v1.5") == (
        "https://router.huggingface.co/hf-inference/models/BAAI/bge-small-en-v1.5/pipeline/feature-extraction"
    )
    assert embed_url("https://my-endpoint.example/v1", "tgi", "tei") == "https://my-endpoint.example/embed"
    assert embed_url("http://localhost:8080", "tgi", "tei") == "http://localhost:8080/embed"


@pytest.mark.parametrize(
    ("params", "extra"),
    [
        ({}, {}),
        ({"input_type": "query"}, {"prompt_name": "query"}),
        ({"input_type": "document"}, {"prompt_name": "document"}),
        ({"truncate": "error"}, {"truncate": False}),
        ({"truncate": "end"}, {"truncate": True, "truncation_direction": "Right"}),
        ({"truncate": "start"}, {"truncate": True, "truncation_direction": "Left"}),
        ({"provider_options": {"huggingface": {"normalize": False}}}, {"normalize": False}),
    ],
)
def test_body_mapping(params: dict[str, Any], extra: dict[str, Any]) -> None:
    assert build_embed_body(_req(**params)) == {"inputs": ["a", "b"], **extra}


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"dimensions": 128}, "dimensions"),
        ({"embedding_type": "int8"}, "embedding_type"),
        ({"input_type": "classification"}, "input_type"),
        ({"input_type": "code_query"}, "input_type"),
    ],
)
def test_refused_before_the_network(params: dict[str, Any], what: str) -> None:
    with pytest.raises(E.UnsupportedFeatureError, match=what):
        build_embed_body(_req(**params))


def _answer(uri: str, n: int, first: int) -> dict[str, Any]:
    """A TEI ``/embed`` interaction of ``n`` vectors ``[first + k, 0.5]`` (synthetic: built here to count
    and order texts across requests, not a recording)."""
    return {
        "request": {"method": "POST", "uri": uri},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps([[float(first + k), 0.5] for k in range(n)]),
        },
    }


def test_tei_embed_splits_at_32_texts_in_order() -> None:
    texts = [f"t{i}" for i in range(70)]
    uri = "http://tei.example/embed"
    with CassetteServer([_answer(uri, 32, 0), _answer(uri, 32, 32), _answer(uri, 6, 64)]) as srv:
        m = llmcore.embedding_model("huggingface/tei", api_key=H.TEST_API_KEY, base_url=srv.url, max_concurrency=1)
        r = m.embed(texts, truncate="end")
    assert not srv.problems
    assert {x.url.path for x in srv.received} == {"/embed"}
    bodies = [json.loads(x.content) for x in srv.received]
    assert [len(b["inputs"]) for b in bodies] == [MAX_EMBED_TEXTS, MAX_EMBED_TEXTS, 6]
    assert all(b["truncate"] is True and b["truncation_direction"] == "Right" for b in bodies)
    assert [t for b in bodies for t in b["inputs"]] == texts
    assert [v[0] for v in r.vectors] == [float(i) for i in range(70)]


def test_refusal_through_the_facade_sends_nothing() -> None:
    with CassetteServer([]) as srv:
        m = llmcore.embedding_model(f"huggingface/{MINILM}", api_key=H.TEST_API_KEY, base_url=srv.url, retry=False)
        with pytest.raises(E.UnsupportedFeatureError):
            m.embed(["x"], dimensions=64)
    assert srv.received == []


@pytest.mark.parametrize(
    "data",
    [None, {}, [], [[0.1]], [[0.1, 0.2], [0.3]], [[], []], [["x"], [0.1]], [0.1, 0.2], {"embeddings": [[1.0], [2.0]]}],
)
def test_bad_answers_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_embed_response(data, _req())
