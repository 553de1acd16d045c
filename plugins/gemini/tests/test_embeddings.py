"""Gemini ``batchEmbedContents`` beyond the conformance kit: every recording is replayed over
the cassette server (real loopback HTTP, the default transport and the facade) and the body we
send equals the recorded one and Google's spec; the parameter mapping and the refusals before
the network; splitting at 100 texts a call; answers of the wrong shape are typed errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import gemini_cases as G
import llmcore
import pytest
from llmcore import errors as E
from llmcore.embeddings import EmbeddingRequest, embedding_request
from llmcore.provider import ProviderConfig
from llmcore_gemini.embeddings import (
    MAX_EMBED_TEXTS,
    TASK_TYPES,
    build_batch_embed_body,
    parse_batch_embed_response,
)
from llmcore_gemini.provider import GeminiProvider
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.conformance import run_case_served

RB_ONE = (
    "ruby_llm__embedding_basic_functionality_gemini_gemini-embedding-001_can_handle_a_single_text_with_custom"
    "_dimensions.yaml"
)
LG_BATCH = "llm-gemini__test_embedding_batch.yaml"
LG_ONE = "llm-gemini__test_embedding_gemini-embedding-2-768_.yaml"
BASE_URL = "https://generativelanguage.googleapis.com/v1beta"
BATCH_PATH = "/v1beta/models/{m}:batchEmbedContents"


def _case(cassette: str) -> EmbeddingCase:
    rec = G.recorded_body(cassette)
    items = rec["requests"]
    model = items[0]["model"].removeprefix("models/")
    texts = [r["content"]["parts"][0]["text"] for r in items]
    return EmbeddingCase(cassette, model, texts, {"dimensions": items[0]["outputDimensionality"]})


CASES = {"001_one_text_768": _case(RB_ONE), "2_one_text_768": _case(LG_ONE), "2_two_texts_768": _case(LG_BATCH)}


def _make(_client: Any, case: Any) -> GeminiProvider:
    return GeminiProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url))


def _serve(case: Any, path: str) -> tuple[Any, Any]:
    res, answer = asyncio.run(
        run_case_served(case, path, _make, G.CASSETTES, spec_base_url=BASE_URL, provider_name="gemini")
    )
    if res.error is not None:
        raise res.error
    return res, answer


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_embed_recordings(name: str, path: str) -> None:
    case = CASES[name]
    res, r = _serve(case, path)
    (sent,) = res.sent
    assert sent.url.path == BATCH_PATH.format(m=case.model)
    assert sent.headers["x-goog-api-key"] == TEST_API_KEY
    assert json.loads(sent.content) == G.recorded_body(case.cassette)  # the recorder's request, byte for byte in JSON
    G.spec().validate_request(sent)
    data = G.recorded_body(case.cassette, side="response")
    assert r.vectors == [e["values"] for e in data["embeddings"]]  # exactly the recorded numbers, in order
    assert r.dimensions == 768 and r.provider == "gemini" and r.model == case.model
    usage = data.get("usageMetadata")
    # gemini-embedding-2 reports usage; gemini-embedding-001's recorded answer has none
    assert r.usage.input_tokens == (usage["promptTokenCount"] if usage else None)
    assert ("usageMetadata" in r.provider_metadata) == bool(usage)


def _req(*texts: str, **params: Any) -> EmbeddingRequest:
    return embedding_request(params.pop("model", "gemini-embedding-001"), list(texts or ["a", "b"]), **params)


@pytest.mark.parametrize(("ours", "theirs"), sorted(TASK_TYPES.items()))
def test_input_type_mapping(ours: str, theirs: str) -> None:
    body = build_batch_embed_body(_req(input_type=ours), "gemini")
    assert [r["taskType"] for r in body["requests"]] == [theirs, theirs]
    assert not G.spec().errors("POST", "/models/{modelsId}:batchEmbedContents", body)


def test_every_neutral_input_type_is_mapped() -> None:
    from llmcore.embeddings import INPUT_TYPES

    assert set(TASK_TYPES) == set(INPUT_TYPES)


def test_body_defaults_and_options() -> None:
    body = build_batch_embed_body(_req("x", "y"), "gemini")
    assert body == {
        "requests": [{"model": "models/gemini-embedding-001", "content": {"parts": [{"text": t}]}} for t in ("x", "y")]
    }
    body = build_batch_embed_body(
        _req("x", input_type="document", dimensions=256, provider_options={"gemini": {"title": "Doc"}}), "gemini"
    )
    assert body["requests"] == [
        {
            "model": "models/gemini-embedding-001",
            "taskType": "RETRIEVAL_DOCUMENT",
            "outputDimensionality": 256,
            "content": {"parts": [{"text": "x"}]},
            "title": "Doc",
        }
    ]
    assert not G.spec().errors("POST", "/models/{modelsId}:batchEmbedContents", body)
    tuned = build_batch_embed_body(_req("x", model="tunedModels/my-model"), "gemini")
    assert tuned["requests"][0]["model"] == "tunedModels/my-model"


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"truncate": "end"}, "truncate"),
        ({"truncate": "start"}, "truncate"),
        ({"truncate": "error"}, "truncate"),
        ({"embedding_type": "int8"}, "embedding_type"),
        ({"embedding_type": "binary"}, "embedding_type"),
    ],
)
def test_refused_before_the_network(params: dict[str, Any], what: str) -> None:
    with pytest.raises(E.UnsupportedFeatureError, match=what):
        build_batch_embed_body(_req(**params), "gemini")


def test_refusal_through_the_facade_sends_nothing() -> None:
    with CassetteServer([]) as srv:
        m = llmcore.embedding_model(
            "gemini/gemini-embedding-001", api_key=TEST_API_KEY, base_url=srv.url + "/v1beta", retry=False
        )
        with pytest.raises(E.UnsupportedFeatureError, match="truncate"):
            m.embed(["x"], truncate="end")
    assert srv.received == []


def _answer(n: int, first: int, tokens: int | None) -> dict[str, Any]:
    """A ``batchEmbedContents`` interaction of ``n`` vectors ``[first + k, 0.5]`` (synthetic: built
    here to count and order texts across calls, not a recording)."""
    body: dict[str, Any] = {"embeddings": [{"values": [float(first + k), 0.5]} for k in range(n)]}
    if tokens is not None:
        body["usageMetadata"] = {"promptTokenCount": tokens}
    return {
        "request": {
            "method": "POST",
            "uri": "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-2:batchEmbedContents",
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps(body),
        },
    }


def test_the_facade_splits_at_100_texts_in_order() -> None:
    texts = [f"text {i}" for i in range(250)]
    with CassetteServer([_answer(100, 0, 300), _answer(100, 100, 300), _answer(50, 200, 150)]) as srv:
        m = llmcore.embedding_model(
            "gemini/gemini-embedding-2", api_key=TEST_API_KEY, base_url=srv.url + "/v1beta", max_concurrency=1
        )
        r = m.embed(texts)
    assert not srv.problems
    sizes = [len(json.loads(x.content)["requests"]) for x in srv.received]
    assert sizes == [MAX_EMBED_TEXTS, MAX_EMBED_TEXTS, 50]
    sent = [item["content"]["parts"][0]["text"] for x in srv.received for item in json.loads(x.content)["requests"]]
    assert sent == texts
    assert [v[0] for v in r.vectors] == [float(i) for i in range(250)]
    assert r.usage.input_tokens == 750


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"embeddings": []},
        {"embeddings": "x"},
        {"embeddings": [{"values": [0.1]}]},  # one vector for two texts
        {"embeddings": [{"values": [0.1, 0.2]}, {"values": [0.3]}]},
        {"embeddings": [{"values": []}, {"values": []}]},
        {"embeddings": [{"values": ["x"]}, {"values": [0.1]}]},
        {"embeddings": [{"values": [True]}, {"values": [0.1]}]},
        {"embeddings": [{"value": [0.1]}, {"values": [0.1]}]},
        {"embeddings": [[0.1], [0.2]]},
    ],
)
def test_bad_answers_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_batch_embed_response(data, _req(), "gemini")


@pytest.mark.parametrize("usage", [{}, {"promptTokenCount": "7"}, {"promptTokenCount": True}, "x"])
def test_odd_usage_is_none(usage: Any) -> None:
    r = parse_batch_embed_response(
        {"embeddings": [{"values": [1.0]}, {"values": [2]}], "usageMetadata": usage}, _req(), "gemini"
    )
    assert r.usage.input_tokens is None and r.vectors == [[1.0], [2.0]]
