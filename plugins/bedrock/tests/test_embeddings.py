"""Bedrock embeddings (InvokeModel) beyond the conformance kit: every recording replayed over the
cassette server (real loopback HTTP, SigV4 signed for real) on the default transport and through
``llmcore.embedding_model``, the sent body equal to the recorded one; one-text families split into
one request a text; parameter mapping and refusals before the network; wrong shapes typed."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from bedrock_cases import CASSETTES, FAKE, REC, check_body, verify_sigv4
from llmcore import errors as E
from llmcore.embeddings import embedding_request
from llmcore_bedrock.embeddings import build_embedding_body, embedding_family, parse_embedding_response
from llmcore_testing import EmbeddingCase
from llmcore_testing.conformance import run_case_served

TITAN = "ruby_llm__embedding_basic_functionality_bedrock_amazon_titan-embed-text-v2_0_can_handle_a_single_text_with_custom_dimensions.yaml"
NOVA = "ruby_llm__embedding_bedrock_embedding_dialects_bedrock_amazon_nova-2-multimodal-embeddings-v1_0_embeds_a_single_text.yaml"
COHERE = "ruby_llm__embedding_bedrock_embedding_dialects_bedrock_us_cohere_embed-v4_0_embeds_multiple_texts_with_custom_dimensions.yaml"
RUBY = "Ruby is a programmer's best friend"

CASES = {
    "titan_v2_1024": EmbeddingCase(TITAN, "amazon.titan-embed-text-v2:0", RUBY, {"dimensions": 1024}),
    "nova_256": EmbeddingCase(NOVA, "amazon.nova-2-multimodal-embeddings-v1:0", RUBY, {"dimensions": 256}),
    "cohere_v4_512": EmbeddingCase(
        COHERE, "us.cohere.embed-v4:0", ["Ruby", "Python", "JavaScript"], {"dimensions": 512}
    ),
}


def _make(_client: Any, case: Any) -> Any:
    from bedrock_cases import make_provider

    return make_provider(base_url=case.base_url)


def _serve(case: EmbeddingCase, path: str) -> tuple[Any, Any]:
    res, answer = asyncio.run(
        run_case_served(case, path, _make, CASSETTES, provider_name="bedrock", model_options=lambda c: FAKE.options())
    )
    if res.error is not None:
        raise res.error
    for r in res.sent:
        check_body(r)
        verify_sigv4(r)
    return res, answer


def _recorded_vector(cassette: str) -> list[list[float]]:
    data = json.loads(REC.response_text(cassette))
    if "embedding" in data:
        return [data["embedding"]]
    if isinstance(data["embeddings"], dict):
        return data["embeddings"]["float"]  # type: ignore[no-any-return]
    return [e["embedding"] for e in data["embeddings"]]


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_recordings(name: str, path: str) -> None:
    case = CASES[name]
    res, r = _serve(case, path)
    assert json.loads(res.sent[0].content) == REC.request_body(case.cassette)
    assert r.vectors == _recorded_vector(case.cassette)  # exactly the recorded numbers
    assert r.dimensions == case.params["dimensions"]
    assert r.provider == "bedrock"
    headers = REC.interactions(case.cassette)[0]["response"]["headers"]
    count = {k.lower(): v for k, v in headers.items()}["x-amzn-bedrock-input-token-count"]
    assert r.usage.input_tokens == int(count[0] if isinstance(count, list) else count)


def test_titan_sends_one_request_a_text_in_order() -> None:
    """Titan takes one inputText: three texts are three requests (each answered by the recording)."""
    case = EmbeddingCase(TITAN, "amazon.titan-embed-text-v2:0", ["one", "two", "three"], {"dimensions": 1024})
    for path in ("aiohttp", "facade"):
        res, r = _serve(case, path)
        assert [json.loads(x.content)["inputText"] for x in res.sent] == ["one", "two", "three"]
        assert len(r.vectors) == 3 and r.usage.input_tokens == 24  # 8 tokens recorded, three times


def _req(model: str, **params: Any) -> Any:
    return embedding_request(model, ["a", "b"], **params)


def test_families() -> None:
    assert embedding_family("amazon.titan-embed-text-v2:0") == "titan-v2"
    assert embedding_family("amazon.titan-embed-text-v1") == "titan-v1"
    assert embedding_family("cohere.embed-multilingual-v3") == "cohere"
    assert embedding_family("eu.cohere.embed-v4:0") == "cohere"
    assert embedding_family("amazon.nova-2-multimodal-embeddings-v1:0") == "nova"
    with pytest.raises(E.UnsupportedFeatureError, match="Titan"):
        embedding_family("amazon.nova-micro-v1:0")


def test_cohere_mapping() -> None:
    m = "cohere.embed-english-v3"
    assert build_embedding_body(_req(m)) == {"input_type": "search_document", "texts": ["a", "b"]}
    body = build_embedding_body(_req(m, input_type="query", truncate="error", embedding_type="int8"))
    assert body == {"input_type": "search_query", "texts": ["a", "b"], "truncate": "NONE", "embedding_types": ["int8"]}
    assert build_embedding_body(_req("cohere.embed-v4:0", dimensions=256))["output_dimension"] == 256


def test_titan_and_nova_mapping() -> None:
    assert build_embedding_body(_req("amazon.titan-embed-text-v2:0"), 1) == {"inputText": "b", "normalize": True}
    off = build_embedding_body(_req("amazon.titan-embed-text-v2:0", provider_options={"bedrock": {"normalize": False}}))
    assert off["normalize"] is False
    assert build_embedding_body(_req("amazon.titan-embed-text-v1")) == {"inputText": "a"}
    nova = build_embedding_body(_req("amazon.nova-2-multimodal-embeddings-v1:0", input_type="query", truncate="start"))
    assert nova["singleEmbeddingParams"] == {
        "embeddingPurpose": "TEXT_RETRIEVAL",
        "text": {"truncationMode": "START", "value": "a"},
    }


@pytest.mark.parametrize(
    ("model", "params", "what"),
    [
        ("amazon.titan-embed-text-v2:0", {"input_type": "query"}, "input_type"),
        ("amazon.titan-embed-text-v2:0", {"truncate": "end"}, "truncate"),
        ("amazon.titan-embed-text-v2:0", {"embedding_type": "binary"}, "embedding_type"),
        ("amazon.titan-embed-text-v1", {"dimensions": 256}, "dimensions"),
        ("cohere.embed-english-v3", {"dimensions": 256}, "dimensions"),
        ("cohere.embed-english-v3", {"input_type": "similarity"}, "input_type"),
        ("amazon.nova-2-multimodal-embeddings-v1:0", {"input_type": "code_query"}, "input_type"),
        ("amazon.nova-2-multimodal-embeddings-v1:0", {"embedding_type": "int8"}, "embedding_type"),
        ("meta.llama3-8b-instruct-v1:0", {}, "model"),
    ],
)
def test_refused_before_the_network(model: str, params: dict[str, Any], what: str) -> None:
    import llmcore

    m = llmcore.embedding_model(f"bedrock/{model}", base_url="http://127.0.0.1:9", retry=False, **FAKE.options())
    with pytest.raises(E.UnsupportedFeatureError, match=what):
        m.embed(["a", "b"], **params)


@pytest.mark.parametrize(
    ("model", "data"),
    [
        ("amazon.titan-embed-text-v2:0", None),
        ("amazon.titan-embed-text-v2:0", {"embedding": "x"}),
        ("amazon.titan-embed-text-v2:0", {"embedding": [True]}),
        ("amazon.nova-2-multimodal-embeddings-v1:0", {"embeddings": []}),
        ("amazon.nova-2-multimodal-embeddings-v1:0", {"embeddings": ["x"]}),
        ("cohere.embed-v4:0", {"embeddings": [[0.1]]}),  # one vector for two texts
        ("cohere.embed-v4:0", {"embeddings": {"int8": [[1], [2]]}}),  # not the asked type
    ],
)
def test_bad_answers_are_typed(model: str, data: Any) -> None:
    req = _req(model)
    with pytest.raises(E.ProviderResponseError):
        parse_embedding_response(data, req, {}, 1 if "cohere" not in model else 2)


def test_cohere_answers_by_type_and_as_a_list() -> None:
    req = _req("cohere.embed-english-v3")
    vectors, tokens, _ = parse_embedding_response(
        {"embeddings": [[0.5], [0.25]]}, req, {"x-amzn-bedrock-input-token-count": "2"}, 2
    )
    assert vectors == [[0.5], [0.25]] and tokens == 2
    req = _req("cohere.embed-english-v3", embedding_type="uint8")
    vectors, tokens, _ = parse_embedding_response({"embeddings": {"uint8": [[0, 255], [1, 2]]}}, req, {}, 2)
    assert vectors == [[0, 255], [1, 2]] and tokens is None
