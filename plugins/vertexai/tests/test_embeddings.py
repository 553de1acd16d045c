"""Vertex AI text embeddings (``publishers/google/models/{m}:predict``) beyond the conformance kit:
both ruby_llm recordings replayed over the cassette server (real loopback HTTP, every transport and
the facade) with the recorder's exact request; the parameter mapping and refusals before the
network; the per-model limits and the facade's split; answers of the wrong shape are typed errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import llmcore
import pytest
import vertex_cases as V
from llmcore import errors as E
from llmcore.embeddings import INPUT_TYPES, EmbeddingRequest, embedding_request
from llmcore_testing import EmbeddingCase
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.conformance import run_case_served
from llmcore_vertexai.embeddings import (
    MAX_EMBED_TEXTS,
    MAX_EMBED_TOKENS,
    TASK_TYPES,
    build_predict_body,
    embedding_limits,
    parse_predict_response,
)

ONE = "ruby_llm__embedding_basic_functionality_vertexai_text-embedding-004_can_handle_a_single_text_with_custom_dimensions.yaml"
MANY = "ruby_llm__embedding_basic_functionality_vertexai_text-embedding-004_can_handle_multiple_texts.yaml"
PATH = "/v1beta1/projects/<GOOGLE_CLOUD_PROJECT>/locations/<GOOGLE_CLOUD_LOCATION>/publishers/google/models/{m}:predict"


def _case(cassette: str) -> EmbeddingCase:
    rec = V.recorded_body(cassette, 1)
    params = {"dimensions": rec["parameters"]["outputDimensionality"]} if "parameters" in rec else {}
    texts = [i["content"] for i in rec["instances"]]
    return EmbeddingCase(
        cassette, "text-embedding-004", texts, params, interaction=1, options=dict(V.RUBY), base_url=V.RUBY_ROOT
    )


CASES = {"one_text_768": _case(ONE), "three_texts": _case(MANY)}


def _make(client: Any, case: Any) -> Any:
    return V.make_provider(client, dict(case.options), case.base_url)


def _options(case: Any) -> dict[str, Any]:
    return {"credentials": V.token_credentials(), **case.options}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_embed_recordings(name: str, path: str) -> None:
    case = CASES[name]
    res, r = asyncio.run(
        run_case_served(case, path, _make, V.CASSETTES, model_options=_options, provider_name="vertexai")
    )
    if res.error is not None:
        raise res.error
    (sent,) = res.sent
    assert sent.url.path == PATH.format(m="text-embedding-004")
    assert sent.headers["authorization"] == f"Bearer {V.TEST_TOKEN}"
    assert json.loads(sent.content) == V.recorded_body(case.cassette, 1)  # the recorder's request
    data = V.recorded_body(case.cassette, 1, "response")
    assert r.vectors == [p["embeddings"]["values"] for p in data["predictions"]]  # the recorded numbers, in order
    assert r.dimensions == 768 and r.provider == "vertexai" and r.model == "text-embedding-004"
    assert r.usage.input_tokens == sum(p["embeddings"]["statistics"]["token_count"] for p in data["predictions"])
    assert r.provider_metadata == data["metadata"]  # billableCharacterCount; nothing was truncated


def _req(*texts: str, **params: Any) -> EmbeddingRequest:
    return embedding_request(params.pop("model", "text-embedding-005"), list(texts or ["a", "b"]), **params)


@pytest.mark.parametrize(("ours", "theirs"), sorted(TASK_TYPES.items()))
def test_input_type_mapping(ours: str, theirs: str) -> None:
    body = build_predict_body(_req(input_type=ours))
    assert body == {"instances": [{"content": "a", "task_type": theirs}, {"content": "b", "task_type": theirs}]}


def test_every_neutral_input_type_is_mapped() -> None:
    assert set(TASK_TYPES) == set(INPUT_TYPES)


@pytest.mark.parametrize(("ours", "auto"), [("end", True), ("error", False)])
def test_truncate_mapping(ours: str, auto: bool) -> None:
    assert build_predict_body(_req(truncate=ours))["parameters"] == {"autoTruncate": auto}
    assert "parameters" not in build_predict_body(_req())


def test_dimensions_and_options_go_to_parameters() -> None:
    body = build_predict_body(_req("x", dimensions=256, provider_options={"vertexai": {"autoTruncate": False}}))
    assert body == {"instances": [{"content": "x"}], "parameters": {"outputDimensionality": 256, "autoTruncate": False}}


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"truncate": "start"}, "truncate"),
        ({"embedding_type": "int8"}, "embedding_type"),
        ({"embedding_type": "ubinary"}, "embedding_type"),
    ],
)
def test_refused_before_the_network(params: dict[str, Any], what: str) -> None:
    with pytest.raises(E.UnsupportedFeatureError, match=what):
        build_predict_body(_req(**params))


def _model(name: str, srv: CassetteServer, **kw: Any) -> Any:
    return llmcore.embedding_model(
        f"vertexai/{name}", credentials=V.token_credentials(), base_url=srv.url, **V.AUTHORED, **kw
    )


@pytest.mark.parametrize(
    ("params", "error"),
    [({"truncate": "start"}, E.UnsupportedFeatureError), ({"input_type": "search"}, E.InvalidRequestError)],
)
def test_refusal_through_the_facade_sends_nothing(params: dict[str, Any], error: type[Exception]) -> None:
    with CassetteServer([]) as srv, pytest.raises(error):
        _model("text-embedding-005", srv, retry=False).embed(["x"], **params)
    assert srv.received == []


def test_a_claude_model_is_refused() -> None:
    with CassetteServer([]) as srv, pytest.raises(E.UnsupportedFeatureError, match="Claude"):
        _model("claude-sonnet-4-5@20250929", srv, retry=False).embed(["x"])
    assert srv.received == []


def test_limits() -> None:
    assert embedding_limits("text-embedding-005") == (MAX_EMBED_TEXTS, MAX_EMBED_TOKENS) == (250, 20_000)
    assert embedding_limits("gemini-embedding-001") == (1, 20_000)
    assert embedding_limits("publishers/google/models/gemini-embedding-001") == (1, 20_000)


def _answer(model: str, n: int, first: int) -> dict[str, Any]:
    """A ``:predict`` interaction of ``n`` vectors ``[first + k, 0.5]``, 2 tokens each (synthetic:
    built here to count and order texts across calls, not a recording)."""
    preds = [
        {"embeddings": {"values": [float(first + k), 0.5], "statistics": {"token_count": 2, "truncated": False}}}
        for k in range(n)
    ]
    uri = (
        "https://us-central1-aiplatform.googleapis.com/v1/projects/llmcore-test/locations/us-central1/"
        f"publishers/google/models/{model}:predict"
    )
    return {
        "request": {"method": "POST", "uri": uri},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps({"predictions": preds}),
        },
    }


@pytest.mark.parametrize(
    ("model", "sizes"), [("text-embedding-005", [250, 250, 100]), ("gemini-embedding-001", [1, 1, 1])]
)
def test_the_facade_splits_to_the_model_limit_in_order(model: str, sizes: list[int]) -> None:
    texts = [f"t{i}" for i in range(sum(sizes))]
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    with CassetteServer([_answer(model, n, s) for n, s in zip(sizes, starts, strict=True)]) as srv:
        r = _model(model, srv, max_concurrency=1).embed(texts)
    assert not srv.problems
    assert [len(json.loads(x.content)["instances"]) for x in srv.received] == sizes
    assert [i["content"] for x in srv.received for i in json.loads(x.content)["instances"]] == texts
    assert [v[0] for v in r.vectors] == [float(i) for i in range(len(texts))]
    assert r.usage.input_tokens == 2 * len(texts)


def test_truncated_texts_are_reported() -> None:
    data = {
        "predictions": [
            {"embeddings": {"values": [1.0], "statistics": {"token_count": 2048, "truncated": True}}},
            {"embeddings": {"values": [2.0], "statistics": {"token_count": 3, "truncated": False}}},
        ]
    }
    r = parse_predict_response(data, _req())
    assert r.provider_metadata == {"truncated": [0]} and r.usage.input_tokens == 2051


def test_usage_is_none_when_a_count_is_missing() -> None:
    data = {
        "predictions": [
            {"embeddings": {"values": [1.0], "statistics": {"token_count": 2}}},
            {"embeddings": {"values": [2]}},
        ]
    }
    r = parse_predict_response(data, _req())
    assert r.usage.input_tokens is None and r.vectors == [[1.0], [2.0]]


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"predictions": []},
        {"predictions": "x"},
        {"predictions": [{"embeddings": {"values": [0.1]}}]},  # one vector for two texts
        {"predictions": [{"embeddings": {"values": [0.1, 0.2]}}, {"embeddings": {"values": [0.3]}}]},
        {"predictions": [{"embeddings": {"values": []}}, {"embeddings": {"values": []}}]},
        {"predictions": [{"embeddings": {"values": ["x"]}}, {"embeddings": {"values": [0.1]}}]},
        {"predictions": [{"embeddings": [0.1]}, {"embeddings": [0.2]}]},
        {"predictions": [{"values": [0.1]}, {"values": [0.2]}]},
        {"predictions": [5, 6]},
    ],
)
def test_bad_answers_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_predict_response(data, _req())
