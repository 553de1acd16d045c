"""Ollama ``POST /api/embed`` beyond the conformance kit: the langchaingo recording replayed over
the cassette server (real loopback HTTP, every transport and the facade), the body checked
against the recorder's and Ollama's OpenAPI; the parameter mapping and refusals before the
network; the split at 512 texts; answers of the wrong shape are typed errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import llmcore
import ollama_cases as C
import pytest
from llmcore import errors as E
from llmcore.embeddings import EmbeddingRequest, embedding_request
from llmcore.provider import ProviderConfig
from llmcore_ollama.embeddings import MAX_EMBED_TEXTS, build_embed_body, parse_embed_response
from llmcore_ollama.provider import OllamaProvider
from llmcore_testing import EmbeddingCase
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.conformance import run_case_served
from llmcore_testing.openapi import load_spec

LG = "langchaingo__TestClient_CreateEmbedding.yaml"
NOT_FOUND = "authored__embed_model_not_found_404.yaml"
REC = C.REC
CASE = EmbeddingCase(
    LG, "nomic-embed-text", "Hello world", options={"options": {"temperature": 0}}, base_url=C.LOCALHOST
)


def _make(_client: Any, case: Any) -> OllamaProvider:
    return OllamaProvider(ProviderConfig(base_url=case.base_url, options=dict(case.options)))


def _serve(case: Any, path: str) -> tuple[Any, Any]:
    return asyncio.run(
        run_case_served(case, path, _make, C.CASSETTES, model_options=lambda c: dict(c.options), provider_name="ollama")
    )


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_embed_recording(path: str) -> None:
    res, r = _serve(CASE, path)
    if res.error is not None:
        raise res.error
    (sent,) = res.sent
    assert sent.url.path == "/api/embed" and "authorization" not in sent.headers
    recorded = REC.request_body(LG)
    # the recorder's request, except that we always send a list of texts (the API takes both)
    assert json.loads(sent.content) == {**recorded, "input": [recorded["input"]]}
    load_spec(C.SPEC).validate_request(sent)
    data = REC.response_body(LG)
    assert r.vectors == data["embeddings"]  # exactly the recorded numbers
    assert r.dimensions == 768 and r.model == "nomic-embed-text" and r.provider == "ollama"
    assert r.usage.input_tokens == data["prompt_eval_count"] == 2
    assert r.provider_metadata == {"total_duration": data["total_duration"], "load_duration": data["load_duration"]}


@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_unknown_model_is_not_found(path: str) -> None:
    case = EmbeddingCase(
        NOT_FOUND, "nonexistent-embedder", ["Hello world"], base_url=C.LOCALHOST, error=E.NotFoundError
    )
    res, _ = _serve(case, path)
    assert isinstance(res.error, E.NotFoundError) and "nonexistent-embedder" in str(res.error)
    assert json.loads(res.sent[0].content) == REC.request_body(NOT_FOUND)


def _req(*texts: str, **params: Any) -> EmbeddingRequest:
    return embedding_request(params.pop("model", "nomic-embed-text"), list(texts or ["a", "b"]), **params)


@pytest.mark.parametrize(("ours", "theirs"), [("end", True), ("error", False)])
def test_truncate_mapping(ours: str, theirs: bool) -> None:
    body = build_embed_body(_req(truncate=ours))
    assert body["truncate"] is theirs
    assert not load_spec(C.SPEC).errors("POST", "/api/embed", body)
    assert "truncate" not in build_embed_body(_req())


def test_dimensions_settings_and_options() -> None:
    body = build_embed_body(
        _req("x", dimensions=256, provider_options={"ollama": {"keep_alive": "1m"}}),
        keep_alive="10m",
        default_options={"num_ctx": 2048},
    )
    assert body == {
        "model": "nomic-embed-text",
        "input": ["x"],
        "dimensions": 256,
        "keep_alive": "1m",
        "options": {"num_ctx": 2048},
    }
    assert not load_spec(C.SPEC).errors("POST", "/api/embed", body)


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"input_type": "query"}, "input_type"),
        ({"input_type": "document"}, "input_type"),
        ({"truncate": "start"}, "truncate"),
        ({"embedding_type": "int8"}, "embedding_type"),
    ],
)
def test_refused_before_the_network(params: dict[str, Any], what: str) -> None:
    with pytest.raises(E.UnsupportedFeatureError, match=what):
        build_embed_body(_req(**params))


def test_refusal_through_the_facade_sends_nothing() -> None:
    with CassetteServer([]) as srv:
        m = llmcore.embedding_model("ollama/nomic-embed-text", base_url=srv.url, retry=False)
        with pytest.raises(E.UnsupportedFeatureError, match="search_query"):
            m.embed(["x"], input_type="query")
    assert srv.received == []


def _answer(n: int, first: int) -> dict[str, Any]:
    """An ``/api/embed`` interaction of ``n`` vectors ``[first + k, 0.5]`` (synthetic: built here to
    count and order texts across requests, not a recording)."""
    body = {
        "model": "nomic-embed-text",
        "embeddings": [[float(first + k), 0.5] for k in range(n)],
        "prompt_eval_count": n,
    }
    return {
        "request": {"method": "POST", "uri": "http://localhost:11434/api/embed"},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps(body),
        },
    }


def test_the_facade_splits_at_512_texts_in_order() -> None:
    texts = [f"t{i}" for i in range(1100)]
    with CassetteServer([_answer(512, 0), _answer(512, 512), _answer(76, 1024)]) as srv:
        r = llmcore.embedding_model("ollama/nomic-embed-text", base_url=srv.url, max_concurrency=1).embed(texts)
    assert not srv.problems
    assert [len(json.loads(x.content)["input"]) for x in srv.received] == [MAX_EMBED_TEXTS, MAX_EMBED_TEXTS, 76]
    assert [t for x in srv.received for t in json.loads(x.content)["input"]] == texts
    assert [v[0] for v in r.vectors] == [float(i) for i in range(1100)]
    assert r.usage.input_tokens == 1100


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"embeddings": []},
        {"embeddings": "x"},
        {"embeddings": [[0.1]]},  # one vector for two texts
        {"embeddings": [[0.1, 0.2], [0.3]]},
        {"embeddings": [[], []]},
        {"embeddings": [["x"], [0.1]]},
        {"embeddings": [[None], [0.1]]},
        {"embedding": [0.1, 0.2]},  # the legacy /api/embeddings shape
    ],
)
def test_bad_answers_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_embed_response(data, _req())


def test_odd_usage_and_model() -> None:
    r = parse_embed_response({"embeddings": [[1], [2.0]], "prompt_eval_count": "2", "model": 5}, _req())
    assert r.usage.input_tokens is None and r.model == "nomic-embed-text" and r.vectors == [[1.0], [2.0]]
