"""ERNIE / Qianfan embeddings (``POST /v2/embeddings``, OpenAI's shape) beyond the conformance kit: the authored
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
from llmcore.embeddings import embedding_request
from llmcore.testing import TEST_API_KEY, EmbeddingCase
from llmcore.testing.cassettes import Recordings
from llmcore.testing.conformance import run_case_served

CASSETTES = Path(__file__).parent / "cassettes"
REC = Recordings(CASSETTES)
CASE = EmbeddingCase("authored__embeddings_embedding_v1.yaml", "embedding-v1", ["White T-shirt"])


def _spec() -> Any:
    from llmcore.plugins import get_registry

    spec = get_registry().get("ernie")
    assert spec is not None
    return spec


def _make(_client: Any, case: Any) -> Any:
    from llmcore.facade import load_provider

    return load_provider(_spec(), api_key=TEST_API_KEY, base_url=case.base_url, options=dict(case.options))


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_authored_cassette(path: str) -> None:
    res, r = asyncio.run(
        run_case_served(CASE, path, _make, CASSETTES, spec_base_url=_spec().base_url, provider_name="ernie")
    )
    if res.error is not None:
        raise res.error
    (sent,) = res.sent
    assert sent.url.path == "/v2/embeddings"
    assert sent.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert json.loads(sent.content) == REC.request_body(CASE.cassette)
    assert r.vectors == [d["embedding"] for d in REC.response_body(CASE.cassette)["data"]]
    assert r.provider == "ernie" and r.usage.input_tokens == REC.response_body(CASE.cassette)["usage"]["prompt_tokens"]


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

    spec = get_registry().get("ernie")
    assert spec is not None
    provider = load_provider(spec, api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", options=dict(CASE.options))
    with pytest.raises(E.UnsupportedFeatureError, match=what):  # nothing listens on :9: no request was made
        asyncio.run(provider.embed(embedding_request(CASE.model, ["a"], **params)))


def test_limits_by_model() -> None:
    from llmcore.facade import load_provider

    provider = load_provider(_spec(), api_key=TEST_API_KEY)
    assert provider.embedding_limits("embedding-v1") == (16, None)
    assert provider.embedding_limits("bge-large-zh") == (16, None)
    assert provider.embedding_limits("tao-8k") == (1, None)


def test_appid_header_is_sent() -> None:
    case = EmbeddingCase(CASE.cassette, CASE.model, CASE.texts, options={"appid": "app-7"})
    res, _ = asyncio.run(
        run_case_served(case, "aiohttp", _make, CASSETTES, spec_base_url=_spec().base_url, provider_name="ernie")
    )
    assert res.error is None and res.sent[0].headers["appid"] == "app-7"
