"""vLLM embeddings and rerank beyond the kit: the sent bodies as promised (base64, ``dimensions``), the
authored base64 vectors decoded exactly, both llama-stack ``/rerank`` recordings replayed at the server root
(results best first, each naming its document, ``top_n`` respected), ``truncate``/``input_type`` refused
before the network."""

from __future__ import annotations

import asyncio
import base64
import json
import struct
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_testing import RerankCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served
from llmcore_vllm.provider import VLLMProvider
from test_vllm_conformance import EMBEDDING, RERANK
from vllm_cases import CASSETTES

REC = Recordings(CASSETTES)
BASE = "http://localhost:8000/v1"


def _make(_client: Any, case: Any) -> VLLMProvider:
    return VLLMProvider(ProviderConfig(base_url=case.base_url))


@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_embeddings_body_and_exact_vectors(path: str) -> None:
    res, r = asyncio.run(run_case_served(EMBEDDING, path, _make, CASSETTES, spec_base_url=BASE, provider_name="vllm"))
    assert res.error is None, res.error
    assert res.sent[0].url.path == "/v1/embeddings"
    assert json.loads(res.sent[0].content) == {
        "model": "intfloat/e5-small",
        "input": EMBEDDING.texts,
        "encoding_format": "base64",
    }
    want = [
        list(struct.unpack("<384f", base64.b64decode(d["embedding"])))
        for d in json.loads(REC.response_text(EMBEDDING.cassette))["data"]
    ]
    assert r.vectors == want and r.usage.input_tokens == 41


SEMANTIC = RerankCase(
    "llama-stack__2979136f0fa26074fb6dca1c34103cf382ec06c8e7ecde0356f391fe1680a344.yaml",
    "Qwen/Qwen3-Reranker-0.6B",
    "What is C++?",
    [
        "Learning new things is interesting. ",
        "C++ is a programming language. ",
        "Books provide knowledge and entertainment. ",
    ],
)


@pytest.mark.parametrize("case", [SEMANTIC, RERANK], ids=["semantic", "top_n"])
@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_rerank_recordings(case: RerankCase, path: str) -> None:
    res, r = asyncio.run(run_case_served(case, path, _make, CASSETTES, spec_base_url=BASE, provider_name="vllm"))
    assert res.error is None, res.error
    assert res.sent[0].url.path == "/rerank"  # the server root, beside /v1
    sent = {"model": case.model, "query": case.query, "documents": case.documents}
    if case.top_n is not None:
        sent["top_n"] = case.top_n
    assert json.loads(res.sent[0].content) == sent
    data = json.loads(REC.response_text(case.cassette))
    assert [(x.index, x.score) for x in r.results] == [(d["index"], d["relevance_score"]) for d in data["results"]]
    assert [x.document for x in r.results] == [case.documents[d["index"]] for d in data["results"]]
    assert r.usage.input_tokens == data["usage"]["prompt_tokens"] and r.provider_metadata["id"] == data["id"]


@pytest.mark.parametrize("params", [{"input_type": "query"}, {"truncate": "end"}, {"embedding_type": "int8"}])
def test_refused_before_the_network(params: dict[str, Any]) -> None:
    import llmcore

    m = llmcore.embedding_model("vllm/intfloat/e5-small", base_url="http://127.0.0.1:9/v1", retry=False)
    with pytest.raises(E.UnsupportedFeatureError):
        m.embed(["a"], **params)


def test_dimensions_are_sent() -> None:
    from llmcore.embeddings import embedding_request
    from llmcore_openai.embeddings import build_embeddings_body

    body = build_embeddings_body(
        embedding_request("jinaai/jina-embeddings-v3", ["a"], dimensions=32),
        "vllm",
        base64=VLLMProvider.embeddings_base64,
    )
    assert body == {"model": "jinaai/jina-embeddings-v3", "input": ["a"], "dimensions": 32, "encoding_format": "base64"}
