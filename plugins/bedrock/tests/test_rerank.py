"""Bedrock Rerank (Agents for Amazon Bedrock Runtime ``POST /rerank``) beyond the conformance kit:
the authored cassette replayed over the cassette server (real loopback HTTP, SigV4 signed for
real and checked) on both transports and through ``llmcore.rerank_model``, the sent body equal
to the cassette's; the endpoint and model ARN; refusals before the network; ``nextToken`` pages;
wrong shapes and HTTP errors typed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from bedrock_cases import CASSETTES, FAKE, REC, check_body, make_provider, verify_sigv4
from llmcore import errors as E
from llmcore.embeddings import rerank_request
from llmcore_bedrock.rerank import agent_runtime_url, build_rerank_body, model_arn
from llmcore_testing import RerankCase, cassette_format
from llmcore_testing.conformance import run_case_served

CASSETTE = "authored__rerank_cohere_v3_5.yaml"
MODEL = "cohere.rerank-v3-5:0"
DOCS = [
    "Rain is expected all day; take an umbrella.",
    "A sunny day at the beach.",
    "The museum is open until six on weekdays.",
    "Fresh bread is baked every morning.",
    "The train to the airport leaves every ten minutes.",
    "Puddles and grey skies: a rainy day in the city.",
]
CASE = RerankCase(CASSETTE, MODEL, "rainy day", DOCS, top_n=2)


def _make(_client: Any, case: Any) -> Any:
    return make_provider(base_url=case.base_url)


def _serve(case: RerankCase, path: str, cassette_dir: Path = CASSETTES) -> tuple[Any, Any]:
    res, answer = asyncio.run(
        run_case_served(
            case,
            path,
            _make,
            cassette_dir,
            provider_name="bedrock",
            model_options=lambda c: FAKE.options(),
        )
    )
    if res.error is not None:
        raise res.error
    for r in res.sent:
        check_body(r)
        verify_sigv4(r)
    return res, answer


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_authored_cassette(path: str) -> None:
    res, r = _serve(CASE, path)
    assert len(res.sent) == 1 and res.sent[0].url.path == "/rerank"
    assert json.loads(res.sent[0].content) == REC.request_body(CASSETTE)
    assert [(x.index, x.score, x.document) for x in r.results] == [
        (0, 0.5110583305358887, DOCS[0]),
        (5, 0.30241215229034424, DOCS[5]),
    ]
    assert r.provider == "bedrock" and r.model == MODEL
    assert r.usage.input_tokens is None  # Bedrock reports no usage for Rerank


def test_agent_runtime_url() -> None:
    assert agent_runtime_url("https://bedrock-runtime.us-west-2.amazonaws.com") == (
        "https://bedrock-agent-runtime.us-west-2.amazonaws.com"
    )
    assert agent_runtime_url("https://bedrock-runtime-fips.us-east-1.amazonaws.com") == (
        "https://bedrock-agent-runtime-fips.us-east-1.amazonaws.com"
    )
    assert agent_runtime_url("https://bedrock-runtime.cn-north-1.amazonaws.com.cn") == (
        "https://bedrock-agent-runtime.cn-north-1.amazonaws.com.cn"
    )
    # a proxy or local server is used for both
    assert agent_runtime_url("http://127.0.0.1:9000") == "http://127.0.0.1:9000"


def test_agent_base_url_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    assert make_provider(options=FAKE.options(region="eu-west-1")).agent_base_url == (
        "https://bedrock-agent-runtime.eu-west-1.amazonaws.com"
    )
    assert make_provider(base_url="http://127.0.0.1:9").agent_base_url == "http://127.0.0.1:9"
    opt = make_provider(options=FAKE.options(agent_base_url="https://agents.example/"))
    assert opt.agent_base_url == "https://agents.example"
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME", "https://vpce-agents.example")
    assert make_provider().agent_base_url == "https://vpce-agents.example"
    with pytest.raises(E.ConfigurationError):
        make_provider(options=FAKE.options(agent_base_url="https://user:pw@agents.example"))


def test_model_arn() -> None:
    assert (
        model_arn("amazon.rerank-v1:0", "us-west-2") == "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0"
    )
    assert model_arn("m", "us-gov-west-1").startswith("arn:aws-us-gov:bedrock:us-gov-west-1::")
    assert model_arn("m", "cn-north-1").startswith("arn:aws-cn:bedrock:cn-north-1::")
    arn = "arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0"
    assert model_arn(arn, None) == arn
    with pytest.raises(E.UnsupportedFeatureError, match="region"):
        model_arn("amazon.rerank-v1:0", None)


def test_no_region_is_refused_before_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    p = make_provider(api_key="k" * 8, base_url="http://127.0.0.1:9")  # nothing listens: must not be reached
    with pytest.raises(E.UnsupportedFeatureError, match="region"):
        asyncio.run(p.rerank(rerank_request(MODEL, "q", ["a"])))


def test_body_mapping_and_refusals() -> None:
    req = rerank_request(
        MODEL,
        "q",
        ["a", "b"],
        provider_options={"bedrock": {"additionalModelRequestFields": {"max_tokens_per_doc": 512}}},
    )
    body = build_rerank_body(req, "us-east-1")
    conf = body["rerankingConfiguration"]["bedrockRerankingConfiguration"]
    assert "numberOfResults" not in conf  # no top_n: the API's default
    assert conf["modelConfiguration"]["additionalModelRequestFields"] == {"max_tokens_per_doc": 512}
    with pytest.raises(E.UnsupportedFeatureError, match="1000 documents"):
        build_rerank_body(rerank_request(MODEL, "q", ["d"] * 1001), "us-east-1")
    with pytest.raises(E.UnsupportedFeatureError, match="top_n"):
        build_rerank_body(rerank_request(MODEL, "q", ["d"], top_n=1001), "us-east-1")
    with pytest.raises(E.UnsupportedFeatureError, match="provider_options"):
        build_rerank_body(rerank_request(MODEL, "q", ["d"], provider_options={"bedrock": {"topN": 1}}), "us-east-1")


def _write(tmp_path: Path, bodies: list[tuple[int, Any]]) -> Path:
    """A cassette (test data, not committed) of ``/rerank`` answers with these statuses and bodies."""
    interactions = [
        {
            "request": {
                "method": "POST",
                "uri": "https://bedrock-agent-runtime.us-east-1.amazonaws.com/rerank",
                "body": "",
                "headers": {},
            },
            "response": {
                "status": {"code": status, "message": ""},
                "headers": {
                    "Content-Type": ["application/json"],
                    "x-amzn-RequestId": ["r-1"],
                    **({"x-amzn-ErrorType": ["ThrottlingException:"]} if status == 429 else {}),
                },
                "body": {"string": body if isinstance(body, str) else json.dumps(body)},
            },
        }
        for status, body in bodies
    ]
    (tmp_path / "c.yaml").write_text(cassette_format.serialize({"version": 1, "interactions": interactions}))
    return tmp_path


def test_next_token_pages_are_followed_and_merged(tmp_path: Path) -> None:
    _write(
        tmp_path,
        [
            (200, {"results": [{"index": 2, "relevanceScore": 0.2}], "nextToken": "page-2"}),
            (200, {"results": [{"index": 0, "relevanceScore": 0.9}, {"index": 1, "relevanceScore": 0.1}]}),
        ],
    )
    case = RerankCase("c.yaml", MODEL, "q", ["a", "b", "c"], top_n=2)
    res, r = _serve(case, "aiohttp", tmp_path)
    assert "nextToken" not in json.loads(res.sent[0].content)
    assert json.loads(res.sent[1].content)["nextToken"] == "page-2"
    assert [(x.index, x.score) for x in r.results] == [(0, 0.9), (2, 0.2)]  # best first, top_n kept


@pytest.mark.parametrize(
    "body",
    [
        {"nothing": []},
        {"results": [{"index": 3, "relevanceScore": 0.5}]},
        {"results": [{"index": 0, "relevanceScore": 0.5}, {"index": 0, "relevanceScore": 0.4}]},
        {"results": [{"index": 0, "relevanceScore": "high"}]},
        {"results": [{"index": True, "relevanceScore": 0.5}]},
        {"results": []},
        "not json",
        [1, 2],
    ],
)
def test_wrong_shapes_are_typed(tmp_path: Path, body: Any) -> None:
    _write(tmp_path, [(200, body)])
    with pytest.raises(E.ProviderResponseError):
        _serve(RerankCase("c.yaml", MODEL, "q", ["a", "b"]), "aiohttp", tmp_path)


def test_nan_score_is_typed(tmp_path: Path) -> None:
    _write(tmp_path, [(200, '{"results": [{"index": 0, "relevanceScore": NaN}]}')])
    with pytest.raises(E.ProviderResponseError):
        _serve(RerankCase("c.yaml", MODEL, "q", ["a"]), "aiohttp", tmp_path)


def test_throttling_is_a_rate_limit_error(tmp_path: Path) -> None:
    _write(tmp_path, [(429, {"message": "Your request rate is too high."})])
    with pytest.raises(E.RateLimitError, match="rate is too high"):
        _serve(RerankCase("c.yaml", MODEL, "q", ["a"]), "aiohttp", tmp_path)
