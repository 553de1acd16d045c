"""Workers AI embeddings and rerank beyond the kit: the authored cassettes over the cassette server on both
transports and through ``llmcore.embedding_model``/``rerank_model`` (the sent body equal to the cassette's);
the split at 100 texts; refusals before the network; wrong shapes and failed envelopes typed."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import cloudflare_cases as C
import llmcore
import pytest
from llmcore import errors as E
from llmcore.embeddings import embedding_request, rerank_request
from llmcore_cloudflare.embeddings import build_embed_body, build_rerank_body, parse_embed_result, parse_rerank_result
from llmcore_testing import TEST_API_KEY, RerankCase
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.conformance import run_case_served


def _provider(case: Any) -> Any:
    from llmcore.provider import ProviderConfig
    from llmcore_cloudflare.provider import CloudflareProvider

    return CloudflareProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, options=dict(case.options)))


def _serve(case: Any, path: str) -> tuple[Any, Any]:
    res, answer = asyncio.run(
        run_case_served(
            case,
            path,
            lambda _c, k: _provider(k),
            C.CASSETTES,
            spec_base_url="https://api.cloudflare.com/client/v4",
            provider_name="cloudflare",
        )
    )
    if res.error is not None:
        raise res.error
    for r in res.sent:
        assert r.url.path == f"/client/v4/accounts/{C.ACCOUNT}/ai/run/{case.model}"
        assert r.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    return res, answer


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_embed_authored(path: str) -> None:
    res, r = _serve(C.EMBED, path)
    assert json.loads(res.sent[0].content) == C.REC.request_body(C.EMBED.cassette)
    result = json.loads(C.REC.response_text(C.EMBED.cassette))["result"]
    assert r.vectors == result["data"] and r.dimensions == 384 and len(r.vectors) == 3
    assert r.usage.input_tokens is None and r.provider_metadata == {"pooling": "mean"}


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
@pytest.mark.parametrize("top_n", [None, 1])
def test_rerank_authored(path: str, top_n: int | None) -> None:
    case = RerankCase(
        C.RERANK.cassette, C.RERANK.model, C.RERANK.query, C.RERANK.documents, top_n=top_n, options=C.OPTIONS
    )
    res, r = _serve(case, path)
    sent = json.loads(res.sent[0].content)
    assert sent == {**C.REC.request_body(case.cassette), **({"top_k": top_n} if top_n else {})}
    want = [(1, 0.0398936, "a cyberpunk cat"), (0, 0.0251473, "a cyberpunk lizzard")][: top_n or 2]
    assert [(x.index, x.score, x.document) for x in r.results] == want


def _answer(n: int, first: int) -> dict[str, Any]:
    """An ``ai/run`` embeddings answer of ``n`` vectors ``[first + k, 0.5]`` (synthetic, to count texts)."""
    result = {"shape": [n, 2], "data": [[float(first + k), 0.5] for k in range(n)]}
    return {
        "request": {
            "method": "POST",
            "uri": f"http://cf.example/accounts/{C.ACCOUNT}/ai/run/@cf/baai/bge-small-en-v1.5",
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps({"result": result, "success": True, "errors": [], "messages": []}),
        },
    }


def test_split_at_100_texts_in_order() -> None:
    texts = [f"t{i}" for i in range(230)]
    with CassetteServer([_answer(100, 0), _answer(100, 100), _answer(30, 200)]) as srv:
        m = llmcore.embedding_model(
            "cloudflare/@cf/baai/bge-small-en-v1.5",
            api_key=TEST_API_KEY,
            base_url=srv.url,
            account_id=C.ACCOUNT,
            max_concurrency=1,
        )
        r = m.embed(texts)
    assert not srv.problems
    bodies = [json.loads(x.content) for x in srv.received]
    assert [len(b["text"]) for b in bodies] == [100, 100, 30]
    assert [v[0] for v in r.vectors] == [float(i) for i in range(230)]


@pytest.mark.parametrize(
    "params",
    [
        {"input_type": "query"},
        {"dimensions": 128},
        {"truncate": "end"},
        {"truncate": "error"},
        {"embedding_type": "int8"},
    ],
)
def test_refused_before_the_network(params: dict[str, Any]) -> None:
    with pytest.raises(E.UnsupportedFeatureError, match=next(iter(params))):
        build_embed_body(embedding_request("@cf/baai/bge-small-en-v1.5", ["a"], **params))


def test_pooling_option() -> None:
    req = embedding_request("@cf/baai/bge-base-en-v1.5", ["a"], provider_options={"cloudflare": {"pooling": "cls"}})
    assert build_embed_body(req) == {"text": ["a"], "pooling": "cls"}
    assert build_rerank_body(rerank_request("m", "q", ["a", "b"], top_n=1)) == {
        "query": "q",
        "contexts": [{"text": "a"}, {"text": "b"}],
        "top_k": 1,
    }


@pytest.mark.parametrize(
    "result",
    [
        None,
        {},
        {"data": [[0.1, 0.2]]},
        {"data": [[0.1], [0.1, 0.2]]},
        {"data": [[], []]},
        {"data": [[0.1, 0.2], [0.3, 0.4]], "shape": [2, 3]},
        {"data": [["x"], [0.1]]},
    ],
)
def test_wrong_embedding_shapes_are_typed(result: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_embed_result(result, embedding_request("m", ["a", "b"]))


@pytest.mark.parametrize(
    "result",
    [
        None,
        {},
        {"response": []},
        {"response": [{"id": 2, "score": 0.1}]},
        {"response": [{"id": 0, "score": "x"}]},
        {"response": [{"id": 0, "score": 0.1}, {"id": 0, "score": 0.2}]},
        {"response": [{"index": 0, "score": 0.1}]},
    ],
)
def test_wrong_rerank_shapes_are_typed(result: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_rerank_result(result, rerank_request("m", "q", ["a", "b"]))


def test_failed_envelope_is_typed() -> None:
    body = {"result": None, "success": False, "errors": [{"code": 5007, "message": "No such model"}], "messages": []}
    answer = {
        "request": {"method": "POST", "uri": f"http://cf.example/accounts/{C.ACCOUNT}/ai/run/@cf/baai/bge-nope"},
        "response": {
            "status": {"code": 400, "message": "Bad Request"},
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps(body),
        },
    }
    with CassetteServer([answer]) as srv:
        m = llmcore.embedding_model(
            "cloudflare/@cf/baai/bge-nope", api_key=TEST_API_KEY, base_url=srv.url, account_id=C.ACCOUNT, retry=False
        )
        with pytest.raises(E.NotFoundError, match="No such model"):
            m.embed(["a"])
