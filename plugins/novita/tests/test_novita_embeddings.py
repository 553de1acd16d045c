"""Novita beyond the conformance kit (which replays the authored embeddings cassette with ``exact=True``
and checks ``embedding_refusals``): the rerank body and scores equal the authored cassette's."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

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
def test_rerank_authored_cassette(path: str) -> None:
    from llmcore_testing import RerankCase

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
