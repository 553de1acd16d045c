"""Mistral ``/v1/embeddings`` beyond the kit: both recordings replayed over the cassette server on the
default transport and through the facade (sent body spec-valid, vectors exactly the recorded ones);
``dimensions`` → ``output_dimension``; what Mistral cannot do is refused before the network."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.embeddings import embedding_request
from llmcore.provider import ProviderConfig
from llmcore_mistral.provider import MistralProvider
from llmcore_openai.embeddings import build_embeddings_body
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served
from mistral_cases import CASSETTES, validate

REC = Recordings(CASSETTES)
CASES = {
    "ruby_llm": EmbeddingCase(
        "ruby_llm__embedding_basic_functionality_mistral_mistral-embed_can_handle_a_single_text.yaml",
        "mistral-embed",
        "Ruby is a programmer's best friend",
    ),
    "openllmetry": EmbeddingCase(
        "openllmetry__test_mistral_embeddings_legacy.yaml", "mistral-embed", "Tell me a joke about OpenTelemetry"
    ),
}


def _make(_client: Any, case: Any) -> MistralProvider:
    return MistralProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url))


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_recordings(name: str, path: str) -> None:
    case = CASES[name]
    res, r = asyncio.run(
        run_case_served(
            case, path, _make, CASSETTES, spec_base_url="https://api.mistral.ai/v1", provider_name="mistral"
        )
    )
    assert res.error is None, res.error
    validate(res.sent[0])
    sent = json.loads(res.sent[0].content)
    assert sent == {"model": "mistral-embed", "input": [case.texts]}
    data = json.loads(REC.response_text(case.cassette))
    assert r.vectors == [data["data"][0]["embedding"]] and r.dimensions == 1024
    assert r.usage.input_tokens == data["usage"]["prompt_tokens"]


def test_dimensions_are_output_dimension() -> None:
    req = embedding_request("codestral-embed", ["a"], dimensions=256)
    body = build_embeddings_body(req, "mistral", base64=False, dimensions_field="output_dimension")
    assert body == {"model": "codestral-embed", "input": ["a"], "output_dimension": 256}
    from llmcore_testing.openapi import load_spec
    from mistral_cases import SPEC_PATH

    assert not load_spec(SPEC_PATH).errors("POST", "/v1/embeddings", body)
    assert MistralProvider.embeddings_dimensions_field == "output_dimension"


@pytest.mark.parametrize("params", [{"input_type": "query"}, {"truncate": "end"}, {"embedding_type": "int8"}])
def test_refused_before_the_network(params: dict[str, Any]) -> None:
    import llmcore

    m = llmcore.embedding_model(
        "mistral/mistral-embed", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False
    )
    with pytest.raises(E.UnsupportedFeatureError):
        m.embed(["a"], **params)


def test_limits() -> None:
    p = MistralProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert p.embedding_limits("mistral-embed") == (256, 16_000)
