"""Novita embeddings (``POST /openai/v1/embeddings``, OpenAI's shape) beyond the conformance kit: the authored
cassette over the cassette server (real loopback HTTP) on both transports and through
``llmcore.embedding_model``, the sent body equal to the cassette's and the vectors equal to its numbers;
what is refused before the network."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.embeddings import decode_base64_floats, embedding_request
from llmcore.testing import TEST_API_KEY, EmbeddingCase
from llmcore.testing.cassettes import Recordings
from llmcore.testing.conformance import run_case_served

CASSETTES = Path(__file__).parent / "cassettes"
REC = Recordings(CASSETTES)
CASE = EmbeddingCase(
    "authored__embeddings_bge_m3_base64.yaml",
    "baai/bge-m3",
    ["The food was delicious and the waiter was friendly.", "Novita serves open models."],
)


def _spec() -> Any:
    from llmcore.plugins import get_registry

    spec = get_registry().get("novita")
    assert spec is not None
    return spec


def _make(_client: Any, case: Any) -> Any:
    from llmcore.facade import load_provider

    return load_provider(_spec(), api_key=TEST_API_KEY, base_url=case.base_url, options=dict(case.options))


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_authored_cassette(path: str) -> None:
    res, r = asyncio.run(
        run_case_served(CASE, path, _make, CASSETTES, spec_base_url=_spec().base_url, provider_name="novita")
    )
    if res.error is not None:
        raise res.error
    (sent,) = res.sent
    assert sent.url.path == "/openai/v1/embeddings"
    assert sent.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert json.loads(sent.content) == REC.request_body(CASE.cassette)
    assert r.vectors == [decode_base64_floats(d["embedding"], "t") for d in REC.response_body(CASE.cassette)["data"]]
    assert json.loads(sent.content)["encoding_format"] == "base64"
    assert r.provider == "novita" and r.usage.input_tokens == REC.response_body(CASE.cassette)["usage"]["prompt_tokens"]


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"input_type": "query"}, "input_type"),
        ({"truncate": "end"}, "truncate"),
        ({"embedding_type": "int8"}, "embedding_type"),
        ({"dimensions": 256}, "dimensions"),
    ],
)
def test_refused_before_the_network(params: dict[str, Any], what: str) -> None:
    from llmcore.facade import load_provider
    from llmcore.plugins import get_registry

    spec = get_registry().get("novita")
    assert spec is not None
    provider = load_provider(spec, api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", options=dict(CASE.options))
    with pytest.raises(E.UnsupportedFeatureError, match=what):  # nothing listens on :9: no request was made
        asyncio.run(provider.embed(embedding_request(CASE.model, ["a"], **params)))


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_rerank_authored_cassette(path: str) -> None:
    from llmcore.testing import RerankCase

    docs = ["Paris is the capital of France.", "Berlin is the capital of Germany."]
    case = RerankCase(
        "authored__rerank_bge_reranker_v2_m3.yaml",
        "baai/bge-reranker-v2-m3",
        "What is the capital of France?",
        docs,
        top_n=2,
    )
    res, r = asyncio.run(
        run_case_served(case, path, _make, CASSETTES, spec_base_url=_spec().base_url, provider_name="novita")
    )
    if res.error is not None:
        raise res.error
    (sent,) = res.sent
    assert sent.url.path == "/openai/v1/rerank"
    assert json.loads(sent.content) == REC.request_body(case.cassette)
    assert [(x.index, x.score, x.document) for x in r.results] == [(0, 0.9986512, docs[0]), (1, 0.0019374, docs[1])]
    assert r.usage.input_tokens == 26 and r.provider_metadata["id"] == "rerank-0000novita"
