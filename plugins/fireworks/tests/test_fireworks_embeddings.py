"""Fireworks ``/inference/v1/embeddings`` beyond the kit: llama-stack's two recordings (``dimensions=16``,
base64 and float answers) replayed over the cassette server on aiohttp and through the facade, the sent
body as promised, the vectors exactly the recorded ones; the catalogue prefix for a bare model name; what
Fireworks cannot do is refused before the network."""

from __future__ import annotations

import asyncio
import base64
import json
import struct
from typing import Any

import pytest
from fireworks_cases import CASSETTES
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_fireworks.provider import FireworksProvider
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

REC = Recordings(CASSETTES)
MODEL = "accounts/fireworks/models/qwen3-embedding-8b"
BASE = "https://api.fireworks.ai/inference/v1"


def _make(_client: Any, case: Any) -> FireworksProvider:
    return FireworksProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url))


def _recorded_vector(cassette: str) -> list[float]:
    emb = json.loads(REC.response_text(cassette))["data"][0]["embedding"]
    if isinstance(emb, str):
        raw = base64.b64decode(emb)
        return list(struct.unpack(f"<{len(raw) // 4}f", raw))
    return emb


@pytest.mark.parametrize(
    "cassette", ["llama-stack__8cdb7e65fcfe.yaml", "llama-stack__88ce59013228.yaml"], ids=["base64", "floats"]
)
@pytest.mark.parametrize("path", ["aiohttp", "facade"])
@pytest.mark.parametrize("model", [MODEL, "qwen3-embedding-8b"], ids=["full", "bare"])
def test_recordings(cassette: str, path: str, model: str) -> None:
    case = EmbeddingCase(cassette, model, "Test dimensions parameter", {"dimensions": 16})
    res, r = asyncio.run(run_case_served(case, path, _make, CASSETTES, spec_base_url=BASE, provider_name="fireworks"))
    assert res.error is None, res.error
    assert res.sent[0].url.path == "/inference/v1/embeddings"
    assert json.loads(res.sent[0].content) == {
        "model": MODEL,
        "input": ["Test dimensions parameter"],
        "dimensions": 16,
        "encoding_format": "base64",
    }
    assert r.vectors == [_recorded_vector(cassette)] and r.dimensions == 16
    assert r.usage.input_tokens == 5 and r.model == MODEL


@pytest.mark.parametrize("params", [{"input_type": "query"}, {"truncate": "end"}, {"embedding_type": "int8"}])
def test_refused_before_the_network(params: dict[str, Any]) -> None:
    import llmcore

    m = llmcore.embedding_model(f"fireworks/{MODEL}", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(E.UnsupportedFeatureError):
        m.embed(["a"], **params)


def test_limits() -> None:
    assert FireworksProvider(ProviderConfig(api_key=TEST_API_KEY)).embedding_limits(MODEL) == (2048, None)
