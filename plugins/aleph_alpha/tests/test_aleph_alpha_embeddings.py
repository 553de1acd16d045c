"""Aleph Alpha semantic embeddings (``POST /batch_semantic_embed``) beyond the conformance kit: the authored
cassette over the cassette server on both transports and through ``llmcore.embedding_model`` (the sent body
equal to the cassette's); ``input_type`` → ``representation``; ``dimensions`` 128 only; refusals before the
network; wrong shapes typed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from llmcore.embeddings import embedding_request
from llmcore_aleph_alpha.embeddings import build_body, parse_response
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

CASSETTES = Path(__file__).parent / "cassettes"
REC = Recordings(CASSETTES)
CASE = EmbeddingCase(
    "authored__batch_semantic_embed_document_128.yaml",
    "luminous-base",
    ["This is a content of the document", "Aleph Alpha is based in Heidelberg."],
    {"input_type": "document", "dimensions": 128},
)


def _make(_client: Any, case: Any) -> Any:
    from llmcore.provider import ProviderConfig
    from llmcore_aleph_alpha.provider import AlephAlphaProvider

    return AlephAlphaProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url))


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_authored_cassette(path: str) -> None:
    res, r = asyncio.run(run_case_served(CASE, path, _make, CASSETTES, provider_name="aleph_alpha"))
    if res.error is not None:
        raise res.error
    (sent,) = res.sent
    assert sent.url.path == "/batch_semantic_embed"
    assert sent.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert json.loads(sent.content) == REC.request_body(CASE.cassette)
    recorded = REC.response_body(CASE.cassette)
    assert r.vectors == recorded["embeddings"] and r.dimensions == 128
    assert r.usage.input_tokens == recorded["num_tokens_prompt_total"]
    assert r.provider_metadata == {"model_version": "2022-04"}


@pytest.mark.parametrize(
    ("input_type", "representation"),
    [
        (None, "symmetric"),
        ("query", "query"),
        ("document", "document"),
        ("similarity", "symmetric"),
        ("clustering", "symmetric"),
        ("classification", "symmetric"),
    ],
)
def test_representation(input_type: str | None, representation: str) -> None:
    body = build_body(embedding_request("luminous-base", ["a"], input_type=input_type))
    assert body == {"model": "luminous-base", "prompts": ["a"], "representation": representation}


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"input_type": "code_query"}, "input_type"),
        ({"dimensions": 256}, "dimensions"),
        ({"truncate": "end"}, "truncate"),
        ({"embedding_type": "int8"}, "embedding_type"),
    ],
)
def test_refused_before_the_network(params: dict[str, Any], what: str) -> None:
    with CassetteServer([]) as srv:
        m = llmcore.embedding_model("aleph_alpha/luminous-base", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        with pytest.raises(E.UnsupportedFeatureError, match=what):
            m.embed(["a"], **params)
    assert srv.received == []


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"embeddings": [[0.1]]},
        {"embeddings": [[0.1], [0.1, 0.2]]},
        {"embeddings": [[], []]},
        {"embeddings": [["x"], [0.1]]},
    ],
)
def test_wrong_shapes_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_response(data, embedding_request("luminous-base", ["a", "b"]))
