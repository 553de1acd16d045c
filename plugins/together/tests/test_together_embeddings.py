"""Together ``/v1/embeddings`` and ``/v1/rerank`` beyond the kit: llama-stack's two recordings replayed
over the cassette server (aiohttp and the facade), the sent body checked against what the provider
promises, the vectors exactly the recorded ones (base64 float32 decoded; JSON floats as is); what
Together cannot do is refused before the network."""

from __future__ import annotations

import asyncio
import base64
import json
import struct
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served
from llmcore_together.provider import TogetherProvider
from together_cases import CASSETTES, validate

REC = Recordings(CASSETTES)
MODEL = "togethercomputer/m2-bert-80M-32k-retrieval"
BASE64 = EmbeddingCase(
    "llama-stack__3d89a56a76b1.yaml",
    MODEL,
    ["First text for base64", "Second text for base64", "Third text for base64"],
)
FLOATS = EmbeddingCase("llama-stack__546dc9533c84.yaml", MODEL, "This is the first text")


def _make(_client: Any, case: Any) -> TogetherProvider:
    return TogetherProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url))


def _recorded_vectors(cassette: str) -> list[list[float]]:
    out = []
    for item in json.loads(REC.response_text(cassette))["data"]:
        emb = item["embedding"]
        if isinstance(emb, str):
            raw = base64.b64decode(emb)
            emb = list(struct.unpack(f"<{len(raw) // 4}f", raw))
        out.append(emb)
    return out


@pytest.mark.parametrize("case", [BASE64, FLOATS], ids=["base64", "floats"])
@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_recordings(case: EmbeddingCase, path: str) -> None:
    res, r = asyncio.run(
        run_case_served(
            case, path, _make, CASSETTES, spec_base_url="https://api.together.xyz/v1", provider_name="together"
        )
    )
    assert res.error is None, res.error
    validate(res.sent[0])
    texts = [case.texts] if isinstance(case.texts, str) else case.texts
    assert res.sent[0].url.path == "/v1/embeddings"
    assert json.loads(res.sent[0].content) == {"model": MODEL, "input": texts, "encoding_format": "base64"}
    assert r.vectors == _recorded_vectors(case.cassette) and r.dimensions == 768
    assert r.usage.input_tokens is None  # Together answered "usage": null


@pytest.mark.parametrize(
    "params", [{"dimensions": 256}, {"input_type": "query"}, {"truncate": "end"}, {"embedding_type": "int8"}]
)
def test_refused_before_the_network(params: dict[str, Any]) -> None:
    import llmcore

    m = llmcore.embedding_model(f"together/{MODEL}", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(E.UnsupportedFeatureError):
        m.embed(["a"], **params)


def test_rerank_body_and_answer() -> None:
    from test_together_conformance import RERANK

    res, r = asyncio.run(
        run_case_served(
            RERANK, "aiohttp", _make, CASSETTES, spec_base_url="https://api.together.xyz/v1", provider_name="together"
        )
    )
    assert res.error is None, res.error
    validate(res.sent[0])
    assert json.loads(res.sent[0].content) == {
        "model": RERANK.model,
        "query": RERANK.query,
        "documents": RERANK.documents,
        "top_n": 2,
    }
    assert [(x.index, x.document) for x in r.results] == [(0, RERANK.documents[0]), (5, RERANK.documents[5])]
    assert r.usage.input_tokens == 2966 and r.provider_metadata["id"] == "oGs6Zt9-62bZhn-99529372487b1b0a"
