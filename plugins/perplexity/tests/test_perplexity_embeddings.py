"""Perplexity embeddings (``POST /v1/embeddings``, pplx-embed int8 vectors) beyond the kit: both
ruby_llm recordings replayed over the cassette server (real loopback HTTP) on both transports and
through ``llmcore.embedding_model``; the vectors equal to the recorded bytes decoded independently
(floats for ``embedding_type="float"``, ints for ``"int8"``); what is refused before the network;
wrong shapes typed."""

from __future__ import annotations

import asyncio
import base64
import json
import struct
from pathlib import Path
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.embeddings import embedding_request
from llmcore_perplexity.embeddings import build_body, parse_response
from llmcore_testing import TEST_API_KEY, EmbeddingCase, cassette_format
from llmcore_testing.conformance import run_case_served
from perplexity_cases import CASSETTES, EMBED_DIMS, EMBED_ONE, recorded_request, recorded_response

MODEL = "pplx-embed-v1-0.6b"
RUBY = "Ruby is a programmer's best friend"


def _make(_client: Any, case: Any) -> Any:
    from llmcore.facade import load_provider
    from llmcore.plugins import get_registry

    spec = get_registry().get("perplexity")
    assert spec is not None
    return load_provider(spec, api_key=TEST_API_KEY, base_url=case.base_url)


def _serve(case: EmbeddingCase, path: str, cassette_dir: Path = CASSETTES) -> tuple[Any, Any]:
    res, answer = asyncio.run(run_case_served(case, path, _make, cassette_dir, provider_name="perplexity"))
    if res.error is not None:
        raise res.error
    for r in res.sent:
        assert r.url.path == "/v1/embeddings"
        assert r.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    return res, answer


def _recorded_ints(cassette: str) -> list[list[int]]:
    """The recorded vectors decoded here, independently of llmcore: signed bytes."""
    out = []
    for item in sorted(recorded_response(cassette)["data"], key=lambda d: d["index"]):
        raw = base64.b64decode(item["embedding"])
        out.append(list(struct.unpack(f"{len(raw)}b", raw)))
    return out


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_single_text_as_floats(path: str) -> None:
    res, r = _serve(EmbeddingCase(EMBED_ONE, MODEL, RUBY), path)
    sent = json.loads(res.sent[0].content)
    want = recorded_request(EMBED_ONE)
    assert sent == {**want, "input": [want["input"]], "encoding_format": "base64_int8"}
    assert r.vectors == [[float(x) for x in v] for v in _recorded_ints(EMBED_ONE)]
    assert all(type(x) is float for x in r.vectors[0])
    assert r.dimensions == 1024 and r.usage.input_tokens == 7 and r.model == MODEL
    assert r.provider_metadata["encoding"] == "base64_int8"
    assert r.provider_metadata["usage"]["cost"]["total_cost"] == 2.8e-08


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_three_texts_256_dimensions_as_ints(path: str) -> None:
    case = EmbeddingCase(
        EMBED_DIMS, MODEL, ["Ruby", "Python", "JavaScript"], {"dimensions": 256, "embedding_type": "int8"}
    )
    res, r = _serve(case, path)
    assert json.loads(res.sent[0].content) == {**recorded_request(EMBED_DIMS), "encoding_format": "base64_int8"}
    assert r.vectors == _recorded_ints(EMBED_DIMS)
    assert all(type(x) is int for v in r.vectors for x in v)
    assert r.dimensions == 256 and r.usage.input_tokens == 3


def test_limits() -> None:
    from llmcore_perplexity.provider import PerplexityProvider

    assert PerplexityProvider.embedding_limits(None, MODEL) == (512, 120_000)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"input_type": "query"}, "input type"),
        ({"truncate": "end"}, "truncates"),
        ({"embedding_type": "binary"}, "int8"),
        ({"embedding_type": "ubinary"}, "int8"),
        ({"embedding_type": "uint8"}, "int8"),
        ({"dimensions": 64}, "128 to 1024"),
        ({"dimensions": 2048}, "128 to 1024"),
        ({"provider_options": {"perplexity": {"encoding_format": "base64_binary"}}}, "embedding_type"),
    ],
)
def test_refused_before_the_network(params: dict[str, Any], match: str) -> None:
    with pytest.raises(E.UnsupportedFeatureError, match=match):
        build_body(embedding_request(MODEL, ["a"], **params))


def test_body() -> None:
    assert build_body(embedding_request("pplx-embed-v1-4b", ["a", "b"], dimensions=2560, truncate="error")) == {
        "model": "pplx-embed-v1-4b",
        "input": ["a", "b"],
        "dimensions": 2560,
        "encoding_format": "base64_int8",
    }


def _b64(*values: int) -> str:
    return base64.b64encode(struct.pack(f"{len(values)}b", *values)).decode()


@pytest.mark.parametrize(
    "data",
    [
        {"nothing": 1},
        {"data": [{"embedding": _b64(1, 2), "index": 0}]},  # one vector for two texts
        {"data": [{"embedding": _b64(1, 2), "index": 0}, {"embedding": _b64(1, 2), "index": 0}]},
        {"data": [{"embedding": [1, 2], "index": 0}, {"embedding": _b64(1, 2), "index": 1}]},  # not base64
        {"data": [{"embedding": "***", "index": 0}, {"embedding": _b64(1, 2), "index": 1}]},
        {"data": [{"embedding": _b64(1, 2), "index": 0}, {"embedding": _b64(1), "index": 1}]},
        {"data": [{"embedding": "", "index": 0}, {"embedding": "", "index": 1}]},
        {"data": ["x", "y"]},
        [1, 2],
    ],
)
def test_wrong_shapes_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_response(data, embedding_request(MODEL, ["a", "b"]))


def test_wrong_dimensions_are_typed() -> None:
    data = {"data": [{"embedding": _b64(1, 2, 3), "index": 0}]}
    with pytest.raises(E.ProviderResponseError, match="128"):
        parse_response(data, embedding_request(MODEL, ["a"], dimensions=128))


def test_order_follows_index() -> None:
    data = {"data": [{"embedding": _b64(-128, 127), "index": 1}, {"embedding": _b64(5, -5), "index": 0}]}
    r = parse_response(data, embedding_request(MODEL, ["a", "b"], embedding_type="int8"))
    assert r.vectors == [[5, -5], [-128, 127]] and r.usage.input_tokens is None


def test_http_error_is_typed(tmp_path: Path) -> None:
    body = json.dumps({"error": {"message": "Rate limit exceeded", "type": "rate_limit_exceeded", "code": 429}})
    interaction = {
        "request": {"method": "POST", "uri": "https://api.perplexity.ai/v1/embeddings", "body": "", "headers": {}},
        "response": {
            "status": {"code": 429, "message": "Too Many Requests"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": body},
        },
    }
    (tmp_path / "c.yaml").write_text(cassette_format.serialize({"version": 1, "interactions": [interaction]}))
    with pytest.raises(E.RateLimitError, match="Rate limit"):
        _serve(EmbeddingCase("c.yaml", MODEL, "x"), "aiohttp", tmp_path)
